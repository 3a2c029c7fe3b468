/*-------------------------------------------------------------------------
 *
 * compat.h
 *	  The server APIs whose form differs between the PostgreSQL majors
 *	  innotrue supports (15, 17 and 18; 16 builds with the 17 guards), each
 *	  behind one small inline function or macro, so that every call site
 *	  reads the same on every major and the version guards live here alone.
 *
 * Each guard names the major that changed the API. Add a new one here (not
 * an #if at the call site) and build with -Werror against every supported
 * major: scripts/pg-chroot 17 and 18 (docs/operations.md, "Supported
 * PostgreSQL versions").
 *
 *-------------------------------------------------------------------------
 */
#ifndef INNOTRUE_COMPAT_H
#define INNOTRUE_COMPAT_H

#include "access/genam.h"
#include "access/tableam.h"
#include "catalog/pg_namespace.h"
#include "executor/executor.h"
#include "storage/proc.h"
#include "utils/acl.h"

/*
 * compat_my_lxid
 *	  The local transaction id of this backend's current transaction.
 *	  17 moved it into the virtual transaction id: MyProc->vxid.lxid.
 */
#if PG_VERSION_NUM >= 170000
#define compat_my_lxid() (MyProc->vxid.lxid)
#else
#define compat_my_lxid() (MyProc->lxid)
#endif

/*
 * Which index entries a row version written by compat_table_tuple_update
 * needs: none (a HOT update), those of every index, or (16 and later) only
 * those of the summarizing indexes (BRIN), which a HOT update still feeds.
 */
typedef enum CompatIndexUpdate
{
	COMPAT_INDEXES_NONE,
	COMPAT_INDEXES_ALL,
	COMPAT_INDEXES_SUMMARIZING
} CompatIndexUpdate;

/*
 * compat_table_tuple_update
 *	  table_tuple_update, with the index verdict as a CompatIndexUpdate.
 *	  Up to 15 the verdict is a bool; since 16 a TU_UpdateIndexes.
 */
static inline TM_Result
compat_table_tuple_update(Relation rel, ItemPointer otid, TupleTableSlot *slot,
						  CommandId cid, Snapshot snapshot, Snapshot crosscheck,
						  bool wait, TM_FailureData *tmfd, LockTupleMode *lockmode,
						  CompatIndexUpdate *update_indexes)
{
	TM_Result	result;
#if PG_VERSION_NUM >= 160000
	TU_UpdateIndexes which = TU_None;

	result = table_tuple_update(rel, otid, slot, cid, snapshot, crosscheck, wait,
								tmfd, lockmode, &which);
	*update_indexes = which == TU_None ? COMPAT_INDEXES_NONE :
		which == TU_Summarizing ? COMPAT_INDEXES_SUMMARIZING : COMPAT_INDEXES_ALL;
#else
	bool		all = false;

	result = table_tuple_update(rel, otid, slot, cid, snapshot, crosscheck, wait,
								tmfd, lockmode, &all);
	*update_indexes = all ? COMPAT_INDEXES_ALL : COMPAT_INDEXES_NONE;
#endif
	return result;
}

/*
 * compat_insert_index_tuples
 *	  ExecInsertIndexTuples for the index entries `which` asks for (never
 *	  COMPAT_INDEXES_NONE): 16 added its last argument, onlySummarizing.
 *	  Returns the list of indexes whose deferred check is due, as it does.
 */
static inline List *
compat_insert_index_tuples(ResultRelInfo *rri, TupleTableSlot *slot, EState *estate,
						   bool update, bool noDupErr, bool *specConflict,
						   List *arbiterIndexes, CompatIndexUpdate which)
{
	Assert(which != COMPAT_INDEXES_NONE);
#if PG_VERSION_NUM >= 160000
	return ExecInsertIndexTuples(rri, slot, estate, update, noDupErr, specConflict,
								 arbiterIndexes, which == COMPAT_INDEXES_SUMMARIZING);
#else
	return ExecInsertIndexTuples(rri, slot, estate, update, noDupErr, specConflict,
								 arbiterIndexes);
#endif
}

/*
 * compat_index_beginscan
 *	  index_beginscan without instrumentation: 18 added the
 *	  IndexScanInstrumentation argument (NULL: none).
 */
#if PG_VERSION_NUM >= 180000
#define compat_index_beginscan(heap, index, snapshot, nkeys, norderbys) \
	index_beginscan((heap), (index), (snapshot), NULL, (nkeys), (norderbys))
#else
#define compat_index_beginscan(heap, index, snapshot, nkeys, norderbys) \
	index_beginscan((heap), (index), (snapshot), (nkeys), (norderbys))
#endif

/*
 * compat_namespace_aclcheck
 *	  pg_namespace_aclcheck: 16 replaced the per-kind ACL checks by
 *	  object_aclcheck on the object's catalog.
 */
#if PG_VERSION_NUM >= 160000
#define compat_namespace_aclcheck(nspid, roleid, mode) \
	object_aclcheck(NamespaceRelationId, (nspid), (roleid), (mode))
#else
#define compat_namespace_aclcheck(nspid, roleid, mode) \
	pg_namespace_aclcheck((nspid), (roleid), (mode))
#endif

/*
 * compat_noreturn
 *	  Marks a function that never returns, placed before its declaration:
 *	  18 replaced pg_attribute_noreturn() (a GCC attribute, also accepted
 *	  in front) by pg_noreturn (C11 _Noreturn).
 */
#if PG_VERSION_NUM >= 180000
#define compat_noreturn pg_noreturn
#else
#define compat_noreturn pg_attribute_noreturn()
#endif

#endif							/* INNOTRUE_COMPAT_H */
