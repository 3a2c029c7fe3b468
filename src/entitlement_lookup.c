/*-------------------------------------------------------------------------
 *
 * entitlement_lookup.c
 *	  The rows entitlements are resolved from: which tables and indexes the
 *	  entitlement functions read (relscan specs), the memo of configuration
 *	  rows kept between calls, and the feature catalog.
 *
 * Every read is an index scan (relscan.c) under the statement's snapshot,
 * so a call sees changes made earlier in its transaction and other
 * sessions' commits exactly as the calling statement does.  Configuration
 * rows (plans, program plans, add-ons, tracks, organizations and their
 * feature rows), the same for every user, are also memoized per first key,
 * and the features are kept as a catalog, under the entitlement cache's
 * rules (entitlement_cache.c): a cold resolution then reads only the
 * user's own rows.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/memutils.h"

#include "innotrue.h"
#include "entitlements_internal.h"

/*
 * Every lookup: the table, the index scanned and the columns read, in the
 * order of the column enums in entitlements_internal.h.  The first nkeys
 * columns are the index's leading columns, in index order.
 */
static const RelScanSpec lookup_specs[] = {
	[LK_FEATURE_BY_KEY] = {"features", "features_key_key", 1, {"key", "id", "is_active"}},
	[LK_PROFILE] = {"profiles", "profiles_pkey", 1, {"id", "plan_id"}},
	[LK_PLAN] = {"plans", "plans_pkey", 1, {"id", "is_active", "key", "tier_level"}},
	[LK_PLAN_FEATURES] = {"plan_features", "plan_features_plan_feature_key", 2,
	{"plan_id", "feature_id", "limit_value", "is_restrictive"}},
	[LK_ENROLLMENTS] = {"client_enrollments", "client_enrollments_user_id_idx", 1,
	{"user_id", "program_id", "program_plan_id", "tier_name", "status"}},
	[LK_PROGRAM] = {"programs", "programs_pkey", 1, {"id", "default_program_plan_id", "slug"}},
	[LK_TIER_PLAN] = {"program_tier_plans", "program_tier_plans_program_tier_key", 2,
	{"program_id", "tier_name", "program_plan_id"}},
	[LK_PROGRAM_PLAN] = {"program_plans", "program_plans_pkey", 1, {"id", "is_active", "key"}},
	[LK_PROGRAM_PLAN_FEATURES] = {"program_plan_features", "program_plan_features_program_plan_feature_key", 2,
	{"program_plan_id", "feature_id", "limit_value"}},
	[LK_USER_ADD_ONS] = {"user_add_ons", "user_add_ons_user_id_idx", 1, {"user_id", "add_on_id", "expires_at"}},
	[LK_ADD_ON] = {"add_ons", "add_ons_pkey", 1, {"id", "is_active", "key"}},
	[LK_ADD_ON_FEATURES] = {"add_on_features", "add_on_features_add_on_feature_key", 2,
	{"add_on_id", "feature_id", "limit_value"}},
	[LK_USER_TRACKS] = {"user_tracks", "user_tracks_user_id_idx", 1, {"user_id", "track_id", "is_active"}},
	[LK_TRACK] = {"tracks", "tracks_pkey", 1, {"id", "is_active", "key"}},
	[LK_TRACK_FEATURES] = {"track_features", "track_features_track_feature_key", 2,
	{"track_id", "feature_id", "limit_value"}},
	[LK_ORG_MEMBERS] = {"organization_members", "organization_members_user_id_idx", 1,
	{"user_id", "organization_id", "status", "sponsored_plan_id"}},
	[LK_ORG] = {"organizations", "organizations_pkey", 1, {"id", "is_active", "slug"}},
	[LK_DENIALS] = {"user_feature_denials", "user_feature_denials_user_feature_key", 2,
	{"user_id", "feature_id", "expires_at", "id"}},
	[LK_USAGE] = {"feature_usage", "feature_usage_user_feature_period_key", 3,
	{"user_id", "feature_id", "period_start", "used"}},
};

StaticAssertDecl(lengthof(lookup_specs) == NUM_LOOKUPS, "one spec per lookup");

static RelScanResolved lookup_resolved[lengthof(lookup_specs)];
static RelScanSet lookups = RELSCAN_SET(lookup_specs, lookup_resolved);

/*
 * How a lookup's rows may be kept between calls.  Per-user rows are kept
 * only inside a user's cached resolution; configuration rows, the same for
 * every user, are also memoized per first key; live rows are read afresh
 * at every call.  The tables of every lookup but the live ones are the
 * entitlement cache's sources (lookup_cache_sources).
 */
typedef enum LookupKeep
{
	KEEP_PER_USER,
	KEEP_CONFIG,
	KEEP_NONE
} LookupKeep;

static const LookupKeep lookup_keep[NUM_LOOKUPS] = {
	[LK_PLAN] = KEEP_CONFIG,
	[LK_PLAN_FEATURES] = KEEP_CONFIG,
	[LK_PROGRAM] = KEEP_CONFIG,
	[LK_TIER_PLAN] = KEEP_CONFIG,
	[LK_PROGRAM_PLAN] = KEEP_CONFIG,
	[LK_PROGRAM_PLAN_FEATURES] = KEEP_CONFIG,
	[LK_ADD_ON] = KEEP_CONFIG,
	[LK_ADD_ON_FEATURES] = KEEP_CONFIG,
	[LK_TRACK] = KEEP_CONFIG,
	[LK_TRACK_FEATURES] = KEEP_CONFIG,
	[LK_ORG] = KEEP_CONFIG,
	[LK_USAGE] = KEEP_NONE,
};

/* ------------------------------------------------------------------------
 * Data kept between calls: the configuration memo and the feature catalog
 * ------------------------------------------------------------------------
 */

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

/*
 * Data kept between calls under the entitlement cache's rules -- the
 * memoized configuration rows and the feature catalog -- all in one
 * context, and the cache epoch they belong to.
 */
static MemoryContext kept_context = NULL;
static uint64 kept_epoch = 0;
static HTAB *memo_rows = NULL;
static TupleDesc memo_tupdescs[NUM_LOOKUPS];
static FeatureCatalog *feature_catalog_kept = NULL;

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
	if (!entcache_usable(relscan_statement_snapshot()))
		return false;
	if (kept_epoch != entcache_epoch())
	{
		if (kept_context != NULL)
			MemoryContextSetParent(kept_context, TopTransactionContext);
		kept_context = NULL;
		memo_rows = NULL;
		memset(memo_tupdescs, 0, sizeof(memo_tupdescs));
		feature_catalog_kept = NULL;
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
	return entcache_usable(relscan_statement_snapshot()) && kept_epoch == entcache_epoch();
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
	RelScan		rs;
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

	relscan_begin(&rs, &lookups, lk, 1, &first_key, relscan_statement_snapshot());
	old = MemoryContextSwitchTo(kept_context);
	if (memo_tupdescs[lk] == NULL)
		memo_tupdescs[lk] = CreateTupleDescCopyConstr(rs.tupdesc);	/* keeps missing-column defaults */
	rows = (MemoRows *) palloc0(sizeof(MemoRows));
	rows->key = key;
	rows->tuples = (HeapTuple *) palloc(room * sizeof(HeapTuple));
	while (relscan_next(&rs))
	{
		if (rows->ntuples == room)
		{
			room *= 2;
			rows->tuples = (HeapTuple *) repalloc(rows->tuples, room * sizeof(HeapTuple));
		}
		rows->tuples[rows->ntuples++] = heap_copytuple(rs.tuple);
	}
	MemoryContextSwitchTo(old);
	relscan_end(&rs);
	if (kept_data_still_usable())
		*(MemoRows *) hash_search(memo_rows, &key, HASH_ENTER, NULL) = *rows;
	return rows;
}

/* ------------------------------------------------------------------------
 * Lookups: an index scan, or a walk over memoized rows
 * ------------------------------------------------------------------------
 */

/*
 * lookup_begin
 *	  Starts a lookup of the rows whose first nkeys columns equal keys[]
 *	  (nkeys 0: every row): over memoized rows for a configuration lookup
 *	  when the statement's snapshot may use them, else by an index scan.
 */
void
lookup_begin(LookupScan *ls, Lookup lk, int nkeys, const Datum *keys)
{
	int			i;

	ls->tuple = NULL;
	if (lookup_keep[lk] == KEEP_CONFIG && nkeys >= 1 &&
		(ls->memo = memo_fetch(lk, keys[0])) != NULL)	/* memoized by the first key */
	{
		ls->res = relscan_resolve(&lookups, lk);
		ls->tupdesc = memo_tupdescs[lk];
		ls->memo_next = 0;
		ls->nkeys = nkeys;
		for (i = 0; i < nkeys; i++)
			ls->keys[i] = keys[i];
		return;
	}
	ls->memo = NULL;
	relscan_begin(&ls->rs, &lookups, lk, nkeys, keys, relscan_statement_snapshot());
	ls->res = ls->rs.res;
	ls->tupdesc = ls->rs.tupdesc;
}

/* lookup_next: advances to the next matching row; false at the end. */
bool
lookup_next(LookupScan *ls)
{
	if (ls->memo == NULL)
	{
		bool		found = relscan_next(&ls->rs);

		ls->tuple = ls->rs.tuple;
		return found;
	}
	while (ls->memo_next < ls->memo->ntuples)
	{
		ls->tuple = ls->memo->tuples[ls->memo_next++];
		if (relscan_keys_match(ls->res, ls->tupdesc, ls->tuple, 1, ls->nkeys, ls->keys))
			return true;
	}
	ls->tuple = NULL;
	return false;
}

/*
 * lookup_end
 *	  Ends the lookup; the locks on table and index are kept to the end of
 *	  the transaction, which makes the next call's locking a local-table hit.
 */
void
lookup_end(LookupScan *ls)
{
	if (ls->memo == NULL)
		relscan_end(&ls->rs);
}

/* lookup_first: begins a lookup by one key and moves to its first row; false when none. */
bool
lookup_first(LookupScan *ls, Lookup lk, Datum key)
{
	lookup_begin(ls, lk, 1, &key);
	return lookup_next(ls);
}

/* lookup_get: column col (a name from the lookup's column enum) of the current row. */
Datum
lookup_get(const LookupScan *ls, int col, bool *isnull)
{
	return relscan_tuple_get(ls->res, ls->tupdesc, ls->tuple, col, isnull);
}

/* lookup_get_copy: like lookup_get, a by-reference value copied so that it outlives the lookup. */
Datum
lookup_get_copy(const LookupScan *ls, int col, bool *isnull)
{
	Form_pg_attribute att = TupleDescAttr(ls->tupdesc, ls->res->attnums[col] - 1);
	Datum		d = lookup_get(ls, col, isnull);

	return *isnull ? d : datumCopy(d, att->attbyval, att->attlen);
}

/* lookup_get_bool: a boolean column of the current row; NULL reads as false. */
bool
lookup_get_bool(const LookupScan *ls, int col)
{
	bool		isnull;
	Datum		d = lookup_get(ls, col, &isnull);

	return !isnull && DatumGetBool(d);
}

/* lookup_get_text: a text column as a C string (NULL when NULL). */
char *
lookup_get_text(const LookupScan *ls, int col)
{
	bool		isnull;
	Datum		d = lookup_get(ls, col, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/* ------------------------------------------------------------------------
 * The feature catalog
 * ------------------------------------------------------------------------
 */

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
		fi->key = lookup_get_text(&ls, FEATURE_KEY);
		fi->id = *DatumGetUUIDP(lookup_get(&ls, FEATURE_ID, &isnull));
		fi->active = lookup_get_bool(&ls, FEATURE_IS_ACTIVE);
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
 * kept_feature_catalog
 *	  The feature catalog kept under the entitlement cache's rules (loaded
 *	  once per cache epoch, and for this call only when it may not be kept);
 *	  NULL when this statement's snapshot may not use kept data.
 */
static FeatureCatalog *
kept_feature_catalog(void)
{
	FeatureCatalog *cat;

	if (!kept_data_usable())
		return NULL;
	if (feature_catalog_kept != NULL)
		return feature_catalog_kept;
	cat = load_feature_catalog(kept_context);
	if (kept_data_still_usable())
		feature_catalog_kept = cat;
	return cat;
}

/* feature_catalog: every feature, kept or (when it may not be) read for this call. */
const FeatureCatalog *
feature_catalog(void)
{
	const FeatureCatalog *cat = kept_feature_catalog();

	return cat != NULL ? cat : load_feature_catalog(CurrentMemoryContext);
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
Datum
feature_by_key(text *key, bool *active)
{
	FeatureCatalog *cat = kept_feature_catalog();
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
	else
	{
		LookupScan	ls;
		bool		found = lookup_first(&ls, LK_FEATURE_BY_KEY, PointerGetDatum(key));
		bool		isnull;
		Datum		id = (Datum) 0;

		if (found)
		{
			id = lookup_get_copy(&ls, FEATURE_ID, &isnull);
			*active = lookup_get_bool(&ls, FEATURE_IS_ACTIVE);
		}
		lookup_end(&ls);
		if (found)
			return id;
	}
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("feature \"%s\" does not exist", key_str),
			 errhint("Feature keys are listed in innotrue.features.")));
	return (Datum) 0;			/* keep compiler quiet */
}

/*
 * lookup_cache_sources
 *	  The rows of entitlement_cache_sources(): every table of a lookup whose
 *	  rows are kept (all but the live ones), once, with the columns all its
 *	  lookups read.  The install script puts the cache's invalidation
 *	  trigger on exactly these, and a test checks it, so a new lookup cannot
 *	  silently escape the cache's invalidation.
 */
void
lookup_cache_sources(ReturnSetInfo *rsinfo)
{
	enum
	{
		SOURCE_TABLE_NAME, SOURCE_COLUMN_NAMES, NUM_SOURCE_COLUMNS
	};
	int			lk;

	for (lk = 0; lk < NUM_LOOKUPS; lk++)
	{
		const RelScanSpec *spec = &lookup_specs[lk];
		Datum		columns[RELSCAN_MAX_COLS * NUM_LOOKUPS];
		int			ncolumns = 0;
		int			other;
		int			i;
		Datum		values[NUM_SOURCE_COLUMNS];
		bool		nulls[NUM_SOURCE_COLUMNS] = {false, false};

		if (lookup_keep[lk] == KEEP_NONE)
			continue;
		/* One row per table: its first lookup gathers the columns of all. */
		for (other = 0; other < lk; other++)
			if (lookup_keep[other] != KEEP_NONE && strcmp(lookup_specs[other].table, spec->table) == 0)
				break;
		if (other < lk)
			continue;
		for (other = lk; other < NUM_LOOKUPS; other++)
		{
			if (strcmp(lookup_specs[other].table, spec->table) != 0)
				continue;
			for (i = 0; i < RELSCAN_MAX_COLS && lookup_specs[other].columns[i] != NULL; i++)
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
		values[SOURCE_TABLE_NAME] = CStringGetTextDatum(spec->table);
		values[SOURCE_COLUMN_NAMES] = PointerGetDatum(construct_array(columns, ncolumns, TEXTOID, -1, false,
																	  TYPALIGN_INT));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}
