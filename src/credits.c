/*-------------------------------------------------------------------------
 *
 * credits.c
 *	  The credit ledger's operations: grants, deductions, holds, refunds,
 *	  balances and the enrollment gating chain (issue 6, docs/credits.md).
 *
 * Every credit lives in a batch (innotrue.credit_batches) and every change
 * of a batch is an append-only ledger row (innotrue.credit_ledger), so that
 * a batch's remaining always equals the sum of its ledger entries.
 *
 * Concurrency: every operation that changes a batch's remaining first takes
 * the owner's credit lock (lock_owner), after the hold or deduction row it
 * works on; deleting the owner takes it too. Two spenders of one owner queue
 * there, and the second reads the batches with a snapshot taken after the
 * first committed. One lock order for all paths: no deadlock between them.
 *
 * Hot reads (the user's plan, the batches, track memberships and prices,
 * the probes for this month's plan allowance and expired holds) are index
 * scans on the extension's own indexes, found by name and cached per backend
 * (catalog.c's generation tells when to look again); the settings and the
 * credit services are kept per backend until their tables announce a
 * change. A deduction is written directly (ledger_write.c) or by one SPI
 * statement; holds, captures, releases and refunds go through SPI with
 * typed, saved plans. The spending plan (which batch gives how much) is
 * computed in C.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "innotrue.h"
#include "relscan.h"
#include "credits.h"
#include "input_limits.h"

PG_FUNCTION_INFO_V1(innotrue_grant_credits);
PG_FUNCTION_INFO_V1(innotrue_deduct_credits);
PG_FUNCTION_INFO_V1(innotrue_reserve_credits);
PG_FUNCTION_INFO_V1(innotrue_capture_hold);
PG_FUNCTION_INFO_V1(innotrue_release_hold);
PG_FUNCTION_INFO_V1(innotrue_release_expired_holds);
PG_FUNCTION_INFO_V1(innotrue_refund_credits);
PG_FUNCTION_INFO_V1(innotrue_credit_balance);
PG_FUNCTION_INFO_V1(innotrue_enroll_in_program);
PG_FUNCTION_INFO_V1(innotrue_sponsor_enrollment);

/*
 * SQLSTATE of a deduction that the owner's credits cannot cover. A shortfall
 * is the violation of the rule "a balance never goes negative", the same
 * rule credit_batches_remaining_check states, hence check_violation (23514).
 */
#define ERRCODE_CREDITS_SHORTFALL	ERRCODE_CHECK_VIOLATION

/* A SQL statement prepared once per backend and kept (SPI_keepplan). */
typedef struct CreditQuery
{
	const char *sql;
	int			nargs;
	Oid			argtypes[12];
	SPIPlanPtr	plan;
} CreditQuery;

/* Who owns credits: a user (profiles.id) or an organization. */
typedef struct CreditOwner
{
	Datum		id;				/* uuid */
	bool		is_org;
	int64		allowance;		/* monthly plan allowance a spend makes available first; 0 = none */
} CreditOwner;

/* One spendable batch as read by read_spendable_batches. */
typedef struct SpendableBatch
{
	HeapTuple	tuple;			/* the batch row as read (its current version) */
	Datum		id;				/* uuid, palloc'd copy */
	int			rank;			/* 0 plan allowance, 1 program allowance, 2 rest */
	bool		has_expiry;
	TimestampTz expires_at;
	TimestampTz created_at;
	int64		remaining;
} SpendableBatch;

/* Platform settings used by the credit operations. */
typedef struct CreditSettings
{
	char	   *timezone;
	int64		ai_limit;		/* -1 = no cap configured */
	int64		low_threshold;	/* -1 = no low-balance notification */
} CreditSettings;

/* A planned spend: parallel arrays of batch ids, their rows and (positive) amounts. */
typedef struct SpendPlan
{
	int			n;
	Datum	   *batch_ids;
	HeapTuple  *batch_rows;
	Datum	   *amounts;
	int64		available;		/* spendable before the spend */
} SpendPlan;

/*
 * AI counter give-backs of released or expired holds, applied only after every
 * batch lock of the call is taken: the platform AI counter is one row all AI
 * spends queue on, so it is always locked last (batches -> AI counter).
 */
typedef struct AiDebts
{
	int			n;
	int			cap;
	Datum	   *periods;
	int64	   *costs;
} AiDebts;

/* What is being paid for. */
typedef struct CreditCharge
{
	Datum		service_id;		/* uuid; valid when has_service */
	bool		has_service;
	bool		is_ai;
	int32		quantity;
	int64		cost;
} CreditCharge;

/* ---------------------------------------------------------------------
 * Saved statements
 * ---------------------------------------------------------------------
 */



static CreditQuery q_org = {
	"SELECT 1 FROM innotrue.organizations WHERE id = $1",
	1, {UUIDOID}
};


static CreditQuery q_plan_allowance = {
	"WITH per AS (SELECT date_trunc('month', now() AT TIME ZONE $3)::date AS ps),"
	" b AS (INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, period_start, expires_at)"
	"       SELECT $1, 'plan_allowance', $2, $2, ps, (ps + interval '1 month')::timestamp AT TIME ZONE $3 FROM per"
	"       ON CONFLICT (user_id, period_start) WHERE source = 'plan_allowance' DO NOTHING"
	"       RETURNING id, amount)"
	" INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount) SELECT id, 'grant', amount FROM b",
	3, {UUIDOID, INT8OID, TEXTOID}
};


/* The batch update and the ledger insert of signed amounts AMTS (bigint[]) applied to
 * batches IDS (uuid[]), one entry per batch; FROM adds a relation before the arrays. */
#define BATCH_UPDATE_SQL(IDS, AMTS) \
	"UPDATE innotrue.credit_batches b SET remaining = b.remaining + p.amt" \
	" FROM unnest(" IDS "::uuid[], " AMTS "::bigint[]) AS p (id, amt) WHERE b.id = p.id"
#define LEDGER_INSERT_SQL(IDS, AMTS, TYPE, DEDUCTION_ID, REF, FROM) \
	"INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount, deduction_id, reference)" \
	" SELECT p.id, " TYPE ", p.amt, " DEDUCTION_ID ", " REF \
	" FROM " FROM "unnest(" IDS "::uuid[], " AMTS "::bigint[]) AS p (id, amt)"

/* Applies signed amounts to batches and writes one ledger entry per batch. */
static CreditQuery q_apply_entries = {
	"WITH u AS (" BATCH_UPDATE_SQL("$1", "$2") ") "
	LEDGER_INSERT_SQL("$1", "$2", "$3", "$4", "$5", ""),
	5, {UUIDARRAYOID, INT8ARRAYOID, TEXTOID, UUIDOID, JSONBOID}
};

/* A deduction row: batch ids $8 and positive amounts $9 become its batches JSON. */
#define DEDUCTION_INSERT_SQL \
	"INSERT INTO innotrue.credit_deductions (id, user_id, organization_id, kind, credit_service_id, quantity, cost," \
	"                                        batches, ai_period, reference)" \
	" SELECT coalesce($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7," \
	"        coalesce((SELECT jsonb_agg(jsonb_build_object('batch_id', t.i, 'amount', t.a) ORDER BY t.o)" \
	"                    FROM unnest($8::uuid[], $9::bigint[]) WITH ORDINALITY AS t (i, a, o)), '[]')," \
	"        $10, $11" \
	" RETURNING id, jsonb_build_object('deduction_id', id, 'cost', cost, 'batches', batches) AS result"

static CreditQuery q_insert_deduction = {
	DEDUCTION_INSERT_SQL,
	11, {UUIDOID, UUIDOID, UUIDOID, TEXTOID, UUIDOID, INT4OID, INT8OID, UUIDARRAYOID, INT8ARRAYOID, DATEOID, JSONBOID}
};

/*
 * A whole spend in one statement (one executor run instead of two while the
 * owner's batches are locked): the deduction row, then its 'deduct' entries of
 * the negated amounts $12 on batches $8, under the new deduction's id.
 */
static CreditQuery q_spend_deduction = {
	"WITH d AS (" DEDUCTION_INSERT_SQL "),"
	" u AS (" BATCH_UPDATE_SQL("$8", "$12") "),"
	" l AS (" LEDGER_INSERT_SQL("$8", "$12", "'deduct'", "d.id", "$11", "d, ") ")"
	" SELECT id, result FROM d",
	12, {UUIDOID, UUIDOID, UUIDOID, TEXTOID, UUIDOID, INT4OID, INT8OID, UUIDARRAYOID, INT8ARRAYOID, DATEOID, JSONBOID,
	INT8ARRAYOID}
};

static CreditQuery q_insert_hold = {
	"INSERT INTO innotrue.credit_holds (user_id, credit_service_id, quantity, cost, batches, ai_period, expires_at, reference)"
	" SELECT $1, $2, $3, $4,"
	"        coalesce((SELECT jsonb_agg(jsonb_build_object('batch_id', t.i, 'amount', t.a) ORDER BY t.o)"
	"                    FROM unnest($5::uuid[], $6::bigint[]) WITH ORDINALITY AS t (i, a, o)), '[]'),"
	"        $7, $8, $9"
	" RETURNING id",
	9, {UUIDOID, UUIDOID, INT4OID, INT8OID, UUIDARRAYOID, INT8ARRAYOID, DATEOID, TIMESTAMPTZOID, JSONBOID}
};

static CreditQuery q_ai_take = {
	"INSERT INTO innotrue.credit_ai_usage AS x (period_start, used)"
	" VALUES (date_trunc('month', now() AT TIME ZONE $1)::date, $2)"
	" ON CONFLICT (period_start) DO UPDATE SET used = x.used + EXCLUDED.used"
	"   WHERE $3 < 0 OR x.used + EXCLUDED.used <= $3"
	" RETURNING period_start",
	3, {TEXTOID, INT8OID, INT8OID}
};

static CreditQuery q_ai_give_back = {
	"UPDATE innotrue.credit_ai_usage SET used = greatest(used - $2, 0) WHERE period_start = $1",
	2, {DATEOID, INT8OID}
};

static CreditQuery q_idem_claim = {
	"INSERT INTO innotrue.credit_idempotency_keys (operation, owner_id, idempotency_key, request)"
	" VALUES ($1, $2, $3, $4) ON CONFLICT (operation, owner_id, idempotency_key) DO NOTHING RETURNING id",
	4, {TEXTOID, UUIDOID, TEXTOID, JSONBOID}
};

static CreditQuery q_idem_lookup = {
	"SELECT request = $4, result FROM innotrue.credit_idempotency_keys"
	" WHERE operation = $1 AND owner_id = $2 AND idempotency_key = $3",
	4, {TEXTOID, UUIDOID, TEXTOID, JSONBOID}
};

static CreditQuery q_idem_store = {
	"UPDATE innotrue.credit_idempotency_keys SET result = $4"
	" WHERE operation = $1 AND owner_id = $2 AND idempotency_key = $3",
	4, {TEXTOID, UUIDOID, TEXTOID, JSONBOID}
};

static CreditQuery q_expired_holds = {
	"SELECT id FROM innotrue.credit_holds WHERE user_id = $1 AND status = 'held' AND expires_at <= now()"
	" ORDER BY id FOR UPDATE",
	1, {UUIDOID}
};

static CreditQuery q_all_expired_holds = {
	"SELECT id FROM innotrue.credit_holds WHERE status = 'held' AND expires_at <= now() ORDER BY id FOR UPDATE",
	0, {0}
};

static CreditQuery q_lock_hold = {
	"SELECT h.status, h.expires_at <= now(), h.user_id, h.credit_service_id, h.quantity, h.cost, h.ai_period, h.reference,"
	"       ARRAY(SELECT (e->>'batch_id')::uuid FROM jsonb_array_elements(h.batches) WITH ORDINALITY AS x (e, o) ORDER BY o),"
	"       ARRAY(SELECT (e->>'amount')::bigint FROM jsonb_array_elements(h.batches) WITH ORDINALITY AS x (e, o) ORDER BY o)"
	"  FROM innotrue.credit_holds h WHERE h.id = $1 FOR UPDATE",
	1, {UUIDOID}
};

static CreditQuery q_set_hold_status = {
	"UPDATE innotrue.credit_holds SET status = $2 WHERE id = $1",
	2, {UUIDOID, TEXTOID}
};

static CreditQuery q_lock_deduction = {
	"SELECT d.refunded_at IS NOT NULL, d.ai_period, d.cost,"
	"       ARRAY(SELECT (e->>'batch_id')::uuid FROM jsonb_array_elements(d.batches) WITH ORDINALITY AS x (e, o) ORDER BY o),"
	"       ARRAY(SELECT (e->>'amount')::bigint FROM jsonb_array_elements(d.batches) WITH ORDINALITY AS x (e, o) ORDER BY o),"
	"       d.batches, d.user_id, d.organization_id"
	"  FROM innotrue.credit_deductions d WHERE d.id = $1 FOR UPDATE",
	1, {UUIDOID}
};

static CreditQuery q_mark_refunded = {
	"UPDATE innotrue.credit_deductions SET refunded_at = now() WHERE id = $1",
	1, {UUIDOID}
};

static CreditQuery q_open_held = {
	"SELECT coalesce(sum(cost), 0)::bigint FROM innotrue.credit_holds WHERE user_id = $1 AND status = 'held'",
	1, {UUIDOID}
};

/* An owner's balance from its live batches; OWNER_COL is user_id or organization_id (two
 * statements so each uses its owner column's index). */
#define BALANCE_SQL(OWNER_COL) \
	"SELECT coalesce(sum(x.s), 0)::bigint, coalesce(jsonb_object_agg(x.source, x.s), '{}')," \
	"       (SELECT sum(b.remaining)::bigint FROM innotrue.credit_batches b" \
	"         WHERE b." OWNER_COL " = $1 AND b.remaining > 0 AND b.expires_at = min(x.next_exp))," \
	"       min(x.next_exp)" \
	"  FROM (SELECT source, sum(remaining) AS s, min(expires_at) AS next_exp" \
	"          FROM innotrue.credit_batches WHERE " OWNER_COL " = $1 AND remaining > 0" \
	"           AND (expires_at IS NULL OR expires_at > now()) GROUP BY source) AS x"

static CreditQuery q_balance_user = {BALANCE_SQL("user_id"), 1, {UUIDOID}};
static CreditQuery q_balance_org = {BALANCE_SQL("organization_id"), 1, {UUIDOID}};



/* A granted batch and its grant entry; OWNER_COL as in BALANCE_SQL. */
#define GRANT_SQL(OWNER_COL) \
	"WITH b AS (INSERT INTO innotrue.credit_batches (" OWNER_COL ", source, amount, remaining, expires_at, idempotency_key)" \
	"           VALUES ($1, $2, $3, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, amount)," \
	" l AS (INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount) SELECT id, 'grant', amount FROM b)" \
	" SELECT id FROM b"

static CreditQuery q_grant_user = {GRANT_SQL("user_id"), 5, {UUIDOID, TEXTOID, INT8OID, TIMESTAMPTZOID, TEXTOID}};
static CreditQuery q_grant_org = {GRANT_SQL("organization_id"), 5, {UUIDOID, TEXTOID, INT8OID, TIMESTAMPTZOID, TEXTOID}};



/* Whether an owner holds more than $2 credits in live batches (remaining > 0, expired or not);
 * summed as numeric, which cannot overflow. */
#define LIVE_TOTAL_SQL(OWNER_COL) \
	"SELECT coalesce(sum(remaining), 0) > $2 FROM innotrue.credit_batches" \
	" WHERE " OWNER_COL " = $1 AND remaining > 0"

static CreditQuery q_live_total_user = {LIVE_TOTAL_SQL("user_id"), 2, {UUIDOID, INT8OID}};
static CreditQuery q_live_total_org = {LIVE_TOTAL_SQL("organization_id"), 2, {UUIDOID, INT8OID}};

static CreditQuery q_grant_replay = {
	"SELECT id, coalesce(user_id, organization_id) = $1 AND source = $2 AND amount = $3"
	"           AND expires_at IS NOT DISTINCT FROM $4"
	"  FROM innotrue.credit_batches WHERE idempotency_key = $5",
	5, {UUIDOID, TEXTOID, INT8OID, TIMESTAMPTZOID, TEXTOID}
};

static CreditQuery q_program = {
	"SELECT p.is_active, p.min_plan_tier, p.credit_cost, p.default_program_plan_id,"
	"       t.program_plan_id, t.credit_cost, t.id IS NOT NULL"
	"  FROM innotrue.programs p"
	"  LEFT JOIN innotrue.program_tier_plans t ON t.program_id = p.id AND t.tier_name = $2"
	" WHERE p.id = $1",
	2, {UUIDOID, TEXTOID}
};

static CreditQuery q_personal_tier = {
	"SELECT pl.tier_level FROM innotrue.profiles p JOIN innotrue.plans pl ON pl.id = p.plan_id WHERE p.id = $1",
	1, {UUIDOID}
};

static CreditQuery q_has_effective_tier = {
	"SELECT to_regprocedure('innotrue.effective_plan_tier(uuid)') IS NOT NULL",
	0, {0}
};

static CreditQuery q_effective_tier = {
	"SELECT innotrue.effective_plan_tier($1)",
	1, {UUIDOID}
};

static CreditQuery q_insert_enrollment = {
	"INSERT INTO innotrue.client_enrollments (user_id, program_id, program_plan_id, tier_name)"
	" VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, program_id) WHERE status IN ('active', 'paused') DO NOTHING"
	" RETURNING id",
	4, {UUIDOID, UUIDOID, UUIDOID, TEXTOID}
};

static CreditQuery q_program_allowance = {
	"WITH b AS (INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, enrollment_id)"
	"           SELECT $1, 'program_allowance', pp.credit_allowance, pp.credit_allowance, $2"
	"             FROM innotrue.program_plans pp WHERE pp.id = $3 AND pp.credit_allowance > 0"
	"           RETURNING id, amount)"
	" INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount) SELECT id, 'grant', amount FROM b",
	3, {UUIDOID, UUIDOID, UUIDOID}
};

static CreditQuery q_member = {
	"SELECT status = 'active' FROM innotrue.organization_members WHERE organization_id = $1 AND user_id = $2",
	2, {UUIDOID, UUIDOID}
};

static CreditQuery q_insert_sponsorship = {
	"INSERT INTO innotrue.org_sponsored_enrollments (organization_id, enrollment_id, user_id, credits_charged)"
	" VALUES ($1, $2, $3, $4)",
	4, {UUIDOID, UUIDOID, UUIDOID, INT8OID}
};

static CreditQuery q_has_notify = {
	"SELECT to_regprocedure('innotrue.notify(uuid,text,jsonb)') IS NOT NULL",
	0, {0}
};

static CreditQuery q_notify = {
	"SELECT innotrue.notify($1, 'credits_low', $2)",
	2, {UUIDOID, JSONBOID}
};

static CreditQuery q_notify_direct = {
	"INSERT INTO innotrue.notifications (user_id, type_id, title, body, payload)"
	" SELECT $1, t.id, t.name, format('Your credit balance is %s, below %s.', $2->>'available', $2->>'threshold'), $2"
	"   FROM innotrue.notification_types t WHERE t.key = 'credits_low' AND t.is_active",
	2, {UUIDOID, JSONBOID}
};

/* ---------------------------------------------------------------------
 * Index scans of configuration rows
 * ---------------------------------------------------------------------
 */

/* The relations read by index scan; columns[0 .. nkeys-1] are the index keys. */
typedef enum CreditRel
{
	REL_SETTINGS,
	REL_PROFILES,
	REL_ORGANIZATIONS,
	REL_PLANS,
	REL_SERVICES,
	REL_USER_TRACKS,
	REL_TRACKS,
	REL_TRACK_PRICES,
	REL_SERVICE_TRACK_PRICES,
	REL_PLAN_ALLOWANCES,
	REL_OPEN_HOLDS,
	REL_USER_BATCHES,
	REL_ORG_BATCHES,
	REL_FEATURE_SERVICES,
	NUM_CREDIT_RELS
} CreditRel;

#define MAX_REL_COLS 7

typedef struct CreditRelSpec
{
	const char *table;
	const char *index;
	int			nkeys;
	const char *columns[MAX_REL_COLS];
} CreditRelSpec;

static const CreditRelSpec rel_specs[NUM_CREDIT_RELS] = {
	{"system_settings", "system_settings_key_key", 1, {"key", "value"}},
	{"profiles", "profiles_pkey", 1, {"id", "plan_id"}},
	{"organizations", "organizations_pkey", 1, {"id"}},
	{"plans", "plans_pkey", 1, {"id", "credit_allowance", "tier_level"}},
	{"credit_services", "credit_services_key_key", 1, {"key", "id", "category", "is_active", "credit_cost"}},
	{"user_tracks", "user_tracks_user_track_key", 1, {"user_id", "track_id", "is_active"}},
	{"tracks", "tracks_pkey", 1, {"id", "is_active"}},
	{"credit_service_track_prices", "credit_service_track_prices_service_track_key", 2,
	{"credit_service_id", "track_id", "credit_cost"}},
	{"credit_service_track_prices", "credit_service_track_prices_service_track_key", 1, {"credit_service_id"}},
	{"credit_batches", "credit_batches_plan_allowance_idx", 2, {"user_id", "period_start"}},
	{"credit_holds", "credit_holds_open_idx", 1, {"user_id", "expires_at", "status"}},
	{"credit_batches", "credit_batches_user_id_idx", 1,
	{"user_id", "id", "source", "remaining", "expires_at", "created_at", "period_start"}},
	{"credit_batches", "credit_batches_organization_id_idx", 1,
	{"organization_id", "id", "source", "remaining", "expires_at", "created_at", "period_start"}},
	{"credit_services", "credit_services_feature_id_idx", 1, {"feature_id", "key", "is_active", "track_id"}},
};

/* Columns of REL_FEATURE_SERVICES as rel_get numbers them (its spec above). */
enum
{
	FEATURE_SERVICE_KEY = 1,
	FEATURE_SERVICE_ACTIVE = 2,
	FEATURE_SERVICE_TRACK = 3
};

typedef struct CreditRelCache
{
	Oid			relid;
	Oid			indexid;
	AttrNumber	attnums[MAX_REL_COLS];
	Oid			eqprocs[MAX_REL_COLS];
	Oid			collations[MAX_REL_COLS];
} CreditRelCache;

static CreditRelCache rel_cache[NUM_CREDIT_RELS];
static uint64 rel_cache_stamp = 0;

/* An open index scan of one of the relations above. */
typedef struct CreditScan
{
	CreditRel	rel;
	Relation	heap;
	SysScanDesc scan;
	HeapTuple	tuple;
} CreditScan;

/*
 * rel_resolve
 *	  Finds every relation, index and column above by name in schema innotrue,
 *	  once per backend and again whenever the catalog generation moves.
 */
static void
rel_resolve(void)
{
	uint64		current;

	while ((current = innotrue_catalog_generation()) != rel_cache_stamp)
	{
		int			r;

		for (r = 0; r < NUM_CREDIT_RELS; r++)
		{
			const CreditRelSpec *spec = &rel_specs[r];
			CreditRelCache *rc = &rel_cache[r];
			int			i;

			rc->relid = innotrue_relation_oid(spec->table);
			rc->indexid = innotrue_relation_oid(spec->index);
			for (i = 0; i < MAX_REL_COLS && spec->columns[i] != NULL; i++)
			{
				Oid			typid;
				int32		typmod;

				rc->attnums[i] = get_attnum(rc->relid, spec->columns[i]);
				if (rc->attnums[i] == InvalidAttrNumber)
					ereport(ERROR,
							(errcode(ERRCODE_UNDEFINED_COLUMN),
							 errmsg("column \"%s.%s\" does not exist", spec->table, spec->columns[i]),
							 errhint("The innotrue extension is incomplete; reinstall it.")));
				get_atttypetypmodcoll(rc->relid, rc->attnums[i], &typid, &typmod, &rc->collations[i]);
				rc->eqprocs[i] = (typid == TEXTOID) ? F_TEXTEQ : (typid == DATEOID) ? F_DATE_EQ : F_UUID_EQ;
			}
		}
		rel_cache_stamp = current;
	}
}

/*
 * rel_begin_at
 *	  Starts an index scan of rel for rows whose key columns equal keys[],
 *	  under the given snapshot (which must stay valid until rel_end).
 */
static void
rel_begin_at(CreditScan *rs, CreditRel rel, const Datum *keys, Snapshot snapshot)
{
	ScanKeyData skeys[MAX_REL_COLS];
	CreditRelCache *rc;
	int			i;

	for (;;)
	{
		rel_resolve();
		rc = &rel_cache[rel];
		/* Locking may process invalidations; start over if ours went stale. */
		LockRelationOid(rc->relid, AccessShareLock);
		LockRelationOid(rc->indexid, AccessShareLock);
		if (rel_cache_stamp == innotrue_catalog_generation())
			break;
		UnlockRelationOid(rc->indexid, AccessShareLock);
		UnlockRelationOid(rc->relid, AccessShareLock);
	}
	for (i = 0; i < rel_specs[rel].nkeys; i++)
		ScanKeyEntryInitialize(&skeys[i], 0, rc->attnums[i], BTEqualStrategyNumber, InvalidOid,
							   rc->collations[i], rc->eqprocs[i], keys[i]);
	rs->rel = rel;
	rs->heap = table_open(rc->relid, NoLock);
	rs->scan = systable_beginscan(rs->heap, rc->indexid, true, snapshot, rel_specs[rel].nkeys, skeys);
	rs->tuple = NULL;
}

/* rel_begin: rel_begin_at under the statement's snapshot (configuration reads). */
static void
rel_begin(CreditScan *rs, CreditRel rel, const Datum *keys)
{
	rel_begin_at(rs, rel, keys, ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot());
}

/*
 * fresh_snapshot
 *	  The snapshot an SPI statement of this call would run under (after
 *	  the command counter increment SPI does, so it sees this call's earlier
 *	  writes): for index probes that replace such a statement. Valid until
 *	  the next statement; the probes end their scan before running one.
 */
static Snapshot
fresh_snapshot(void)
{
	CommandCounterIncrement();
	return GetTransactionSnapshot();
}

/* rel_next: advances to the next matching row; false at the end. */
static bool
rel_next(CreditScan *rs)
{
	rs->tuple = systable_getnext(rs->scan);
	return HeapTupleIsValid(rs->tuple);
}

/* rel_get: column col (position in the relation's column list) of the current row. */
static Datum
rel_get(CreditScan *rs, int col, bool *isnull)
{
	return heap_getattr(rs->tuple, rel_cache[rs->rel].attnums[col], RelationGetDescr(rs->heap), isnull);
}

/* rel_end: ends the scan (the lock is kept until the end of the transaction). */
static void
rel_end(CreditScan *rs)
{
	systable_endscan(rs->scan);
	table_close(rs->heap, NoLock);
}

/* ---------------------------------------------------------------------
 * SPI helpers
 * ---------------------------------------------------------------------
 */

/*
 * run_query
 *	  Executes a saved statement with the given arguments (nulls as in
 *	  SPI: 'n' marks a NULL, NULL array = none) and returns SPI's result
 *	  code. Prepares and keeps the plan (generic) on first use in the backend.
 */
static int
run_query(CreditQuery *q, Datum *values, const char *nulls)
{
	int			rc;

	if (q->plan == NULL)
	{
		/*
		 * Always the generic plan: the statements are short, their best
		 * plan does not depend on the values, and re-planning each call
		 * (custom plans) would cost more than running them.
		 */
		SPIPlanPtr	plan = SPI_prepare_cursor(q->sql, q->nargs, q->argtypes,
											  CURSOR_OPT_GENERIC_PLAN);

		if (plan == NULL)
			elog(ERROR, "innotrue credits: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "innotrue credits: SPI_keepplan failed");
		q->plan = plan;
	}
	rc = SPI_execute_plan(q->plan, values, nulls, false, 0);
	if (rc < 0)
		elog(ERROR, "innotrue credits: SPI_execute_plan failed: %s", SPI_result_code_string(rc));
	return rc;
}

/* col: the value of column n (1-based) of result row r, and whether it is NULL. */
static Datum
col(int r, int n, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, n, isnull);
}

/* col_notnull: like col for a column the statement never returns NULL. */
static Datum
col_notnull(int r, int n)
{
	bool		isnull;
	Datum		d = col(r, n, &isnull);

	if (isnull)
		elog(ERROR, "innotrue credits: unexpected NULL in column %d", n);
	return d;
}

/* copy_uuid: a palloc'd copy of a uuid datum (SPI tuples do not outlive the next query). */
static Datum
copy_uuid(Datum d)
{
	pg_uuid_t  *u = palloc(sizeof(pg_uuid_t));

	memcpy(u, DatumGetUUIDP(d), sizeof(pg_uuid_t));
	return UUIDPGetDatum(u);
}

/* uuid_text: the canonical text of a uuid datum, for messages. */
static char *
uuid_text(Datum d)
{
	return DatumGetCString(DirectFunctionCall1(uuid_out, d));
}

/* uuid_array / int8_array: one-dimensional arrays for the unnest() statements. */
static Datum
uuid_array(Datum *elems, int n)
{
	return PointerGetDatum(construct_array(elems, n, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
}

static Datum
int8_array(Datum *elems, int n)
{
	return PointerGetDatum(construct_array(elems, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* jsonb_from_cstring: parses a JSON text into a jsonb datum. */
static Datum
jsonb_from_cstring(const char *s)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(s));
}

/* ---------------------------------------------------------------------
 * Owners, settings, prices
 * ---------------------------------------------------------------------
 */

/*
 * setting_text
 *	  The value of a system setting as text (value #>> '{}'), or NULL when
 *	  the setting is missing.
 */
static char *
setting_text(const char *key)
{
	CreditScan		rs;
	Datum		k = CStringGetTextDatum(key);
	char	   *result = NULL;
	bool		isnull;

	rel_begin(&rs, REL_SETTINGS, &k);
	if (rel_next(&rs))
	{
		Datum		value = rel_get(&rs, 1, &isnull);

		if (!isnull)
		{
			Datum		path = PointerGetDatum(construct_empty_array(TEXTOID));
			Datum		t = DirectFunctionCall2(jsonb_extract_path_text, value, path);

			result = TextDatumGetCString(t);
		}
	}
	rel_end(&rs);
	return result;
}

/* setting_int8: a numeric system setting, or dflt when it is missing. */
static int64
setting_int8(const char *key, int64 dflt)
{
	char	   *v = setting_text(key);

	if (v == NULL)
		return dflt;
	return DatumGetInt64(DirectFunctionCall1(int8in, CStringGetDatum(v)));
}

/*
 * load_settings
 *	  The platform time zone, the AI monthly cap and the low-balance
 *	  threshold from system_settings (missing settings: UTC, no cap, none).
 *	  Kept per backend until catalog.c's generation moves: a change of
 *	  system_settings announces itself (trigger system_settings_announce), so
 *	  a transaction that starts after the change commits reads it again.
 */
static void
load_settings(CreditSettings *s)
{
	static CreditSettings kept;
	static uint64 kept_generation = 0;

	AcceptInvalidationMessages();
	if (kept_generation != innotrue_catalog_generation())
	{
		uint64		generation = innotrue_catalog_generation();
		char	   *tz = setting_text("default_timezone");

		if (kept.timezone != NULL)
			pfree(kept.timezone);
		kept.timezone = MemoryContextStrdup(TopMemoryContext, tz != NULL ? tz : "UTC");
		kept.ai_limit = setting_int8("ai_monthly_credit_limit", -1);
		kept.low_threshold = setting_int8("credits_low_threshold", -1);
		/* Reading may have processed invalidations: keep it only if none moved the generation. */
		kept_generation = generation == innotrue_catalog_generation() ? generation : 0;
	}
	*s = kept;
}

/*
 * plan_allowance_of
 *	  The monthly credit allowance of a user's plan, or -1 when no profile
 *	  has this id.
 */
static int64
plan_allowance_of(Datum user_id)
{
	CreditScan		rs;
	bool		isnull;
	Datum		plan_id = (Datum) 0;
	bool		found;
	int64		allowance = 0;

	rel_begin(&rs, REL_PROFILES, &user_id);
	found = rel_next(&rs);
	if (found)
		plan_id = copy_uuid(rel_get(&rs, 1, &isnull));
	rel_end(&rs);
	if (!found)
		return -1;
	rel_begin(&rs, REL_PLANS, &plan_id);
	if (rel_next(&rs))
		allowance = DatumGetInt32(rel_get(&rs, 1, &isnull));
	rel_end(&rs);
	return allowance;
}

/*
 * user_allowance
 *	  Returns the monthly credit allowance of the user's plan; an unknown user
 *	  is an error (foreign_key_violation: the id names no profile).
 */
static int64
user_allowance(Datum user_id)
{
	int64		allowance = plan_allowance_of(user_id);

	if (allowance < 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown user %s", uuid_text(user_id)),
				 errdetail("No row of innotrue.profiles has this id.")));
	return allowance;
}

/* credit_owner: the owner id names a user or (is_org) an organization; no allowance to make available. */
static CreditOwner
credit_owner(Datum id, bool is_org)
{
	CreditOwner owner;

	owner.id = id;
	owner.is_org = is_org;
	owner.allowance = 0;
	return owner;
}

/*
 * resolve_owner
 *	  Decides whether an owner id is a user or an organization (grant_credits
 *	  and credit_balance accept both); unknown ids are an error.
 */
static CreditOwner
resolve_owner(Datum id)
{
	Datum		args[1] = {id};

	if (plan_allowance_of(id) >= 0)
		return credit_owner(id, false);
	run_query(&q_org, args, NULL);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown credit owner %s", uuid_text(id)),
				 errdetail("The id is neither a profile nor an organization.")));
	return credit_owner(id, true);
}

/* track_active: whether a track exists and is active. */
static bool
track_active(Datum track_id)
{
	CreditScan		rs;
	bool		isnull;
	bool		active = false;

	rel_begin(&rs, REL_TRACKS, &track_id);
	if (rel_next(&rs))
		active = DatumGetBool(rel_get(&rs, 1, &isnull));
	rel_end(&rs);
	return active;
}

/*
 * track_price
 *	  The lowest price of a service for the user's active memberships of
 *	  active tracks that price it; dflt when none does.
 */
static int64
track_price(Datum service_id, Datum user_id, int64 dflt)
{
	CreditScan		memberships;
	int64		best = dflt;
	bool		isnull;

	rel_begin(&memberships, REL_USER_TRACKS, &user_id);
	while (rel_next(&memberships))
	{
		Datum		keys[2];
		CreditScan		price;

		if (!DatumGetBool(rel_get(&memberships, 2, &isnull)))
			continue;
		keys[0] = service_id;
		keys[1] = copy_uuid(rel_get(&memberships, 1, &isnull));
		if (!track_active(keys[1]))
			continue;
		rel_begin(&price, REL_TRACK_PRICES, keys);
		if (rel_next(&price))
			best = Min(best, (int64) DatumGetInt32(rel_get(&price, 2, &isnull)));
		rel_end(&price);
	}
	rel_end(&memberships);
	return best;
}

/* A credit service as kept per backend (see service_row). */
typedef struct KeptService
{
	char		key[NAMEDATALEN];	/* hash key, zero-padded */
	bool		found;			/* false: no service has this key */
	pg_uuid_t	id;
	bool		is_ai;
	bool		active;
	int64		unit;			/* standard price */
	bool		has_track_prices;	/* some track prices it differently */
} KeptService;

/*
 * service_row
 *	  The credit service with this key, read once per backend and kept until
 *	  catalog.c's generation moves: credit_services and its track prices
 *	  announce every change (trigger announce_table_change), so a spend never
 *	  prices with a row older than its own transaction's start. A key too
 *	  long to be kept is read into *scratch every time.
 */
static KeptService *
service_row(const char *key, KeptService *scratch)
{
	static MemoryContext kept_context = NULL;
	static HTAB *kept = NULL;
	static uint64 kept_generation = 0;
	char		hkey[NAMEDATALEN] = {0};
	KeptService *row = scratch;
	bool		present = false;
	CreditScan		rs;
	bool		isnull;
	Datum		k = CStringGetTextDatum(key);

	if (kept_generation != innotrue_catalog_generation())
	{
		if (kept_context != NULL)
			MemoryContextReset(kept_context);
		kept = kept_hash_new("innotrue kept credit services", &kept_context, NAMEDATALEN, sizeof(KeptService));
		kept_generation = innotrue_catalog_generation();
	}
	if (strlen(key) < NAMEDATALEN)
	{
		strlcpy(hkey, key, NAMEDATALEN);
		row = hash_search(kept, hkey, HASH_FIND, &present);
		if (present)
			return row;
		row = scratch;
	}
	memset(row, 0, sizeof(KeptService));
	rel_begin_at(&rs, REL_SERVICES, &k, fresh_snapshot());
	row->found = rel_next(&rs);
	if (row->found)
	{
		memcpy(&row->id, DatumGetUUIDP(rel_get(&rs, 1, &isnull)), UUID_LEN);
		row->is_ai = strcmp(TextDatumGetCString(rel_get(&rs, 2, &isnull)), "ai") == 0;
		row->active = DatumGetBool(rel_get(&rs, 3, &isnull));
		row->unit = DatumGetInt32(rel_get(&rs, 4, &isnull));
	}
	rel_end(&rs);
	if (row->found)
	{
		Datum		id = UUIDPGetDatum(&row->id);

		rel_begin_at(&rs, REL_SERVICE_TRACK_PRICES, &id, fresh_snapshot());
		row->has_track_prices = rel_next(&rs);
		rel_end(&rs);
	}
	/* Keep it only if the reads above processed no invalidation. */
	if (hkey[0] != '\0' && kept_generation == innotrue_catalog_generation())
	{
		KeptService *entry = hash_search(kept, hkey, HASH_ENTER, &present);

		memcpy(entry, row, sizeof(KeptService));
		memcpy(entry->key, hkey, NAMEDATALEN);
	}
	return row;
}

/* unit_price: the lowest of a service's standard price and the user's track prices. */
static int64
unit_price(const KeptService *row, Datum user_id)
{
	if (!row->has_track_prices)
		return row->unit;
	return Min(row->unit, track_price(UUIDPGetDatum(&row->id), user_id, row->unit));
}

/*
 * service_charge
 *	  Prices quantity units of a credit service for a user: the lowest of the
 *	  standard cost and the prices of the user's active tracks, times quantity.
 *	  Unknown or inactive services and non-positive quantities are errors.
 *	  The service is looked up after ledger_lock_for_spend (whose lock takes
 *	  in pending invalidations), so it stays until the spend commits.
 */
static CreditCharge
service_charge(text *service_key, Datum user_id, int32 quantity)
{
	CreditCharge c;
	char	   *key = text_to_cstring(service_key);
	KeptService scratch;
	KeptService *row;

	if (quantity <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("quantity of service %s must be positive", key),
				 errdetail("Got %d.", quantity)));
	ledger_lock_for_spend();
	row = service_row(key, &scratch);
	if (!row->found)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown credit service %s", key),
				 errhint("Credit services are listed in innotrue.credit_services.")));
	if (!row->active)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("credit service %s is not active", key)));
	memset(&c, 0, sizeof(c));
	c.service_id = copy_uuid(UUIDPGetDatum(&row->id));
	c.is_ai = row->is_ai;
	c.has_service = true;
	c.quantity = quantity;
	c.cost = unit_price(row, user_id) * quantity;
	return c;
}

/*
 * current_month
 *	  The first day of the current month in time zone tz, as a date:
 *	  date_trunc('month', now() AT TIME ZONE tz)::date.
 */
static Datum
current_month(const char *tz)
{
	/* The same for the whole transaction: computed once per transaction and zone. */
	static TimestampTz kept_at = DT_NOBEGIN;
	static char kept_tz[TZ_STRLEN_MAX + 1];
	static Datum kept_month;
	TimestampTz at = GetCurrentTransactionStartTimestamp();
	Datum		local;

	if (at == kept_at && strcmp(tz, kept_tz) == 0)
		return kept_month;
	local = DirectFunctionCall2(timestamptz_zone, CStringGetTextDatum(tz), TimestampTzGetDatum(at));
	kept_month = DirectFunctionCall1(timestamp_date,
									 DirectFunctionCall2(timestamp_trunc, CStringGetTextDatum("month"), local));
	if (strlen(tz) <= TZ_STRLEN_MAX)
	{
		strlcpy(kept_tz, tz, sizeof(kept_tz));
		kept_at = at;
	}
	return kept_month;
}

/*
 * create_plan_allowance
 *	  Creates the user's plan_allowance batch for the current month (platform
 *	  time zone) with its grant entry. The partial unique index on (user_id,
 *	  period_start) makes a concurrent creation wait and then do nothing, so
 *	  the allowance exists exactly once per month.
 */
static void
create_plan_allowance(Datum user_id, int64 allowance, const CreditSettings *s)
{
	Datum		args[3];

	args[0] = user_id;
	args[1] = Int64GetDatum(allowance);
	args[2] = CStringGetTextDatum(s->timezone);
	run_query(&q_plan_allowance, args, NULL);
}

/*
 * ensure_plan_allowance
 *	  Makes this month's plan allowance available unless it exists (an index
 *	  probe first). For operations that do not spend; a spend finds out while
 *	  it reads the batches (see spend).
 */
static void
ensure_plan_allowance(Datum user_id, int64 allowance, const CreditSettings *s)
{
	Datum		keys[2];
	CreditScan		rs;
	bool		found;

	if (allowance <= 0)
		return;
	/* The common case, already there: an index probe instead of an INSERT attempt. */
	keys[0] = user_id;
	keys[1] = current_month(s->timezone);
	rel_begin_at(&rs, REL_PLAN_ALLOWANCES, keys, fresh_snapshot());
	found = rel_next(&rs);
	rel_end(&rs);
	if (!found)
		create_plan_allowance(user_id, allowance, s);
}

/* ---------------------------------------------------------------------
 * Batches: locking, planning, applying
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
 * The platform AI counter's lock: a heavyweight lock in the advisory space
 * (in pg_locks: locktype advisory, objid 0, objsubid CREDIT_AI_LOCK_SPACE),
 * taken before the counter row is updated and held to the end of the
 * transaction, as the row lock would be. Unlike a row lock it can be given
 * back before anything was written under it, which lets a call wait for it
 * while holding no owner lock (lock_owner_and_ai).
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

/* check_owner: the owner still exists (read after its lock); else an error. */
static void
check_owner(CreditOwner owner)
{
	CreditScan		rs;
	bool		found;

	rel_begin_at(&rs, owner.is_org ? REL_ORGANIZATIONS : REL_PROFILES, &owner.id, fresh_snapshot());
	found = rel_next(&rs);
	rel_end(&rs);
	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown credit owner %s", uuid_text(owner.id)),
				 errdetail("The %s was deleted.", owner.is_org ? "organization" : "user")));
}

/*
 * lock_owner
 *	  Takes the owner's credit lock (innotrue_lock_credit_owner_id) and checks
 *	  the owner still exists. Every operation that changes a batch's
 *	  remaining takes it first, so two spenders of one owner queue here, and
 *	  the second reads the batches only after the first committed (they are
 *	  read with a snapshot taken after the lock). Deleting the owner takes
 *	  the same lock (trigger credit_owner_wait_for_spends), so an owner seen
 *	  here stays until this transaction ends and its rows are not orphaned.
 */
static void
lock_owner(CreditOwner owner)
{
	innotrue_lock_credit_owner_id(owner.id);
	check_owner(owner);
}

/*
 * lock_owner_and_ai
 *	  lock_owner for a call that will also update the AI counter: takes both
 *	  locks without ever waiting for one while holding the other, so the call
 *	  is never part of a deadlock cycle through them. (A client transaction
 *	  that spends for two owners, AI first, holds the counter while it waits
 *	  for the second owner: a single call that held that owner and waited for
 *	  the counter would deadlock with it, and one of them would be rolled
 *	  back.) It takes one lock waiting, tries the other; when that one is
 *	  taken, it gives the first back, waits for the second, and tries again.
 *	  Giving back is safe: nothing has been read or written under the lock.
 *	  When this transaction already holds one of them (an earlier call, or
 *	  the expiry of the owner's holds in this one), nothing can be given
 *	  back: the other is then taken waiting, owner first.
 */
static void
lock_owner_and_ai(CreditOwner owner)
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

/*
 * index_by_expiry
 *	  Whether an owner index of credit_batches hands out an owner's batches
 *	  by expires_at DESC NULLS FIRST (as 54_credits.sql creates it), which is
 *	  what lets read_spendable_batches stop at the first expired batch. An
 *	  index an admin rebuilt otherwise is read to its end.
 */
static bool
index_by_expiry(Relation index, AttrNumber expires_at)
{
	return index->rd_index->indnkeyatts >= 2 &&
		index->rd_index->indkey.values[1] == expires_at &&
		(index->rd_indoption[1] & (INDOPTION_DESC | INDOPTION_NULLS_FIRST)) ==
		(INDOPTION_DESC | INDOPTION_NULLS_FIRST);
}

/*
 * read_spendable_batches
 *	  The owner's batches with credits left that are still valid after
 *	  valid_after, sorted in consumption order, with a copy of each row for
 *	  the direct write path. The caller holds the owner lock, so the snapshot
 *	  taken here sees every spend committed before it and none can commit
 *	  until this transaction ends. With month given, also tells whether the
 *	  plan allowance of that month exists (spent or not), which saves the
 *	  first spend of a month a probe of its own. Batches expired before the
 *	  transaction began are skipped by the index, so the read does not grow
 *	  with the months of expired allowances behind a user.
 */
static SpendableBatch *
read_spendable_batches(CreditOwner owner, TimestampTz valid_after, int *n, const Datum *month,
					   bool *month_allowance_found)
{
	CreditScan		rs;
	int			cap = 16;
	SpendableBatch *rows = palloc(sizeof(SpendableBatch) * cap);
	CreditRel	rel = owner.is_org ? REL_ORG_BATCHES : REL_USER_BATCHES;
	TimestampTz began = GetCurrentTransactionStartTimestamp();
	const AttrNumber *att;
	Datum	   *values = NULL;
	bool	   *nulls = NULL;
	bool		by_expiry;

	*n = 0;
	if (month != NULL)
		*month_allowance_found = false;
	rel_begin_at(&rs, rel, &owner.id, fresh_snapshot());
	att = rel_cache[rel].attnums;
	by_expiry = index_by_expiry(rs.scan->irel, att[4]);
	while (rel_next(&rs))
	{
		SpendableBatch *b;
		int64		remaining;
		bool		no_expiry;
		TimestampTz expires_at;
		int			rank;

		/* One pass over the row: its columns sit behind a variable-length one. */
		if (values == NULL)
		{
			values = palloc(sizeof(Datum) * RelationGetDescr(rs.heap)->natts);
			nulls = palloc(sizeof(bool) * RelationGetDescr(rs.heap)->natts);
		}
		heap_deform_tuple(rs.tuple, RelationGetDescr(rs.heap), values, nulls);
		no_expiry = nulls[att[4] - 1];
		expires_at = no_expiry ? 0 : DatumGetTimestampTz(values[att[4] - 1]);

		/*
		 * By (owner, expires_at DESC NULLS FIRST): no expiry first, then the
		 * latest expiry down. The first batch expired before this transaction
		 * began ends the read, so the months of expired allowances behind a
		 * user are never visited.
		 */
		if (by_expiry && !no_expiry && expires_at <= began)
			break;
		rank = source_rank(TextDatumGetCString(values[att[2] - 1]));
		if (month != NULL && rank == 0 && !nulls[att[6] - 1] &&
			DatumGetDateADT(values[att[6] - 1]) == DatumGetDateADT(*month))
			*month_allowance_found = true;
		remaining = DatumGetInt64(values[att[3] - 1]);
		if (remaining <= 0 || (!no_expiry && expires_at <= valid_after))
			continue;
		if (*n == cap)
		{
			cap *= 2;
			rows = repalloc(rows, sizeof(SpendableBatch) * cap);
		}
		b = &rows[(*n)++];
		b->tuple = heap_copytuple(rs.tuple);
		b->id = copy_uuid(values[att[1] - 1]);
		b->rank = rank;
		b->remaining = remaining;
		b->has_expiry = !no_expiry;
		b->expires_at = expires_at;
		b->created_at = DatumGetTimestampTz(values[att[5] - 1]);
	}
	rel_end(&rs);
	qsort(rows, *n, sizeof(SpendableBatch), spend_order);
	return rows;
}

/* batches_total: credits left in the given batches. */
static int64
batches_total(SpendableBatch *rows, int n)
{
	int64		total = 0;
	int			i;

	for (i = 0; i < n; i++)
		total = innotrue_add_credits(total, rows[i].remaining, "available credit total");
	return total;
}

/*
 * plan_spend
 *	  Chooses which batches pay cost, in consumption order, all or nothing:
 *	  raises the shortfall error (available vs needed) when the batches do
 *	  not cover it, before anything was written.
 */
static SpendPlan
plan_spend(SpendableBatch *rows, int n, int64 cost, const char *what)
{
	SpendPlan	p;
	int64		need = cost;
	int			i;

	p.n = 0;
	p.available = 0;
	p.batch_ids = palloc(sizeof(Datum) * Max(n, 1));
	p.batch_rows = palloc(sizeof(HeapTuple) * Max(n, 1));
	p.amounts = palloc(sizeof(Datum) * Max(n, 1));
	p.available = batches_total(rows, n);
	if (p.available < cost)
		ereport(ERROR,
				(errcode(ERRCODE_CREDITS_SHORTFALL),
				 errmsg("insufficient credits for %s", what),
				 errdetail("Available %lld, needed %lld, short by %lld.",
						   (long long) p.available, (long long) cost,
						   (long long) (cost - p.available))));
	for (i = 0; i < n && need > 0; i++)
	{
		int64		take = Min(rows[i].remaining, need);

		p.batch_ids[p.n] = rows[i].id;
		p.batch_rows[p.n] = rows[i].tuple;
		p.amounts[p.n] = Int64GetDatum(take);
		p.n++;
		need -= take;
	}
	return p;
}

/*
 * negate_amounts
 *	  Returns a copy of an amounts array with every element negated (a spend
 *	  is recorded as negative ledger amounts).
 */
static Datum *
negate_amounts(Datum *amounts, int n)
{
	Datum	   *out = palloc(sizeof(Datum) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		out[i] = Int64GetDatum(-DatumGetInt64(amounts[i]));
	return out;
}

/*
 * apply_entries
 *	  Adds the signed amounts to the batches' remaining and writes one ledger
 *	  entry of entry_type per batch, all under deduction_id (the caller holds
 *	  the owner's credit lock). reference may be (Datum) 0 for NULL.
 */
static void
apply_entries(Datum *batch_ids, Datum *signed_amounts, int n, const char *entry_type,
			  Datum deduction_id, Datum reference)
{
	Datum		args[5];
	char		nulls[6] = "     ";

	if (n == 0)
		return;
	args[0] = uuid_array(batch_ids, n);
	args[1] = int8_array(signed_amounts, n);
	args[2] = CStringGetTextDatum(entry_type);
	args[3] = deduction_id;
	args[4] = reference;
	if (reference == (Datum) 0)
		nulls[4] = 'n';
	run_query(&q_apply_entries, args, nulls);
}

/*
 * datum_array_elems
 *	  Deconstructs a uuid[] or bigint[] column into palloc'd Datums (copied
 *	  out of the SPI tuple).
 */
static Datum *
datum_array_elems(Datum arr, Oid elemtype, int *n)
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

/* ---------------------------------------------------------------------
 * AI cap and low-balance notification
 * ---------------------------------------------------------------------
 */

/*
 * ai_take
 *	  Counts an ai-category spend in this month's platform AI counter, refusing
 *	  it (configuration_limit_exceeded) when the counter would pass
 *	  system_settings.ai_monthly_credit_limit. Returns the counter's month.
 */
static Datum
ai_take(const CreditSettings *s, int64 cost)
{
	Datum		args[3];

	if (s->ai_limit >= 0 && cost > s->ai_limit)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("platform monthly AI credit limit reached"),
				 errdetail("The request costs %lld credits; the limit is %lld per month.",
						   (long long) cost, (long long) s->ai_limit)));
	args[0] = CStringGetTextDatum(s->timezone);
	args[1] = Int64GetDatum(cost);
	args[2] = Int64GetDatum(s->ai_limit);
	lock_ai_counter();
	run_query(&q_ai_take, args, NULL);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("platform monthly AI credit limit reached"),
				 errdetail("The request costs %lld credits; system_settings.ai_monthly_credit_limit is %lld.",
						   (long long) cost, (long long) s->ai_limit)));
	return col_notnull(0, 1);
}

/* ai_give_back: removes a refunded or released AI spend from its month's counter. */
static void
ai_give_back(Datum period, int64 cost)
{
	Datum		args[2] = {period, Int64GetDatum(cost)};

	lock_ai_counter();
	run_query(&q_ai_give_back, args, NULL);
}

/* ai_defer: remembers an AI give-back for settle_ai (see AiDebts). */
static void
ai_defer(AiDebts *d, Datum period, int64 cost)
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

/* settle_ai: applies the deferred AI give-backs, once the call holds all its batch locks. */
static void
settle_ai(AiDebts *d)
{
	int			i;

	for (i = 0; i < d->n; i++)
		ai_give_back(d->periods[i], d->costs[i]);
	d->n = 0;
}

/*
 * notify_if_low
 *	  Queues one credits_low notification when a user's available balance
 *	  crosses from >= threshold to below it (once per crossing: the next one
 *	  needs the balance to be back at or above the threshold first). Uses
 *	  innotrue.notify() when installed, else inserts the notification.
 */
static void
notify_if_low(CreditOwner owner, const CreditSettings *s, int64 before, int64 after)
{
	Datum		args[2];
	char	   *payload;

	if (owner.is_org || s->low_threshold < 0)
		return;
	if (!(before >= s->low_threshold && after < s->low_threshold))
		return;
	payload = psprintf("{\"available\": %lld, \"threshold\": %lld}",
					   (long long) after, (long long) s->low_threshold);
	args[0] = owner.id;
	args[1] = jsonb_from_cstring(payload);
	run_query(&q_has_notify, NULL, NULL);
	if (DatumGetBool(col_notnull(0, 1)))
		run_query(&q_notify, args, NULL);
	else
		run_query(&q_notify_direct, args, NULL);
}

/* ---------------------------------------------------------------------
 * Holds
 * ---------------------------------------------------------------------
 */

/*
 * give_back_hold
 *	  Returns a locked, open hold's credits to its batches (release entries)
 *	  and sets its status (released or expired); its AI count is given back
 *	  through debts (settled by the caller after its last batch lock).
 */
static void
give_back_hold(Datum hold_id, const char *new_status, AiDebts *debts)
{
	Datum		args[2] = {hold_id, (Datum) 0};
	Datum	   *ids;
	Datum	   *amts;
	int			n;
	int			m;
	bool		isnull;
	Datum		ai_period;
	int64		cost;

	run_query(&q_lock_hold, args, NULL);
	if (SPI_processed == 0)
		return;
	ai_period = col(0, 7, &isnull);
	cost = DatumGetInt64(col_notnull(0, 6));
	ids = datum_array_elems(col_notnull(0, 9), UUIDOID, &n);
	amts = datum_array_elems(col_notnull(0, 10), INT8OID, &m);
	if (isnull)
		lock_owner(credit_owner(copy_uuid(col_notnull(0, 3)), false));
	else
		lock_owner_and_ai(credit_owner(copy_uuid(col_notnull(0, 3)), false));
	apply_entries(ids, amts, n, "release", hold_id, (Datum) 0);
	if (!isnull)
		ai_defer(debts, ai_period, cost);
	args[1] = CStringGetTextDatum(new_status);
	run_query(&q_set_hold_status, args, NULL);
}

/*
 * has_expired_hold
 *	  Whether the user has an open hold past its expiry: an index probe of
 *	  the open holds, so that the common case (none) runs no locking statement.
 */
static bool
has_expired_hold(Datum user_id)
{
	CreditScan		rs;
	bool		found = false;
	bool		isnull;
	TimestampTz now = GetCurrentTransactionStartTimestamp();

	rel_begin_at(&rs, REL_OPEN_HOLDS, &user_id, fresh_snapshot());
	while (!found && rel_next(&rs))
		found = DatumGetTimestampTz(rel_get(&rs, 1, &isnull)) <= now &&
			strcmp(TextDatumGetCString(rel_get(&rs, 2, &isnull)), "held") == 0;
	rel_end(&rs);
	return found;
}

/*
 * expire_holds
 *	  Locks the open holds past their expiry (of one user, or all when
 *	  user_id is 0) in id order, then gives each back. Returns how many. All
 *	  holds are locked before any batch, keeping the hold -> batch lock order;
 *	  AI give-backs go to debts.
 */
static int
expire_holds(Datum user_id, AiDebts *debts)
{
	Datum		args[1] = {user_id};
	Datum	   *holds;
	int			n;
	int			i;

	if (user_id != (Datum) 0)
	{
		if (!has_expired_hold(user_id))
			return 0;
		run_query(&q_expired_holds, args, NULL);
	}
	else
		run_query(&q_all_expired_holds, NULL, NULL);
	n = (int) SPI_processed;
	if (n == 0)
		return 0;
	holds = palloc(sizeof(Datum) * n);
	for (i = 0; i < n; i++)
		holds[i] = copy_uuid(col_notnull(i, 1));
	for (i = 0; i < n; i++)
		give_back_hold(holds[i], "expired", debts);
	return n;
}

/* ---------------------------------------------------------------------
 * Idempotency
 * ---------------------------------------------------------------------
 */

/*
 * idem_claim
 *	  Claims an idempotency key for (operation, owner). Returns NULL when the
 *	  key is new (the caller proceeds and stores its result with idem_store),
 *	  else the stored result of the first call. A concurrent first call with
 *	  the same key makes this wait until it commits or rolls back. The same
 *	  key with another request is an error.
 */
static Jsonb *
idem_claim(const char *operation, Datum owner_id, text *key, Datum request)
{
	Datum		args[4] = {CStringGetTextDatum(operation), owner_id, PointerGetDatum(key), request};
	bool		isnull;
	Datum		result;

	run_query(&q_idem_claim, args, NULL);
	if (SPI_processed > 0)
		return NULL;
	run_query(&q_idem_lookup, args, NULL);
	if (SPI_processed == 0)
		elog(ERROR, "innotrue credits: idempotency key vanished");
	if (!DatumGetBool(col_notnull(0, 1)) && strcmp(operation, "use_feature") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("idempotency key %s was already used for another request", text_to_cstring(key)),
				 errdetail("A use_feature call with this key and a different feature, quantity or reference exists."),
				 errhint("Use a new key for a new request.")));
	if (!DatumGetBool(col_notnull(0, 1)))
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("idempotency key %s was already used for another request", text_to_cstring(key)),
				 errdetail("A %s with this key and a different service, quantity, reference or timeout exists.", operation),
				 errhint("Use a new key for a new request.")));
	result = col(0, 2, &isnull);
	if (isnull)
		elog(ERROR, "innotrue credits: idempotency key %s has no stored result", text_to_cstring(key));
	return DatumGetJsonbPCopy(result);
}

/* idem_store: records the outcome of a keyed operation. */
static void
idem_store(const char *operation, Datum owner_id, text *key, Datum result)
{
	Datum		args[4] = {CStringGetTextDatum(operation), owner_id, PointerGetDatum(key), result};

	run_query(&q_idem_store, args, NULL);
}

/* ---------------------------------------------------------------------
 * Spending
 * ---------------------------------------------------------------------
 */

/*
 * write_deduction_statement
 *	  The statement write path of a deduction (ledger_write.c has the direct
 *	  one): its row, batch updates and ledger entries in one SQL statement,
 *	  with every constraint and trigger of the tables. Returns the deduction
 *	  JSON.
 */
static Datum
write_deduction_statement(const DeductionWrite *d)
{
	Datum		args[12];
	char		nulls[13] = "            ";

	args[0] = (Datum) 0;
	nulls[0] = 'n';
	args[1] = d->user_id;
	args[2] = d->organization_id;
	nulls[d->user_id == (Datum) 0 ? 1 : 2] = 'n';
	args[3] = CStringGetTextDatum(d->kind);
	args[4] = d->service_id;
	if (d->service_id == (Datum) 0)
		nulls[4] = 'n';
	args[5] = Int32GetDatum(d->quantity);
	args[6] = Int64GetDatum(d->cost);
	args[7] = uuid_array(d->batch_ids, d->nbatches);
	args[8] = int8_array(d->amounts, d->nbatches);
	args[9] = d->ai_period;
	if (d->ai_period == (Datum) 0)
		nulls[9] = 'n';
	args[10] = d->reference;
	if (d->reference == (Datum) 0)
		nulls[10] = 'n';
	args[11] = int8_array(negate_amounts(d->amounts, d->nbatches), d->nbatches);
	run_query(&q_spend_deduction, args, nulls);
	return PointerGetDatum(DatumGetJsonbPCopy(col_notnull(0, 2)));
}

/*
 * spend
 *	  The core of every spend: takes the owner's credit lock, reads the
 *	  owner's spendable batches (valid after valid_after), plans the charge
 *	  all or nothing, counts AI spends, writes the deduction (directly when
 *	  ledger_direct_refusal() allows, its tables opened before the owner
 *	  lock; else by statement) or the hold with its ledger entries, and
 *	  notifies on a low-balance crossing. Returns the deduction JSON, or the hold id as a
 *	  uuid Datum when hold_expires is given (non-zero).
 */
static Datum
spend(CreditOwner owner, const CreditSettings *s, const CreditCharge *c, const char *kind,
	  Datum reference, TimestampTz hold_expires, const char *what, AiDebts *debts)
{
	SpendableBatch *rows;
	SpendPlan	p;
	int			n;
	Datum		ai_period = (Datum) 0;
	Datum		id;
	Datum		result = (Datum) 0;
	TimestampTz valid_after = hold_expires != 0 ? hold_expires : GetCurrentTransactionStartTimestamp();
	DirectWriter *writer = NULL;

	if (hold_expires == 0)
	{
		/* The tables' locks first: no change of their definition can come between verdict and write. */
		ledger_lock_for_spend();
		if (ledger_direct_refusal() == NULL)
			writer = ledger_direct_begin();
	}
	if (c->is_ai || debts->n > 0)
		lock_owner_and_ai(owner);
	else
		lock_owner(owner);
	if (owner.allowance > 0)
	{
		/* This month's plan allowance is made available on the first spend of the month. */
		Datum		month = current_month(s->timezone);
		bool		allowance_found;

		rows = read_spendable_batches(owner, valid_after, &n, &month, &allowance_found);
		if (!allowance_found)
		{
			create_plan_allowance(owner.id, owner.allowance, s);
			rows = read_spendable_batches(owner, valid_after, &n, NULL, NULL);
		}
	}
	else
		rows = read_spendable_batches(owner, valid_after, &n, NULL, NULL);
	p = plan_spend(rows, n, c->cost, what);
	settle_ai(debts);
	if (c->is_ai)
		ai_period = ai_take(s, c->cost);

	if (hold_expires != 0)
	{
		Datum		args[9];
		char		nulls[10] = "         ";

		args[0] = owner.id;
		args[1] = c->service_id;
		args[2] = Int32GetDatum(c->quantity);
		args[3] = Int64GetDatum(c->cost);
		args[4] = uuid_array(p.batch_ids, p.n);
		args[5] = int8_array(p.amounts, p.n);
		args[6] = ai_period;
		args[7] = TimestampTzGetDatum(hold_expires);
		args[8] = reference;
		if (ai_period == (Datum) 0)
			nulls[6] = 'n';
		if (reference == (Datum) 0)
			nulls[8] = 'n';
		run_query(&q_insert_hold, args, nulls);
		id = copy_uuid(col_notnull(0, 1));
		result = id;
		apply_entries(p.batch_ids, negate_amounts(p.amounts, p.n), p.n, "hold", id, reference);
	}
	else
	{
		DeductionWrite d;

		d.user_id = owner.is_org ? (Datum) 0 : owner.id;
		d.organization_id = owner.is_org ? owner.id : (Datum) 0;
		d.kind = kind;
		d.service_id = c->has_service ? c->service_id : (Datum) 0;
		d.quantity = c->quantity;
		d.cost = c->cost;
		d.nbatches = p.n;
		d.batch_rows = p.batch_rows;
		d.batch_ids = p.batch_ids;
		d.amounts = p.amounts;
		d.ai_period = ai_period;
		d.reference = reference;
		if (writer != NULL)
			result = ledger_write_deduction(writer, &d);
		else
			result = write_deduction_statement(&d);
	}
	notify_if_low(owner, s, p.available, p.available - c->cost);
	return result;
}

/*
 * prepare_user
 *	  What every operation on a user's credits does before locking batches
 *	  (the caller checked the user with user_allowance): returns the user's
 *	  expired holds. The owner it returns carries the plan's monthly
 *	  allowance, which a spend makes available (operations that do not spend
 *	  call ensure_plan_allowance).
 */
static CreditOwner
prepare_user(Datum user_id, int64 allowance, AiDebts *debts)
{
	CreditOwner owner = credit_owner(user_id, false);

	owner.allowance = allowance;
	expire_holds(user_id, debts);
	return owner;
}

/* service_request: the normalised request JSON of a keyed deduct/reserve, compared on repeats. */
static Datum
service_request(text *service_key, int32 quantity, Datum reference, const char *timeout)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"service\": ");
	escape_json(&buf, text_to_cstring(service_key));
	appendStringInfo(&buf, ", \"quantity\": %d, \"reference\": %s", quantity,
					 reference == (Datum) 0 ? "null" : JsonbToCString(NULL, &DatumGetJsonbP(reference)->root, 0));
	if (timeout != NULL)
	{
		appendStringInfoString(&buf, ", \"timeout\": ");
		escape_json(&buf, timeout);
	}
	appendStringInfoChar(&buf, '}');
	return jsonb_from_cstring(buf.data);
}

/* check_quantity: a quantity above INNOTRUE_MAX_QUANTITY is refused before anything is read
 * (non-positive ones by service_charge, which names the service). */
static void
check_quantity(int32 quantity)
{
	innotrue_check_count(quantity, INNOTRUE_MAX_QUANTITY, "quantity");
}

/* check_reference: a reference must be a JSON object (it is stored in object-only columns). */
static Datum
check_reference(FunctionCallInfo fcinfo, int n)
{
	Jsonb	   *j;

	if (PG_ARGISNULL(n))
		return (Datum) 0;
	j = PG_GETARG_JSONB_P(n);
	if (!JB_ROOT_IS_OBJECT(j))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("reference must be a JSON object")));
	innotrue_check_json_size(j, "reference");
	return PointerGetDatum(j);
}

/*
 * deduct_service
 *	  The spend of deduct_credits once its user is known (allowance from
 *	  user_allowance) and its key claimed: returns the user's expired holds,
 *	  prices the service and spends it all or nothing. Returns the deduction
 *	  JSON.
 */
static Datum
deduct_service(Datum user_id, int64 allowance, const CreditSettings *s, text *service_key,
			   int32 quantity, Datum reference)
{
	AiDebts		debts = {0};
	CreditOwner owner = prepare_user(user_id, allowance, &debts);
	CreditCharge c = service_charge(service_key, user_id, quantity);

	return spend(owner, s, &c, "service", reference, 0, text_to_cstring(service_key), &debts);
}

/*
 * innotrue_deduct_credits
 *	  deduct_credits(user_id, service_key, quantity, idempotency_key, reference)
 *	  -> jsonb: spends the service's price from the user's credits, all or
 *	  nothing; a repeated key returns the first result.
 */
Datum
innotrue_deduct_credits(PG_FUNCTION_ARGS)
{
	Datum		user_id;
	text	   *service_key;
	text	   *key = NULL;
	Datum		reference;
	Datum		request = (Datum) 0;
	CreditSettings s;
	Datum		result;
	int64		allowance;

	innotrue_require_arg(fcinfo, 0, "user_id");
	innotrue_require_arg(fcinfo, 1, "service_key");
	innotrue_require_arg(fcinfo, 2, "quantity");
	user_id = PG_GETARG_DATUM(0);
	service_key = PG_GETARG_TEXT_PP(1);
	innotrue_check_key(service_key, "service_key");
	check_quantity(PG_GETARG_INT32(2));
	reference = check_reference(fcinfo, 4);
	if (!PG_ARGISNULL(3))
	{
		key = PG_GETARG_TEXT_PP(3);
		innotrue_check_key(key, "idempotency_key");
	}

	SPI_connect();
	load_settings(&s);
	allowance = user_allowance(user_id);
	if (key != NULL)
	{
		Jsonb	   *first;

		request = service_request(service_key, PG_GETARG_INT32(2), reference, NULL);
		first = idem_claim("deduct", user_id, key, request);
		if (first != NULL)
		{
			result = SPI_datumTransfer(PointerGetDatum(first), false, -1);
			SPI_finish();
			PG_RETURN_DATUM(result);
		}
	}
	result = deduct_service(user_id, allowance, &s, service_key, PG_GETARG_INT32(2), reference);
	if (key != NULL)
		idem_store("deduct", user_id, key, result);
	result = SPI_datumTransfer(result, false, -1);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * innotrue_reserve_credits
 *	  reserve_credits(user_id, service_key, quantity, hold_timeout,
 *	  idempotency_key, reference) -> hold id: takes the price into a hold that
 *	  lasts hold_timeout, drawing only from batches valid for the whole hold.
 */
Datum
innotrue_reserve_credits(PG_FUNCTION_ARGS)
{
	Datum		user_id;
	text	   *service_key;
	text	   *key = NULL;
	Datum		reference;
	Interval   *timeout;
	Interval	zero;
	CreditSettings s;
	CreditCharge c;
	CreditOwner owner;
	Datum		expires;
	Datum		hold_id;
	char	   *timeout_text;
	int64		allowance;
	AiDebts		debts = {0};

	innotrue_require_arg(fcinfo, 0, "user_id");
	innotrue_require_arg(fcinfo, 1, "service_key");
	innotrue_require_arg(fcinfo, 2, "quantity");
	innotrue_require_arg(fcinfo, 3, "hold_timeout");
	user_id = PG_GETARG_DATUM(0);
	service_key = PG_GETARG_TEXT_PP(1);
	timeout = PG_GETARG_INTERVAL_P(3);
	innotrue_check_key(service_key, "service_key");
	check_quantity(PG_GETARG_INT32(2));
	if (!PG_ARGISNULL(4))
	{
		key = PG_GETARG_TEXT_PP(4);
		innotrue_check_key(key, "idempotency_key");
	}
	reference = check_reference(fcinfo, 5);
	memset(&zero, 0, sizeof(zero));
	timeout_text = DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(timeout)));
	if (!DatumGetBool(DirectFunctionCall2(interval_gt, IntervalPGetDatum(timeout), IntervalPGetDatum(&zero))))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hold_timeout must be positive"),
				 errdetail("Got %s.", timeout_text)));
	expires = DirectFunctionCall2(timestamptz_pl_interval,
								  TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
								  IntervalPGetDatum(timeout));
	innotrue_check_timestamp(DatumGetTimestampTz(expires), "now() + hold_timeout");

	SPI_connect();
	load_settings(&s);
	allowance = user_allowance(user_id);
	if (key != NULL)
	{
		Jsonb	   *first;
		Datum		request = service_request(service_key, PG_GETARG_INT32(2), reference, timeout_text);

		first = idem_claim("reserve", user_id, key, request);
		if (first != NULL)
		{
			Datum		id;

			id = DirectFunctionCall2(jsonb_object_field_text, JsonbPGetDatum(first),
									 CStringGetTextDatum("hold_id"));
			id = DirectFunctionCall1(uuid_in, CStringGetDatum(TextDatumGetCString(id)));
			id = SPI_datumTransfer(id, false, UUID_LEN);
			SPI_finish();
			PG_RETURN_DATUM(id);
		}
	}
	owner = prepare_user(user_id, allowance, &debts);
	c = service_charge(service_key, user_id, PG_GETARG_INT32(2));
	hold_id = spend(owner, &s, &c, "hold", reference, DatumGetTimestampTz(expires), text_to_cstring(service_key), &debts);
	if (key != NULL)
		idem_store("reserve", user_id, key,
				   jsonb_from_cstring(psprintf("{\"hold_id\": \"%s\"}", uuid_text(hold_id))));
	hold_id = SPI_datumTransfer(hold_id, false, UUID_LEN);
	SPI_finish();
	PG_RETURN_DATUM(hold_id);
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
	Datum		args[1] = {hold_id};
	char	   *status;

	run_query(&q_lock_hold, args, NULL);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown credit hold %s", uuid_text(hold_id))));
	status = TextDatumGetCString(col_notnull(0, 1));
	if (strcmp(status, "held") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("credit hold %s is %s and cannot be %s", uuid_text(hold_id), status, action)));
	if (DatumGetBool(col_notnull(0, 2)))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("credit hold %s has expired and cannot be %s", uuid_text(hold_id), action),
				 errdetail("Its credits go back to the batches on the next operation on the user's credits.")));
}

/*
 * innotrue_capture_hold
 *	  capture_hold(hold_id) -> jsonb: turns an open hold into the deduction
 *	  with the same id (release + capture ledger entries per batch).
 */
Datum
innotrue_capture_hold(PG_FUNCTION_ARGS)
{
	Datum		hold_id = PG_GETARG_DATUM(0);
	Datum		args[11];
	char		nulls[12] = "           ";
	Datum	   *ids;
	Datum	   *amts;
	int			n;
	int			m;
	bool		isnull;
	Datum		result;

	SPI_connect();
	lock_open_hold(hold_id, "captured");
	ids = datum_array_elems(col_notnull(0, 9), UUIDOID, &n);
	amts = datum_array_elems(col_notnull(0, 10), INT8OID, &m);
	args[0] = hold_id;
	args[1] = copy_uuid(col_notnull(0, 3));
	args[2] = (Datum) 0;
	nulls[2] = 'n';
	args[3] = CStringGetTextDatum("hold");
	args[4] = copy_uuid(col_notnull(0, 4));
	args[5] = col_notnull(0, 5);
	args[6] = col_notnull(0, 6);
	args[7] = uuid_array(ids, n);
	args[8] = int8_array(amts, n);
	args[9] = col(0, 7, &isnull);
	if (isnull)
		nulls[9] = 'n';
	args[10] = col(0, 8, &isnull);
	if (isnull)
		nulls[10] = 'n';
	else
		args[10] = PointerGetDatum(DatumGetJsonbPCopy(args[10]));
	lock_owner(credit_owner(args[1], false));
	run_query(&q_insert_deduction, args, nulls);
	result = PointerGetDatum(DatumGetJsonbPCopy(col_notnull(0, 2)));
	apply_entries(ids, amts, n, "release", hold_id, (Datum) 0);
	apply_entries(ids, negate_amounts(amts, n), n, "capture", hold_id, (Datum) 0);
	args[1] = CStringGetTextDatum("captured");
	run_query(&q_set_hold_status, args, NULL);
	result = SPI_datumTransfer(result, false, -1);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * innotrue_release_hold
 *	  release_hold(hold_id): gives an open hold's credits back.
 */
Datum
innotrue_release_hold(PG_FUNCTION_ARGS)
{
	Datum		hold_id = PG_GETARG_DATUM(0);

	AiDebts		debts = {0};

	SPI_connect();
	lock_open_hold(hold_id, "released");
	give_back_hold(hold_id, "released", &debts);
	settle_ai(&debts);
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * innotrue_release_expired_holds
 *	  release_expired_holds() -> integer: the sweep that returns every expired
 *	  open hold (the same happens lazily per user).
 */
Datum
innotrue_release_expired_holds(PG_FUNCTION_ARGS)
{
	int			n;
	AiDebts		debts = {0};

	SPI_connect();
	n = expire_holds((Datum) 0, &debts);
	settle_ai(&debts);
	SPI_finish();
	PG_RETURN_INT32(n);
}

/*
 * innotrue_refund_credits
 *	  refund_credits(deduction_id) -> jsonb: gives each batch of a deduction
 *	  exactly what it gave (refund entries), once.
 */
Datum
innotrue_refund_credits(PG_FUNCTION_ARGS)
{
	Datum		deduction_id = PG_GETARG_DATUM(0);
	Datum		args[1] = {deduction_id};
	Datum	   *ids;
	Datum	   *amts;
	int			n;
	int			m;
	bool		ai_null;
	Datum		ai_period;
	int64		cost;
	Datum		batches;
	Datum		result;
	Datum		owner_id;
	bool		owner_is_org;

	SPI_connect();
	run_query(&q_lock_deduction, args, NULL);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown credit deduction %s", uuid_text(deduction_id))));
	if (DatumGetBool(col_notnull(0, 1)))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("credit deduction %s was already refunded", uuid_text(deduction_id)),
				 errdetail("A deduction is refunded at most once.")));
	ai_period = col(0, 2, &ai_null);
	cost = DatumGetInt64(col_notnull(0, 3));
	ids = datum_array_elems(col_notnull(0, 4), UUIDOID, &n);
	amts = datum_array_elems(col_notnull(0, 5), INT8OID, &m);
	batches = PointerGetDatum(DatumGetJsonbPCopy(col_notnull(0, 6)));
	owner_id = col(0, 7, &owner_is_org);
	if (owner_is_org)
		owner_id = col_notnull(0, 8);
	if (ai_null)
		lock_owner(credit_owner(copy_uuid(owner_id), owner_is_org));
	else
		lock_owner_and_ai(credit_owner(copy_uuid(owner_id), owner_is_org));
	apply_entries(ids, amts, n, "refund", deduction_id, (Datum) 0);
	if (!ai_null)
		ai_give_back(ai_period, cost);
	run_query(&q_mark_refunded, args, NULL);
	result = jsonb_from_cstring(psprintf("{\"deduction_id\": \"%s\", \"refunded\": %lld, \"batches\": %s}",
										 uuid_text(deduction_id), (long long) cost,
										 JsonbToCString(NULL, &DatumGetJsonbP(batches)->root, 0)));
	result = SPI_datumTransfer(result, false, -1);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * innotrue_credit_balance
 *	  credit_balance(owner) -> (available, held, by_source, next_expiring_amount,
 *	  next_expiring_at), computed from the owner's live batches through the
 *	  partial spendable index, so its cost does not grow with the ledger.
 */
Datum
innotrue_credit_balance(PG_FUNCTION_ARGS)
{
	Datum		id = PG_GETARG_DATUM(0);
	Datum		args[1] = {id};
	CreditOwner owner;
	CreditSettings s;
	TupleDesc	tupdesc;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};
	HeapTuple	tuple;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "innotrue credits: credit_balance must return a record");
	SPI_connect();
	load_settings(&s);
	owner = resolve_owner(id);
	if (!owner.is_org)
	{
		AiDebts		debts = {0};

		ensure_plan_allowance(id, user_allowance(id), &s);
		prepare_user(id, 0, &debts);
		settle_ai(&debts);
	}
	run_query(owner.is_org ? &q_balance_org : &q_balance_user, args, NULL);
	values[0] = col_notnull(0, 1);
	values[2] = PointerGetDatum(DatumGetJsonbPCopy(col_notnull(0, 2)));
	values[3] = col(0, 3, &nulls[3]);
	values[4] = col(0, 4, &nulls[4]);
	if (owner.is_org)
		values[1] = Int64GetDatum(0);
	else
	{
		int64		available = DatumGetInt64(values[0]);

		run_query(&q_open_held, args, NULL);
		values[1] = col_notnull(0, 1);
		values[0] = Int64GetDatum(available);
	}
	/* The row is built in the caller's memory, not SPI's (freed by SPI_finish). */
	values[2] = SPI_datumTransfer(values[2], false, -1);
	SPI_finish();
	tuple = heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls);
	PG_RETURN_DATUM(HeapTupleGetDatum(tuple));
}

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
	Datum		args[2] = {owner.id, Int64GetDatum(INNOTRUE_MAX_CREDIT_BALANCE)};

	run_query(owner.is_org ? &q_live_total_org : &q_live_total_user, args, NULL);
	if (DatumGetBool(col_notnull(0, 1)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("amount would take the owner's credits past the maximum"),
				 errdetail("An owner may hold at most %lld credits in unspent batches.",
						   (long long) INNOTRUE_MAX_CREDIT_BALANCE)));
}

/* grantable_source: whether grant_credits may create a batch of this source. */
static bool
grantable_source(const char *source)
{
	static const char *const sources[] = {"purchase", "grant", "org_purchase", "refund", "adjustment"};
	int			i;

	for (i = 0; i < lengthof(sources); i++)
		if (strcmp(source, sources[i]) == 0)
			return true;
	return false;
}

/*
 * innotrue_grant_credits
 *	  grant_credits(owner, amount, source, expires_at, idempotency_key) -> batch
 *	  id: a new batch with its grant entry; a repeated key returns the first
 *	  batch when the request is the same and is refused otherwise.
 */
Datum
innotrue_grant_credits(PG_FUNCTION_ARGS)
{
	Datum		args[5];
	char		nulls[6] = "     ";
	CreditOwner owner;
	int64		amount;
	char	   *source;
	Datum		batch_id;
	bool		inserted;

	innotrue_require_arg(fcinfo, 0, "owner");
	innotrue_require_arg(fcinfo, 1, "amount");
	innotrue_require_arg(fcinfo, 2, "source");
	amount = PG_GETARG_INT64(1);
	innotrue_check_key(PG_GETARG_TEXT_PP(2), "source");
	source = text_to_cstring(PG_GETARG_TEXT_PP(2));
	if (amount <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("amount of a credit grant must be positive"),
				 errdetail("Got %lld for source %s.", (long long) amount, source)));
	if (strcmp(source, "plan_allowance") == 0 || strcmp(source, "program_allowance") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source %s cannot be granted directly", source),
				 errhint("Plan allowances are made available on first use in a month, program allowances on enrollment.")));
	if (!grantable_source(source))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown credit source %s", source),
				 errhint("Grantable sources: purchase, grant, org_purchase, refund, adjustment.")));
	innotrue_check_count(amount, INNOTRUE_MAX_CREDIT_AMOUNT, "amount");
	if (!PG_ARGISNULL(3))
		innotrue_check_timestamp(PG_GETARG_TIMESTAMPTZ(3), "expires_at");
	if (!PG_ARGISNULL(4))
		innotrue_check_key(PG_GETARG_TEXT_PP(4), "idempotency_key");
	if (!PG_ARGISNULL(3) && PG_GETARG_TIMESTAMPTZ(3) <= GetCurrentTransactionStartTimestamp())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expires_at of a credit grant must be in the future"),
				 errdetail("Source %s.", source)));

	SPI_connect();
	owner = resolve_owner(PG_GETARG_DATUM(0));
	if ((strcmp(source, "purchase") == 0 && owner.is_org) ||
		(strcmp(source, "org_purchase") == 0 && !owner.is_org))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source %s does not fit owner %s", source, uuid_text(owner.id)),
				 errdetail("purchase batches belong to users, org_purchase batches to organizations.")));
	args[0] = owner.id;
	args[1] = PG_GETARG_DATUM(2);
	args[2] = Int64GetDatum(amount);
	args[3] = PG_ARGISNULL(3) ? (Datum) 0 : PG_GETARG_DATUM(3);
	args[4] = PG_ARGISNULL(4) ? (Datum) 0 : PG_GETARG_DATUM(4);
	if (PG_ARGISNULL(3))
		nulls[3] = 'n';
	if (PG_ARGISNULL(4))
		nulls[4] = 'n';
	run_query(owner.is_org ? &q_grant_org : &q_grant_user, args, nulls);
	inserted = SPI_processed > 0;
	if (!inserted)
	{
		run_query(&q_grant_replay, args, nulls);
		if (SPI_processed == 0 || !DatumGetBool(col_notnull(0, 2)))
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("idempotency key %s was already used for another grant",
							TextDatumGetCString(args[4]))));
	}
	batch_id = SPI_datumTransfer(col_notnull(0, 1), false, UUID_LEN);
	if (inserted)
		check_live_total(owner);
	SPI_finish();
	PG_RETURN_DATUM(batch_id);
}

/* ---------------------------------------------------------------------
 * Enrollment
 * ---------------------------------------------------------------------
 */

/*
 * effective_tier
 *	  The user's effective plan tier: innotrue.effective_plan_tier() when
 *	  installed (it includes org-sponsored plans), else the personal plan's.
 */
static int32
effective_tier(Datum user_id)
{
	Datum		args[1] = {user_id};
	bool		isnull;
	Datum		d;

	run_query(&q_has_effective_tier, NULL, NULL);
	if (DatumGetBool(col_notnull(0, 1)))
		run_query(&q_effective_tier, args, NULL);
	else
		run_query(&q_personal_tier, args, NULL);
	if (SPI_processed == 0)
		return 0;
	d = col(0, 1, &isnull);
	return isnull ? 0 : DatumGetInt32(d);
}

/*
 * enroll
 *	  The gating chain shared by enroll_in_program and sponsor_enrollment:
 *	  program open, effective tier >= min_plan_tier, price and program plan
 *	  from the tier (or the program), enrollment, deduction from the payer,
 *	  program allowance. Returns the enrollment id; any error undoes it all.
 */
static Datum
enroll(CreditOwner payer, Datum user_id, Datum program_id, text *tier, const CreditSettings *s,
	   AiDebts *debts)
{
	Datum		args[4];
	char		nulls[5] = "    ";
	bool		isnull;
	int32		min_tier;
	int32		tier_level;
	int64		cost;
	Datum		plan_id;
	bool		has_plan;
	Datum		enrollment_id;
	CreditCharge c;
	char	   *program_text = uuid_text(program_id);

	args[0] = program_id;
	args[1] = tier ? PointerGetDatum(tier) : (Datum) 0;
	if (tier == NULL)
		nulls[1] = 'n';
	run_query(&q_program, args, nulls);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown program %s", program_text)));
	if (!DatumGetBool(col_notnull(0, 1)))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("program %s is not open for enrollment", program_text)));
	if (tier != NULL && !DatumGetBool(col_notnull(0, 7)))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("program %s has no tier %s", program_text, text_to_cstring(tier))));
	min_tier = DatumGetInt32(col_notnull(0, 2));
	if (tier != NULL)
	{
		cost = DatumGetInt32(col_notnull(0, 6));
		plan_id = copy_uuid(col_notnull(0, 5));
		has_plan = true;
	}
	else
	{
		cost = DatumGetInt32(col_notnull(0, 3));
		plan_id = col(0, 4, &isnull);
		has_plan = !isnull;
		if (has_plan)
			plan_id = copy_uuid(plan_id);
	}

	tier_level = effective_tier(user_id);
	if (tier_level < min_tier)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("plan tier too low for program %s", program_text),
				 errdetail("Effective plan tier %d, the program requires %d.", tier_level, min_tier)));

	args[0] = user_id;
	args[1] = program_id;
	args[2] = has_plan ? plan_id : (Datum) 0;
	args[3] = tier ? PointerGetDatum(tier) : (Datum) 0;
	memcpy(nulls, "    ", 4);
	if (!has_plan)
		nulls[2] = 'n';
	if (tier == NULL)
		nulls[3] = 'n';
	run_query(&q_insert_enrollment, args, nulls);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("user %s is already enrolled in program %s", uuid_text(user_id), program_text)));
	enrollment_id = copy_uuid(col_notnull(0, 1));

	if (cost > 0)
	{
		char	   *ref = psprintf("{\"program_id\": \"%s\", \"enrollment_id\": \"%s\", \"user_id\": \"%s\"%s%s%s}",
								   program_text, uuid_text(enrollment_id), uuid_text(user_id),
								   tier ? ", \"tier\": \"" : "", tier ? text_to_cstring(tier) : "", tier ? "\"" : "");

		memset(&c, 0, sizeof(c));
		c.quantity = 1;
		c.cost = cost;
		spend(payer, s, &c, "enrollment", jsonb_from_cstring(ref), 0,
			  psprintf("enrollment in program %s", program_text), debts);
	}
	settle_ai(debts);
	if (has_plan)
	{
		args[0] = user_id;
		args[1] = enrollment_id;
		args[2] = plan_id;
		run_query(&q_program_allowance, args, NULL);
	}
	if (payer.is_org)
	{
		args[0] = payer.id;
		args[1] = enrollment_id;
		args[2] = user_id;
		args[3] = Int64GetDatum(cost);
		run_query(&q_insert_sponsorship, args, NULL);
	}
	return enrollment_id;
}

/*
 * innotrue_enroll_in_program
 *	  enroll_in_program(user_id, program_id, tier) -> enrollment id, paid from
 *	  the user's own credits.
 */
Datum
innotrue_enroll_in_program(PG_FUNCTION_ARGS)
{
	CreditSettings s;
	CreditOwner payer;
	Datum		id;
	AiDebts		debts = {0};

	innotrue_require_arg(fcinfo, 0, "user_id");
	innotrue_require_arg(fcinfo, 1, "program_id");
	if (!PG_ARGISNULL(2))
		innotrue_check_key(PG_GETARG_TEXT_PP(2), "tier");
	SPI_connect();
	load_settings(&s);
	payer = prepare_user(PG_GETARG_DATUM(0), user_allowance(PG_GETARG_DATUM(0)), &debts);
	id = enroll(payer, PG_GETARG_DATUM(0), PG_GETARG_DATUM(1),
				PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2), &s, &debts);
	id = SPI_datumTransfer(id, false, UUID_LEN);
	SPI_finish();
	PG_RETURN_DATUM(id);
}

/*
 * innotrue_sponsor_enrollment
 *	  sponsor_enrollment(organization_id, user_id, program_id, tier) ->
 *	  enrollment id, paid from the organization's pool for an active member.
 */
Datum
innotrue_sponsor_enrollment(PG_FUNCTION_ARGS)
{
	CreditSettings s;
	CreditOwner payer;
	Datum		args[2];
	Datum		id;
	AiDebts		debts = {0};

	innotrue_require_arg(fcinfo, 0, "organization_id");
	innotrue_require_arg(fcinfo, 1, "user_id");
	innotrue_require_arg(fcinfo, 2, "program_id");
	if (!PG_ARGISNULL(3))
		innotrue_check_key(PG_GETARG_TEXT_PP(3), "tier");
	SPI_connect();
	load_settings(&s);
	user_allowance(PG_GETARG_DATUM(1));
	payer = resolve_owner(PG_GETARG_DATUM(0));
	if (!payer.is_org)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown organization %s", uuid_text(PG_GETARG_DATUM(0)))));
	args[0] = PG_GETARG_DATUM(0);
	args[1] = PG_GETARG_DATUM(1);
	run_query(&q_member, args, NULL);
	if (SPI_processed == 0 || !DatumGetBool(col_notnull(0, 1)))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("user %s is not an active member of organization %s",
						uuid_text(args[1]), uuid_text(args[0]))));
	id = enroll(payer, PG_GETARG_DATUM(1), PG_GETARG_DATUM(2),
				PG_ARGISNULL(3) ? NULL : PG_GETARG_TEXT_PP(3), &s, &debts);
	id = SPI_datumTransfer(id, false, UUID_LEN);
	SPI_finish();
	PG_RETURN_DATUM(id);
}

/* ---------------------------------------------------------------------
 * The credit half of use_feature (feature_use.c, credits.h)
 * ---------------------------------------------------------------------
 */

/*
 * credit_feature_service
 *	  The credit service through which uses of a feature are charged: the
 *	  one active service linked to the feature and to no track (a
 *	  track-specific service is offered to members, not charged for every
 *	  use). Returns false when there is none; sets *service_key and, when
 *	  price is given, the user's unit price (track prices apply). Two such
 *	  services make the price of a use ambiguous: an error, or, when
 *	  ambiguous is given, false with *ambiguous set (for a caller that
 *	  explains rather than charges). Takes no lock: the spend prices the
 *	  service again under its own.
 */
bool
credit_feature_service(Datum feature_id, const char *feature_key, Datum user_id,
					   char **service_key, int64 *price, bool *ambiguous)
{
	CreditScan		rs;
	bool		isnull;
	char	   *found = NULL;
	KeptService scratch;
	KeptService *row;

	rel_begin_at(&rs, REL_FEATURE_SERVICES, &feature_id, fresh_snapshot());
	while (rel_next(&rs))
	{
		char	   *key;

		(void) rel_get(&rs, FEATURE_SERVICE_TRACK, &isnull);
		if (!isnull || !DatumGetBool(rel_get(&rs, FEATURE_SERVICE_ACTIVE, &isnull)))
			continue;
		key = TextDatumGetCString(rel_get(&rs, FEATURE_SERVICE_KEY, &isnull));
		if (found != NULL && ambiguous != NULL)
		{
			*ambiguous = true;
			rel_end(&rs);
			return false;
		}
		if (found != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("feature \"%s\" has more than one active credit service", feature_key),
					 errdetail("Services %s and %s both charge its uses.", found, key),
					 errhint("Deactivate all but one, or link the others to a track.")));
		found = key;
	}
	rel_end(&rs);
	if (found == NULL)
		return false;
	row = service_row(found, &scratch);
	if (!row->found || !row->active)
		return false;
	*service_key = found;
	if (price != NULL)
		*price = unit_price(row, user_id);
	return true;
}

/*
 * credit_spend_service
 *	  deduct_credits without its key: spends quantity units of a service
 *	  from the user's credits, all or nothing, under the owner's credit
 *	  lock; returns the deduction JSON. The caller is connected to SPI.
 */
Datum
credit_spend_service(Datum user_id, text *service_key, int32 quantity, Datum reference)
{
	CreditSettings s;

	load_settings(&s);
	return deduct_service(user_id, user_allowance(user_id), &s, service_key, quantity, reference);
}

/* credit_idempotency_claim / _store: idem_claim and idem_store for another module's keyed call. */
Jsonb *
credit_idempotency_claim(const char *operation, Datum owner_id, text *key, Datum request)
{
	return idem_claim(operation, owner_id, key, request);
}

void
credit_idempotency_store(const char *operation, Datum owner_id, text *key, Datum result)
{
	idem_store(operation, owner_id, key, result);
}
