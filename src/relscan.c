/*-------------------------------------------------------------------------
 *
 * relscan.c
 *	  Index scans of the extension's own tables by name, and per-backend
 *	  kept data that is emptied when those tables change.
 *
 * Every capability reads configuration and per-user rows through here, so
 * one rule decides how a key compares (the index's own btree equality
 * operator and collation for that column), how relations are locked (table
 * and index AccessShareLock before opening, kept to the end of the
 * transaction, names resolved again if locking processed an invalidation)
 * and what a missing piece of the schema says.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/relscan.h"
#include "access/stratnum.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "innotrue.h"
#include "relscan.h"

/*
 * schema_incomplete
 *	  The error for a table, index or column the C code needs and cannot find.
 */
static void
schema_incomplete(const char *what, const char *table, const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("%s \"%s.%s\" is missing or has changed", what, table, name),
			 errhint("The innotrue extension reads it directly; reinstall the extension.")));
}

/* index_is_btree: whether an index uses the btree access method (whose strategy 3 is equality). */
static bool
index_is_btree(Oid indexid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(indexid));
	bool		btree;

	if (!HeapTupleIsValid(tup))
		return false;
	btree = ((Form_pg_class) GETSTRUCT(tup))->relam == BTREE_AM_OID;
	ReleaseSysCache(tup);
	return btree;
}

/*
 * resolve_keys
 *	  Checks that the index leads with the spec's key columns and takes each
 *	  one's btree equality function and collation from the index itself.
 */
static void
resolve_keys(const RelScanSpec *spec, RelScanResolved *res)
{
	HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(res->indexid));
	Form_pg_index index;
	oidvector  *indclass;
	oidvector  *indcollation;
	bool		isnull;
	int			i;

	if (!HeapTupleIsValid(tup) || !index_is_btree(res->indexid))
		schema_incomplete("btree index", INNOTRUE_SCHEMA, spec->index);
	index = (Form_pg_index) GETSTRUCT(tup);
	indclass = (oidvector *) DatumGetPointer(SysCacheGetAttr(INDEXRELID, tup,
															 Anum_pg_index_indclass, &isnull));
	indcollation = (oidvector *) DatumGetPointer(SysCacheGetAttr(INDEXRELID, tup,
																 Anum_pg_index_indcollation, &isnull));
	if (index->indrelid != res->relid || index->indnkeyatts < spec->nkeys)
		schema_incomplete("index", INNOTRUE_SCHEMA, spec->index);
	for (i = 0; i < spec->nkeys; i++)
	{
		Oid			opfamily = get_opclass_family(indclass->values[i]);
		Oid			opcintype = get_opclass_input_type(indclass->values[i]);
		Oid			eqop = get_opfamily_member(opfamily, opcintype, opcintype, BTEqualStrategyNumber);

		if (index->indkey.values[i] != res->attnums[i] || !OidIsValid(eqop))
			schema_incomplete("index", INNOTRUE_SCHEMA, spec->index);
		res->eqprocs[i] = get_opcode(eqop);
		res->collations[i] = indcollation->values[i];
	}
	ReleaseSysCache(tup);
}

/*
 * resolve_one
 *	  Finds one spec's table, index and columns by name in schema innotrue.
 */
static void
resolve_one(const RelScanSpec *spec, RelScanResolved *res)
{
	int			i;

	res->relid = innotrue_relation_oid(spec->table);
	res->indexid = innotrue_relation_oid(spec->index);
	for (i = 0; i < RELSCAN_MAX_COLS && spec->columns[i] != NULL; i++)
	{
		res->attnums[i] = get_attnum(res->relid, spec->columns[i]);
		if (res->attnums[i] == InvalidAttrNumber)
			schema_incomplete("column", spec->table, spec->columns[i]);
	}
	resolve_keys(spec, res);
}

/*
 * relscan_resolve
 *	  Resolves every spec of the set once per catalog generation, again if
 *	  resolving processed an invalidation; returns the entry for one spec.
 */
const RelScanResolved *
relscan_resolve(RelScanSet *set, int which)
{
	uint64		current;

	Assert(which >= 0 && which < set->nspecs);
	while ((current = innotrue_catalog_generation()) != set->stamp)
	{
		int			i;

		set->stamp = 0;
		for (i = 0; i < set->nspecs; i++)
			resolve_one(&set->specs[i], &set->resolved[i]);
		set->stamp = current;
	}
	return &set->resolved[which];
}

/*
 * relscan_lock
 *	  Locks one spec's table and index for reading.  Locking may process
 *	  invalidations; if one made the set stale, unlock and start over.
 */
static const RelScanResolved *
relscan_lock(RelScanSet *set, int which)
{
	for (;;)
	{
		const RelScanResolved *res = relscan_resolve(set, which);

		LockRelationOid(res->relid, AccessShareLock);
		LockRelationOid(res->indexid, AccessShareLock);
		if (set->stamp == innotrue_catalog_generation())
			return res;
		UnlockRelationOid(res->indexid, AccessShareLock);
		UnlockRelationOid(res->relid, AccessShareLock);
	}
}

/*
 * relscan_begin
 *	  Starts an index scan for rows whose first nkeys key columns equal
 *	  keys[] (nkeys 0: every row), in index order, under snapshot (valid
 *	  until relscan_end).
 */
void
relscan_begin(RelScan *rs, RelScanSet *set, int which, int nkeys, const Datum *keys, Snapshot snapshot)
{
	ScanKeyData skeys[RELSCAN_MAX_COLS];
	int			i;

	Assert(nkeys >= 0 && nkeys <= set->specs[which].nkeys);
	rs->res = relscan_lock(set, which);
	rs->spec = &set->specs[which];
	rs->heap = relation_open(rs->res->relid, NoLock);
	rs->index = relation_open(rs->res->indexid, NoLock);
	for (i = 0; i < nkeys; i++)
		ScanKeyEntryInitialize(&skeys[i], 0, rs->res->attnums[i], BTEqualStrategyNumber, InvalidOid,
							   rs->res->collations[i], rs->res->eqprocs[i], keys[i]);
	rs->scan = systable_beginscan_ordered(rs->heap, rs->index, snapshot, nkeys, skeys);
	rs->tupdesc = RelationGetDescr(rs->heap);
	rs->tuple = NULL;
}

/* relscan_next: advances to the next matching row; false at the end. */
bool
relscan_next(RelScan *rs)
{
	rs->tuple = systable_getnext_ordered(rs->scan, ForwardScanDirection);
	return HeapTupleIsValid(rs->tuple);
}

/*
 * relscan_rescan
 *	  Restarts an open scan for rows whose first nkeys key columns (as many
 *	  as relscan_begin was given) equal keys[], under the same snapshot and
 *	  without reopening the relations: for a loop of lookups on one index.
 */
void
relscan_rescan(RelScan *rs, int nkeys, const Datum *keys)
{
	ScanKeyData skeys[RELSCAN_MAX_COLS];
	int			i;

	Assert(nkeys >= 1 && nkeys <= rs->spec->nkeys);
	/* an index scan's keys name index columns; key i is index column i + 1 */
	for (i = 0; i < nkeys; i++)
		ScanKeyEntryInitialize(&skeys[i], 0, i + 1, BTEqualStrategyNumber, InvalidOid,
							   rs->res->collations[i], rs->res->eqprocs[i], keys[i]);
	index_rescan(rs->scan->iscan, skeys, nkeys, NULL, 0);
	rs->tuple = NULL;
}

/* relscan_end: ends the scan; the locks stay until the end of the transaction. */
void
relscan_end(RelScan *rs)
{
	systable_endscan_ordered(rs->scan);
	relation_close(rs->index, NoLock);
	relation_close(rs->heap, NoLock);
}

/* relscan_get: column col of the current row. */
Datum
relscan_get(const RelScan *rs, int col, bool *isnull)
{
	return heap_getattr(rs->tuple, rs->res->attnums[col], rs->tupdesc, isnull);
}

/*
 * relscan_get_notnull
 *	  A column the schema declares NOT NULL; a NULL there is reported as
 *	  corrupted data rather than read as a value.
 */
Datum
relscan_get_notnull(const RelScan *rs, int col)
{
	bool		isnull;
	Datum		d = relscan_get(rs, col, &isnull);

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unexpected null in column \"%s.%s\"", rs->spec->table, rs->spec->columns[col])));
	return d;
}

/* relscan_get_bool: a boolean column; NULL reads as false. */
bool
relscan_get_bool(const RelScan *rs, int col)
{
	bool		isnull;
	Datum		d = relscan_get(rs, col, &isnull);

	return !isnull && DatumGetBool(d);
}

/* relscan_get_text: a text column as a palloc'd C string; NULL when NULL. */
char *
relscan_get_text(const RelScan *rs, int col)
{
	bool		isnull;
	Datum		d = relscan_get(rs, col, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/*
 * relscan_keys_match
 *	  Whether key columns first .. nkeys-1 of a row equal keys[], compared as
 *	  an index scan compares them (for rows kept from an earlier scan).
 */
bool
relscan_keys_match(const RelScanResolved *res, TupleDesc tupdesc, HeapTuple tuple,
				   int first, int nkeys, const Datum *keys)
{
	int			k;

	for (k = first; k < nkeys; k++)
	{
		bool		isnull;
		Datum		d = heap_getattr(tuple, res->attnums[k], tupdesc, &isnull);

		if (isnull || !DatumGetBool(OidFunctionCall2Coll(res->eqprocs[k], res->collations[k], d, keys[k])))
			return false;
	}
	return true;
}

/*
 * relscan_fetch
 *	  Single-row read by a unique key under the statement's snapshot: copies
 *	  the wanted columns into values[]/nulls[] (by-reference values are
 *	  copied, as the row goes away with the scan).  False when no row matches.
 */
bool
relscan_fetch(RelScanSet *set, int which, int nkeys, const Datum *keys,
			  int ncols, const int *cols, Datum *values, bool *nulls)
{
	RelScan		rs;
	bool		found;
	int			i;

	relscan_begin(&rs, set, which, nkeys, keys, relscan_statement_snapshot());
	found = relscan_next(&rs);
	for (i = 0; found && i < ncols; i++)
	{
		Form_pg_attribute att = TupleDescAttr(rs.tupdesc, rs.res->attnums[cols[i]] - 1);

		values[i] = relscan_get(&rs, cols[i], &nulls[i]);
		if (!nulls[i])
			values[i] = datumCopy(values[i], att->attbyval, att->attlen);
	}
	relscan_end(&rs);
	return found;
}

/*
 * kept_hash_new
 *	  A hash table (binary keys) living in *context, a child of
 *	  TopMemoryContext created on first need.  Resetting the context frees
 *	  the table with its contents.
 */
HTAB *
kept_hash_new(const char *name, MemoryContext *context, Size keysize, Size entrysize)
{
	HASHCTL		hctl = {0};

	if (*context == NULL)
		*context = AllocSetContextCreate(TopMemoryContext, "innotrue kept data", ALLOCSET_DEFAULT_SIZES);
	hctl.keysize = keysize;
	hctl.entrysize = entrysize;
	hctl.hcxt = *context;
	return hash_create(name, 256, &hctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/*
 * kept_hash_current
 *	  The kept table, emptied first when the catalog generation has moved
 *	  since it was filled: the tables it was read from announce every change
 *	  (trigger announce_table_change), which moves the generation.
 */
HTAB *
kept_hash_current(KeptHash *kh)
{
	uint64		current = innotrue_catalog_generation();

	if (kh->hash == NULL || kh->generation != current)
	{
		if (kh->context != NULL)
			MemoryContextReset(kh->context);
		kh->hash = kept_hash_new(kh->name, &kh->context, kh->keysize, kh->entrysize);
		kh->generation = current;
	}
	return kh->hash;
}

/*
 * kept_hash_still_current
 *	  Whether what was just read may be kept: no invalidation processed
 *	  while reading moved the generation.
 */
bool
kept_hash_still_current(const KeptHash *kh)
{
	return kh->hash != NULL && kh->generation == innotrue_catalog_generation();
}
