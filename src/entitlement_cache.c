/*-------------------------------------------------------------------------
 *
 * entitlement_cache.c
 *	  A per-backend cache of resolved entitlements that is never stale:
 *	  it serves an entry only to a snapshot that sees exactly the data the
 *	  entry was built from.
 *
 * has_feature() sits inside RLS policies and every request; resolving the
 * five sources costs about twenty index scans, a cached answer a hash probe.
 * The cache holds opaque entries (entitlement_resolve.c decides what they are),
 * keyed by user id, each valid for a range of "as of" times.
 *
 * Correctness rests on three rules:
 *
 * 1. Every write to a table the entries are built from fires a trigger
 *    (innotrue.entitlement_cache_invalidate, created by the install script
 *    on each such table: per statement, and per row in replica mode, where
 *    logical replication's apply worker fires no statement trigger).  It flushes this backend's cache and, just
 *    before the writing transaction commits (XACT_EVENT_PRE_COMMIT, i.e.
 *    before it becomes visible to anyone), broadcasts a relcache
 *    invalidation of the features table.  Every backend that processes it
 *    flushes its cache through catalog.c's generation counter.
 *
 * 2. Each call processes pending invalidations first.  A snapshot that sees
 *    a writer's commit was taken after the writer's broadcast, so the call
 *    that uses it has processed the broadcast and flushed.
 *
 * 3. After a flush, the cache serves and stores nothing for snapshots in
 *    which some other transaction older than the next transaction id read
 *    at the flush (the "barrier") still runs: such a snapshot may not see a
 *    writer that caused the flush.  A snapshot that passes sees every
 *    announced writer, and no unannounced writer is visible to anyone, so
 *    all snapshots that pass see the same data.  The cache's first use
 *    sets a barrier too, for writers that announced before this backend
 *    began to listen.  A transaction that wrote a source table bypasses
 *    the cache until it ends, so it never caches what it may roll back.
 *
 * Not used on a hot standby (the announcement is not WAL-logged) nor in
 * parallel workers (short-lived, and blind to the leader's writes).
 *
 * The cache is bounded by innotrue.entitlement_cache_size (kB, 0 = off);
 * when an entry would not fit, the whole cache is flushed.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/parallel.h"
#include "access/transam.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/sinval.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/uuid.h"

#include "innotrue.h"
#include "relscan.h"

PG_FUNCTION_INFO_V1(innotrue_entitlement_cache_invalidate);
PG_FUNCTION_INFO_V1(innotrue_entitlement_cache_stats);

typedef struct CacheEntry
{
	pg_uuid_t	user_id;		/* hash key: must be first */
	TimestampTz valid_from;		/* serves "as of" times in [valid_from, valid_until) */
	TimestampTz valid_until;
	Size		size;
	void	   *data;
} CacheEntry;

static MemoryContext cache_context = NULL;
static HTAB *cache_entries = NULL;
static Size cache_bytes = 0;

/* catalog.c generation the cache was filled under; a new one means flush. */
static uint64 cache_generation = 0;

/* A snapshot in which a transaction older than this still runs may miss a
 * writer that caused the last flush (sees_all_before). */
static TransactionId cache_barrier = InvalidTransactionId;

/* Bumped at every flush, for data derived from the same tables (entitlement_lookup.c). */
static uint64 cache_epoch = 1;

/* Counters since the backend started, for entitlement_cache_stats(). */
static int64 stat_hits = 0;
static int64 stat_misses = 0;
static int64 stat_flushes = 0;
static int64 stat_bypassed = 0;

/* This transaction wrote a source table: announce it before committing. */
static bool announce_at_commit = false;
static bool xact_callback_registered = false;

/* cache_empty: forgets every entry. */
static void
cache_empty(void)
{
	if (cache_context != NULL)
		MemoryContextReset(cache_context);
	cache_entries = NULL;
	cache_bytes = 0;
}

/*
 * cache_flush
 *	  Forgets every entry and raises the barrier to the next transaction id:
 *	  called when some writer may have changed what entries were built from.
 */
static void
cache_flush(void)
{
	/*
	 * Listen on the features table before the barrier is read: a writer
	 * that takes its id after the barrier then announces to a backend that
	 * already hears it (catalog.c keeps it tracked from now on).
	 */
	(void) innotrue_relation_oid("features");
	cache_empty();
	cache_epoch++;
	stat_flushes++;
	cache_barrier = ReadNextTransactionId();
}

/*
 * sees_all_before
 *	  Whether snapshot sees every transaction with an id below barrier as
 *	  completed, the caller's own (sub)transactions aside.  Ids from xmax on
 *	  were unfinished when it was taken; they pass only if they are ours
 *	  (checked for a short range; a longer one simply fails).
 */
static bool
sees_all_before(Snapshot snapshot, TransactionId barrier)
{
	TransactionId xid;
	uint32		i;
	int			checked = 0;

	for (i = 0; i < snapshot->xcnt; i++)
		if (TransactionIdPrecedes(snapshot->xip[i], barrier))
			return false;
	xid = snapshot->xmax;
	while (TransactionIdPrecedes(xid, barrier))
	{
		if (++checked > 16 || !TransactionIdIsCurrentTransactionId(xid))
			return false;
		TransactionIdAdvance(xid);
	}
	return true;
}

/*
 * entcache_usable
 *	  True when the cache may serve or store entries for this snapshot:
 *	  enabled, pending invalidations processed, no flush it predates, no
 *	  write to a source table by this transaction.
 */
bool
entcache_usable(Snapshot snapshot)
{
	uint64		generation;

	if (innotrue_entitlement_cache_size <= 0 || snapshot == NULL ||
		snapshot->snapshot_type != SNAPSHOT_MVCC || snapshot->takenDuringRecovery ||
		IsParallelWorker())
		return false;
	if (announce_at_commit)
	{
		stat_bypassed++;
		return false;
	}
	AcceptInvalidationMessages();
	generation = innotrue_catalog_generation();
	if (generation != cache_generation)
	{
		cache_flush();
		/* Whatever the flush processed came before its barrier. */
		cache_generation = innotrue_catalog_generation();
	}
	if (sees_all_before(snapshot, cache_barrier))
		return true;
	stat_bypassed++;
	return false;
}

/*
 * entcache_find
 *	  The entry of user_id valid as of at, or NULL; only after
 *	  entcache_usable() said yes in the same call.  Callers must not modify
 *	  it; it lives until the next flush.
 */
const void *
entcache_find(const pg_uuid_t *user_id, TimestampTz at)
{
	CacheEntry *entry = NULL;

	if (cache_entries != NULL)
		entry = (CacheEntry *) hash_search(cache_entries, user_id, HASH_FIND, NULL);
	if (entry == NULL || at < entry->valid_from || at >= entry->valid_until)
	{
		stat_misses++;
		return NULL;
	}
	stat_hits++;
	return entry->data;
}

/*
 * entcache_store
 *	  Keeps a copy of data as user_id's entry for "as of" times in
 *	  [valid_from, valid_until), when the snapshot it was built under may
 *	  be cached (re-checked here: building it may have processed
 *	  invalidations).
 */
void
entcache_store(Snapshot snapshot, const pg_uuid_t *user_id,
			   TimestampTz valid_from, TimestampTz valid_until,
			   const void *data, Size size)
{
	CacheEntry *entry;
	bool		found;
	Size		cost = size + sizeof(CacheEntry);

	if (!entcache_usable(snapshot))
		return;
	if (cache_bytes + cost > (Size) innotrue_entitlement_cache_size * 1024)
	{
		if (cost > (Size) innotrue_entitlement_cache_size * 1024)
			return;
		/* Keep the barrier and the epoch: this is for room, not for a writer. */
		cache_empty();
	}
	if (cache_entries == NULL)
		cache_entries = kept_hash_new("innotrue entitlement cache", &cache_context,
										   sizeof(pg_uuid_t), sizeof(CacheEntry));
	entry = (CacheEntry *) hash_search(cache_entries, user_id, HASH_ENTER, &found);
	if (found)
	{
		cache_bytes -= entry->size + sizeof(CacheEntry);
		pfree(entry->data);
	}
	entry->valid_from = valid_from;
	entry->valid_until = valid_until;
	entry->size = size;
	entry->data = MemoryContextAlloc(cache_context, size);
	memcpy(entry->data, data, size);
	cache_bytes += cost;
}

/*
 * entcache_epoch
 *	  Changes at every flush; a structure derived from the same tables (the
 *	  configuration memo and feature catalog of entitlement_lookup.c) is
 *	  stale when filled under another
 *	  epoch.  Meaningful only after entcache_usable() said yes.
 */
uint64
entcache_epoch(void)
{
	return cache_epoch;
}

/*
 * announce_callback
 *	  Before a transaction that wrote a source table commits (or prepares),
 *	  tells every backend of this database to flush: a relcache
 *	  invalidation of the features table, sent now rather than with the
 *	  transaction's own invalidations, which go out only after the commit
 *	  is already visible.
 */
static void
announce_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			if (announce_at_commit)
			{
				Oid			nsp = get_namespace_oid(INNOTRUE_SCHEMA, true);
				Oid			features = OidIsValid(nsp) ? get_relname_relid("features", nsp) : InvalidOid;

				/* Dropped by this transaction: the drop's own invalidations flush every cache. */
				if (OidIsValid(features))
				{
					SharedInvalidationMessage msg;

					memset(&msg, 0, sizeof(msg));
					msg.rc.id = SHAREDINVALRELCACHE_ID;
					msg.rc.dbId = MyDatabaseId;
					msg.rc.relId = features;
					SendSharedInvalidMessages(&msg, 1);
				}
				announce_at_commit = false;
			}
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
			announce_at_commit = false;
			break;
		default:
			break;
	}
}

/*
 * innotrue_entitlement_cache_invalidate
 *	  Trigger on every table entitlements are resolved from (per statement;
 *	  per row where only row triggers fire, as in logical replication's
 *	  apply worker):
 *	  flushes this backend's cache at once, keeps this transaction away from
 *	  it until the transaction ends, and arranges the broadcast to the
 *	  others before commit.
 */
Datum
innotrue_entitlement_cache_invalidate(PG_FUNCTION_ARGS)
{
	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(((TriggerData *) fcinfo->context)->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("innotrue.entitlement_cache_invalidate() must be called as an AFTER trigger")));
	/* Already done for this transaction (the row trigger fires once per row). */
	if (announce_at_commit)
		return PointerGetDatum(NULL);
	if (!xact_callback_registered)
	{
		RegisterXactCallback(announce_callback, NULL);
		xact_callback_registered = true;
	}
	announce_at_commit = true;
	cache_flush();
	return PointerGetDatum(NULL);
}

/*
 * innotrue_entitlement_cache_stats
 *	  entitlement_cache_stats() -> this backend's cache: entries, bytes,
 *	  and since the backend started hits, misses, flushes and calls that
 *	  bypassed the cache (snapshot older than the last flush, or this
 *	  transaction wrote a source table).
 */
Datum
innotrue_entitlement_cache_stats(PG_FUNCTION_ARGS)
{
	enum
	{
		STATS_ENTRIES, STATS_BYTES, STATS_HITS, STATS_MISSES, STATS_FLUSHES, STATS_BYPASSED,
		NUM_STATS_COLUMNS
	};
	TupleDesc	tupdesc;
	Datum		values[NUM_STATS_COLUMNS];
	bool		nulls[NUM_STATS_COLUMNS] = {0};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[STATS_ENTRIES] = Int64GetDatum(cache_entries ? (int64) hash_get_num_entries(cache_entries) : 0);
	values[STATS_BYTES] = Int64GetDatum((int64) cache_bytes);
	values[STATS_HITS] = Int64GetDatum(stat_hits);
	values[STATS_MISSES] = Int64GetDatum(stat_misses);
	values[STATS_FLUSHES] = Int64GetDatum(stat_flushes);
	values[STATS_BYPASSED] = Int64GetDatum(stat_bypassed);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
