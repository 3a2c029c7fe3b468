/*-------------------------------------------------------------------------
 *
 * innotrue.c
 *	  Module entry point: the library magic block and the extension's settings.
 *
 * The capability code lives in its own files (one per area); this file only
 * holds what every one of them needs once per backend.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "utils/guc.h"

#include "innotrue.h"

PG_MODULE_MAGIC;

/* The innotrue.user_id setting: the current user when no earlier identity
 * source is present (identity.c). */
char	   *innotrue_user_id_setting = NULL;

/* innotrue.entitlement_cache_size: memory (kB) of each backend's
 * entitlement cache (entitlement_cache.c); 0 turns it off. A cached user
 * takes about 600 bytes: 16 MB holds some 28,000 users, every user of the
 * bench's small and medium scales, while 100 connections stay under 1.6 GB
 * (docs/operations.md, "Settings and memory"). */
int			innotrue_entitlement_cache_size = 16384;

void		_PG_init(void);

/*
 * _PG_init
 *	  Defines the innotrue.* settings so a typo in their names is an error
 *	  rather than a silently ignored placeholder. That holds from the start
 *	  of a session only when the library is loaded then: with innotrue in
 *	  shared_preload_libraries or session_preload_libraries (test/settings/
 *	  preload); otherwise until the first call of an innotrue function.
 */
void
_PG_init(void)
{
	DefineCustomStringVariable("innotrue.user_id",
							   "Id of the current platform user (profiles.id).",
							   "Used by innotrue.current_user_id() when neither a trusted auth.uid() nor the JWT claim settings are present.",
							   &innotrue_user_id_setting,
							   NULL,
							   PGC_USERSET,
							   0,
							   NULL, NULL, NULL);

	DefineCustomIntVariable("innotrue.entitlement_cache_size",
							"Memory each backend may use to cache resolved entitlements.",
							"0 turns the cache off: every check resolves the five sources afresh.",
							&innotrue_entitlement_cache_size,
							16384,
							0,
							MAX_KILOBYTES,
							PGC_USERSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);

	MarkGUCPrefixReserved("innotrue");
}

/*
 * innotrue_require_arg
 *	  Raises null_value_not_allowed for a NULL required argument of a
 *	  function that cannot be STRICT (it has optional arguments).
 */
void
innotrue_require_arg(FunctionCallInfo fcinfo, int n, const char *name)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", name)));
}
