/*-------------------------------------------------------------------------
 *
 * relscan.h
 *	  The one way C code here reads the extension's own tables: an index
 *	  scan by equality on the index's leading columns, with the columns read
 *	  named by a per-table enum next to the table's scan description.
 *
 * A capability declares a static array of RelScanSpec (table, index, key
 * count, columns read) and a RelScanSet over it.  Names are resolved once
 * per catalog generation (catalog.c); keys compare with the index's own
 * equality operators and collations.  Locks are taken before a relation is
 * opened and kept to the end of the transaction; if taking them processed
 * an invalidation of the set, it is resolved again first.
 *
 *-------------------------------------------------------------------------
 */
#ifndef INNOTRUE_RELSCAN_H
#define INNOTRUE_RELSCAN_H

#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "utils/hsearch.h"
#include "utils/relcache.h"
#include "utils/snapmgr.h"
#include "utils/snapshot.h"

#define RELSCAN_MAX_COLS 10

/*
 * One (table, index) pair and the columns a capability reads from it.
 * columns[0 .. nkeys-1] are the index's leading key columns, in index order;
 * a scan may key on a prefix of them.
 */
typedef struct RelScanSpec
{
	const char *table;
	const char *index;
	int			nkeys;
	const char *columns[RELSCAN_MAX_COLS];
} RelScanSpec;

/* A spec resolved by name in this backend. */
typedef struct RelScanResolved
{
	Oid			relid;
	Oid			indexid;
	AttrNumber	attnums[RELSCAN_MAX_COLS];
	RegProcedure eqprocs[RELSCAN_MAX_COLS]; /* of the key columns */
	Oid			collations[RELSCAN_MAX_COLS];	/* of the key columns */
} RelScanResolved;

/* A capability's specs and their resolution, kept per backend. */
typedef struct RelScanSet
{
	const RelScanSpec *specs;
	int			nspecs;
	RelScanResolved *resolved;	/* nspecs entries */
	uint64		stamp;			/* catalog generation of resolved; 0 = never */
} RelScanSet;

#define RELSCAN_SET(specs, resolved) {(specs), lengthof(specs), (resolved), 0}

/* An open scan and its current row. */
typedef struct RelScan
{
	const RelScanSpec *spec;
	const RelScanResolved *res;
	Relation	heap;
	Relation	index;
	SysScanDesc scan;
	TupleDesc	tupdesc;
	HeapTuple	tuple;
} RelScan;

/*
 * The snapshot a read of the current statement runs under.  Inline: the
 * warm has_feature path asks for it twice per call.
 */
static inline Snapshot
relscan_statement_snapshot(void)
{
	return ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot();
}

/* Resolves the set if its generation moved; the entry for one spec. */
extern const RelScanResolved *relscan_resolve(RelScanSet *set, int which);

/* Rows whose first nkeys key columns equal keys[] (nkeys 0: all rows), in index order. */
extern void relscan_begin(RelScan *rs, RelScanSet *set, int which, int nkeys,
						  const Datum *keys, Snapshot snapshot);
extern bool relscan_next(RelScan *rs);
extern void relscan_rescan(RelScan *rs, int nkeys, const Datum *keys);
extern void relscan_end(RelScan *rs);

/* Columns of the current row (col: position in the spec's columns). */
extern Datum relscan_get(const RelScan *rs, int col, bool *isnull);
extern Datum relscan_get_notnull(const RelScan *rs, int col);
extern bool relscan_get_bool(const RelScan *rs, int col);
extern char *relscan_get_text(const RelScan *rs, int col);

/*
 * Column col of any row of the spec's table, e.g. one kept from a scan.
 * Inline: a resolution reads a few hundred columns of kept rows.
 */
static inline Datum
relscan_tuple_get(const RelScanResolved *res, TupleDesc tupdesc, HeapTuple tuple, int col, bool *isnull)
{
	return heap_getattr(tuple, res->attnums[col], tupdesc, isnull);
}

/* Whether key columns first .. nkeys-1 of a row equal keys[] (as a scan compares). */
extern bool relscan_keys_match(const RelScanResolved *res, TupleDesc tupdesc, HeapTuple tuple,
							   int first, int nkeys, const Datum *keys);

/* One scan for a single row: true and the columns' values when a row matches. */
extern bool relscan_fetch(RelScanSet *set, int which, int nkeys, const Datum *keys,
						  int ncols, const int *cols, Datum *values, bool *nulls);

/*
 * Per-backend kept data: a hash table (binary keys) in its own context
 * under TopMemoryContext, emptied whenever the catalog generation moves.
 */
typedef struct KeptHash
{
	const char *name;
	Size		keysize;
	Size		entrysize;
	MemoryContext context;
	HTAB	   *hash;
	uint64		generation;
} KeptHash;

#define KEPT_HASH(name, keysize, entrysize) {(name), (keysize), (entrysize), NULL, NULL, 0}

extern HTAB *kept_hash_new(const char *name, MemoryContext *context, Size keysize, Size entrysize);
extern HTAB *kept_hash_current(KeptHash *kh);
extern bool kept_hash_still_current(const KeptHash *kh);

#endif							/* INNOTRUE_RELSCAN_H */
