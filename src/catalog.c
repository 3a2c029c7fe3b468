/*-------------------------------------------------------------------------
 *
 * catalog.c
 *	  Finds the extension's own tables and indexes by name for the C code
 *	  that reads them through index scans, and tells that code when to look
 *	  them up again.
 *
 * Each capability file caches the OIDs it scans.  Rather than each one
 * registering a relcache callback of its own (a backend has room for only
 * a handful), one callback here advances a generation counter whenever a
 * relation handed out by innotrue_relation_oid() -- or every relation --
 * is invalidated, as DROP and CREATE EXTENSION do.  A cache stamped with an
 * older generation resolves its names again.
 *
 * A relation once handed out stays tracked for the life of the backend:
 * what is kept may have been read from it before a later invalidation, and
 * the entitlement cache must hear every announcement on the features table
 * from the moment it sets its barrier (entitlement_cache.c), not only from
 * the moment some lookup resolves the name again.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"

#include "innotrue.h"

/* Relations handed out in this backend; past the limit, every invalidation
 * counts (correct, only less selective). */
#define MAX_TRACKED_RELATIONS 256

static Oid	tracked[MAX_TRACKED_RELATIONS];
static int	ntracked = 0;
static bool tracking_overflowed = false;
static uint64 generation = 1;
static bool callback_registered = false;

/* relation_tracked: whether relid was handed out by innotrue_relation_oid. */
static bool
relation_tracked(Oid relid)
{
	int			i;

	for (i = 0; i < ntracked; i++)
	{
		if (tracked[i] == relid)
			return true;
	}
	return false;
}

/*
 * catalog_invalidate
 *	  Relcache callback: a new generation when one of the handed-out
 *	  relations, or every relation (InvalidOid), is invalidated.
 */
static void
catalog_invalidate(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || tracking_overflowed)
	{
		if (ntracked > 0 || tracking_overflowed)
			generation++;
		return;
	}
	if (relation_tracked(relid))
		generation++;
}

/*
 * innotrue_catalog_generation
 *	  The current generation; a cache filled under another one is stale.
 */
uint64
innotrue_catalog_generation(void)
{
	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(catalog_invalidate, (Datum) 0);
		callback_registered = true;
	}
	return generation;
}

/*
 * innotrue_relation_oid
 *	  OID of a table or index of schema innotrue; an error naming it when it
 *	  is missing, which means the extension is not (completely) installed.
 */
Oid
innotrue_relation_oid(const char *relname)
{
	Oid			nspid = get_namespace_oid(INNOTRUE_SCHEMA, true);
	Oid			relid;

	if (!OidIsValid(nspid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_SCHEMA),
				 errmsg("schema \"%s\" does not exist", INNOTRUE_SCHEMA),
				 errhint("Run CREATE EXTENSION innotrue.")));
	relid = get_relname_relid(relname, nspid);
	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("relation \"%s.%s\" does not exist", INNOTRUE_SCHEMA, relname),
				 errhint("The innotrue extension is incomplete; reinstall it.")));

	(void) innotrue_catalog_generation();	/* make sure the callback is registered */
	if (relation_tracked(relid))
		return relid;
	if (ntracked < MAX_TRACKED_RELATIONS)
		tracked[ntracked++] = relid;
	else
		tracking_overflowed = true;
	return relid;
}
