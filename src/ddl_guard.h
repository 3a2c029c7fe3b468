/*-------------------------------------------------------------------------
 *
 * ddl_guard.h
 *	  The guards that keep a database with innotrue restorable and its data
 *	  from being dropped by accident (src/ddl_guard.c, docs/operations.md
 *	  "Backup and restore", "Application DDL", "Dropping the extension").
 *
 *-------------------------------------------------------------------------
 */
#ifndef DDL_GUARD_H
#define DDL_GUARD_H

#include "fmgr.h"

/* Event trigger innotrue_ddl_guard (ddl_command_start, enabled ALWAYS). */
extern Datum innotrue_ddl_guard(PG_FUNCTION_ARGS);

/* Statement trigger restore_guard (BEFORE INSERT on every innotrue table). */
extern Datum innotrue_restore_guard(PG_FUNCTION_ARGS);

/* innotrue.allow_table_ddl() and innotrue.confirm_drop(): a superuser's
 * permission for the rest of the current transaction. */
extern Datum innotrue_allow_table_ddl(PG_FUNCTION_ARGS);
extern Datum innotrue_confirm_drop(PG_FUNCTION_ARGS);

#endif							/* DDL_GUARD_H */
