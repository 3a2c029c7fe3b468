/*-------------------------------------------------------------------------
 *
 * entitlements.c
 *	  Entitlement resolution in the database: which features a user has,
 *	  with which monthly limit, from which of the five sources, and the
 *	  metering of consumable features.
 *
 * The read path (has_feature, feature_limit, resolve_entitlements,
 * effective_plan_tier, entitlement_sources) walks the extension's own
 * indexes with systable scans under the query's active snapshot: no SPI,
 * no plan, no cross-call cache of data.  It therefore sees changes made
 * earlier in the same transaction and other sessions' commits exactly as
 * the calling statement does.  Only relation/index OIDs and column numbers
 * are cached per backend; a relcache callback forgets them when any of
 * those relations changes (e.g. DROP/CREATE EXTENSION).
 *
 * The write path (record_feature_usage) goes through SPI with typed
 * arguments: one INSERT ... ON CONFLICT DO UPDATE whose guard refuses to
 * pass the limit, so two sessions can never both take the last use.
 *
 * Rules: platform-rules.md "Entitlements"; decisions in docs/entitlements.md.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/stratnum.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "storage/lmgr.h"
#include "utils/date.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "innotrue.h"
#include "relscan.h"
#include "entitlements.h"
#include "input_limits.h"

PG_FUNCTION_INFO_V1(innotrue_has_feature);
PG_FUNCTION_INFO_V1(innotrue_feature_limit);
PG_FUNCTION_INFO_V1(innotrue_effective_plan_tier);
PG_FUNCTION_INFO_V1(innotrue_resolve_entitlements);
PG_FUNCTION_INFO_V1(innotrue_entitlement_sources);
PG_FUNCTION_INFO_V1(innotrue_usage_period);
PG_FUNCTION_INFO_V1(innotrue_record_feature_usage);
PG_FUNCTION_INFO_V1(innotrue_entitlement_cache_sources);

/* ------------------------------------------------------------------------
 * Index lookups on the extension's tables
 * ------------------------------------------------------------------------
 */

/* Every (table, index) pair the read path scans. */
typedef enum Lookup
{
	LK_FEATURE_BY_KEY,
	LK_PROFILE,
	LK_PLAN,
	LK_PLAN_FEATURES,
	LK_ENROLLMENTS,
	LK_PROGRAM,
	LK_TIER_PLAN,
	LK_PROGRAM_PLAN,
	LK_PROGRAM_PLAN_FEATURES,
	LK_USER_ADD_ONS,
	LK_ADD_ON,
	LK_ADD_ON_FEATURES,
	LK_USER_TRACKS,
	LK_TRACK,
	LK_TRACK_FEATURES,
	LK_ORG_MEMBERS,
	LK_ORG,
	LK_DENIALS,
	LK_USAGE,
	LK_SETTING,
	NUM_LOOKUPS
} Lookup;

#define MAX_COLS 6

/*
 * How a lookup's rows may be kept between calls.  Per-user rows are kept
 * only inside a user's cached resolution; configuration rows (plans,
 * program plans, add-ons, tracks, organizations and their feature rows),
 * the same for every user, are also memoized per lookup key so that a cold
 * resolution reads only the user's own rows; live rows are read afresh at
 * every call.  Memoized and cached data follow the same rules
 * (entitlement_cache.c).
 */
typedef enum LookupKeep
{
	KEEP_PER_USER,
	KEEP_CONFIG,
	KEEP_NONE
} LookupKeep;

/*
 * A lookup: the table, the index scanned and the columns read.  The first
 * nkeys columns are the index's leading columns, in index order; scan keys
 * are given in that order.
 */
typedef struct LookupSpec
{
	const char *table;
	const char *index;
	int			nkeys;
	const char *columns[MAX_COLS];
	LookupKeep	keep;
} LookupSpec;

static const LookupSpec lookup_specs[NUM_LOOKUPS] = {
	[LK_FEATURE_BY_KEY] = {"features", "features_key_key", 1, {"key", "id", "is_active"}},
	[LK_PROFILE] = {"profiles", "profiles_pkey", 1, {"id", "plan_id"}},
	[LK_PLAN] = {"plans", "plans_pkey", 1, {"id", "is_active", "key", "tier_level"}, KEEP_CONFIG},
	[LK_PLAN_FEATURES] = {"plan_features", "plan_features_plan_feature_key", 2,
	{"plan_id", "feature_id", "limit_value", "is_restrictive"}, KEEP_CONFIG},
	[LK_ENROLLMENTS] = {"client_enrollments", "client_enrollments_user_id_idx", 1,
	{"user_id", "program_id", "program_plan_id", "tier_name", "status"}},
	[LK_PROGRAM] = {"programs", "programs_pkey", 1, {"id", "default_program_plan_id", "slug"}, KEEP_CONFIG},
	[LK_TIER_PLAN] = {"program_tier_plans", "program_tier_plans_program_tier_key", 2,
	{"program_id", "tier_name", "program_plan_id"}, KEEP_CONFIG},
	[LK_PROGRAM_PLAN] = {"program_plans", "program_plans_pkey", 1, {"id", "is_active", "key"}, KEEP_CONFIG},
	[LK_PROGRAM_PLAN_FEATURES] = {"program_plan_features", "program_plan_features_program_plan_feature_key", 2,
	{"program_plan_id", "feature_id", "limit_value"}, KEEP_CONFIG},
	[LK_USER_ADD_ONS] = {"user_add_ons", "user_add_ons_user_id_idx", 1, {"user_id", "add_on_id", "expires_at"}},
	[LK_ADD_ON] = {"add_ons", "add_ons_pkey", 1, {"id", "is_active", "key"}, KEEP_CONFIG},
	[LK_ADD_ON_FEATURES] = {"add_on_features", "add_on_features_add_on_feature_key", 2,
	{"add_on_id", "feature_id", "limit_value"}, KEEP_CONFIG},
	[LK_USER_TRACKS] = {"user_tracks", "user_tracks_user_id_idx", 1, {"user_id", "track_id", "is_active"}},
	[LK_TRACK] = {"tracks", "tracks_pkey", 1, {"id", "is_active", "key"}, KEEP_CONFIG},
	[LK_TRACK_FEATURES] = {"track_features", "track_features_track_feature_key", 2,
	{"track_id", "feature_id", "limit_value"}, KEEP_CONFIG},
	[LK_ORG_MEMBERS] = {"organization_members", "organization_members_user_id_idx", 1,
	{"user_id", "organization_id", "status", "sponsored_plan_id"}},
	[LK_ORG] = {"organizations", "organizations_pkey", 1, {"id", "is_active", "slug"}, KEEP_CONFIG},
	[LK_DENIALS] = {"user_feature_denials", "user_feature_denials_user_feature_key", 2,
	{"user_id", "feature_id", "expires_at", "id"}},
	[LK_USAGE] = {"feature_usage", "feature_usage_user_feature_period_key", 3,
	{"user_id", "feature_id", "period_start", "used"}, KEEP_NONE},
	[LK_SETTING] = {"system_settings", "system_settings_key_key", 1, {"key", "value"}, KEEP_NONE},
};

/* What the backend remembers about a lookup once resolved by name. */
typedef struct LookupCache
{
	Oid			relid;
	Oid			indexid;
	AttrNumber	attnums[MAX_COLS];
	RegProcedure eqprocs[MAX_COLS];
	Oid			collations[MAX_COLS];
} LookupCache;

static LookupCache lookup_cache[NUM_LOOKUPS];
/* Catalog generation (catalog.c) the cache was filled under; 0 = never. */
static uint64 lookup_cache_stamp = 0;

/* The rows of one configuration lookup key, as memoized. */
typedef struct MemoKey
{
	Lookup		lk;
	pg_uuid_t	first_key;
} MemoKey;

typedef struct MemoRows
{
	MemoKey		key;			/* hash key: must be first */
	int			ntuples;
	HeapTuple  *tuples;			/* in index order */
} MemoRows;

/* One feature as the feature catalog keeps it. */
typedef struct FeatureInfo
{
	char	   *key;
	pg_uuid_t	id;
	bool		active;
} FeatureInfo;

/* Every feature: in index (key) order for output, and by strcmp for lookups. */
typedef struct FeatureCatalog
{
	int			n;
	FeatureInfo *in_key_order;
	FeatureInfo **by_strcmp;
} FeatureCatalog;

/*
 * Data kept between calls under the entitlement cache's rules -- the
 * memoized configuration rows and the feature catalog -- all in one
 * context, and the cache epoch they belong to.
 */
static MemoryContext kept_context = NULL;
static uint64 kept_epoch = 0;
static HTAB *memo_rows = NULL;
static TupleDesc memo_tupdescs[NUM_LOOKUPS];
static FeatureCatalog *feature_catalog_cached = NULL;

/*
 * An open scan of one lookup and its current tuple: an index scan, or a
 * walk over memoized rows (memo != NULL) filtered by the keys after the
 * first.
 */
typedef struct LookupScan
{
	const LookupCache *cache;
	TupleDesc	tupdesc;
	Relation	heap;
	Relation	index;
	SysScanDesc scan;
	HeapTuple	tuple;
	const MemoRows *memo;
	int			memo_next;
	int			nkeys;
	Datum		keys[MAX_COLS];
} LookupScan;

/*
 * equality_proc_for_type
 *	  The btree equality function used in scan keys on a column of this type.
 */
static RegProcedure
equality_proc_for_type(Oid typid, const char *table, const char *column)
{
	switch (typid)
	{
		case UUIDOID:
			return F_UUID_EQ;
		case TEXTOID:
			return F_TEXTEQ;
		case DATEOID:
			return F_DATE_EQ;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s.%s\" has a type the entitlement lookups cannot key on",
							table, column)));
	}
	return InvalidOid;			/* keep compiler quiet */
}

/*
 * lookup_resolve_one
 *	  Finds one lookup's table, index and columns by name in schema innotrue.
 */
static void
lookup_resolve_one(Lookup lk)
{
	const LookupSpec *spec = &lookup_specs[lk];
	LookupCache *lc = &lookup_cache[lk];
	int			i;

	lc->relid = innotrue_relation_oid(spec->table);
	lc->indexid = innotrue_relation_oid(spec->index);
	if (get_rel_relkind(lc->indexid) != RELKIND_INDEX)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("index \"%s.%s\" does not exist", INNOTRUE_SCHEMA, spec->index),
				 errhint("The entitlement functions scan this index; reinstall the innotrue extension.")));

	for (i = 0; i < MAX_COLS && spec->columns[i] != NULL; i++)
	{
		Oid			typid;
		int32		typmod;

		lc->attnums[i] = get_attnum(lc->relid, spec->columns[i]);
		if (lc->attnums[i] == InvalidAttrNumber)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s.%s\" does not exist", spec->table, spec->columns[i])));
		get_atttypetypmodcoll(lc->relid, lc->attnums[i], &typid, &typmod, &lc->collations[i]);
		if (i < spec->nkeys)
			lc->eqprocs[i] = equality_proc_for_type(typid, spec->table, spec->columns[i]);
	}
}

/*
 * lookup_cache_fill
 *	  Resolves every lookup by name, once per backend and again whenever the
 *	  catalog generation moves (also while filling).
 */
static void
lookup_cache_fill(void)
{
	uint64		current;

	while ((current = innotrue_catalog_generation()) != lookup_cache_stamp)
	{
		int			lk;

		for (lk = 0; lk < NUM_LOOKUPS; lk++)
			lookup_resolve_one((Lookup) lk);
		lookup_cache_stamp = current;
	}
}

/* statement_snapshot: the snapshot every read of a call is made under. */
static Snapshot
statement_snapshot(void)
{
	return ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot();
}

/*
 * lookup_begin_scan
 *	  Opens the lookup's table and starts an index scan for rows whose first
 *	  nkeys columns equal keys[], under the statement's snapshot.
 */
static void
lookup_begin_scan(LookupScan *ls, Lookup lk, int nkeys, const Datum *keys)
{
	ScanKeyData skeys[MAX_COLS];
	Snapshot	snapshot;
	int			i;

	Assert(nkeys <= lookup_specs[lk].nkeys);
	for (;;)
	{
		lookup_cache_fill();
		ls->cache = &lookup_cache[lk];
		/* Locking may process invalidations; start over if ours went stale. */
		LockRelationOid(ls->cache->relid, AccessShareLock);
		LockRelationOid(ls->cache->indexid, AccessShareLock);
		if (lookup_cache_stamp == innotrue_catalog_generation())
			break;
		UnlockRelationOid(ls->cache->indexid, AccessShareLock);
		UnlockRelationOid(ls->cache->relid, AccessShareLock);
	}
	ls->heap = relation_open(ls->cache->relid, NoLock);
	ls->index = relation_open(ls->cache->indexid, NoLock);

	for (i = 0; i < nkeys; i++)
		ScanKeyEntryInitialize(&skeys[i], 0, ls->cache->attnums[i],
							   BTEqualStrategyNumber, InvalidOid,
							   ls->cache->collations[i], ls->cache->eqprocs[i], keys[i]);

	snapshot = statement_snapshot();
	ls->scan = systable_beginscan_ordered(ls->heap, ls->index, snapshot, nkeys, skeys);
	ls->tupdesc = RelationGetDescr(ls->heap);
	ls->tuple = NULL;
	ls->memo = NULL;
}

/* lookup_next: advances to the next matching row; false at the end. */
static bool
lookup_next(LookupScan *ls)
{
	if (ls->memo == NULL)
	{
		ls->tuple = systable_getnext_ordered(ls->scan, ForwardScanDirection);
		return HeapTupleIsValid(ls->tuple);
	}
	while (ls->memo_next < ls->memo->ntuples)
	{
		int			k;

		ls->tuple = ls->memo->tuples[ls->memo_next++];
		for (k = 1; k < ls->nkeys; k++)
		{
			bool		isnull;
			Datum		d = heap_getattr(ls->tuple, ls->cache->attnums[k], ls->tupdesc, &isnull);

			if (isnull || !DatumGetBool(OidFunctionCall2Coll(ls->cache->eqprocs[k], ls->cache->collations[k],
															 d, ls->keys[k])))
				break;
		}
		if (k == ls->nkeys)
			return true;
	}
	ls->tuple = NULL;
	return false;
}

/* lookup_get: column col (position in the lookup's column list) of the current row. */
static Datum
lookup_get(LookupScan *ls, int col, bool *isnull)
{
	return heap_getattr(ls->tuple, ls->cache->attnums[col], ls->tupdesc, isnull);
}

/* lookup_get_bool: a NOT NULL boolean column of the current row. */
static bool
lookup_get_bool(LookupScan *ls, int col)
{
	bool		isnull;
	Datum		d = lookup_get(ls, col, &isnull);

	return !isnull && DatumGetBool(d);
}

/* lookup_get_text: a text column as a C string (NULL when NULL). */
static char *
lookup_get_text(LookupScan *ls, int col)
{
	bool		isnull;
	Datum		d = lookup_get(ls, col, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/*
 * lookup_end
 *	  Ends the scan; the locks on table and index are kept to the end of the
 *	  transaction, which makes the next call's locking a local-table hit.
 */
static void
lookup_end(LookupScan *ls)
{
	if (ls->memo != NULL)
		return;
	systable_endscan_ordered(ls->scan);
	relation_close(ls->index, NoLock);
	relation_close(ls->heap, NoLock);
}

/*
 * kept_data_usable
 *	  Whether this statement's snapshot may use data kept between calls.
 *	  When the entitlement cache has flushed since that data was kept, it is
 *	  given up first: it stays allocated until the transaction ends, as a
 *	  scan of this call may still be walking it.
 */
static bool
kept_data_usable(void)
{
	if (!entcache_usable(statement_snapshot()))
		return false;
	if (kept_epoch != entcache_epoch())
	{
		if (kept_context != NULL)
			MemoryContextSetParent(kept_context, TopTransactionContext);
		kept_context = NULL;
		memo_rows = NULL;
		memset(memo_tupdescs, 0, sizeof(memo_tupdescs));
		feature_catalog_cached = NULL;
		kept_epoch = entcache_epoch();
	}
	if (kept_context == NULL)
		kept_context = AllocSetContextCreate(TopMemoryContext, "innotrue kept data", ALLOCSET_DEFAULT_SIZES);
	return true;
}

/*
 * kept_data_still_usable
 *	  After reading data to keep: whether it may be kept (reading may have
 *	  processed invalidations that flushed the cache).
 */
static bool
kept_data_still_usable(void)
{
	return entcache_usable(statement_snapshot()) && kept_epoch == entcache_epoch();
}

/*
 * memo_fetch
 *	  The rows of a configuration lookup for one first key, from the memo or
 *	  read by one index scan (and memoized when the snapshot may fill it);
 *	  NULL when this statement's snapshot may not use kept data.
 */
static const MemoRows *
memo_fetch(Lookup lk, Datum first_key)
{
	MemoKey		key;
	MemoRows   *rows;
	LookupScan	ls;
	int			room = 8;
	MemoryContext old;

	if (!kept_data_usable())
		return NULL;
	if (memo_rows == NULL)
		memo_rows = kept_hash_new("innotrue configuration memo", &kept_context,
									   sizeof(MemoKey), sizeof(MemoRows));
	memset(&key, 0, sizeof(key));
	key.lk = lk;
	key.first_key = *DatumGetUUIDP(first_key);
	rows = (MemoRows *) hash_search(memo_rows, &key, HASH_FIND, NULL);
	if (rows != NULL)
		return rows;

	lookup_begin_scan(&ls, lk, 1, &first_key);
	old = MemoryContextSwitchTo(kept_context);
	if (memo_tupdescs[lk] == NULL)
		memo_tupdescs[lk] = CreateTupleDescCopyConstr(ls.tupdesc);	/* keeps missing-column defaults */
	rows = (MemoRows *) palloc0(sizeof(MemoRows));
	rows->key = key;
	rows->tuples = (HeapTuple *) palloc(room * sizeof(HeapTuple));
	while (lookup_next(&ls))
	{
		if (rows->ntuples == room)
		{
			room *= 2;
			rows->tuples = (HeapTuple *) repalloc(rows->tuples, room * sizeof(HeapTuple));
		}
		rows->tuples[rows->ntuples++] = heap_copytuple(ls.tuple);
	}
	MemoryContextSwitchTo(old);
	lookup_end(&ls);
	if (kept_data_still_usable())
		*(MemoRows *) hash_search(memo_rows, &key, HASH_ENTER, NULL) = *rows;
	return rows;
}

/*
 * lookup_begin
 *	  Starts a lookup of the rows whose first nkeys columns equal keys[]:
 *	  over memoized rows for a configuration lookup when the statement's
 *	  snapshot may use them, else by an index scan.
 */
static void
lookup_begin(LookupScan *ls, Lookup lk, int nkeys, const Datum *keys)
{
	int			i;

	if (lookup_specs[lk].keep == KEEP_CONFIG && nkeys >= 1 &&
		(ls->memo = memo_fetch(lk, keys[0])) != NULL)
	{
		ls->cache = &lookup_cache[lk];
		ls->tupdesc = memo_tupdescs[lk];
		ls->memo_next = 0;
		ls->nkeys = nkeys;
		for (i = 0; i < nkeys; i++)
			ls->keys[i] = keys[i];
		ls->tuple = NULL;
		return;
	}
	lookup_begin_scan(ls, lk, nkeys, keys);
}

/*
 * lookup_row
 *	  Single-row lookup by a unique key: copies the wanted columns into
 *	  values[]/nulls[] (by-reference values are copied, as the tuple goes
 *	  away with the scan).  Returns false when there is no such row.
 */
static bool
lookup_row(Lookup lk, Datum key, int ncols, const int *cols, Datum *values, bool *nulls)
{
	LookupScan	ls;
	bool		found;
	int			i;

	lookup_begin(&ls, lk, 1, &key);
	found = lookup_next(&ls);
	for (i = 0; found && i < ncols; i++)
	{
		Form_pg_attribute att = TupleDescAttr(ls.tupdesc,
											  ls.cache->attnums[cols[i]] - 1);

		values[i] = lookup_get(&ls, cols[i], &nulls[i]);
		if (!nulls[i])
			values[i] = datumCopy(values[i], att->attbyval, att->attlen);
	}
	lookup_end(&ls);
	return found;
}

/*
 * innotrue_entitlement_cache_sources
 *	  entitlement_cache_sources() -> (table_name, column_names): every table
 *	  the read path resolves entitlements from (all lookups but the live
 *	  ones) and the columns it reads there.  The install script puts the
 *	  cache's invalidation trigger on exactly these, and a test checks it,
 *	  so a new lookup cannot silently escape the cache's invalidation.
 */
Datum
innotrue_entitlement_cache_sources(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			lk;

	InitMaterializedSRF(fcinfo, 0);
	for (lk = 0; lk < NUM_LOOKUPS; lk++)
	{
		const LookupSpec *spec = &lookup_specs[lk];
		Datum		columns[MAX_COLS * NUM_LOOKUPS];
		int			ncolumns = 0;
		int			other;
		int			i;
		Datum		values[2];
		bool		nulls[2] = {false, false};

		if (spec->keep == KEEP_NONE)
			continue;
		/* One row per table: its first lookup gathers the columns of all. */
		for (other = 0; other < lk; other++)
			if (lookup_specs[other].keep != KEEP_NONE && strcmp(lookup_specs[other].table, spec->table) == 0)
				break;
		if (other < lk)
			continue;
		for (other = lk; other < NUM_LOOKUPS; other++)
		{
			if (strcmp(lookup_specs[other].table, spec->table) != 0)
				continue;
			for (i = 0; i < MAX_COLS && lookup_specs[other].columns[i] != NULL; i++)
			{
				const char *column = lookup_specs[other].columns[i];
				int			j;

				for (j = 0; j < ncolumns; j++)
					if (strcmp(TextDatumGetCString(columns[j]), column) == 0)
						break;
				if (j == ncolumns)
					columns[ncolumns++] = CStringGetTextDatum(column);
			}
		}
		values[0] = CStringGetTextDatum(spec->table);
		values[1] = PointerGetDatum(construct_array(columns, ncolumns, TEXTOID, -1, false, TYPALIGN_INT));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* ------------------------------------------------------------------------
 * Sources, contributions and their merge
 * ------------------------------------------------------------------------
 */

/* Sources in reporting priority order (lower value wins the "source" column). */
typedef enum EntSource
{
	SRC_ADD_ON,
	SRC_TRACK,
	SRC_ORG_SPONSORED,
	SRC_SUBSCRIPTION,
	SRC_PROGRAM_PLAN,
	SRC_ADMIN,					/* user_feature_denials: only ever denies */
	NUM_SOURCES
} EntSource;

static const char *const source_names[NUM_SOURCES] = {
	"add_on", "track", "org_sponsored", "subscription", "program_plan", "admin"
};

typedef enum Effect
{
	EFFECT_GRANT,				/* limit NULL or > 0 */
	EFFECT_NONE,				/* limit 0: this source does not grant */
	EFFECT_DENY					/* blocks the feature */
} Effect;

/* One row of one source bearing on one feature. */
typedef struct Contribution
{
	EntSource	source;
	Datum		feature_id;		/* uuid */
	bool		unlimited;
	int32		limit;
	Effect		effect;
	const char *via;			/* kind of object: plan, program_plan, add_on, track, denial */
	Datum		via_id;			/* its uuid */
	Lookup		via_lookup;		/* where its is_active flag is read */
	Datum		org_id;			/* sponsoring organization (org_sponsored), else 0 */
	char	   *via_key;		/* its key (want_detail only) */
	char	   *detail;			/* how it was reached (want_detail only) */
	const char *ignored;		/* NULL = counts; else why it does not */
} Contribution;

struct ResolveContext;
typedef void (*ContributionSink) (struct ResolveContext *ctx, const Contribution *c);

/* What one resolution asks for and where contributions go. */
typedef struct ResolveContext
{
	Datum		user_id;		/* uuid */
	bool		one_feature;	/* restrict to feature_id */
	Datum		feature_id;
	TimestampTz at;				/* expiry checks are as of this time */
	TimestampTz valid_from;		/* the expiries seen give the same answer */
	TimestampTz valid_until;	/* for every time in [valid_from, valid_until) */
	bool		want_detail;	/* also report ignored rows, keys and paths */
	bool		want_tier;		/* also compute the effective plan tier */
	bool		tier_only;		/* ... and nothing else */
	bool		user_exists;	/* out: the profile was found */
	int32		tier;			/* out: the effective plan tier (want_tier) */
	ContributionSink sink;
	void	   *sink_arg;
	bool		stop;			/* set by the sink: the answer is known */
} ResolveContext;

/*
 * expired_as_of
 *	  Whether an expiry time has passed at ctx->at; narrows the window of
 *	  times for which the resolution (and so a cached copy) holds.
 */
static bool
expired_as_of(ResolveContext *ctx, TimestampTz expires_at)
{
	if (expires_at <= ctx->at)
	{
		ctx->valid_from = Max(ctx->valid_from, expires_at);
		return true;
	}
	ctx->valid_until = Min(ctx->valid_until, expires_at);
	return false;
}

/*
 * contribute
 *	  Passes a contribution to the sink, dropping ignored ones unless the
 *	  caller wants the detail (explain).
 */
static void
contribute(ResolveContext *ctx, const Contribution *c)
{
	if (c->ignored != NULL && !ctx->want_detail)
		return;
	ctx->sink(ctx, c);
}

/*
 * plan_state
 *	  Reads a subscription plan's active flag (and key for explain); false
 *	  when the plan does not exist.
 */
static bool
plan_state(Datum plan_id, bool *active, char **key, int32 *tier)
{
	static const int cols[] = {1, 3, 2};
	Datum		values[3];
	bool		nulls[3];

	if (!lookup_row(LK_PLAN, plan_id, 3, cols, values, nulls))
		return false;
	*active = !nulls[0] && DatumGetBool(values[0]);
	if (tier)
		*tier = DatumGetInt32(values[1]);
	if (key)
		*key = TextDatumGetCString(values[2]);
	return true;
}

/*
 * object_state
 *	  Reads the is_active flag and key of a program plan, add-on, track or
 *	  organization (lookups whose columns are id, is_active, key/slug).
 */
static bool
object_state(Lookup lk, Datum id, bool *active, char **key)
{
	static const int cols[] = {1, 2};
	Datum		values[2];
	bool		nulls[2];

	if (!lookup_row(lk, id, 2, cols, values, nulls))
		return false;
	*active = !nulls[0] && DatumGetBool(values[0]);
	if (key)
		*key = TextDatumGetCString(values[1]);
	return true;
}

/*
 * object_check
 *	  Marks a contribution ignored when its granting object (plan, program
 *	  plan, add-on, track) or sponsoring organization is inactive, and fills
 *	  the object's key and organization for explain.  Run only once a
 *	  feature row of the object has been found, so that objects granting
 *	  nothing relevant cost no lookup.
 */
static void
object_check(ResolveContext *ctx, Contribution *c)
{
	bool		active = false;

	if (c->org_id != (Datum) 0)
	{
		char	   *slug = NULL;

		if ((!object_state(LK_ORG, c->org_id, &active, ctx->want_detail ? &slug : NULL) || !active) &&
			c->ignored == NULL)
			c->ignored = "organization inactive";
		if (ctx->want_detail)
			c->detail = psprintf("organization %s", slug ? slug : "?");
		if (c->ignored && !ctx->want_detail)
			return;
	}
	if ((!object_state(c->via_lookup, c->via_id, &active, ctx->want_detail ? &c->via_key : NULL) || !active) &&
		c->ignored == NULL)
	{
		switch (c->via_lookup)
		{
			case LK_PROGRAM_PLAN:
				c->ignored = "program plan inactive";
				break;
			case LK_ADD_ON:
				c->ignored = "add-on inactive";
				break;
			case LK_TRACK:
				c->ignored = "track inactive";
				break;
			default:
				c->ignored = "plan inactive";
				break;
		}
	}
}

/*
 * emit_feature_rows
 *	  Reports the feature rows of one granting object (a plan, program plan,
 *	  add-on or track) as contributions built on the template.  The object's
 *	  feature table is scanned by the object's id (and the feature when the
 *	  context asks for one); the object's own state is checked at the first
 *	  row found.  restrictive_col is the is_restrictive column for
 *	  plan_features, -1 elsewhere.
 */
static void
emit_feature_rows(ResolveContext *ctx, Lookup lk, int restrictive_col, const Contribution *template)
{
	LookupScan	ls;
	Datum		keys[2];
	Contribution base = *template;
	bool		checked = false;

	keys[0] = template->via_id;
	keys[1] = ctx->feature_id;
	lookup_begin(&ls, lk, ctx->one_feature ? 2 : 1, keys);
	while (!ctx->stop && lookup_next(&ls))
	{
		Contribution c;
		bool		isnull;
		bool		unlimited;
		Datum		limit;

		if (!checked)
		{
			object_check(ctx, &base);
			checked = true;
			if (base.ignored != NULL && !ctx->want_detail)
				break;
		}
		c = base;
		limit = lookup_get(&ls, 2, &unlimited);
		c.feature_id = lookup_get(&ls, 1, &isnull);
		c.unlimited = unlimited;
		c.limit = unlimited ? 0 : DatumGetInt32(limit);
		c.effect = (c.unlimited || c.limit > 0) ? EFFECT_GRANT : EFFECT_NONE;
		if (restrictive_col >= 0 && lookup_get_bool(&ls, restrictive_col))
		{
			if (c.source == SRC_ORG_SPONSORED)
				c.effect = EFFECT_DENY;
			else if (c.ignored == NULL)
				c.ignored = "restrictive row: denies only through an organization-sponsored plan";
		}
		contribute(ctx, &c);
	}
	lookup_end(&ls);
}

/*
 * count_plan_tier
 *	  The effective plan tier counts an active plan's tier (personal and
 *	  sponsored plans alike; an inactive plan counts as 0).
 */
static void
count_plan_tier(ResolveContext *ctx, Datum plan_id)
{
	bool		active;
	int32		tier;

	if (ctx->want_tier && plan_state(plan_id, &active, NULL, &tier) && active && tier > ctx->tier)
		ctx->tier = tier;
}

/*
 * walk_subscription
 *	  Source 1: the user's personal plan (profiles.plan_id -> plan_features).
 */
static void
walk_subscription(ResolveContext *ctx)
{
	static const int cols[] = {1};
	Datum		plan_id;
	bool		isnull;
	Contribution c = {0};

	if (!lookup_row(LK_PROFILE, ctx->user_id, 1, cols, &plan_id, &isnull))
		return;
	ctx->user_exists = true;
	if (isnull)
		return;
	count_plan_tier(ctx, plan_id);
	if (ctx->tier_only)
		return;
	c.source = SRC_SUBSCRIPTION;
	c.via = "plan";
	c.via_id = plan_id;
	c.via_lookup = LK_PLAN;
	emit_feature_rows(ctx, LK_PLAN_FEATURES, 3, &c);
}

/*
 * walk_org_sponsored
 *	  Source 5: plans organizations sponsor for the user through active
 *	  memberships of active organizations; restrictive rows deny.
 */
static void
walk_org_sponsored(ResolveContext *ctx)
{
	LookupScan	ls;

	lookup_begin(&ls, LK_ORG_MEMBERS, 1, &ctx->user_id);
	while (!ctx->stop && lookup_next(&ls))
	{
		Contribution c = {0};
		bool		isnull;
		Datum		plan_id = lookup_get(&ls, 3, &isnull);

		if (isnull)
			continue;
		c.source = SRC_ORG_SPONSORED;
		c.via = "plan";
		c.via_id = plan_id;
		c.via_lookup = LK_PLAN;
		c.org_id = lookup_get(&ls, 1, &isnull);
		if (strcmp(lookup_get_text(&ls, 2), "active") != 0)
			c.ignored = "membership inactive";
		if (c.ignored && !ctx->want_detail)
			continue;
		if (c.ignored == NULL && ctx->want_tier)
		{
			bool		org_active;

			if (object_state(LK_ORG, c.org_id, &org_active, NULL) && org_active)
				count_plan_tier(ctx, plan_id);
		}
		if (!ctx->tier_only)
			emit_feature_rows(ctx, LK_PLAN_FEATURES, 3, &c);
	}
	lookup_end(&ls);
}

/*
 * enrollment_program_plan
 *	  Resolves an enrollment's program plan: the explicit program_plan_id,
 *	  else the program's tier plan for the enrollment's tier, else the
 *	  program's default plan.  Returns false when none applies; *how names
 *	  the step that decided.
 */
static bool
enrollment_program_plan(LookupScan *enr, Datum *plan_id, const char **how)
{
	bool		isnull;
	Datum		program_id = lookup_get(enr, 1, &isnull);
	Datum		explicit_plan = lookup_get(enr, 2, &isnull);
	Datum		tier_name;
	static const int program_cols[] = {1};

	if (!isnull)
	{
		*plan_id = explicit_plan;
		*how = "explicit";
		return true;
	}
	tier_name = lookup_get(enr, 3, &isnull);
	if (!isnull)
	{
		LookupScan	ls;
		Datum		keys[2];
		bool		found;

		keys[0] = program_id;
		keys[1] = tier_name;
		lookup_begin(&ls, LK_TIER_PLAN, 2, keys);
		found = lookup_next(&ls);
		if (found)
			*plan_id = datumCopy(lookup_get(&ls, 2, &isnull), false, UUID_LEN);
		lookup_end(&ls);
		if (found)
		{
			*how = "tier";
			return true;
		}
	}
	if (lookup_row(LK_PROGRAM, program_id, 1, program_cols, plan_id, &isnull) && !isnull)
	{
		*how = "program default";
		return true;
	}
	return false;
}

/*
 * walk_program_plans
 *	  Source 2: the program plan of each active enrollment.
 */
static void
walk_program_plans(ResolveContext *ctx)
{
	LookupScan	ls;

	lookup_begin(&ls, LK_ENROLLMENTS, 1, &ctx->user_id);
	while (!ctx->stop && lookup_next(&ls))
	{
		Contribution c = {0};
		char	   *status = lookup_get_text(&ls, 4);
		const char *how;

		c.source = SRC_PROGRAM_PLAN;
		c.via = "program_plan";
		c.via_lookup = LK_PROGRAM_PLAN;
		if (strcmp(status, "active") != 0)
			c.ignored = psprintf("enrollment %s", status);
		if (c.ignored && !ctx->want_detail)
			continue;
		if (!enrollment_program_plan(&ls, &c.via_id, &how))
			continue;
		if (ctx->want_detail)
		{
			static const int program_cols[] = {2};
			bool		isnull;
			Datum		slug;

			lookup_row(LK_PROGRAM, lookup_get(&ls, 1, &isnull), 1, program_cols, &slug, &isnull);
			c.detail = psprintf("program %s (%s)", TextDatumGetCString(slug), how);
		}
		emit_feature_rows(ctx, LK_PROGRAM_PLAN_FEATURES, -1, &c);
	}
	lookup_end(&ls);
}

/* Why a membership row (user_add_ons, user_tracks) does not count; NULL when it does. */
typedef const char *(*MembershipCheck) (ResolveContext *ctx, LookupScan *ls);

/* add_on_grant_check: a user_add_ons row counts until it expires. */
static const char *
add_on_grant_check(ResolveContext *ctx, LookupScan *ls)
{
	bool		isnull;
	Datum		expires_at = lookup_get(ls, 2, &isnull);

	return (!isnull && expired_as_of(ctx, DatumGetTimestampTz(expires_at))) ? "add-on grant expired" : NULL;
}

/* track_membership_check: a user_tracks row counts while active. */
static const char *
track_membership_check(ResolveContext *ctx, LookupScan *ls)
{
	return lookup_get_bool(ls, 2) ? NULL : "track membership inactive";
}

/*
 * walk_memberships
 *	  Sources 3 and 4: the user's rows in a membership table (lookup members,
 *	  column 1 = the granting object's id) that pass check, each reported
 *	  through the object's feature rows.
 */
static void
walk_memberships(ResolveContext *ctx, Lookup members, MembershipCheck check, EntSource source,
				 const char *via, Lookup object, Lookup features)
{
	LookupScan	ls;

	lookup_begin(&ls, members, 1, &ctx->user_id);
	while (!ctx->stop && lookup_next(&ls))
	{
		Contribution c = {0};
		bool		isnull;

		c.source = source;
		c.via = via;
		c.via_lookup = object;
		c.ignored = check(ctx, &ls);
		if (c.ignored && !ctx->want_detail)
			continue;
		c.via_id = lookup_get(&ls, 1, &isnull);
		emit_feature_rows(ctx, features, -1, &c);
	}
	lookup_end(&ls);
}

/*
 * walk_denials
 *	  Admin denies (user_feature_denials) in force at ctx->at.
 */
static void
walk_denials(ResolveContext *ctx)
{
	LookupScan	ls;
	Datum		keys[2];

	keys[0] = ctx->user_id;
	keys[1] = ctx->feature_id;
	lookup_begin(&ls, LK_DENIALS, ctx->one_feature ? 2 : 1, keys);
	while (!ctx->stop && lookup_next(&ls))
	{
		Contribution c = {0};
		bool		isnull;
		bool		expires_null;
		Datum		expires_at = lookup_get(&ls, 2, &expires_null);

		c.source = SRC_ADMIN;
		c.via = "denial";
		c.effect = EFFECT_DENY;
		c.via_id = lookup_get(&ls, 3, &isnull);
		c.feature_id = lookup_get(&ls, 1, &isnull);
		if (!expires_null && expired_as_of(ctx, DatumGetTimestampTz(expires_at)))
			c.ignored = "deny expired";
		contribute(ctx, &c);
	}
	lookup_end(&ls);
}

/*
 * walk_sources
 *	  Runs every source walker.  Denies come first so that an access check
 *	  can stop as soon as a grant is seen (sink sets ctx->stop).
 */
static void
walk_sources(ResolveContext *ctx)
{
	walk_denials(ctx);
	if (!ctx->stop)
		walk_org_sponsored(ctx);
	if (!ctx->stop)
		walk_subscription(ctx);
	if (!ctx->stop)
		walk_memberships(ctx, LK_USER_ADD_ONS, add_on_grant_check, SRC_ADD_ON, "add_on",
						 LK_ADD_ON, LK_ADD_ON_FEATURES);
	if (!ctx->stop)
		walk_memberships(ctx, LK_USER_TRACKS, track_membership_check, SRC_TRACK, "track",
						 LK_TRACK, LK_TRACK_FEATURES);
	if (!ctx->stop)
		walk_program_plans(ctx);
}

/*
 * walk_user
 *	  Runs every source walker for one user as of at, contributions to sink;
 *	  the caller sets what else the context asks (one feature, detail).
 */
static void
walk_user(ResolveContext *ctx, Datum user_id, TimestampTz at, ContributionSink sink, void *sink_arg)
{
	ctx->user_id = user_id;
	ctx->at = at;
	ctx->valid_from = DT_NOBEGIN;
	ctx->valid_until = DT_NOEND;
	ctx->sink = sink;
	ctx->sink_arg = sink_arg;
	walk_sources(ctx);
}

/* The merged entitlement of one feature. */
typedef struct FeatureState
{
	pg_uuid_t	feature_id;		/* hash key: must be first */
	bool		granted;
	bool		unlimited;
	int32		limit;
	uint32		sources;		/* bit per granting source */
	uint32		best;			/* bit per source granting the winning limit */
	uint32		denies;			/* bit per denying source */
	int32		used;			/* uses this period (resolve_entitlements) */
} FeatureState;

/*
 * feature_state_apply
 *	  Merges one counted contribution: NULL (unlimited) beats any number,
 *	  else the highest number wins; 0 grants nothing; a deny blocks.
 */
static void
feature_state_apply(FeatureState *fs, const Contribution *c)
{
	uint32		bit = 1u << c->source;

	if (c->ignored != NULL || c->effect == EFFECT_NONE)
		return;
	if (c->effect == EFFECT_DENY)
	{
		fs->denies |= bit;
		return;
	}
	fs->sources |= bit;
	if (!fs->granted ||
		(c->unlimited && !fs->unlimited) ||
		(!c->unlimited && !fs->unlimited && c->limit > fs->limit))
	{
		fs->granted = true;
		fs->unlimited = c->unlimited;
		fs->limit = c->limit;
		fs->best = bit;
	}
	else if (c->unlimited == fs->unlimited && (c->unlimited || c->limit == fs->limit))
		fs->best |= bit;
}

/* lowest_source: the highest-priority source in a bit set. */
static EntSource
lowest_source(uint32 bits)
{
	int			s;

	for (s = 0; s < NUM_SOURCES; s++)
		if (bits & (1u << s))
			return (EntSource) s;
	return NUM_SOURCES;
}

/* How far a single-feature resolution must go before it may stop. */
typedef enum StopRule
{
	STOP_NEVER,
	STOP_ON_ACCESS,				/* has_feature: any grant after the denies */
	STOP_ON_UNLIMITED			/* feature_limit: an unlimited grant */
} StopRule;

typedef struct SingleSink
{
	FeatureState state;
	StopRule	rule;
} SingleSink;

/*
 * single_sink
 *	  Sink of a single-feature resolution: merges, and stops the walk once
 *	  the answer cannot change (a deny always settles it; denies are walked
 *	  first, org-sponsored restrictive rows before any other grant).
 */
static void
single_sink(ResolveContext *ctx, const Contribution *c)
{
	SingleSink *s = (SingleSink *) ctx->sink_arg;

	feature_state_apply(&s->state, c);
	if (s->rule == STOP_NEVER || c->source == SRC_ADMIN || c->source == SRC_ORG_SPONSORED)
		return;
	if (s->state.denies != 0 ||
		(s->rule == STOP_ON_ACCESS && s->state.granted) ||
		(s->rule == STOP_ON_UNLIMITED && s->state.granted && s->state.unlimited))
		ctx->stop = true;
}

/* feature_info_cmp: orders FeatureInfo pointers by key, bytewise. */
static int
feature_info_cmp(const void *a, const void *b)
{
	return strcmp((*(FeatureInfo *const *) a)->key, (*(FeatureInfo *const *) b)->key);
}

/*
 * load_feature_catalog
 *	  Reads every feature (one scan of the key index) into memory of cxt.
 */
static FeatureCatalog *
load_feature_catalog(MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	FeatureCatalog *cat = (FeatureCatalog *) palloc0(sizeof(FeatureCatalog));
	int			room = 64;
	int			i;
	LookupScan	ls;

	cat->in_key_order = (FeatureInfo *) palloc(room * sizeof(FeatureInfo));
	lookup_begin(&ls, LK_FEATURE_BY_KEY, 0, NULL);
	while (lookup_next(&ls))
	{
		bool		isnull;
		FeatureInfo *fi;

		if (cat->n == room)
		{
			room *= 2;
			cat->in_key_order = (FeatureInfo *) repalloc(cat->in_key_order, room * sizeof(FeatureInfo));
		}
		fi = &cat->in_key_order[cat->n++];
		fi->key = lookup_get_text(&ls, 0);
		fi->id = *DatumGetUUIDP(lookup_get(&ls, 1, &isnull));
		fi->active = lookup_get_bool(&ls, 2);
	}
	lookup_end(&ls);
	cat->by_strcmp = (FeatureInfo **) palloc(Max(cat->n, 1) * sizeof(FeatureInfo *));
	for (i = 0; i < cat->n; i++)
		cat->by_strcmp[i] = &cat->in_key_order[i];
	qsort(cat->by_strcmp, cat->n, sizeof(FeatureInfo *), feature_info_cmp);
	MemoryContextSwitchTo(old);
	return cat;
}

/*
 * cached_feature_catalog
 *	  The feature catalog kept under the entitlement cache's rules (loaded
 *	  once per cache epoch, and for this call only when it may not be kept);
 *	  NULL when this statement's snapshot may not use kept data.
 */
static FeatureCatalog *
cached_feature_catalog(void)
{
	FeatureCatalog *cat;

	if (!kept_data_usable())
		return NULL;
	if (feature_catalog_cached != NULL)
		return feature_catalog_cached;
	cat = load_feature_catalog(kept_context);
	if (kept_data_still_usable())
		feature_catalog_cached = cat;
	return cat;
}

/* feature_catalog_find: a feature of the catalog by key, or NULL. */
static const FeatureInfo *
feature_catalog_find(const FeatureCatalog *cat, const char *key)
{
	FeatureInfo probe;
	FeatureInfo *probe_ptr = &probe;
	FeatureInfo **found;

	probe.key = (char *) key;
	found = (FeatureInfo **) bsearch(&probe_ptr, cat->by_strcmp, cat->n, sizeof(FeatureInfo *),
									 feature_info_cmp);
	return found ? *found : NULL;
}

/*
 * feature_by_key
 *	  Id and active flag of a feature by key; unknown key is an error so
 *	  that typos surface instead of silently denying.
 */
static Datum
feature_by_key(text *key, bool *active)
{
	static const int cols[] = {1, 2};
	Datum		values[2];
	bool		nulls[2];
	FeatureCatalog *cat = cached_feature_catalog();
	char	   *key_str = text_to_cstring(key);

	if (cat != NULL)
	{
		const FeatureInfo *fi = feature_catalog_find(cat, key_str);

		if (fi != NULL)
		{
			/* A copy: a reload of the catalog later in the call must not free it. */
			pg_uuid_t  *id = (pg_uuid_t *) palloc(sizeof(pg_uuid_t));

			*id = fi->id;
			*active = fi->active;
			return UUIDPGetDatum(id);
		}
	}
	else if (lookup_row(LK_FEATURE_BY_KEY, PointerGetDatum(key), 2, cols, values, nulls))
	{
		*active = DatumGetBool(values[1]);
		return values[0];
	}
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("feature \"%s\" does not exist", key_str),
			 errhint("Feature keys are listed in innotrue.features.")));
	return (Datum) 0;			/* keep compiler quiet */
}

/*
 * resolve_single
 *	  Resolves one (active) feature for a user into *state.
 */
static void
resolve_single(Datum user_id, Datum feature_id, TimestampTz at, StopRule rule, FeatureState *state)
{
	ResolveContext ctx = {0};
	SingleSink	sink = {{{{0}}}};

	sink.rule = rule;
	ctx.one_feature = true;
	ctx.feature_id = feature_id;
	walk_user(&ctx, user_id, at, single_sink, &sink);
	*state = sink.state;
}

/* The merged states of a full resolution while it is walked: a few dozen at most. */
typedef struct StateList
{
	FeatureState *states;
	int			n;
	int			room;
} StateList;

/* Sink of a full resolution: one FeatureState per feature id. */
static void
table_sink(ResolveContext *ctx, const Contribution *c)
{
	StateList  *list = (StateList *) ctx->sink_arg;
	FeatureState *fs = NULL;
	int			i;

	if (c->ignored != NULL || c->effect == EFFECT_NONE)
		return;
	for (i = 0; i < list->n && fs == NULL; i++)
		if (memcmp(&list->states[i].feature_id, DatumGetUUIDP(c->feature_id), UUID_LEN) == 0)
			fs = &list->states[i];
	if (fs == NULL)
	{
		if (list->n == list->room)
		{
			list->room *= 2;
			list->states = (FeatureState *) repalloc(list->states, list->room * sizeof(FeatureState));
		}
		fs = &list->states[list->n++];
		memset(fs, 0, sizeof(FeatureState));
		fs->feature_id = *DatumGetUUIDP(c->feature_id);
	}
	feature_state_apply(fs, c);
}

/*
 * compute_effective_tier
 *	  The effective plan tier of a user (see effective_plan_tier): the walk
 *	  of the personal and the sponsored plans, without their features.
 *	  *exists false, and 0 returned, for an unknown user.
 */
static int32
compute_effective_tier(Datum user_id, bool *exists)
{
	ResolveContext ctx = {0};

	ctx.user_id = user_id;
	ctx.want_tier = true;
	ctx.tier_only = true;
	walk_subscription(&ctx);
	walk_org_sponsored(&ctx);
	*exists = ctx.user_exists;
	return ctx.tier;
}

/* ------------------------------------------------------------------------
 * User resolutions: everything about one user, as kept by the cache
 * ------------------------------------------------------------------------
 */

/*
 * A user's complete resolution as of some time: one merged state per
 * feature any source grants or denies, sorted by feature id, and the
 * effective plan tier.  One flat allocation, so the cache can copy it.
 */
typedef struct UserResolution
{
	bool		user_exists;
	int32		tier;
	int			nfeatures;
	FeatureState features[FLEXIBLE_ARRAY_MEMBER];
} UserResolution;

#define UserResolutionSize(n) (offsetof(UserResolution, features) + (n) * sizeof(FeatureState))

/* feature_state_cmp: orders merged states by feature id, for bsearch. */
static int
feature_state_cmp(const void *a, const void *b)
{
	return memcmp(&((const FeatureState *) a)->feature_id,
				  &((const FeatureState *) b)->feature_id, sizeof(pg_uuid_t));
}

/* resolution_feature: a feature's merged state in a resolution, or NULL. */
static const FeatureState *
resolution_feature(const UserResolution *r, Datum feature_id)
{
	FeatureState key;

	key.feature_id = *DatumGetUUIDP(feature_id);
	return (const FeatureState *) bsearch(&key, r->features, r->nfeatures,
										  sizeof(FeatureState), feature_state_cmp);
}

/*
 * build_resolution
 *	  Walks every source for every feature as of at; *valid_from and
 *	  *valid_until bound the times the result holds for (expiries seen).
 */
static UserResolution *
build_resolution(Datum user_id, TimestampTz at, TimestampTz *valid_from, TimestampTz *valid_until)
{
	ResolveContext ctx = {0};
	StateList	list;
	UserResolution *r;

	list.n = 0;
	list.room = 32;
	list.states = (FeatureState *) palloc(list.room * sizeof(FeatureState));
	ctx.want_tier = true;
	walk_user(&ctx, user_id, at, table_sink, &list);

	r = (UserResolution *) palloc0(UserResolutionSize(list.n));
	memcpy(r->features, list.states, list.n * sizeof(FeatureState));
	r->nfeatures = list.n;
	qsort(r->features, list.n, sizeof(FeatureState), feature_state_cmp);
	pfree(list.states);
	r->user_exists = ctx.user_exists;
	r->tier = ctx.tier;
	*valid_from = ctx.valid_from;
	*valid_until = ctx.valid_until;
	return r;
}

/*
 * cached_resolution
 *	  The user's resolution as of at through the entitlement cache (built
 *	  and kept on a miss); NULL when this statement's snapshot may not use
 *	  the cache, so that single-feature callers can take their cheaper
 *	  early-stopping walk instead.
 */
static const UserResolution *
cached_resolution(Datum user_id, TimestampTz at)
{
	Snapshot	snapshot = statement_snapshot();
	const UserResolution *r;
	UserResolution *built;
	TimestampTz from;
	TimestampTz until;

	if (!entcache_usable(snapshot))
		return NULL;
	r = (const UserResolution *) entcache_find(DatumGetUUIDP(user_id), at);
	if (r != NULL)
		return r;
	built = build_resolution(user_id, at, &from, &until);
	entcache_store(snapshot, DatumGetUUIDP(user_id), from, until, built,
				   UserResolutionSize(built->nfeatures));
	return built;
}

/*
 * feature_state
 *	  A user's merged state of one feature as of at: from the cached
 *	  resolution when the cache may serve, else by a walk that stops as
 *	  soon as rule allows.
 */
static void
feature_state(Datum user_id, Datum feature_id, TimestampTz at, StopRule rule, FeatureState *state)
{
	const UserResolution *r = cached_resolution(user_id, at);

	if (r != NULL)
	{
		const FeatureState *fs = resolution_feature(r, feature_id);

		if (fs != NULL)
			*state = *fs;
		else
			memset(state, 0, sizeof(FeatureState));
		return;
	}
	resolve_single(user_id, feature_id, at, rule, state);
}

/*
 * entitlement_has_feature
 *	  has_feature(user_id, feature_key): true when some source grants the
 *	  feature (limit NULL or > 0) and nothing denies it.  Usage is not
 *	  considered (record_feature_usage enforces limits).
 */
bool
entitlement_has_feature(Datum user_id, text *feature_key)
{
	bool		active;
	Datum		feature_id = feature_by_key(feature_key, &active);
	FeatureState state;

	if (!active)
		return false;
	feature_state(user_id, feature_id, GetCurrentTransactionStartTimestamp(), STOP_ON_ACCESS, &state);
	return state.granted && state.denies == 0;
}

/* innotrue_has_feature: has_feature(user_id, feature_key), over entitlement_has_feature. */
Datum
innotrue_has_feature(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(entitlement_has_feature(PG_GETARG_DATUM(0), PG_GETARG_TEXT_PP(1)));
}

/*
 * innotrue_feature_limit
 *	  feature_limit(user_id, feature_key): the merged monthly limit; NULL =
 *	  unlimited, 0 = not granted or denied.
 */
Datum
innotrue_feature_limit(PG_FUNCTION_ARGS)
{
	bool		active;
	Datum		feature_id = feature_by_key(PG_GETARG_TEXT_PP(1), &active);
	FeatureState state;

	if (!active)
		PG_RETURN_INT32(0);
	feature_state(PG_GETARG_DATUM(0), feature_id, GetCurrentTransactionStartTimestamp(),
				  STOP_ON_UNLIMITED, &state);
	if (!state.granted || state.denies != 0)
		PG_RETURN_INT32(0);
	if (state.unlimited)
		PG_RETURN_NULL();
	PG_RETURN_INT32(state.limit);
}

/*
 * entitlement_plan_tier
 *	  effective_plan_tier(user_id): max of the personal plan's tier and the
 *	  tiers of plans sponsored through active memberships of active
 *	  organizations; inactive plans count as tier 0.  NULL for an unknown user.
 */
bool
entitlement_plan_tier(Datum user_id, int32 *tier)
{
	const UserResolution *r = cached_resolution(user_id, GetCurrentTransactionStartTimestamp());
	bool		exists;

	if (r != NULL)
	{
		exists = r->user_exists;
		*tier = r->tier;
	}
	else
		*tier = compute_effective_tier(user_id, &exists);
	return exists;
}

/* innotrue_effective_plan_tier: effective_plan_tier(user_id), over entitlement_plan_tier. */
Datum
innotrue_effective_plan_tier(PG_FUNCTION_ARGS)
{
	int32		tier;

	if (!entitlement_plan_tier(PG_GETARG_DATUM(0), &tier))
		PG_RETURN_NULL();
	PG_RETURN_INT32(tier);
}

/* ------------------------------------------------------------------------
 * Usage periods
 * ------------------------------------------------------------------------
 */

/*
 * platform_timezone
 *	  system_settings.default_timezone as text; the usage period is the
 *	  calendar month in this zone.
 */
static text *
platform_timezone(void)
{
	static const int cols[] = {1};
	Datum		value;
	bool		isnull;
	JsonbValue	jv;
	text	   *key = cstring_to_text("default_timezone");

	if (!lookup_row(LK_SETTING, PointerGetDatum(key), 1, cols, &value, &isnull) || isnull)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("system setting \"default_timezone\" does not exist"),
				 errhint("Usage periods are calendar months in this zone; insert it into innotrue.system_settings.")));
	if (!JsonbExtractScalar(&DatumGetJsonbP(value)->root, &jv) || jv.type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("system setting \"default_timezone\" must be a JSON string")));
	return cstring_to_text_with_len(jv.val.string.val, jv.val.string.len);
}

/*
 * usage_period
 *	  The calendar month containing at, in the platform zone: its first day
 *	  (feature_usage.period_start) and the instant the next month starts.
 */
static void
usage_period(TimestampTz at, DateADT *period_start, TimestampTz *next_reset)
{
	text	   *tz = platform_timezone();
	Interval	one_month = {0};
	Datum		local;
	Datum		month_start;
	Datum		next_month;

	one_month.month = 1;
	local = DirectFunctionCall2(timestamptz_zone, PointerGetDatum(tz), TimestampTzGetDatum(at));
	month_start = DirectFunctionCall2(timestamp_trunc, CStringGetTextDatum("month"), local);
	next_month = DirectFunctionCall2(timestamp_pl_interval, month_start, IntervalPGetDatum(&one_month));
	*period_start = DatumGetDateADT(DirectFunctionCall1(timestamp_date, month_start));
	if (next_reset)
		*next_reset = DatumGetTimestampTz(DirectFunctionCall2(timestamp_zone, PointerGetDatum(tz), next_month));
}

/* usage_in_period: feature_usage.used for one user, feature and period (0 when no row). */
static int32
usage_in_period(Datum user_id, Datum feature_id, DateADT period_start)
{
	LookupScan	ls;
	Datum		keys[3];
	int32		used = 0;

	keys[0] = user_id;
	keys[1] = feature_id;
	keys[2] = DateADTGetDatum(period_start);
	lookup_begin(&ls, LK_USAGE, 3, keys);
	if (lookup_next(&ls))
	{
		bool		isnull;
		Datum		d = lookup_get(&ls, 3, &isnull);

		used = isnull ? 0 : DatumGetInt32(d);
	}
	lookup_end(&ls);
	return used;
}

/*
 * innotrue_usage_period
 *	  usage_period(at) -> (period_start date, next_reset timestamptz): the
 *	  metering month containing at.
 */
Datum
innotrue_usage_period(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	DateADT		start;
	TimestampTz next;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	innotrue_check_timestamp(PG_GETARG_TIMESTAMPTZ(0), "at");
	usage_period(PG_GETARG_TIMESTAMPTZ(0), &start, &next);
	values[0] = DateADTGetDatum(start);
	values[1] = TimestampTzGetDatum(next);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/* ------------------------------------------------------------------------
 * resolve_entitlements
 * ------------------------------------------------------------------------
 */

/*
 * sources_array
 *	  The granting sources of a feature as text[], in priority order.
 */
static Datum
sources_array(uint32 bits)
{
	Datum		elems[NUM_SOURCES];
	int			n = 0;
	int			s;

	for (s = 0; s < NUM_SOURCES; s++)
		if (bits & (1u << s))
			elems[n++] = CStringGetTextDatum(source_names[s]);
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * entitlement_values
 *	  Fills one resolve_entitlements row (8 columns) from a merged state and
 *	  the period's usage.  A denied feature: enabled false, limit 0,
 *	  remaining 0, source = the deny's source (admin before org_sponsored).
 */
static void
entitlement_values(const char *key, const FeatureState *fs, Datum *values, bool *nulls)
{
	int32		used = fs->used;
	bool		denied = fs->denies != 0;

	memset(nulls, 0, 8 * sizeof(bool));
	values[0] = CStringGetTextDatum(key);
	values[1] = BoolGetDatum(fs->granted && !denied);
	values[3] = Int32GetDatum(used);
	if (denied)
	{
		values[2] = Int32GetDatum(0);
		values[4] = Int32GetDatum(0);
		values[5] = CStringGetTextDatum(source_names[(fs->denies & (1u << SRC_ADMIN)) ? SRC_ADMIN : SRC_ORG_SPONSORED]);
	}
	else
	{
		nulls[2] = nulls[4] = fs->unlimited;
		values[2] = Int32GetDatum(fs->limit);
		values[4] = Int32GetDatum(Max(fs->limit - used, 0));
		values[5] = CStringGetTextDatum(source_names[lowest_source(fs->best)]);
	}
	values[6] = sources_array(fs->sources);
	values[7] = BoolGetDatum(denied);
}

/*
 * collect_usage
 *	  Fills FeatureState.used from the user's feature_usage rows of the
 *	  period: one index scan for all features instead of one per feature.
 */
static void
collect_usage(Datum user_id, DateADT period_start, UserResolution *r)
{
	LookupScan	ls;

	lookup_begin(&ls, LK_USAGE, 1, &user_id);
	while (lookup_next(&ls))
	{
		bool		isnull;
		FeatureState *fs;
		Datum		used;

		if (DatumGetDateADT(lookup_get(&ls, 2, &isnull)) != period_start)
			continue;
		fs = (FeatureState *) resolution_feature(r, lookup_get(&ls, 1, &isnull));
		used = lookup_get(&ls, 3, &isnull);
		if (fs != NULL && !isnull)
			fs->used = DatumGetInt32(used);
	}
	lookup_end(&ls);
}

/*
 * emit_resolved_rows
 *	  Returns one row per active feature granted or denied, in the order of
 *	  the features' key index (so no sort), or only the feature named key.
 */
static void
emit_resolved_rows(ReturnSetInfo *rsinfo, const UserResolution *r, const char *key)
{
	const FeatureCatalog *cat = cached_feature_catalog();
	int			i;

	if (cat == NULL)
		cat = load_feature_catalog(CurrentMemoryContext);
	for (i = 0; i < cat->n; i++)
	{
		const FeatureInfo *fi = &cat->in_key_order[i];
		const FeatureState *fs;
		Datum		values[8];
		bool		nulls[8];

		if (!fi->active || (key != NULL && strcmp(fi->key, key) != 0))
			continue;
		fs = resolution_feature(r, UUIDPGetDatum(&fi->id));
		if (fs == NULL || (!fs->granted && fs->denies == 0))
			continue;
		entitlement_values(fi->key, fs, values, nulls);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/*
 * innotrue_resolve_entitlements
 *	  resolve_entitlements(user_id, at): one row per active feature the user
 *	  is granted or denied, ordered by feature key.  With a third argument
 *	  (the internal entitlement(user_id, feature_key, at)) only that feature.
 */
Datum
innotrue_resolve_entitlements(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		user_id = PG_GETARG_DATUM(0);
	TimestampTz at = PG_GETARG_TIMESTAMPTZ(PG_NARGS() - 1);
	const UserResolution *cached;
	UserResolution *r;
	DateADT		period_start;

	innotrue_check_timestamp(at, "at");
	InitMaterializedSRF(fcinfo, 0);
	if (PG_NARGS() == 3)
	{
		bool		active;

		(void) feature_by_key(PG_GETARG_TEXT_PP(1), &active);
		if (!active)
			return (Datum) 0;
	}

	/* A private copy: the period's usage is filled in per call. */
	cached = cached_resolution(user_id, at);
	if (cached != NULL)
	{
		r = (UserResolution *) palloc(UserResolutionSize(cached->nfeatures));
		memcpy(r, cached, UserResolutionSize(cached->nfeatures));
	}
	else
	{
		TimestampTz from;
		TimestampTz until;

		r = build_resolution(user_id, at, &from, &until);
	}
	if (r->nfeatures == 0)
		return (Datum) 0;
	usage_period(at, &period_start, NULL);
	collect_usage(user_id, period_start, r);
	emit_resolved_rows(rsinfo, r, PG_NARGS() == 3 ? text_to_cstring(PG_GETARG_TEXT_PP(1)) : NULL);
	return (Datum) 0;
}

/* ------------------------------------------------------------------------
 * entitlement_sources (the data behind explain_entitlement)
 * ------------------------------------------------------------------------
 */

/* Sink of explain: one output row per contribution, counted or ignored. */
static void
explain_sink(ResolveContext *ctx, const Contribution *c)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) ctx->sink_arg;
	Datum		values[8];
	bool		nulls[8] = {0};
	static const char *const effects[] = {"grant", "none", "deny"};

	values[0] = CStringGetTextDatum(source_names[c->source]);
	values[1] = CStringGetTextDatum(c->via);
	values[2] = c->via_id;
	nulls[3] = c->via_key == NULL;
	values[3] = nulls[3] ? (Datum) 0 : CStringGetTextDatum(c->via_key);
	nulls[4] = c->detail == NULL;
	values[4] = nulls[4] ? (Datum) 0 : CStringGetTextDatum(c->detail);
	nulls[5] = c->unlimited || c->source == SRC_ADMIN;
	values[5] = Int32GetDatum(c->limit);
	values[6] = CStringGetTextDatum(effects[c->effect]);
	nulls[7] = c->ignored == NULL;
	values[7] = nulls[7] ? (Datum) 0 : CStringGetTextDatum(c->ignored);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * innotrue_entitlement_sources
 *	  entitlement_sources(user_id, feature_key, at): every source row that
 *	  bears on the feature, including those ignored and why; explain_entitlement
 *	  turns it into JSON.
 */
Datum
innotrue_entitlement_sources(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ResolveContext ctx = {0};
	bool		active;

	innotrue_check_timestamp(PG_GETARG_TIMESTAMPTZ(2), "at");
	InitMaterializedSRF(fcinfo, 0);
	ctx.feature_id = feature_by_key(PG_GETARG_TEXT_PP(1), &active);
	ctx.one_feature = true;
	ctx.want_detail = true;
	walk_user(&ctx, PG_GETARG_DATUM(0), PG_GETARG_TIMESTAMPTZ(2), explain_sink, rsinfo);
	return (Datum) 0;
}

/* ------------------------------------------------------------------------
 * record_feature_usage
 * ------------------------------------------------------------------------
 */

static const char *const usage_upsert_sql =
"INSERT INTO innotrue.feature_usage AS u (user_id, feature_id, period_start, used) "
"VALUES ($1, $2, $3, $4) "
"ON CONFLICT (user_id, feature_id, period_start) DO UPDATE "
"SET used = u.used + excluded.used "
"WHERE u.used::bigint + excluded.used <= coalesce($5::integer, 2147483647) "
"RETURNING u.used";

/*
 * usage_upsert
 *	  Adds amount to the period's counter unless that would pass limit
 *	  (limit_isnull = unlimited).  The conflicting row is locked and the guard
 *	  re-checked on its latest version, so concurrent callers serialize on it.
 *	  Returns false (nothing written) when the guard refuses; *used gets the
 *	  new count otherwise.
 */
static bool
usage_upsert(Datum user_id, Datum feature_id, DateADT period_start, int32 amount,
			 int32 limit, bool limit_isnull, int32 *used)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[5] = {UUIDOID, UUIDOID, DATEOID, INT4OID, INT4OID};
	Datum		args[5];
	char		argnulls[5] = {' ', ' ', ' ', ' ', ' '};
	bool		done = false;
	int			rc;

	args[0] = user_id;
	args[1] = feature_id;
	args[2] = DateADTGetDatum(period_start);
	args[3] = Int32GetDatum(amount);
	args[4] = Int32GetDatum(limit);
	if (limit_isnull)
		argnulls[4] = 'n';

	SPI_connect();
	if (plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(usage_upsert_sql, 5, argtypes);

		if (p == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		SPI_keepplan(p);
		plan = p;
	}
	rc = SPI_execute_plan(plan, args, argnulls, false, 1);
	if (rc != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(rc));
	if (SPI_processed == 1)
	{
		bool		isnull;

		*used = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		done = true;
	}
	SPI_finish();
	return done;
}

/*
 * innotrue_record_feature_usage
 *	  record_feature_usage(user_id, feature_key, amount, at) -> remaining
 *	  (NULL when unlimited).  Refuses, recording nothing: a non-positive
 *	  amount (22023), a feature not granted or denied (42501), and a use that
 *	  would pass the month's limit (54000 program_limit_exceeded).
 */
Datum
innotrue_record_feature_usage(PG_FUNCTION_ARGS)
{
	Datum		user_id = PG_GETARG_DATUM(0);
	text	   *key = PG_GETARG_TEXT_PP(1);
	int32		amount = PG_GETARG_INT32(2);
	TimestampTz at = PG_GETARG_TIMESTAMPTZ(3);
	char	   *key_str;
	bool		active;
	Datum		feature_id;
	FeatureState state = {{{0}}};
	DateADT		period_start;
	int32		used;

	innotrue_check_key(key, "feature_key");
	innotrue_check_count(amount, INNOTRUE_MAX_QUANTITY, "amount");
	innotrue_check_timestamp(at, "at");
	key_str = text_to_cstring(key);
	feature_id = feature_by_key(key, &active);
	if (amount <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("usage amount of feature \"%s\" must be positive", key_str),
				 errdetail("The amount given was %d.", amount)));
	if (active)
		feature_state(user_id, feature_id, at, STOP_ON_UNLIMITED, &state);
	if (!state.granted || state.denies != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("feature \"%s\" is not granted to user %s", key_str,
						DatumGetCString(DirectFunctionCall1(uuid_out, user_id))),
				 errdetail(!active ? "The feature is inactive." :
						   state.denies != 0 ? "The feature is denied to this user." :
						   "No entitlement source grants it."),
				 errhint("innotrue.explain_entitlement() shows every source considered.")));

	usage_period(at, &period_start, NULL);
	if (!state.unlimited && amount > state.limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("monthly limit of feature \"%s\" would be exceeded", key_str),
				 errdetail("Limit %d, requested %d.", state.limit, amount)));
	if (!usage_upsert(user_id, feature_id, period_start, amount, state.limit, state.unlimited, &used))
	{
		int32		current;

		if (state.unlimited)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("usage of feature \"%s\" this month would pass the largest count", key_str),
					 errdetail("A monthly usage counter holds at most %d.", PG_INT32_MAX)));
		current = usage_in_period(user_id, feature_id, period_start);
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("monthly limit of feature \"%s\" would be exceeded", key_str),
				 errdetail("Limit %d, used %d this month, requested %d.", state.limit, current, amount)));
	}
	if (state.unlimited)
		PG_RETURN_NULL();
	PG_RETURN_INT32(Max(state.limit - used, 0));
}

/* ------------------------------------------------------------------------
 * The entitlement and metering half of use_feature (feature_use.c)
 * ------------------------------------------------------------------------
 */

/*
 * entitlement_feature_id
 *	  Id and active flag of a feature by key (feature_by_key: an unknown key
 *	  is error 42704).
 */
Datum
entitlement_feature_id(text *feature_key, bool *active)
{
	return feature_by_key(feature_key, active);
}

/*
 * entitlement_grant
 *	  The merged grant of one feature for a user as of at, as
 *	  record_feature_usage judges it (an inactive feature is granted to
 *	  nobody).
 */
void
entitlement_grant(Datum user_id, Datum feature_id, bool active, TimestampTz at, FeatureGrant *grant)
{
	FeatureState state = {{{0}}};

	if (active)
		feature_state(user_id, feature_id, at, STOP_ON_UNLIMITED, &state);
	grant->active = active;
	grant->granted = state.granted && state.denies == 0;
	grant->denied = state.denies != 0;
	grant->unlimited = state.unlimited;
	grant->limit = state.limit;
}

/* entitlement_usage_period: the first day of the metering month containing at. */
DateADT
entitlement_usage_period(TimestampTz at)
{
	DateADT		period_start;

	usage_period(at, &period_start, NULL);
	return period_start;
}

/*
 * entitlement_usage
 *	  feature_usage.used of one user, feature and period: under the
 *	  statement's snapshot, or (latest) the last committed count, which a
 *	  caller that has just waited on the usage row needs.
 */
int32
entitlement_usage(Datum user_id, Datum feature_id, DateADT period_start, bool latest)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {UUIDOID, UUIDOID, DATEOID};
	Datum		args[3];
	int32		used = 0;

	if (!latest)
		return usage_in_period(user_id, feature_id, period_start);
	args[0] = user_id;
	args[1] = feature_id;
	args[2] = DateADTGetDatum(period_start);
	SPI_connect();
	if (plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare("SELECT used FROM innotrue.feature_usage"
									" WHERE user_id = $1 AND feature_id = $2 AND period_start = $3",
									3, argtypes);

		if (p == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		SPI_keepplan(p);
		plan = p;
	}
	/* Not read-only: the statement takes a new snapshot, which sees what the wait was for. */
	if (SPI_execute_plan(plan, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_plan failed");
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		used = isnull ? 0 : DatumGetInt32(d);
	}
	SPI_finish();
	return used;
}

/*
 * entitlement_count_use
 *	  Counts amount uses in the period's row unless that would pass the
 *	  grant's limit: record_feature_usage's guarded upsert, so a refusal
 *	  leaves the row locked by this transaction. Returns false when refused;
 *	  *used gets the new count otherwise.
 */
bool
entitlement_count_use(Datum user_id, Datum feature_id, DateADT period_start, int32 amount,
					  const FeatureGrant *grant, int32 *used)
{
	return usage_upsert(user_id, feature_id, period_start, amount, grant->limit, grant->unlimited, used);
}
