/*-------------------------------------------------------------------------
 *
 * credit_batches.c
 *	  The credit batches of an owner: the owner's credit lock, the platform
 *	  AI counter and the order the two are taken in, the read of the
 *	  spendable batches (where "expired batches are never spent" and the
 *	  consumption order live) and the ledger entries that change a batch.
 *
 * Every credit lives in a batch (innotrue.credit_batches) and every change
 * of a batch is an append-only ledger row (innotrue.credit_ledger), so that
 * a batch's remaining always equals the sum of its ledger entries.
 *
 * Lock order, the same for every path, so no two of them deadlock:
 *	1. the hold or deduction row a call works on (FOR UPDATE);
 *	2. for a deduction, the ROW EXCLUSIVE locks of the ledger tables
 *	   (ledger_lock_for_spend, ledger_write.c);
 *	3. the owner's credit lock (credit_lock_owner): two spenders of one
 *	   owner queue here, and the second reads the batches with a snapshot
 *	   taken after the first committed; deleting the owner takes it too;
 *	4. the owner's batch rows (updated by the ledger entries);
 *	5. the platform AI counter (credit_lock_owner_and_ai takes 3 and 5
 *	   together without waiting for one while holding the other; AI
 *	   give-backs are deferred in an AiDebts until the call holds all its
 *	   batch locks, credit_ai_settle).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/uuid.h"

#include "innotrue.h"
#include "credits_internal.h"
#include "input_limits.h"
#include "relscan.h"
#include "settings.h"
#include "spi_stmt.h"

/* ---------------------------------------------------------------------
 * Values
 * ---------------------------------------------------------------------
 */

/* credit_copy_uuid: a palloc'd copy of a uuid datum (SPI tuples do not outlive the next query). */
Datum
credit_copy_uuid(Datum d)
{
	pg_uuid_t  *u = palloc(sizeof(pg_uuid_t));

	memcpy(u, DatumGetUUIDP(d), sizeof(pg_uuid_t));
	return UUIDPGetDatum(u);
}

/* credit_uuid_text: the canonical text of a uuid datum, for messages. */
char *
credit_uuid_text(Datum d)
{
	return DatumGetCString(DirectFunctionCall1(uuid_out, d));
}

/* credit_uuid_array / credit_int8_array: one-dimensional arrays for the unnest() statements. */
Datum
credit_uuid_array(Datum *elems, int n)
{
	return PointerGetDatum(construct_array(elems, n, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
}

Datum
credit_int8_array(Datum *elems, int n)
{
	return PointerGetDatum(construct_array(elems, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * credit_array_elems
 *	  Deconstructs a uuid[] or bigint[] column into palloc'd Datums (copied
 *	  out of the SPI tuple).
 */
Datum *
credit_array_elems(Datum arr, Oid elemtype, int *n)
{
	ArrayType  *a = DatumGetArrayTypePCopy(arr);
	Datum	   *elems;
	bool	   *nulls;

	if (elemtype == UUIDOID)
		deconstruct_array(a, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR, &elems, &nulls, n);
	else
		deconstruct_array(a, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, n);
	return elems;
}

/*
 * credit_negate_amounts
 *	  Returns a copy of an amounts array with every element negated (a spend
 *	  is recorded as negative ledger amounts).
 */
Datum *
credit_negate_amounts(Datum *amounts, int n)
{
	Datum	   *out = palloc(sizeof(Datum) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		out[i] = Int64GetDatum(-DatumGetInt64(amounts[i]));
	return out;
}

/*
 * credit_fresh_snapshot
 *	  The snapshot an SPI statement of this call would run under (after
 *	  the command counter increment SPI does, so it sees this call's earlier
 *	  writes): for index probes that replace such a statement. Valid until
 *	  the next statement; the probes end their scan before running one.
 */
Snapshot
credit_fresh_snapshot(void)
{
	CommandCounterIncrement();
	return GetTransactionSnapshot();
}

/*
 * credit_arg_or_null
 *	  $n of a statement is value, or NULL when value is (Datum) 0: the credit
 *	  code's marker for an absent uuid, jsonb or period (DeductionWrite's
 *	  convention).
 */
void
credit_arg_or_null(SpiArgs *a, int n, Datum value)
{
	if (value == (Datum) 0)
		spi_arg_null(a, n);
	else
		spi_arg(a, n, value);
}

/* ---------------------------------------------------------------------
 * Index scans: owners and their batches
 * ---------------------------------------------------------------------
 */

enum
{
	SCAN_PROFILES,
	SCAN_ORGANIZATIONS,
	SCAN_USER_BATCHES,
	SCAN_ORG_BATCHES
};

static const RelScanSpec batch_scan_specs[] = {
	[SCAN_PROFILES] = {"profiles", "profiles_pkey", 1, {"id"}},
	[SCAN_ORGANIZATIONS] = {"organizations", "organizations_pkey", 1, {"id"}},
	[SCAN_USER_BATCHES] = {"credit_batches", "credit_batches_user_id_idx", 1,
	{"user_id", "id", "source", "remaining", "expires_at", "created_at", "period_start"}},
	[SCAN_ORG_BATCHES] = {"credit_batches", "credit_batches_organization_id_idx", 1,
	{"organization_id", "id", "source", "remaining", "expires_at", "created_at", "period_start"}},
};
static RelScanResolved batch_scan_resolved[lengthof(batch_scan_specs)];
static RelScanSet batch_scans = RELSCAN_SET(batch_scan_specs, batch_scan_resolved);

/* Columns of SCAN_USER_BATCHES and SCAN_ORG_BATCHES (the same list but for the owner column). */
enum
{
	BATCH_OWNER, BATCH_ID, BATCH_SOURCE, BATCH_REMAINING, BATCH_EXPIRES_AT, BATCH_CREATED_AT,
	BATCH_PERIOD_START
};

/* ---------------------------------------------------------------------
 * Owner and AI counter locks
 * ---------------------------------------------------------------------
 */

/*
 * The platform AI counter's lock: a heavyweight lock in the advisory space
 * (in pg_locks: locktype advisory, objid 0, objsubid CREDIT_AI_LOCK_SPACE),
 * taken before the counter row is updated and held to the end of the
 * transaction, as the row lock would be. Unlike a row lock it can be given
 * back before anything was written under it, which lets a call wait for it
 * while holding no owner lock (credit_lock_owner_and_ai).
 */
#define CREDIT_AI_LOCK_SPACE	26997

/* owner_lock_tag: the lock tag of the credits of owner_id (see innotrue_lock_credit_owner_id). */
static void
owner_lock_tag(LOCKTAG *tag, Datum owner_id)
{
	uint64		h = hash_bytes_extended(DatumGetUUIDP(owner_id)->data, UUID_LEN, 0);

	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, (uint32) (h >> 32), (uint32) h, CREDIT_OWNER_LOCK_SPACE);
}

static void
ai_lock_tag(LOCKTAG *tag)
{
	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, 0, 0, CREDIT_AI_LOCK_SPACE);
}

/* lock_ai_counter: takes the AI counter's lock (a no-op when this transaction holds it). */
static void
lock_ai_counter(void)
{
	LOCKTAG		tag;

	ai_lock_tag(&tag);
	(void) LockAcquire(&tag, ExclusiveLock, false, false);
}

/*
 * innotrue_lock_credit_owner_id
 *	  Takes the lock of all the credits of one owner (a user or an
 *	  organization) until the end of the transaction: a heavyweight lock in
 *	  the advisory space, keyed by a 48-bit hash of the owner id and a field
 *	  no SQL-level advisory lock uses (in pg_locks: locktype advisory,
 *	  objsubid CREDIT_OWNER_LOCK_SPACE). Two ids that share a hash only queue
 *	  on each other. An in-memory lock rather than a row lock of the owner:
 *	  no WAL record, no dirtied page, a waiter is handed the lock directly,
 *	  and updates of the owner's row never wait for a spend.
 */
void
innotrue_lock_credit_owner_id(Datum owner_id)
{
	LOCKTAG		tag;

	owner_lock_tag(&tag, owner_id);
	(void) LockAcquire(&tag, ExclusiveLock, false, false);
}

/* credit_owner: the owner id names a user or (is_org) an organization; no allowance to make available. */
CreditOwner
credit_owner(Datum id, bool is_org)
{
	CreditOwner owner;

	owner.id = id;
	owner.is_org = is_org;
	owner.allowance = 0;
	return owner;
}

/* check_owner: the owner still exists (read after its lock); else an error. */
static void
check_owner(CreditOwner owner)
{
	RelScan		rs;
	bool		found;

	relscan_begin(&rs, &batch_scans, owner.is_org ? SCAN_ORGANIZATIONS : SCAN_PROFILES, 1, &owner.id,
				  credit_fresh_snapshot());
	found = relscan_next(&rs);
	relscan_end(&rs);
	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown credit owner %s", credit_uuid_text(owner.id)),
				 errdetail("The %s was deleted.", owner.is_org ? "organization" : "user")));
}

/*
 * credit_lock_owner
 *	  Takes the owner's credit lock (innotrue_lock_credit_owner_id) and checks
 *	  the owner still exists. Every operation that changes a batch's
 *	  remaining takes it first, so two spenders of one owner queue here, and
 *	  the second reads the batches only after the first committed (they are
 *	  read with a snapshot taken after the lock). Deleting the owner takes
 *	  the same lock (trigger credit_owner_wait_for_spends), so an owner seen
 *	  here stays until this transaction ends and its rows are not orphaned.
 */
void
credit_lock_owner(CreditOwner owner)
{
	innotrue_lock_credit_owner_id(owner.id);
	check_owner(owner);
}

/*
 * credit_lock_owner_and_ai
 *	  credit_lock_owner for a call that will also update the AI counter:
 *	  takes both locks without ever waiting for one while holding the other,
 *	  so the call is never part of a deadlock cycle through them. (A client
 *	  transaction that spends for two owners, AI first, holds the counter
 *	  while it waits for the second owner: a single call that held that
 *	  owner and waited for the counter would deadlock with it, and one of
 *	  them would be rolled back.) It takes one lock waiting, tries the other;
 *	  when that one is taken, it gives the first back, waits for the second,
 *	  and tries again. Giving back is safe: nothing has been read or written
 *	  under the lock. When this transaction already holds one of them (an
 *	  earlier call, or the expiry of the owner's holds in this one), nothing
 *	  can be given back: the other is then taken waiting, owner first.
 */
void
credit_lock_owner_and_ai(CreditOwner owner)
{
	LOCKTAG		owner_tag;
	LOCKTAG		ai_tag;

	owner_lock_tag(&owner_tag, owner.id);
	ai_lock_tag(&ai_tag);
	for (;;)
	{
		if (LockAcquire(&owner_tag, ExclusiveLock, false, false) != LOCKACQUIRE_OK)
		{
			lock_ai_counter();
			break;
		}
		if (LockAcquire(&ai_tag, ExclusiveLock, false, true) != LOCKACQUIRE_NOT_AVAIL)
			break;
		LockRelease(&owner_tag, ExclusiveLock, false);

		if (LockAcquire(&ai_tag, ExclusiveLock, false, false) != LOCKACQUIRE_OK)
		{
			innotrue_lock_credit_owner_id(owner.id);
			break;
		}
		if (LockAcquire(&owner_tag, ExclusiveLock, false, true) != LOCKACQUIRE_NOT_AVAIL)
			break;
		LockRelease(&ai_tag, ExclusiveLock, false);
	}
	check_owner(owner);
}

/* credit_lock_owner_for: credit_lock_owner, or credit_lock_owner_and_ai when the call will update the AI counter. */
void
credit_lock_owner_for(CreditOwner owner, bool ai)
{
	if (ai)
		credit_lock_owner_and_ai(owner);
	else
		credit_lock_owner(owner);
}

/* ---------------------------------------------------------------------
 * Spendable batches
 * ---------------------------------------------------------------------
 */

/* source_rank: consumption rank of a batch source. */
static int
source_rank(const char *source)
{
	if (strcmp(source, "plan_allowance") == 0)
		return 0;
	if (strcmp(source, "program_allowance") == 0)
		return 1;
	return 2;
}

/*
 * spend_order
 *	  qsort comparator of the consumption order: plan allowance, program
 *	  allowance, the rest; then earliest expiry (no expiry last); then oldest;
 *	  then batch id so the order is total.
 */
static int
spend_order(const void *a, const void *b)
{
	const SpendableBatch *x = a;
	const SpendableBatch *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->has_expiry != y->has_expiry)
		return x->has_expiry ? -1 : 1;
	if (x->has_expiry && x->expires_at != y->expires_at)
		return x->expires_at < y->expires_at ? -1 : 1;
	if (x->created_at != y->created_at)
		return x->created_at < y->created_at ? -1 : 1;
	return DatumGetInt32(DirectFunctionCall2(uuid_cmp, x->id, y->id));
}

/*
 * index_by_expiry
 *	  Whether an owner index of credit_batches hands out an owner's batches
 *	  by expires_at DESC NULLS FIRST (as 54_credits.sql creates it), which is
 *	  what lets credit_read_spendable_batches stop at the first expired
 *	  batch. An index an admin rebuilt otherwise is read to its end.
 */
static bool
index_by_expiry(Relation index, AttrNumber expires_at)
{
	const int	expiry_key = 1;		/* the second key column, after the owner */

	return index->rd_index->indnkeyatts > expiry_key &&
		index->rd_index->indkey.values[expiry_key] == expires_at &&
		(index->rd_indoption[expiry_key] & (INDOPTION_DESC | INDOPTION_NULLS_FIRST)) ==
		(INDOPTION_DESC | INDOPTION_NULLS_FIRST);
}

/*
 * credit_read_spendable_batches
 *	  The owner's batches with credits left that are still valid after
 *	  valid_after, sorted in consumption order, with a copy of each row for
 *	  the direct write path: an expired batch is never spent. The caller
 *	  holds the owner lock, so the snapshot taken here sees every spend
 *	  committed before it and none can commit until this transaction ends.
 *	  With month given, also tells whether the plan allowance of that month
 *	  exists (spent or not), which saves the first spend of a month a probe
 *	  of its own. Batches expired before the transaction began are skipped
 *	  by the index, so the read does not grow with the months of expired
 *	  allowances behind a user.
 */
SpendableBatch *
credit_read_spendable_batches(CreditOwner owner, TimestampTz valid_after, int *n, const DateADT *month,
							  bool *month_allowance_found)
{
	RelScan		rs;
	int			cap = 16;
	SpendableBatch *rows = palloc(sizeof(SpendableBatch) * cap);
	TimestampTz began = GetCurrentTransactionStartTimestamp();
	const AttrNumber *att;
	Datum	   *values = NULL;
	bool	   *nulls = NULL;
	bool		by_expiry;

	*n = 0;
	if (month != NULL)
		*month_allowance_found = false;
	relscan_begin(&rs, &batch_scans, owner.is_org ? SCAN_ORG_BATCHES : SCAN_USER_BATCHES, 1, &owner.id,
				  credit_fresh_snapshot());
	att = rs.res->attnums;
	by_expiry = index_by_expiry(rs.index, att[BATCH_EXPIRES_AT]);
	while (relscan_next(&rs))
	{
		SpendableBatch *b;
		int64		remaining;
		bool		no_expiry;
		TimestampTz expires_at;
		int			rank;

		/* One pass over the row: its columns sit behind a variable-length one. */
		if (values == NULL)
		{
			values = palloc(sizeof(Datum) * rs.tupdesc->natts);
			nulls = palloc(sizeof(bool) * rs.tupdesc->natts);
		}
		heap_deform_tuple(rs.tuple, rs.tupdesc, values, nulls);
		no_expiry = nulls[att[BATCH_EXPIRES_AT] - 1];
		expires_at = no_expiry ? 0 : DatumGetTimestampTz(values[att[BATCH_EXPIRES_AT] - 1]);

		/*
		 * By (owner, expires_at DESC NULLS FIRST): no expiry first, then the
		 * latest expiry down. The first batch expired before this transaction
		 * began ends the read, so the months of expired allowances behind a
		 * user are never visited.
		 */
		if (by_expiry && !no_expiry && expires_at <= began)
			break;
		rank = source_rank(TextDatumGetCString(values[att[BATCH_SOURCE] - 1]));
		if (month != NULL && rank == 0 && !nulls[att[BATCH_PERIOD_START] - 1] &&
			DatumGetDateADT(values[att[BATCH_PERIOD_START] - 1]) == *month)
			*month_allowance_found = true;
		remaining = DatumGetInt64(values[att[BATCH_REMAINING] - 1]);
		if (remaining <= 0 || (!no_expiry && expires_at <= valid_after))
			continue;
		if (*n == cap)
		{
			cap *= 2;
			rows = repalloc(rows, sizeof(SpendableBatch) * cap);
		}
		b = &rows[(*n)++];
		b->tuple = heap_copytuple(rs.tuple);
		b->id = credit_copy_uuid(values[att[BATCH_ID] - 1]);
		b->rank = rank;
		b->remaining = remaining;
		b->has_expiry = !no_expiry;
		b->expires_at = expires_at;
		b->created_at = DatumGetTimestampTz(values[att[BATCH_CREATED_AT] - 1]);
	}
	relscan_end(&rs);
	qsort(rows, *n, sizeof(SpendableBatch), spend_order);
	return rows;
}

/* credit_batches_total: credits left in the given batches. */
int64
credit_batches_total(const SpendableBatch *rows, int n)
{
	int64		total = 0;
	int			i;

	for (i = 0; i < n; i++)
		total = innotrue_add_credits(total, rows[i].remaining, "available credit total");
	return total;
}

/* ---------------------------------------------------------------------
 * Ledger entries
 * ---------------------------------------------------------------------
 */

/* Adds signed amounts $2 to batches $1 and writes one ledger entry per batch. */
static SpiStatement q_apply_entries = SPI_STATEMENT(
	"WITH u AS (UPDATE innotrue.credit_batches b SET remaining = b.remaining + p.amt"
	"             FROM unnest($1::uuid[], $2::bigint[]) AS p (id, amt) WHERE b.id = p.id)"
	" INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount, deduction_id, reference)"
	" SELECT p.id, $3, p.amt, $4, $5 FROM unnest($1::uuid[], $2::bigint[]) AS p (id, amt)",
	UUIDARRAYOID, INT8ARRAYOID, TEXTOID, UUIDOID, JSONBOID);

/*
 * credit_apply_entries
 *	  Adds the signed amounts to the batches' remaining and writes one ledger
 *	  entry of entry_type per batch, all under deduction_id (the caller holds
 *	  the owner's credit lock). reference may be (Datum) 0 for NULL.
 */
void
credit_apply_entries(Datum *batch_ids, Datum *signed_amounts, int n, const char *entry_type,
					 Datum deduction_id, Datum reference)
{
	SpiArgs		a;

	if (n == 0)
		return;
	spi_args_init(&a, &q_apply_entries);
	spi_arg(&a, 1, credit_uuid_array(batch_ids, n));
	spi_arg(&a, 2, credit_int8_array(signed_amounts, n));
	spi_arg(&a, 3, CStringGetTextDatum(entry_type));
	spi_arg(&a, 4, deduction_id);
	credit_arg_or_null(&a, 5, reference);
	spi_run(&q_apply_entries, &a);
}

/* ---------------------------------------------------------------------
 * The platform AI counter
 * ---------------------------------------------------------------------
 */

/* Counts $2 credits in month $1's counter unless that passes cap $3 (-1: no cap). */
static SpiStatement q_ai_take = SPI_STATEMENT(
	"INSERT INTO innotrue.credit_ai_usage AS x (period_start, used) VALUES ($1, $2)"
	" ON CONFLICT (period_start) DO UPDATE SET used = x.used + EXCLUDED.used"
	"   WHERE $3 < 0 OR x.used + EXCLUDED.used <= $3"
	" RETURNING period_start",
	DATEOID, INT8OID, INT8OID);

static SpiStatement q_ai_give_back = SPI_STATEMENT(
	"UPDATE innotrue.credit_ai_usage SET used = greatest(used - $2, 0) WHERE period_start = $1",
	DATEOID, INT8OID);

/*
 * credit_ai_take
 *	  Counts an ai-category spend in this platform month's AI counter,
 *	  refusing it (configuration_limit_exceeded) when the counter would pass
 *	  system_settings.ai_monthly_credit_limit. Returns the counter's month.
 */
DateADT
credit_ai_take(int64 cost)
{
	int64		limit = setting_count(SETTING_AI_MONTHLY_CREDIT_LIMIT);
	DateADT		month = platform_current_month();
	SpiArgs		a;

	if (limit >= 0 && cost > limit)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("platform monthly AI credit limit reached"),
				 errdetail("The request costs %lld credits; the limit is %lld per month.",
						   (long long) cost, (long long) limit)));
	spi_args_init(&a, &q_ai_take);
	spi_arg(&a, 1, DateADTGetDatum(month));
	spi_arg(&a, 2, Int64GetDatum(cost));
	spi_arg(&a, 3, Int64GetDatum(limit));
	lock_ai_counter();
	spi_run(&q_ai_take, &a);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("platform monthly AI credit limit reached"),
				 errdetail("The request costs %lld credits; system_settings.ai_monthly_credit_limit is %lld.",
						   (long long) cost, (long long) limit)));
	return month;
}

/* credit_ai_give_back: removes a refunded or released AI spend from its month's counter. */
void
credit_ai_give_back(Datum period, int64 cost)
{
	SpiArgs		a;

	spi_args_init(&a, &q_ai_give_back);
	spi_arg(&a, 1, period);
	spi_arg(&a, 2, Int64GetDatum(cost));
	lock_ai_counter();
	spi_run(&q_ai_give_back, &a);
}

/* credit_ai_defer: remembers an AI give-back for credit_ai_settle (see AiDebts). */
void
credit_ai_defer(AiDebts *d, Datum period, int64 cost)
{
	if (d->n == d->cap)
	{
		d->cap = Max(8, d->cap * 2);
		d->periods = d->periods ? repalloc(d->periods, sizeof(Datum) * d->cap) : palloc(sizeof(Datum) * d->cap);
		d->costs = d->costs ? repalloc(d->costs, sizeof(int64) * d->cap) : palloc(sizeof(int64) * d->cap);
	}
	d->periods[d->n] = period;
	d->costs[d->n] = cost;
	d->n++;
}

/* credit_ai_settle: applies the deferred AI give-backs, once the call holds all its batch locks. */
void
credit_ai_settle(AiDebts *d)
{
	int			i;

	for (i = 0; i < d->n; i++)
		credit_ai_give_back(d->periods[i], d->costs[i]);
	d->n = 0;
}
