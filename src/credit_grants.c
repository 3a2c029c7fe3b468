/*-------------------------------------------------------------------------
 *
 * credit_grants.c
 *	  Credits coming in and the view of what is there: a grant creates a
 *	  batch with its grant entry (keyed grants are replayed, not repeated);
 *	  a balance sums an owner's live batches.
 *
 * The statements come in pairs, one per owner column (user_id,
 * organization_id), so that each uses its owner column's index.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "innotrue.h"
#include "credits_internal.h"
#include "input_limits.h"
#include "spi_stmt.h"

/* ---------------------------------------------------------------------
 * Grants
 * ---------------------------------------------------------------------
 */

/* A granted batch of user $1 and its grant entry; nothing when key $5 was used. */
static SpiStatement q_grant_user = SPI_STATEMENT(
	"WITH b AS (INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, expires_at, idempotency_key)"
	"           VALUES ($1, $2, $3, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, amount),"
	" l AS (INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount) SELECT id, 'grant', amount FROM b)"
	" SELECT id FROM b",
	UUIDOID, TEXTOID, INT8OID, TIMESTAMPTZOID, TEXTOID);

/* q_grant_user for organization $1. */
static SpiStatement q_grant_org = SPI_STATEMENT(
	"WITH b AS (INSERT INTO innotrue.credit_batches (organization_id, source, amount, remaining, expires_at,"
	"                                                idempotency_key)"
	"           VALUES ($1, $2, $3, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, amount),"
	" l AS (INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount) SELECT id, 'grant', amount FROM b)"
	" SELECT id FROM b",
	UUIDOID, TEXTOID, INT8OID, TIMESTAMPTZOID, TEXTOID);

/* The batch of key $5, and whether it was granted with the same request. */
static SpiStatement q_grant_replay = SPI_STATEMENT(
	"SELECT id, coalesce(user_id, organization_id) = $1 AND source = $2 AND amount = $3"
	"           AND expires_at IS NOT DISTINCT FROM $4"
	"  FROM innotrue.credit_batches WHERE idempotency_key = $5",
	UUIDOID, TEXTOID, INT8OID, TIMESTAMPTZOID, TEXTOID);

/* Result columns of q_grant_user, q_grant_org and q_grant_replay. */
enum
{
	GRANT_BATCH_ID = 1, GRANT_SAME_REQUEST
};

/*
 * Whether user $1 holds more than $2 credits in live batches (remaining > 0,
 * expired or not); summed as numeric, which cannot overflow.
 */
static SpiStatement q_live_total_user = SPI_STATEMENT(
	"SELECT coalesce(sum(remaining), 0) > $2 FROM innotrue.credit_batches WHERE user_id = $1 AND remaining > 0",
	UUIDOID, INT8OID);

/* q_live_total_user for organization $1. */
static SpiStatement q_live_total_org = SPI_STATEMENT(
	"SELECT coalesce(sum(remaining), 0) > $2 FROM innotrue.credit_batches WHERE organization_id = $1 AND remaining > 0",
	UUIDOID, INT8OID);

/* Result columns of q_live_total_user and q_live_total_org. */
enum
{
	LIVE_TOTAL_OVER = 1
};

/*
 * check_live_total
 *	  After a grant: the owner's live batches may hold at most
 *	  INNOTRUE_MAX_CREDIT_BALANCE credits, so no sum over them can overflow.
 *	  Checked after the insert (the error undoes it), so that the replay of a
 *	  keyed grant is never refused.
 */
static void
check_live_total(CreditOwner owner)
{
	SpiStatement *q = owner.is_org ? &q_live_total_org : &q_live_total_user;
	SpiArgs		a;

	spi_args_init(&a, q);
	spi_arg(&a, 1, owner.id);
	spi_arg(&a, 2, Int64GetDatum(INNOTRUE_MAX_CREDIT_BALANCE));
	spi_run(q, &a);
	if (DatumGetBool(spi_result_notnull(0, LIVE_TOTAL_OVER)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("amount would take the owner's credits past the maximum"),
				 errdetail("An owner may hold at most %lld credits in unspent batches.",
						   (long long) INNOTRUE_MAX_CREDIT_BALANCE)));
}

/* grant_args: the arguments of q_grant_* and q_grant_replay (they are the same). */
static void
grant_args(SpiArgs *a, SpiStatement *q, CreditOwner owner, text *source, int64 amount, bool has_expiry,
		   TimestampTz expires_at, text *key)
{
	spi_args_init(a, q);
	spi_arg(a, 1, owner.id);
	spi_arg(a, 2, PointerGetDatum(source));
	spi_arg(a, 3, Int64GetDatum(amount));
	if (has_expiry)
		spi_arg(a, 4, TimestampTzGetDatum(expires_at));
	else
		spi_arg_null(a, 4);
	if (key != NULL)
		spi_arg(a, 5, PointerGetDatum(key));
	else
		spi_arg_null(a, 5);
}

/*
 * credit_grant
 *	  A new batch of the owner (a user or an organization) with its grant
 *	  entry (the caller checked the arguments); a repeated key returns the
 *	  first batch when the request is the same and is refused otherwise.
 *	  Returns the batch id.
 */
Datum
credit_grant(Datum owner_id, text *source_text, int64 amount, bool has_expiry, TimestampTz expires_at,
			 text *key)
{
	CreditOwner owner = credit_resolve_owner(owner_id);
	char	   *source = text_to_cstring(source_text);
	SpiStatement *q = owner.is_org ? &q_grant_org : &q_grant_user;
	SpiArgs		a;
	bool		inserted;
	Datum		batch_id;

	if ((strcmp(source, "purchase") == 0 && owner.is_org) ||
		(strcmp(source, "org_purchase") == 0 && !owner.is_org))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source %s does not fit owner %s", source, credit_uuid_text(owner.id)),
				 errdetail("purchase batches belong to users, org_purchase batches to organizations.")));
	grant_args(&a, q, owner, source_text, amount, has_expiry, expires_at, key);
	spi_run(q, &a);
	inserted = SPI_processed > 0;
	if (!inserted)
	{
		grant_args(&a, &q_grant_replay, owner, source_text, amount, has_expiry, expires_at, key);
		spi_run(&q_grant_replay, &a);
		if (SPI_processed == 0 || !DatumGetBool(spi_result_notnull(0, GRANT_SAME_REQUEST)))
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("idempotency key %s was already used for another grant",
							key != NULL ? text_to_cstring(key) : "")));
	}
	batch_id = credit_copy_uuid(spi_result_notnull(0, GRANT_BATCH_ID));
	if (inserted)
		check_live_total(owner);
	return batch_id;
}

/* ---------------------------------------------------------------------
 * Balances
 * ---------------------------------------------------------------------
 */

/*
 * User $1's balance from its live batches (remaining > 0, not expired): the
 * total, the total per source, the amount expiring next and when.
 */
static SpiStatement q_balance_user = SPI_STATEMENT(
	"SELECT coalesce(sum(x.s), 0)::bigint, coalesce(jsonb_object_agg(x.source, x.s), '{}'),"
	"       (SELECT sum(b.remaining)::bigint FROM innotrue.credit_batches b"
	"         WHERE b.user_id = $1 AND b.remaining > 0 AND b.expires_at = min(x.next_exp)),"
	"       min(x.next_exp)"
	"  FROM (SELECT source, sum(remaining) AS s, min(expires_at) AS next_exp"
	"          FROM innotrue.credit_batches WHERE user_id = $1 AND remaining > 0"
	"           AND (expires_at IS NULL OR expires_at > now()) GROUP BY source) AS x",
	UUIDOID);

/* q_balance_user for organization $1. */
static SpiStatement q_balance_org = SPI_STATEMENT(
	"SELECT coalesce(sum(x.s), 0)::bigint, coalesce(jsonb_object_agg(x.source, x.s), '{}'),"
	"       (SELECT sum(b.remaining)::bigint FROM innotrue.credit_batches b"
	"         WHERE b.organization_id = $1 AND b.remaining > 0 AND b.expires_at = min(x.next_exp)),"
	"       min(x.next_exp)"
	"  FROM (SELECT source, sum(remaining) AS s, min(expires_at) AS next_exp"
	"          FROM innotrue.credit_batches WHERE organization_id = $1 AND remaining > 0"
	"           AND (expires_at IS NULL OR expires_at > now()) GROUP BY source) AS x",
	UUIDOID);

/* Result columns of q_balance_user and q_balance_org. */
enum
{
	BALANCE_AVAILABLE = 1, BALANCE_BY_SOURCE, BALANCE_NEXT_EXPIRING_AMOUNT, BALANCE_NEXT_EXPIRING_AT
};

static SpiStatement q_open_held = SPI_STATEMENT(
	"SELECT coalesce(sum(cost), 0)::bigint FROM innotrue.credit_holds WHERE user_id = $1 AND status = 'held'",
	UUIDOID);

/* Result columns of q_open_held. */
enum
{
	OPEN_HELD_TOTAL = 1
};

/*
 * credit_balance
 *	  The row of credit_balance(owner) into values/nulls (CREDIT_BALANCE_*):
 *	  for a user, after this month's plan allowance was made available and
 *	  the expired holds returned; computed from the owner's live batches
 *	  through the partial spendable index, so its cost does not grow with
 *	  the ledger. The jsonb is in the caller's SPI memory.
 */
void
credit_balance(Datum id, Datum *values, bool *nulls)
{
	CreditOwner owner = credit_resolve_owner(id);
	SpiStatement *q = owner.is_org ? &q_balance_org : &q_balance_user;
	SpiArgs		a;

	if (!owner.is_org)
	{
		AiDebts		debts = {0};

		credit_ensure_plan_allowance(id, credit_user_allowance(id));
		credit_prepare_user(id, 0, &debts);
		credit_ai_settle(&debts);
	}
	spi_args_init(&a, q);
	spi_arg(&a, 1, id);
	spi_run(q, &a);
	values[CREDIT_BALANCE_AVAILABLE] = spi_result_notnull(0, BALANCE_AVAILABLE);
	nulls[CREDIT_BALANCE_AVAILABLE] = false;
	values[CREDIT_BALANCE_BY_SOURCE] = PointerGetDatum(DatumGetJsonbPCopy(spi_result_notnull(0, BALANCE_BY_SOURCE)));
	nulls[CREDIT_BALANCE_BY_SOURCE] = false;
	values[CREDIT_BALANCE_NEXT_AMOUNT] = spi_result(0, BALANCE_NEXT_EXPIRING_AMOUNT,
													&nulls[CREDIT_BALANCE_NEXT_AMOUNT]);
	values[CREDIT_BALANCE_NEXT_AT] = spi_result(0, BALANCE_NEXT_EXPIRING_AT, &nulls[CREDIT_BALANCE_NEXT_AT]);
	nulls[CREDIT_BALANCE_HELD] = false;
	if (owner.is_org)
		values[CREDIT_BALANCE_HELD] = Int64GetDatum(0);
	else
	{
		spi_args_init(&a, &q_open_held);
		spi_arg(&a, 1, id);
		spi_run(&q_open_held, &a);
		values[CREDIT_BALANCE_HELD] = spi_result_notnull(0, OPEN_HELD_TOTAL);
	}
}
