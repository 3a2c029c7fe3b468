/*-------------------------------------------------------------------------
 *
 * credit_holds.c
 *	  What happens to credits after they were taken: a hold is captured
 *	  (becomes the deduction with its id), released, or expires (returned
 *	  lazily on the user's next operation, or by the sweep); a deduction is
 *	  refunded once.
 *
 * Lock order (credit_batches.c): the hold or deduction row first (FOR
 * UPDATE), then the owner's credit lock (with the AI counter's when an AI
 * count is given back), then the batches. The expiry of a user's holds
 * locks all of them before any batch; their AI give-backs are deferred to
 * the caller (AiDebts), which settles them after its last batch lock.
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
#include "relscan.h"
#include "spi_stmt.h"

/* The open holds of a user, to probe for expired ones. */
static const RelScanSpec hold_scan_specs[] = {
	{"credit_holds", "credit_holds_open_idx", 1, {"user_id", "expires_at", "status"}},
};
static RelScanResolved hold_scan_resolved[lengthof(hold_scan_specs)];
static RelScanSet hold_scans = RELSCAN_SET(hold_scan_specs, hold_scan_resolved);

enum
{
	OPEN_HOLD_USER, OPEN_HOLD_EXPIRES_AT, OPEN_HOLD_STATUS
};

/* A hold, locked, with its batches as two arrays in the hold's order. */
static SpiStatement q_lock_hold = SPI_STATEMENT(
	"SELECT h.status, h.expires_at <= now(), h.user_id, h.credit_service_id, h.quantity, h.cost, h.ai_period,"
	"       h.reference,"
	"       ARRAY(SELECT (e->>'batch_id')::uuid FROM jsonb_array_elements(h.batches) WITH ORDINALITY AS x (e, o)"
	"              ORDER BY o),"
	"       ARRAY(SELECT (e->>'amount')::bigint FROM jsonb_array_elements(h.batches) WITH ORDINALITY AS x (e, o)"
	"              ORDER BY o)"
	"  FROM innotrue.credit_holds h WHERE h.id = $1 FOR UPDATE",
	UUIDOID);

/* Result columns of q_lock_hold. */
enum
{
	HOLD_STATUS = 1, HOLD_EXPIRED, HOLD_USER, HOLD_SERVICE, HOLD_QUANTITY, HOLD_COST, HOLD_AI_PERIOD,
	HOLD_REFERENCE, HOLD_BATCH_IDS, HOLD_AMOUNTS
};

static SpiStatement q_set_hold_status = SPI_STATEMENT(
	"UPDATE innotrue.credit_holds SET status = $2 WHERE id = $1",
	UUIDOID, TEXTOID);

static SpiStatement q_expired_holds = SPI_STATEMENT(
	"SELECT id FROM innotrue.credit_holds WHERE user_id = $1 AND status = 'held' AND expires_at <= now()"
	" ORDER BY id FOR UPDATE",
	UUIDOID);

static SpiStatement q_all_expired_holds = SPI_STATEMENT(
	"SELECT id FROM innotrue.credit_holds WHERE status = 'held' AND expires_at <= now() ORDER BY id FOR UPDATE");

/* Result columns of q_expired_holds and q_all_expired_holds. */
enum
{
	EXPIRED_HOLD_ID = 1
};

/*
 * batch_arrays
 *	  The batch ids and amounts of the locked hold or deduction in SPI's
 *	  current result (columns ids_col and amounts_col), copied out of it.
 */
static int
batch_arrays(int ids_col, int amounts_col, Datum **ids, Datum **amounts)
{
	int			n;
	int			m;

	*ids = credit_array_elems(spi_result_notnull(0, ids_col), UUIDOID, &n);
	*amounts = credit_array_elems(spi_result_notnull(0, amounts_col), INT8OID, &m);
	Assert(n == m);
	return n;
}

/* lock_hold: runs q_lock_hold; whether the hold exists (its row is SPI's current result). */
static bool
lock_hold(Datum hold_id)
{
	SpiArgs		a;

	spi_args_init(&a, &q_lock_hold);
	spi_arg(&a, 1, hold_id);
	spi_run(&q_lock_hold, &a);
	return SPI_processed > 0;
}

/* set_hold_status: the hold's new status. */
static void
set_hold_status(Datum hold_id, const char *status)
{
	SpiArgs		a;

	spi_args_init(&a, &q_set_hold_status);
	spi_arg(&a, 1, hold_id);
	spi_arg(&a, 2, CStringGetTextDatum(status));
	spi_run(&q_set_hold_status, &a);
}

/*
 * give_back_hold
 *	  Returns a locked, open hold's credits to its batches (release entries)
 *	  and sets its status (released or expired); its AI count is given back
 *	  through debts (settled by the caller after its last batch lock).
 */
static void
give_back_hold(Datum hold_id, const char *new_status, AiDebts *debts)
{
	Datum	   *ids;
	Datum	   *amts;
	int			n;
	bool		no_ai;
	Datum		ai_period;
	int64		cost;
	CreditOwner owner;

	if (!lock_hold(hold_id))
		return;
	ai_period = spi_result(0, HOLD_AI_PERIOD, &no_ai);
	cost = DatumGetInt64(spi_result_notnull(0, HOLD_COST));
	n = batch_arrays(HOLD_BATCH_IDS, HOLD_AMOUNTS, &ids, &amts);
	owner = credit_owner(credit_copy_uuid(spi_result_notnull(0, HOLD_USER)), false);
	credit_lock_owner_for(owner, !no_ai);
	credit_apply_entries(ids, amts, n, "release", hold_id, (Datum) 0);
	if (!no_ai)
		credit_ai_defer(debts, ai_period, cost);
	set_hold_status(hold_id, new_status);
}

/*
 * has_expired_hold
 *	  Whether the user has an open hold past its expiry: an index probe of
 *	  the open holds, so that the common case (none) runs no locking statement.
 */
static bool
has_expired_hold(Datum user_id)
{
	RelScan		rs;
	bool		found = false;
	TimestampTz now = GetCurrentTransactionStartTimestamp();

	relscan_begin(&rs, &hold_scans, 0, 1, &user_id, credit_fresh_snapshot());
	while (!found && relscan_next(&rs))
	{
		char	   *status = relscan_get_text(&rs, OPEN_HOLD_STATUS);

		found = DatumGetTimestampTz(relscan_get_notnull(&rs, OPEN_HOLD_EXPIRES_AT)) <= now &&
			status != NULL && strcmp(status, "held") == 0;
	}
	relscan_end(&rs);
	return found;
}

/*
 * credit_expire_holds
 *	  Locks the open holds past their expiry (of one user, or all when
 *	  user_id is 0) in id order, then gives each back. Returns how many. All
 *	  holds are locked before any batch, keeping the hold -> batch lock order;
 *	  AI give-backs go to debts.
 */
int
credit_expire_holds(Datum user_id, AiDebts *debts)
{
	Datum	   *holds;
	int			n;
	int			i;

	if (user_id != (Datum) 0)
	{
		SpiArgs		a;

		if (!has_expired_hold(user_id))
			return 0;
		spi_args_init(&a, &q_expired_holds);
		spi_arg(&a, 1, user_id);
		spi_run(&q_expired_holds, &a);
	}
	else
		spi_run(&q_all_expired_holds, NULL);
	n = (int) SPI_processed;
	if (n == 0)
		return 0;
	holds = palloc(sizeof(Datum) * n);
	for (i = 0; i < n; i++)
		holds[i] = credit_copy_uuid(spi_result_notnull(i, EXPIRED_HOLD_ID));
	for (i = 0; i < n; i++)
		give_back_hold(holds[i], "expired", debts);
	return n;
}

/*
 * lock_open_hold
 *	  Locks a hold and checks it can still be captured or released: unknown
 *	  -> foreign_key_violation; not held, or past its expiry ->
 *	  object_not_in_prerequisite_state (an expired hold is returned lazily).
 *	  Leaves the hold's row as SPI's current result.
 */
static void
lock_open_hold(Datum hold_id, const char *action)
{
	char	   *status;

	if (!lock_hold(hold_id))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown credit hold %s", credit_uuid_text(hold_id))));
	status = TextDatumGetCString(spi_result_notnull(0, HOLD_STATUS));
	if (strcmp(status, "held") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("credit hold %s is %s and cannot be %s", credit_uuid_text(hold_id), status, action)));
	if (DatumGetBool(spi_result_notnull(0, HOLD_EXPIRED)))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("credit hold %s has expired and cannot be %s", credit_uuid_text(hold_id), action),
				 errdetail("Its credits go back to the batches on the next operation on the user's credits.")));
}

/* The deduction a captured hold becomes (same id; batch ids $8 and amounts $9 become its batches JSON). */
static SpiStatement q_insert_deduction = SPI_STATEMENT(
	"INSERT INTO innotrue.credit_deductions (id, user_id, organization_id, kind, credit_service_id, quantity, cost,"
	"                                        batches, ai_period, reference)"
	" SELECT coalesce($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7,"
	"        coalesce((SELECT jsonb_agg(jsonb_build_object('batch_id', t.i, 'amount', t.a) ORDER BY t.o)"
	"                    FROM unnest($8::uuid[], $9::bigint[]) WITH ORDINALITY AS t (i, a, o)), '[]'),"
	"        $10, $11"
	" RETURNING id, jsonb_build_object('deduction_id', id, 'cost', cost, 'batches', batches) AS result",
	UUIDOID, UUIDOID, UUIDOID, TEXTOID, UUIDOID, INT4OID, INT8OID, UUIDARRAYOID, INT8ARRAYOID, DATEOID, JSONBOID);

/* Result columns of q_insert_deduction. */
enum
{
	INSERTED_DEDUCTION_ID = 1, INSERTED_DEDUCTION_RESULT
};

/*
 * credit_capture_hold
 *	  Turns an open hold into the deduction with the same id (release +
 *	  capture ledger entries per batch); returns the deduction JSON.
 */
Datum
credit_capture_hold(Datum hold_id)
{
	SpiArgs		a;
	Datum	   *ids;
	Datum	   *amts;
	int			n;
	bool		isnull;
	Datum		value;
	Datum		user_id;
	Datum		result;

	lock_open_hold(hold_id, "captured");
	n = batch_arrays(HOLD_BATCH_IDS, HOLD_AMOUNTS, &ids, &amts);
	user_id = credit_copy_uuid(spi_result_notnull(0, HOLD_USER));
	spi_args_init(&a, &q_insert_deduction);
	spi_arg(&a, 1, hold_id);
	spi_arg(&a, 2, user_id);
	spi_arg_null(&a, 3);
	spi_arg(&a, 4, CStringGetTextDatum("hold"));
	spi_arg(&a, 5, credit_copy_uuid(spi_result_notnull(0, HOLD_SERVICE)));
	spi_arg(&a, 6, spi_result_notnull(0, HOLD_QUANTITY));
	spi_arg(&a, 7, spi_result_notnull(0, HOLD_COST));
	spi_arg(&a, 8, credit_uuid_array(ids, n));
	spi_arg(&a, 9, credit_int8_array(amts, n));
	value = spi_result(0, HOLD_AI_PERIOD, &isnull);
	if (isnull)
		spi_arg_null(&a, 10);
	else
		spi_arg(&a, 10, value);
	value = spi_result(0, HOLD_REFERENCE, &isnull);
	if (isnull)
		spi_arg_null(&a, 11);
	else
		spi_arg(&a, 11, PointerGetDatum(DatumGetJsonbPCopy(value)));
	credit_lock_owner(credit_owner(user_id, false));
	spi_run(&q_insert_deduction, &a);
	result = PointerGetDatum(DatumGetJsonbPCopy(spi_result_notnull(0, INSERTED_DEDUCTION_RESULT)));
	credit_apply_entries(ids, amts, n, "release", hold_id, (Datum) 0);
	credit_apply_entries(ids, credit_negate_amounts(amts, n), n, "capture", hold_id, (Datum) 0);
	set_hold_status(hold_id, "captured");
	return result;
}

/* credit_release_hold: gives an open hold's credits back. */
void
credit_release_hold(Datum hold_id)
{
	AiDebts		debts = {0};

	lock_open_hold(hold_id, "released");
	give_back_hold(hold_id, "released", &debts);
	credit_ai_settle(&debts);
}

/* ---------------------------------------------------------------------
 * Refunds
 * ---------------------------------------------------------------------
 */

static SpiStatement q_lock_deduction = SPI_STATEMENT(
	"SELECT d.refunded_at IS NOT NULL, d.ai_period, d.cost,"
	"       ARRAY(SELECT (e->>'batch_id')::uuid FROM jsonb_array_elements(d.batches) WITH ORDINALITY AS x (e, o)"
	"              ORDER BY o),"
	"       ARRAY(SELECT (e->>'amount')::bigint FROM jsonb_array_elements(d.batches) WITH ORDINALITY AS x (e, o)"
	"              ORDER BY o),"
	"       d.batches, d.user_id, d.organization_id"
	"  FROM innotrue.credit_deductions d WHERE d.id = $1 FOR UPDATE",
	UUIDOID);

/* Result columns of q_lock_deduction. */
enum
{
	DEDUCTION_REFUNDED = 1, DEDUCTION_AI_PERIOD, DEDUCTION_COST, DEDUCTION_BATCH_IDS, DEDUCTION_AMOUNTS,
	DEDUCTION_BATCHES, DEDUCTION_USER, DEDUCTION_ORG
};

static SpiStatement q_mark_refunded = SPI_STATEMENT(
	"UPDATE innotrue.credit_deductions SET refunded_at = now() WHERE id = $1",
	UUIDOID);

/* refund_result: {"deduction_id", "refunded", "batches"} of a refund. */
static Datum
refund_result(Datum deduction_id, int64 cost, Datum batches)
{
	JsonbParseState *state = NULL;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	jsonb_push_key(&state, "deduction_id");
	jsonb_push_string(&state, credit_uuid_text(deduction_id));
	jsonb_push_key(&state, "refunded");
	jsonb_push_int(&state, cost);
	jsonb_push_key(&state, "batches");
	jsonb_push_jsonb(&state, batches);
	return JsonbPGetDatum(JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)));
}

/*
 * credit_refund
 *	  Gives each batch of a deduction exactly what it gave (refund entries),
 *	  once; returns the refund JSON.
 */
Datum
credit_refund(Datum deduction_id)
{
	SpiArgs		a;
	Datum	   *ids;
	Datum	   *amts;
	int			n;
	bool		no_ai;
	Datum		ai_period;
	int64		cost;
	Datum		batches;
	Datum		owner_id;
	bool		owner_is_org;
	CreditOwner owner;

	spi_args_init(&a, &q_lock_deduction);
	spi_arg(&a, 1, deduction_id);
	spi_run(&q_lock_deduction, &a);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown credit deduction %s", credit_uuid_text(deduction_id))));
	if (DatumGetBool(spi_result_notnull(0, DEDUCTION_REFUNDED)))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("credit deduction %s was already refunded", credit_uuid_text(deduction_id)),
				 errdetail("A deduction is refunded at most once.")));
	ai_period = spi_result(0, DEDUCTION_AI_PERIOD, &no_ai);
	cost = DatumGetInt64(spi_result_notnull(0, DEDUCTION_COST));
	n = batch_arrays(DEDUCTION_BATCH_IDS, DEDUCTION_AMOUNTS, &ids, &amts);
	batches = PointerGetDatum(DatumGetJsonbPCopy(spi_result_notnull(0, DEDUCTION_BATCHES)));
	owner_id = spi_result(0, DEDUCTION_USER, &owner_is_org);
	if (owner_is_org)
		owner_id = spi_result_notnull(0, DEDUCTION_ORG);
	owner = credit_owner(credit_copy_uuid(owner_id), owner_is_org);
	credit_lock_owner_for(owner, !no_ai);
	credit_apply_entries(ids, amts, n, "refund", deduction_id, (Datum) 0);
	if (!no_ai)
		credit_ai_give_back(ai_period, cost);
	spi_args_init(&a, &q_mark_refunded);
	spi_arg(&a, 1, deduction_id);
	spi_run(&q_mark_refunded, &a);
	return refund_result(deduction_id, cost, batches);
}
