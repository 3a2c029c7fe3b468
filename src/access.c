/*-------------------------------------------------------------------------
 *
 * access.c
 *	  Resource access: can_access_resource (the single-row check behind the
 *	  resource library's row-level security) and unlock_resource (the one
 *	  place a consumable resource is paid for).
 *
 * The check is read-only, so it walks the extension's own indexes with
 * systable scans under the statement's snapshot: no SPI, no plan.  Relation
 * and index OIDs, column numbers and key collations are cached per backend
 * and resolved again when the catalog generation of catalog.c moves
 * (DROP/CREATE EXTENSION).  A call site memoises in fn_extra, under one
 * transaction and snapshot, the users with the admin role and the last
 * user's program access tokens: a statement over many (user, resource) pairs
 * reads user_roles once, a listing for one user client_enrollments once.
 * The enrolled branch matches the user's tokens against the resource's
 * program_access, from which the row-level security policy's access_tokens
 * are generated (70_access.sql), so function and policy read links and
 * tiers alike.
 * Feature and plan-tier gates are answered by the entitlement resolver
 * (entitlements.c), never merged again here.
 *
 * unlock_resource writes through SPI with typed arguments: the charge goes
 * through innotrue.deduct_credits (idempotent per user and resource) and the
 * usage row through one INSERT guarded by the unique unlock index.
 *
 * Rules: platform-rules.md "Resource access"; behaviour in docs/access.md.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/stratnum.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "compat.h"
#include "innotrue.h"
#include "entitlements.h"

PG_FUNCTION_INFO_V1(innotrue_can_access_resource);
PG_FUNCTION_INFO_V1(innotrue_can_access_resource_current);
PG_FUNCTION_INFO_V1(innotrue_unlock_resource);

/* Default of system_settings.alumni_grace_days when the setting is absent. */
#define DEFAULT_ALUMNI_GRACE_DAYS 90

/* The credit service whose unit price (1 credit) unlock_resource charges. */
#define UNLOCK_SERVICE_KEY "resource_unlock"

/* ------------------------------------------------------------------------
 * Index probes
 * ------------------------------------------------------------------------
 */

typedef enum Probe
{
	PR_RESOURCE,				/* resource_library by id */
	PR_ADMINS,					/* user_roles by role */
	PR_ENROLLMENTS,				/* client_enrollments by user_id */
	PR_SETTING,					/* system_settings by key */
	NUM_PROBES
} Probe;

#define PROBE_MAX_COLS 8

/* A probe: table, index, number of leading key columns and columns read. */
typedef struct ProbeDef
{
	const char *table;
	const char *index;
	int			nkeys;
	const char *cols[PROBE_MAX_COLS];
} ProbeDef;

static const ProbeDef probe_defs[NUM_PROBES] = {
	[PR_RESOURCE] = {"resource_library", "resource_library_pkey", 1,
	{"id", "visibility", "created_by", "is_active", "feature_key", "min_plan_tier", "credit_cost",
	"program_access"}},
	[PR_ADMINS] = {"user_roles", "user_roles_role_idx", 1, {"role", "user_id"}},
	[PR_ENROLLMENTS] = {"client_enrollments", "client_enrollments_user_id_idx", 1,
	{"user_id", "program_id", "tier_name", "status", "completed_at"}},
	[PR_SETTING] = {"system_settings", "system_settings_key_key", 1, {"key", "value"}},
};

/* Column positions within each probe's cols[]. */
enum
{
	RES_VISIBILITY = 1, RES_CREATED_BY, RES_IS_ACTIVE, RES_FEATURE_KEY, RES_MIN_TIER, RES_CREDIT_COST,
	RES_PROGRAM_ACCESS
};
enum
{
	ENR_PROGRAM = 1, ENR_TIER, ENR_STATUS, ENR_COMPLETED_AT
};

/* Per-backend resolution of a probe. */
typedef struct ProbeOids
{
	Oid			relid;
	Oid			indexid;
	AttrNumber	attnums[PROBE_MAX_COLS];
	RegProcedure eqprocs[PROBE_MAX_COLS];
	Oid			collations[PROBE_MAX_COLS];	/* of the index's key columns */
} ProbeOids;

static ProbeOids probe_oids[NUM_PROBES];
static uint64 probe_oids_stamp = 0;	/* catalog generation they were resolved in */

/* An open probe and its current row. */
typedef struct ProbeScan
{
	const ProbeOids *oids;
	Relation	heap;
	SysScanDesc scan;
	HeapTuple	tuple;
} ProbeScan;

/*
 * probe_resolve
 *	  Looks up one probe's table, index, columns, key equality functions and
 *	  key collations by name in schema innotrue (catalog.c); a missing piece
 *	  is an error naming it.
 */
static void
probe_resolve(Probe pr)
{
	const ProbeDef *def = &probe_defs[pr];
	ProbeOids  *po = &probe_oids[pr];
	int			i;

	po->relid = innotrue_relation_oid(def->table);
	po->indexid = innotrue_relation_oid(def->index);
	for (i = 0; i < PROBE_MAX_COLS && def->cols[i] != NULL; i++)
	{
		po->attnums[i] = get_attnum(po->relid, def->cols[i]);
		if (po->attnums[i] == InvalidAttrNumber)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s.%s\" does not exist", def->table, def->cols[i])));
		if (i < def->nkeys)
		{
			Oid			typid;
			int32		typmod;

			/* the index column's type and collation (key i is index column i + 1) */
			get_atttypetypmodcoll(po->indexid, i + 1, &typid, &typmod, &po->collations[i]);
			po->eqprocs[i] = typid == UUIDOID ? F_UUID_EQ : F_TEXTEQ;
		}
	}
}

/*
 * probe_oids_load
 *	  Resolves every probe once per backend and again whenever the catalog
 *	  generation moves (DROP/CREATE EXTENSION), also while resolving.
 */
static void
probe_oids_load(void)
{
	uint64		current;

	while ((current = innotrue_catalog_generation()) != probe_oids_stamp)
	{
		int			pr;

		for (pr = 0; pr < NUM_PROBES; pr++)
			probe_resolve((Probe) pr);
		probe_oids_stamp = current;
	}
}

/*
 * probe_open
 *	  Starts an index scan of a probe for rows whose first nkeys key columns
 *	  equal keys[], under the statement's snapshot.  Locks are taken before
 *	  the relations are opened; if that processed an invalidation of our
 *	  OIDs, they are resolved again.
 */
static void
probe_open(ProbeScan *ps, Probe pr, int nkeys, const Datum *keys)
{
	ScanKeyData skeys[PROBE_MAX_COLS];
	int			i;

	for (;;)
	{
		probe_oids_load();
		ps->oids = &probe_oids[pr];
		LockRelationOid(ps->oids->relid, AccessShareLock);
		LockRelationOid(ps->oids->indexid, AccessShareLock);
		if (probe_oids_stamp == innotrue_catalog_generation())
			break;
		UnlockRelationOid(ps->oids->indexid, AccessShareLock);
		UnlockRelationOid(ps->oids->relid, AccessShareLock);
	}
	ps->heap = relation_open(ps->oids->relid, NoLock);
	for (i = 0; i < nkeys; i++)
		ScanKeyEntryInitialize(&skeys[i], 0, ps->oids->attnums[i], BTEqualStrategyNumber,
							   InvalidOid, ps->oids->collations[i],
							   ps->oids->eqprocs[i], keys[i]);
	ps->scan = systable_beginscan(ps->heap, ps->oids->indexid, true,
								  ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot(),
								  nkeys, skeys);
	ps->tuple = NULL;
}

/* probe_next: moves to the next matching row; false when there is none. */
static bool
probe_next(ProbeScan *ps)
{
	ps->tuple = systable_getnext(ps->scan);
	return HeapTupleIsValid(ps->tuple);
}

/* probe_col: column col (position in the probe's cols[]) of the current row. */
static Datum
probe_col(ProbeScan *ps, int col, bool *isnull)
{
	return heap_getattr(ps->tuple, ps->oids->attnums[col], RelationGetDescr(ps->heap), isnull);
}

/* probe_close: ends the scan; locks stay until the end of the transaction. */
static void
probe_close(ProbeScan *ps)
{
	systable_endscan(ps->scan);
	relation_close(ps->heap, NoLock);
}

/* ------------------------------------------------------------------------
 * The access rules
 * ------------------------------------------------------------------------
 */

/* What the check needs of one resource row (copied out of the scan). */
typedef struct ResourceRow
{
	char		visibility;		/* 'p'rivate, 'e'nrolled, 'P'ublic */
	Datum		created_by;
	bool		is_active;
	text	   *feature_key;	/* NULL = no feature gate */
	bool		has_min_tier;
	int32		min_tier;
	bool		has_cost;		/* consumable: credit_cost is set */
	int32		credit_cost;
	ArrayType  *program_access; /* access tokens of the linked programs */
} ResourceRow;

/*
 * resource_fetch
 *	  Reads a resource by id into *row; false when there is no such resource.
 */
static bool
resource_fetch(Datum resource_id, ResourceRow *row)
{
	ProbeScan	ps;
	bool		isnull;
	Datum		d;
	text	   *vis;

	probe_open(&ps, PR_RESOURCE, 1, &resource_id);
	if (!probe_next(&ps))
	{
		probe_close(&ps);
		return false;
	}
	/* 'private', 'enrolled' and 'public' (CHECK constraint) differ in their second letter */
	vis = DatumGetTextPP(probe_col(&ps, RES_VISIBILITY, &isnull));
	row->visibility = VARDATA_ANY(vis)[1] == 'r' ? 'p' : VARDATA_ANY(vis)[1] == 'u' ? 'P' : 'e';
	row->created_by = datumCopy(probe_col(&ps, RES_CREATED_BY, &isnull), false, UUID_LEN);
	row->is_active = DatumGetBool(probe_col(&ps, RES_IS_ACTIVE, &isnull));
	d = probe_col(&ps, RES_FEATURE_KEY, &isnull);
	row->feature_key = isnull ? NULL : DatumGetTextPCopy(d);
	d = probe_col(&ps, RES_MIN_TIER, &row->has_min_tier);
	row->has_min_tier = !row->has_min_tier;
	row->min_tier = row->has_min_tier ? DatumGetInt32(d) : 0;
	d = probe_col(&ps, RES_CREDIT_COST, &row->has_cost);
	row->has_cost = !row->has_cost;
	row->credit_cost = row->has_cost ? DatumGetInt32(d) : 0;
	row->program_access = DatumGetArrayTypePCopy(probe_col(&ps, RES_PROGRAM_ACCESS, &isnull));
	probe_close(&ps);
	return true;
}

/*
 * What the check knows under one snapshot, filled on first need: the users
 * with the admin role, and of the last call's user the program access tokens
 * of the enrollments that count.  Kept in fn_extra, so the next call of the
 * same call site under the same snapshot skips these lookups (the admin role
 * for every user, the tokens for the same user).
 */
typedef struct UserFacts
{
	/* the transaction and snapshot everything below was read under */
	bool		valid;
	LocalTransactionId lxid;	/* the transaction (its start time ends grace periods) */
	TransactionId snap_xmin;
	TransactionId snap_xmax;
	CommandId	snap_cid;
	uint64		snap_completions;
	int			nadmins;		/* -1 = not read yet */
	pg_uuid_t  *admins;			/* sorted; in snap_mcxt */
	MemoryContext snap_mcxt;	/* reset when the snapshot changes */
	/* the user of the last call */
	pg_uuid_t	user_id;
	int			ntokens;		/* -1 = not read yet */
	text	  **tokens;			/* in user_mcxt */
	MemoryContext user_mcxt;	/* reset when the user changes */
} UserFacts;

/*
 * user_facts
 *	  The memo of this call site for user_id under the active snapshot: all of
 *	  it is emptied when the transaction or the snapshot differs from the
 *	  last call's, the user's part when the user differs.  No active
 *	  snapshot, or one without a completion count (0), is never reused.
 */
static UserFacts *
user_facts(FunctionCallInfo fcinfo, Datum user_id)
{
	UserFacts  *uf = (UserFacts *) fcinfo->flinfo->fn_extra;
	Snapshot	snap = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;

	if (uf == NULL)
	{
		uf = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(UserFacts));
		uf->snap_mcxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "can_access_resource snapshot facts",
											  ALLOCSET_SMALL_SIZES);
		uf->user_mcxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "can_access_resource user facts",
											  ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = uf;
	}
	if (!(uf->valid && snap != NULL && snap->snapXactCompletionCount != 0 &&
		  uf->lxid == compat_my_lxid() && snap->snapXactCompletionCount == uf->snap_completions &&
		  snap->xmin == uf->snap_xmin && snap->xmax == uf->snap_xmax && snap->curcid == uf->snap_cid))
	{
		MemoryContextReset(uf->snap_mcxt);
		uf->valid = snap != NULL;
		if (snap != NULL)
		{
			uf->lxid = compat_my_lxid();
			uf->snap_xmin = snap->xmin;
			uf->snap_xmax = snap->xmax;
			uf->snap_cid = snap->curcid;
			uf->snap_completions = snap->snapXactCompletionCount;
		}
		uf->nadmins = -1;
		uf->admins = NULL;
		uf->ntokens = -1;		/* a new snapshot: the user's part too */
	}
	else if (memcmp(&uf->user_id, DatumGetUUIDP(user_id), UUID_LEN) != 0)
		uf->ntokens = -1;
	if (uf->ntokens < 0)
	{
		MemoryContextReset(uf->user_mcxt);
		memcpy(&uf->user_id, DatumGetUUIDP(user_id), UUID_LEN);
		uf->tokens = NULL;
	}
	return uf;
}

/* uuid_cmp_raw: memcmp order of two uuids (qsort/bsearch comparator). */
static int
uuid_cmp_raw(const void *a, const void *b)
{
	return memcmp(a, b, UUID_LEN);
}

/*
 * admins_load
 *	  Reads the user ids with the admin role (user_roles by role, one scan
 *	  for the whole memo: admins are few) into uf->admins, sorted.
 */
static void
admins_load(UserFacts *uf)
{
	ProbeScan	ps;
	Datum		role = CStringGetTextDatum("admin");
	int			allocated = 8;

	uf->admins = MemoryContextAlloc(uf->snap_mcxt, allocated * sizeof(pg_uuid_t));
	uf->nadmins = 0;
	probe_open(&ps, PR_ADMINS, 1, &role);
	while (probe_next(&ps))
	{
		bool		isnull;

		if (uf->nadmins == allocated)
		{
			allocated *= 2;
			uf->admins = repalloc(uf->admins, allocated * sizeof(pg_uuid_t));
		}
		memcpy(&uf->admins[uf->nadmins++], DatumGetUUIDP(probe_col(&ps, 1, &isnull)), UUID_LEN);
	}
	probe_close(&ps);
	qsort(uf->admins, uf->nadmins, sizeof(pg_uuid_t), uuid_cmp_raw);
}

/* user_is_admin: whether user_roles gives the memo's user the admin role. */
static bool
user_is_admin(UserFacts *uf)
{
	if (uf->nadmins < 0)
		admins_load(uf);
	return bsearch(&uf->user_id, uf->admins, uf->nadmins, sizeof(pg_uuid_t), uuid_cmp_raw) != NULL;
}

/*
 * alumni_grace_days
 *	  system_settings.alumni_grace_days (a JSON number of days), 90 when the
 *	  setting is absent; a value that is not a whole number >= 0 is an error.
 */
static int32
alumni_grace_days(void)
{
	ProbeScan	ps;
	Datum		key = CStringGetTextDatum("alumni_grace_days");
	int32		days = DEFAULT_ALUMNI_GRACE_DAYS;

	probe_open(&ps, PR_SETTING, 1, &key);
	if (probe_next(&ps))
	{
		bool		isnull;
		Jsonb	   *value = DatumGetJsonbP(probe_col(&ps, 1, &isnull));
		JsonbValue	num;

		if (!JsonbExtractScalar(&value->root, &num) || num.type != jbvNumeric)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("system setting \"alumni_grace_days\" is not a number"),
					 errhint("Set it to a whole number of days, e.g. 90.")));
		days = DatumGetInt32(DirectFunctionCall1(numeric_int4, NumericGetDatum(num.val.numeric)));
		if (days < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("system setting \"alumni_grace_days\" is negative: %d", days)));
	}
	probe_close(&ps);
	return days;
}

/*
 * enrollment_counts
 *	  Whether an enrollment still opens enrolled-only resources at time now:
 *	  active, or completed no longer ago than the alumni grace period
 *	  (*grace_days is read on first need; -1 = not read yet).
 */
static bool
enrollment_counts(ProbeScan *enr, TimestampTz now, int32 *grace_days)
{
	bool		isnull;
	char	   *status = TextDatumGetCString(probe_col(enr, ENR_STATUS, &isnull));
	Datum		completed_at;

	if (strcmp(status, "active") == 0)
		return true;
	if (strcmp(status, "completed") != 0)
		return false;
	completed_at = probe_col(enr, ENR_COMPLETED_AT, &isnull);
	if (isnull)
		return false;
	if (*grace_days < 0)
		*grace_days = alumni_grace_days();
	return DatumGetTimestampTz(completed_at) + (TimestampTz) *grace_days * USECS_PER_DAY >= now;
}

/*
 * user_tokens_load
 *	  Fills uf->tokens with the user's program access tokens, as
 *	  innotrue.my_program_access() makes them: '<program_id>' and
 *	  '<program_id>:<tier>' of each enrollment that counts.
 */
static void
user_tokens_load(UserFacts *uf)
{
	ProbeScan	enr;
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	int32		grace_days = -1;
	int			allocated = 4;
	Datum		user_id = UUIDPGetDatum(&uf->user_id);

	uf->tokens = MemoryContextAlloc(uf->user_mcxt, allocated * sizeof(text *));
	uf->ntokens = 0;
	probe_open(&enr, PR_ENROLLMENTS, 1, &user_id);
	while (probe_next(&enr))
	{
		bool		isnull;
		char	   *program;
		Datum		tier;
		MemoryContext old;

		if (!enrollment_counts(&enr, now, &grace_days))
			continue;
		if (uf->ntokens + 2 > allocated)
		{
			allocated *= 2;
			uf->tokens = repalloc(uf->tokens, allocated * sizeof(text *));
		}
		program = DatumGetCString(DirectFunctionCall1(uuid_out, probe_col(&enr, ENR_PROGRAM, &isnull)));
		tier = probe_col(&enr, ENR_TIER, &isnull);
		old = MemoryContextSwitchTo(uf->user_mcxt);
		uf->tokens[uf->ntokens++] = cstring_to_text(program);
		if (!isnull)
			uf->tokens[uf->ntokens++] = cstring_to_text(psprintf("%s:%s", program, TextDatumGetCString(tier)));
		MemoryContextSwitchTo(old);
	}
	probe_close(&enr);
}

/*
 * linked_enrollee
 *	  Whether the user has an enrollment that counts (active, or completed
 *	  within the grace period) in a program linked to the resource, at a tier
 *	  the resource allows there: one of the user's tokens is among the
 *	  resource's program_access tokens.  Used for enrolled visibility and for
 *	  the unlock waiver.
 */
static bool
linked_enrollee(UserFacts *uf, const ResourceRow *row)
{
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	int			i;

	if (ArrayGetNItems(ARR_NDIM(row->program_access), ARR_DIMS(row->program_access)) == 0)
		return false;
	if (uf->ntokens < 0)
		user_tokens_load(uf);
	if (uf->ntokens == 0)
		return false;
	deconstruct_array(row->program_access, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &nelems);
	for (i = 0; i < nelems; i++)
	{
		text	   *token = DatumGetTextPP(elems[i]);
		int			j;

		if (nulls[i])
			continue;
		for (j = 0; j < uf->ntokens; j++)
			if (VARSIZE_ANY_EXHDR(token) == VARSIZE_ANY_EXHDR(uf->tokens[j]) &&
				memcmp(VARDATA_ANY(token), VARDATA_ANY(uf->tokens[j]), VARSIZE_ANY_EXHDR(token)) == 0)
				return true;
	}
	return false;
}

/*
 * entitlement_gates_pass
 *	  The gates on top of visibility: the resource's feature granted by the
 *	  resolved entitlements (has_feature) and the effective plan tier at
 *	  least min_plan_tier.  Both are answered by entitlements.c.
 */
static bool
entitlement_gates_pass(Datum user_id, const ResourceRow *row)
{
	int32		tier;

	if (row->feature_key != NULL && !entitlement_has_feature(user_id, row->feature_key))
		return false;
	if (row->has_min_tier && (!entitlement_plan_tier(user_id, &tier) || tier < row->min_tier))
		return false;
	return true;
}

/*
 * resource_access
 *	  The decision of can_access_resource for a known resource row:
 *	  admin or creator -> true; inactive -> false; private -> false;
 *	  public -> gates; enrolled -> linked enrollment, then gates.
 */
static bool
resource_access(UserFacts *uf, const ResourceRow *row)
{
	Datum		user_id = UUIDPGetDatum(&uf->user_id);

	if (DatumGetBool(DirectFunctionCall2(uuid_eq, user_id, row->created_by)))
		return true;
	if (user_is_admin(uf))
		return true;
	if (!row->is_active || row->visibility == 'p')
		return false;
	if (row->visibility == 'e' && !linked_enrollee(uf, row))
		return false;
	return entitlement_gates_pass(user_id, row);
}

/*
 * check_access
 *	  can_access_resource for possibly-NULL arguments: an anonymous user or
 *	  a missing resource id is never granted, nor is an unknown resource.
 */
static bool
check_access(FunctionCallInfo fcinfo, Datum user_id, bool user_null, Datum resource_id, bool resource_null)
{
	ResourceRow row;

	if (user_null || resource_null || !resource_fetch(resource_id, &row))
		return false;
	return resource_access(user_facts(fcinfo, user_id), &row);
}

/*
 * innotrue_can_access_resource
 *	  can_access_resource(user_id, resource_id) -> boolean, no side effects.
 */
Datum
innotrue_can_access_resource(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(check_access(fcinfo, PG_GETARG_DATUM(0), PG_ARGISNULL(0),
								PG_GETARG_DATUM(1), PG_ARGISNULL(1)));
}

/*
 * innotrue_can_access_resource_current
 *	  can_access_resource(resource_id) for innotrue.current_user_id().
 */
Datum
innotrue_can_access_resource_current(PG_FUNCTION_ARGS)
{
	bool		user_null;
	Datum		user_id = innotrue_current_user(&user_null);

	PG_RETURN_BOOL(check_access(fcinfo, user_id, user_null, PG_GETARG_DATUM(0), PG_ARGISNULL(0)));
}

/* ------------------------------------------------------------------------
 * Unlocking consumable resources
 * ------------------------------------------------------------------------
 */

/*
 * spi_run
 *	  Runs one statement through SPI with typed arguments (no string-built
 *	  SQL); returns the first column of the first row, *isnull when none.
 */
static Datum
spi_run(const char *sql, int nargs, Oid *types, Datum *values, bool *isnull)
{
	int			rc = SPI_execute_with_args(sql, nargs, types, values, NULL, false, 1);
	Datum		result = (Datum) 0;

	if (rc < 0)
		elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(rc));
	*isnull = true;
	if (SPI_processed > 0 && SPI_tuptable != NULL)
		result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, isnull);
	return result;
}

/*
 * previous_unlock_charge
 *	  Credits charged by the user's earlier unlock of the resource, or -1
 *	  when it was never unlocked.  The row is locked so that a concurrent
 *	  unlock waits for it instead of charging again.
 */
static int32
previous_unlock_charge(Datum user_id, Datum resource_id)
{
	Oid			types[2] = {UUIDOID, UUIDOID};
	Datum		values[2] = {user_id, resource_id};
	bool		isnull;
	Datum		charged = spi_run("SELECT credits_charged FROM innotrue.resource_usage_tracking "
								  "WHERE user_id = $1 AND resource_id = $2 AND action = 'unlock' FOR UPDATE",
								  2, types, values, &isnull);

	return isnull ? -1 : DatumGetInt32(charged);
}

/*
 * charge_unlock
 *	  Spends the resource's credit cost through innotrue.deduct_credits
 *	  (service resource_unlock at 1 credit a unit, quantity = credit_cost),
 *	  with an idempotency key per user and resource so a retried unlock
 *	  never pays twice.  A shortfall raises deduct_credits' error.
 */
static void
charge_unlock(Datum user_id, Datum resource_id, int32 cost)
{
	Oid			types[4] = {UUIDOID, TEXTOID, INT4OID, UUIDOID};
	Datum		values[4];
	bool		isnull;

	values[0] = user_id;
	values[1] = CStringGetTextDatum(UNLOCK_SERVICE_KEY);
	values[2] = Int32GetDatum(cost);
	values[3] = resource_id;
	spi_run("SELECT innotrue.deduct_credits($1, $2, $3, "
			"'resource_unlock:' || $1::text || ':' || $4::text, "
			"jsonb_build_object('resource_id', $4))",
			4, types, values, &isnull);
}

/*
 * record_usage
 *	  Writes the resource_usage_tracking row of this call: action 'unlock'
 *	  with the credits charged for a consumable resource, 'view' otherwise.
 *	  Returns false when a concurrent unlock recorded the unlock first.
 */
static bool
record_usage(Datum user_id, Datum resource_id, const char *action, int32 charged)
{
	Oid			types[4] = {UUIDOID, UUIDOID, TEXTOID, INT4OID};
	Datum		values[4];
	bool		isnull;

	values[0] = user_id;
	values[1] = resource_id;
	values[2] = CStringGetTextDatum(action);
	values[3] = Int32GetDatum(charged);
	spi_run("INSERT INTO innotrue.resource_usage_tracking (user_id, resource_id, action, credits_charged) "
			"VALUES ($1, $2, $3, $4) "
			"ON CONFLICT (user_id, resource_id) WHERE action = 'unlock' DO NOTHING",
			4, types, values, &isnull);
	return SPI_processed > 0;
}

/*
 * unlock_result
 *	  The JSON answer of unlock_resource.
 */
static Datum
unlock_result(Datum resource_id, bool consumable, bool already, bool waived, int32 charged)
{
	Oid			types[5] = {UUIDOID, BOOLOID, BOOLOID, BOOLOID, INT4OID};
	Datum		values[5];
	bool		isnull;
	Datum		result;

	values[0] = resource_id;
	values[1] = BoolGetDatum(consumable);
	values[2] = BoolGetDatum(already);
	values[3] = BoolGetDatum(waived);
	values[4] = Int32GetDatum(charged);
	result = spi_run("SELECT jsonb_build_object('resource_id', $1, 'consumable', $2, "
					 "'already_unlocked', $3, 'waived', $4, 'credits_charged', $5)",
					 5, types, values, &isnull);
	return SPI_datumTransfer(result, false, -1);
}

/*
 * innotrue_unlock_resource
 *	  unlock_resource(user_id, resource_id) -> jsonb.  Refuses (changing
 *	  nothing) an unknown resource (42704) or one the user cannot access
 *	  (42501).  A consumable resource is charged once (waived for linked
 *	  enrollees) and recorded as 'unlock'; a repeat returns the first charge
 *	  and records nothing; a free resource is recorded as a 'view'.
 */
Datum
innotrue_unlock_resource(PG_FUNCTION_ARGS)
{
	Datum		user_id = PG_GETARG_DATUM(0);
	Datum		resource_id = PG_GETARG_DATUM(1);
	ResourceRow row;
	UserFacts  *facts;
	int32		charged;
	bool		waived = false;
	Datum		result;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("unlock_resource needs a user id and a resource id")));
	if (!resource_fetch(resource_id, &row))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("resource \"%s\" does not exist",
						DatumGetCString(DirectFunctionCall1(uuid_out, resource_id)))));
	facts = user_facts(fcinfo, user_id);
	if (!resource_access(facts, &row))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("user \"%s\" may not access resource \"%s\"",
						DatumGetCString(DirectFunctionCall1(uuid_out, user_id)),
						DatumGetCString(DirectFunctionCall1(uuid_out, resource_id))),
				 errhint("See innotrue.can_access_resource: visibility, linked programs and tiers, feature and plan tier.")));

	SPI_connect();
	if (!row.has_cost)
	{
		record_usage(user_id, resource_id, "view", 0);
		result = unlock_result(resource_id, false, false, false, 0);
	}
	else if ((charged = previous_unlock_charge(user_id, resource_id)) >= 0)
		result = unlock_result(resource_id, true, true, charged == 0, charged);
	else
	{
		waived = linked_enrollee(facts, &row);
		charged = waived ? 0 : row.credit_cost;
		if (!waived)
			charge_unlock(user_id, resource_id, charged);
		if (record_usage(user_id, resource_id, "unlock", charged))
			result = unlock_result(resource_id, true, false, waived, charged);
		else
		{
			/* A concurrent unlock won; the idempotent deduction charged nothing more. */
			charged = previous_unlock_charge(user_id, resource_id);
			result = unlock_result(resource_id, true, true, charged == 0, charged);
		}
	}
	SPI_finish();
	PG_RETURN_DATUM(result);
}
