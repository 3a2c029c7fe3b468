/*-------------------------------------------------------------------------
 *
 * identity.c
 *	  Who the current platform user is: innotrue.current_user_id(), which
 *	  every row-level security policy and every current-user function asks.
 *
 * Sources, in order; the first one present decides, even when it says
 * "anonymous" (so an anonymous PostgREST request never inherits an id a
 * lower source still holds):
 *
 *	 1. auth.uid() (Supabase), only when it is trusted: the function and its
 *		schema are owned by a superuser or by the extension's owner, it takes
 *		no argument and returns one uuid.  Anything else named auth.uid() is
 *		ignored, never called: a role that may create a schema could
 *		otherwise run code as whoever asks for the user id, for instance as
 *		the owner of the SECURITY DEFINER policy helpers.  It is called with
 *		the privileges of the session's role (never a SECURITY DEFINER
 *		function's owner), as a security-restricted operation, with
 *		search_path pg_catalog, pg_temp.
 *	 2. The "sub" member of the JSON setting request.jwt.claims (PostgREST 9
 *		and later).  Claims without a sub (or a JSON null one) mean anonymous.
 *	 3. The setting request.jwt.claim.sub (PostgREST before 9).
 *	 4. The setting innotrue.user_id (a trusted pooler or application).
 *
 * Empty settings count as absent.  A value that is present but malformed is
 * an error naming the setting: 22P02 for a sub that is not a uuid or claims
 * that are not JSON, 22023 for claims that are not an object or a sub that
 * is not a string.
 *
 * This runs for every policy check, so it keeps the two expensive steps
 * out of the common path: whether a trusted auth.uid() exists is decided
 * once and kept until pg_proc, pg_namespace or pg_authid change (syscache
 * callbacks), and the claims JSON is parsed once per distinct value.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/uuid.h"

#include "innotrue.h"

PG_FUNCTION_INFO_V1(innotrue_current_user_id);

#define CLAIMS_SETTING "request.jwt.claims"
#define LEGACY_SUB_SETTING "request.jwt.claim.sub"
#define USER_ID_SETTING "innotrue.user_id"

/* The trusted auth.uid(), decided once per catalog change. */
static bool auth_uid_decided = false;
static bool auth_uid_trusted = false;
static FmgrInfo auth_uid_flinfo;
static MemoryContext auth_uid_context = NULL;	/* holds auth_uid_flinfo's caches */
static bool callbacks_registered = false;

/* The last request.jwt.claims value parsed, and what it said. */
static char *claims_seen = NULL;
static bool claims_anonymous;
static pg_uuid_t claims_user;

/* forget_auth_uid: syscache callback; the next call decides again. */
static void
forget_auth_uid(Datum arg, int cacheid, uint32 hashvalue)
{
	auth_uid_decided = false;
}

/*
 * extension_owner
 *	  Owner of the innotrue extension (InvalidOid while it is being dropped).
 */
static Oid
extension_owner(void)
{
	Relation	rel;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tuple;
	Oid			owner = InvalidOid;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber, F_NAMEEQ,
				CStringGetDatum("innotrue"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
		owner = ((Form_pg_extension) GETSTRUCT(tuple))->extowner;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return owner;
}

/* trusted_role: a superuser or the extension's owner. */
static bool
trusted_role(Oid role, Oid ext_owner)
{
	return (OidIsValid(ext_owner) && role == ext_owner) || superuser_arg(role);
}

/*
 * decide_auth_uid
 *	  Whether auth.uid() exists and is trusted (see the file header); when
 *	  it is, its call information is kept in auth_uid_flinfo.
 */
static void
decide_auth_uid(void)
{
	Oid			nsp;
	HeapTuple	tuple;
	Oid			ext_owner;

	if (!callbacks_registered)
	{
		CacheRegisterSyscacheCallback(PROCOID, forget_auth_uid, (Datum) 0);
		CacheRegisterSyscacheCallback(NAMESPACEOID, forget_auth_uid, (Datum) 0);
		CacheRegisterSyscacheCallback(AUTHOID, forget_auth_uid, (Datum) 0);
		callbacks_registered = true;
	}
	auth_uid_decided = true;
	auth_uid_trusted = false;

	tuple = SearchSysCache1(NAMESPACENAME, CStringGetDatum("auth"));
	if (!HeapTupleIsValid(tuple))
		return;
	nsp = ((Form_pg_namespace) GETSTRUCT(tuple))->oid;
	ext_owner = extension_owner();
	if (!trusted_role(((Form_pg_namespace) GETSTRUCT(tuple))->nspowner, ext_owner))
	{
		ReleaseSysCache(tuple);
		return;
	}
	ReleaseSysCache(tuple);

	tuple = SearchSysCache3(PROCNAMEARGSNSP, CStringGetDatum("uid"),
							PointerGetDatum(buildoidvector(NULL, 0)), ObjectIdGetDatum(nsp));
	if (HeapTupleIsValid(tuple))
	{
		Form_pg_proc proc = (Form_pg_proc) GETSTRUCT(tuple);

		if (proc->prorettype == UUIDOID && !proc->proretset && proc->prokind == PROKIND_FUNCTION &&
			trusted_role(proc->proowner, ext_owner))
		{
			if (auth_uid_context == NULL)
				auth_uid_context = AllocSetContextCreate(TopMemoryContext, "innotrue auth.uid",
														 ALLOCSET_SMALL_SIZES);
			else
				MemoryContextReset(auth_uid_context);
			fmgr_info_cxt(proc->oid, &auth_uid_flinfo, auth_uid_context);
			auth_uid_trusted = true;
		}
		ReleaseSysCache(tuple);
	}
	/* A catalog change processed while deciding leaves the decision open. */
}

/*
 * call_auth_uid
 *	  Calls the trusted auth.uid() as the session's role (GetOuterUserId:
 *	  the role SET ROLE chose, not a SECURITY DEFINER function's owner), as a
 *	  security-restricted operation with a search path no caller can plant
 *	  a function in.  Inside an operation that is already security-restricted
 *	  (maintenance run as a table's owner) the current role stays: the outer
 *	  one may be more privileged.  Errors unwind the role and the setting as
 *	  (sub)transaction abort does for SECURITY DEFINER functions.
 */
static Datum
call_auth_uid(bool *isnull)
{
	LOCAL_FCINFO(callinfo, 0);
	Oid			save_user;
	int			save_sec;
	int			nest;
	Datum		result;

	GetUserIdAndSecContext(&save_user, &save_sec);
	nest = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	SetUserIdAndSecContext(InSecurityRestrictedOperation() ? save_user : GetOuterUserId(),
						   save_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
	InitFunctionCallInfoData(*callinfo, &auth_uid_flinfo, 0, InvalidOid, NULL, NULL);
	result = FunctionCallInvoke(callinfo);
	*isnull = callinfo->isnull;
	SetUserIdAndSecContext(save_user, save_sec);
	AtEOXact_GUC(true, nest);
	return result;
}

/*
 * looks_like_uuid
 *	  Whether s is 32 hex digits, optionally with hyphens and braces, so a
 *	  malformed setting gets an error naming the setting, not just the type.
 */
static bool
looks_like_uuid(const char *s)
{
	int			digits = 0;

	for (; *s; s++)
	{
		if (isxdigit((unsigned char) *s))
			digits++;
		else if (*s != '-' && *s != '{' && *s != '}')
			return false;
	}
	return digits == 32;
}

/*
 * uuid_from_setting
 *	  Parses a user id found in a setting (what names where it was found),
 *	  with a clear error if it is not one.
 */
static Datum
uuid_from_setting(const char *what, const char *value)
{
	if (!looks_like_uuid(value))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("%s is not a valid user id: \"%s\"", what, value),
				 errhint("The current user id must be a uuid (profiles.id).")));
	return DirectFunctionCall1(uuid_in, CStringGetDatum(value));
}

/*
 * parse_claims
 *	  Reads the user id out of a request.jwt.claims value into claims_user /
 *	  claims_anonymous, and remembers the value it came from.
 */
static void
parse_claims(const char *value)
{
	MemoryContext cxt = CurrentMemoryContext;
	Jsonb	   *claims = NULL;
	JsonbValue	key;
	JsonbValue *sub;

	PG_TRY();
	{
		claims = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(value)));
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_INVALID_TEXT_REPRESENTATION)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("setting \"%s\" is not valid JSON", CLAIMS_SETTING),
				 edata->detail ? errdetail_internal("%s", edata->detail) : 0));
	}
	PG_END_TRY();

	if (!JB_ROOT_IS_OBJECT(claims))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("setting \"%s\" must be a JSON object", CLAIMS_SETTING)));
	key.type = jbvString;
	key.val.string.val = "sub";
	key.val.string.len = 3;
	sub = findJsonbValueFromContainer(&claims->root, JB_FOBJECT, &key);
	if (sub != NULL && sub->type != jbvNull && sub->type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("member \"sub\" of setting \"%s\" must be a string", CLAIMS_SETTING)));
	if (sub == NULL || sub->type == jbvNull)
		claims_anonymous = true;
	else
	{
		char	   *s = pnstrdup(sub->val.string.val, sub->val.string.len);

		memcpy(&claims_user,
			   DatumGetUUIDP(uuid_from_setting("member \"sub\" of setting \"" CLAIMS_SETTING "\"", s)),
			   UUID_LEN);
		claims_anonymous = false;
	}
	claims_seen = MemoryContextStrdup(TopMemoryContext, value);
}

/*
 * innotrue_current_user
 *	  The current platform user from the first source present (see the file
 *	  header), or none (*isnull).
 */
Datum
innotrue_current_user(bool *isnull)
{
	const char *value;

	*isnull = false;
	if (!auth_uid_decided)
		decide_auth_uid();
	if (auth_uid_trusted)
		return call_auth_uid(isnull);

	value = GetConfigOption(CLAIMS_SETTING, true, false);
	if (value != NULL && value[0] != '\0')
	{
		if (claims_seen == NULL || strcmp(claims_seen, value) != 0)
		{
			if (claims_seen != NULL)
			{
				pfree(claims_seen);
				claims_seen = NULL;
			}
			parse_claims(value);
		}
		if (claims_anonymous)
		{
			*isnull = true;
			return (Datum) 0;
		}
		return UUIDPGetDatum((pg_uuid_t *) memcpy(palloc(UUID_LEN), &claims_user, UUID_LEN));
	}
	value = GetConfigOption(LEGACY_SUB_SETTING, true, false);
	if (value != NULL && value[0] != '\0')
		return uuid_from_setting("setting \"" LEGACY_SUB_SETTING "\"", value);
	if (innotrue_user_id_setting != NULL && innotrue_user_id_setting[0] != '\0')
		return uuid_from_setting("setting \"" USER_ID_SETTING "\"", innotrue_user_id_setting);
	*isnull = true;
	return (Datum) 0;
}

/*
 * innotrue_current_user_id
 *	  current_user_id() -> uuid: innotrue_current_user for SQL (policies).
 */
Datum
innotrue_current_user_id(PG_FUNCTION_ARGS)
{
	bool		isnull;
	Datum		result = innotrue_current_user(&isnull);

	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}
