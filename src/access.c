/*-------------------------------------------------------------------------
 *
 * access.c
 *	  Resource access: can_access_resource (the single-row check behind the
 *	  resource library's row-level security) and unlock_resource (the one
 *	  place a consumable resource is paid for).
 *
 * The check is read-only, so it walks the extension's own indexes through
 * relscan.h under the statement's snapshot: no SPI, no plan.  A call site
 * memoises in fn_extra, under one transaction and snapshot, the users with
 * the admin role and the last user's program access tokens: a statement
 * over many (user, resource) pairs reads user_roles once, a listing for one
 * user client_enrollments once.  The enrolled branch matches the user's
 * tokens against the resource's program_access, from which the row-level
 * security policy's access_tokens are generated (70_access.sql), so
 * function and policy read links and tiers alike.  The alumni grace period
 * is the setting alumni_grace_days (settings.h).
 * Feature and plan-tier gates are answered by the entitlement resolver
 * (entitlements.h), never merged again here.
 *
 * unlock_resource writes through the SPI statements kept below
 * (spi_stmt.h); the charge goes through credits.h (credit_deduct_keyed)
 * (idempotent per user and resource) and the usage row through one INSERT
 * guarded by the unique unlock index.
 *
 * Rules: docs/rules.md "Access"; behaviour in docs/access.md.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "compat.h"
#include "credits.h"
#include "entitlements.h"
#include "innotrue.h"
#include "relscan.h"
#include "settings.h"
#include "spi_stmt.h"

PG_FUNCTION_INFO_V1(innotrue_can_access_resource);
PG_FUNCTION_INFO_V1(innotrue_can_access_resource_current);
PG_FUNCTION_INFO_V1(innotrue_unlock_resource);

/* The credit service whose unit price (1 credit) unlock_resource charges. */
#define UNLOCK_SERVICE_KEY "resource_unlock"

/* ------------------------------------------------------------------------
 * What the check reads (relscan.h)
 * ------------------------------------------------------------------------
 */

enum
{
	SPEC_RESOURCE,				/* resource_library by id */
	SPEC_ADMINS,				/* user_roles by role */
	SPEC_ENROLLMENTS			/* client_enrollments by user_id */
};

static const RelScanSpec access_specs[] = {
	[SPEC_RESOURCE] = {"resource_library", "resource_library_pkey", 1,
	{"id", "visibility", "created_by", "is_active", "feature_key", "min_plan_tier", "credit_cost",
	"program_access"}},
	[SPEC_ADMINS] = {"user_roles", "user_roles_role_idx", 1, {"role", "user_id"}},
	[SPEC_ENROLLMENTS] = {"client_enrollments", "client_enrollments_user_id_idx", 1,
	{"user_id", "program_id", "tier_name", "status", "completed_at"}},
};
static RelScanResolved access_resolved[lengthof(access_specs)];
static RelScanSet access_scans = RELSCAN_SET(access_specs, access_resolved);

/* Column positions of each spec's columns. */
enum
{
	RES_ID, RES_VISIBILITY, RES_CREATED_BY, RES_IS_ACTIVE, RES_FEATURE_KEY, RES_MIN_TIER,
	RES_CREDIT_COST, RES_PROGRAM_ACCESS
};
enum
{
	ADM_ROLE, ADM_USER_ID
};
enum
{
	ENR_USER_ID, ENR_PROGRAM, ENR_TIER, ENR_STATUS, ENR_COMPLETED_AT
};

/* ------------------------------------------------------------------------
 * The access rules
 * ------------------------------------------------------------------------
 */

/* What the check needs of one resource row (copied out of the scan). */
typedef struct ResourceRow
{
	char		visibility;		/* 'p'rivate, 'e'nrolled, 'P'ublic */
	Datum		created_by;
	bool		is_active;
	text	   *feature_key;	/* NULL = no feature gate */
	bool		has_min_tier;
	int32		min_tier;
	bool		has_cost;		/* consumable: credit_cost is set */
	int32		credit_cost;
	ArrayType  *program_access; /* access tokens of the linked programs */
} ResourceRow;

/*
 * resource_fetch
 *	  Reads a resource by id into *row; false when there is no such resource.
 */
static bool
resource_fetch(Datum resource_id, ResourceRow *row)
{
	RelScan		rs;
	bool		isnull;
	Datum		d;
	text	   *vis;

	relscan_begin(&rs, &access_scans, SPEC_RESOURCE, 1, &resource_id, relscan_statement_snapshot());
	if (!relscan_next(&rs))
	{
		relscan_end(&rs);
		return false;
	}
	/* 'private', 'enrolled' and 'public' (CHECK constraint) differ in their second letter */
	vis = DatumGetTextPP(relscan_get(&rs, RES_VISIBILITY, &isnull));
	row->visibility = VARDATA_ANY(vis)[1] == 'r' ? 'p' : VARDATA_ANY(vis)[1] == 'u' ? 'P' : 'e';
	row->created_by = datumCopy(relscan_get(&rs, RES_CREATED_BY, &isnull), false, UUID_LEN);
	row->is_active = DatumGetBool(relscan_get(&rs, RES_IS_ACTIVE, &isnull));
	d = relscan_get(&rs, RES_FEATURE_KEY, &isnull);
	row->feature_key = isnull ? NULL : DatumGetTextPCopy(d);
	d = relscan_get(&rs, RES_MIN_TIER, &row->has_min_tier);
	row->has_min_tier = !row->has_min_tier;
	row->min_tier = row->has_min_tier ? DatumGetInt32(d) : 0;
	d = relscan_get(&rs, RES_CREDIT_COST, &row->has_cost);
	row->has_cost = !row->has_cost;
	row->credit_cost = row->has_cost ? DatumGetInt32(d) : 0;
	row->program_access = DatumGetArrayTypePCopy(relscan_get(&rs, RES_PROGRAM_ACCESS, &isnull));
	relscan_end(&rs);
	return true;
}

/*
 * What the check knows under one snapshot, filled on first need: the users
 * with the admin role, and of the last call's user the program access tokens
 * of the enrollments that count.  Kept in fn_extra, so the next call of the
 * same call site under the same snapshot skips these lookups (the admin role
 * for every user, the tokens for the same user).
 */
typedef struct UserFacts
{
	/* the transaction and snapshot everything below was read under */
	bool		valid;
	LocalTransactionId lxid;	/* the transaction (its start time ends grace periods) */
	TransactionId snap_xmin;
	TransactionId snap_xmax;
	CommandId	snap_cid;
	uint64		snap_completions;
	int			nadmins;		/* -1 = not read yet */
	pg_uuid_t  *admins;			/* sorted; in snap_mcxt */
	MemoryContext snap_mcxt;	/* reset when the snapshot changes */
	/* the user of the last call */
	pg_uuid_t	user_id;
	int			ntokens;		/* -1 = not read yet */
	text	  **tokens;			/* in user_mcxt */
	MemoryContext user_mcxt;	/* reset when the user changes */
} UserFacts;

/*
 * user_facts
 *	  The memo of this call site for user_id under the active snapshot: all of
 *	  it is emptied when the transaction or the snapshot differs from the
 *	  last call's, the user's part when the user differs.  No active
 *	  snapshot, or one without a completion count (0), is never reused.
 */
static UserFacts *
user_facts(FunctionCallInfo fcinfo, Datum user_id)
{
	UserFacts  *uf = (UserFacts *) fcinfo->flinfo->fn_extra;
	Snapshot	snap = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;

	if (uf == NULL)
	{
		uf = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(UserFacts));
		uf->snap_mcxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "can_access_resource snapshot facts",
											  ALLOCSET_SMALL_SIZES);
		uf->user_mcxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "can_access_resource user facts",
											  ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = uf;
	}
	if (!(uf->valid && snap != NULL && snap->snapXactCompletionCount != 0 &&
		  uf->lxid == compat_my_lxid() && snap->snapXactCompletionCount == uf->snap_completions &&
		  snap->xmin == uf->snap_xmin && snap->xmax == uf->snap_xmax && snap->curcid == uf->snap_cid))
	{
		MemoryContextReset(uf->snap_mcxt);
		uf->valid = snap != NULL;
		if (snap != NULL)
		{
			uf->lxid = compat_my_lxid();
			uf->snap_xmin = snap->xmin;
			uf->snap_xmax = snap->xmax;
			uf->snap_cid = snap->curcid;
			uf->snap_completions = snap->snapXactCompletionCount;
		}
		uf->nadmins = -1;
		uf->admins = NULL;
		uf->ntokens = -1;		/* a new snapshot: the user's part too */
	}
	else if (memcmp(&uf->user_id, DatumGetUUIDP(user_id), UUID_LEN) != 0)
		uf->ntokens = -1;
	if (uf->ntokens < 0)
	{
		MemoryContextReset(uf->user_mcxt);
		memcpy(&uf->user_id, DatumGetUUIDP(user_id), UUID_LEN);
		uf->tokens = NULL;
	}
	return uf;
}

/* uuid_cmp_raw: memcmp order of two uuids (qsort/bsearch comparator). */
static int
uuid_cmp_raw(const void *a, const void *b)
{
	return memcmp(a, b, UUID_LEN);
}

/*
 * admins_load
 *	  Reads the user ids with the admin role (user_roles by role, one scan
 *	  for the whole memo: admins are few) into uf->admins, sorted.
 */
static void
admins_load(UserFacts *uf)
{
	RelScan		rs;
	Datum		role = CStringGetTextDatum("admin");
	int			allocated = 8;

	uf->admins = MemoryContextAlloc(uf->snap_mcxt, allocated * sizeof(pg_uuid_t));
	uf->nadmins = 0;
	relscan_begin(&rs, &access_scans, SPEC_ADMINS, 1, &role, relscan_statement_snapshot());
	while (relscan_next(&rs))
	{
		bool		isnull;

		if (uf->nadmins == allocated)
		{
			allocated *= 2;
			uf->admins = repalloc(uf->admins, allocated * sizeof(pg_uuid_t));
		}
		memcpy(&uf->admins[uf->nadmins++], DatumGetUUIDP(relscan_get(&rs, ADM_USER_ID, &isnull)), UUID_LEN);
	}
	relscan_end(&rs);
	qsort(uf->admins, uf->nadmins, sizeof(pg_uuid_t), uuid_cmp_raw);
}

/* user_is_admin: whether user_roles gives the memo's user the admin role. */
static bool
user_is_admin(UserFacts *uf)
{
	if (uf->nadmins < 0)
		admins_load(uf);
	return bsearch(&uf->user_id, uf->admins, uf->nadmins, sizeof(pg_uuid_t), uuid_cmp_raw) != NULL;
}

/*
 * enrollment_counts
 *	  Whether an enrollment still opens enrolled-only resources at time now:
 *	  active, or completed no longer ago than the alumni grace period
 *	  (*grace_days is read on first need; -1 = not read yet).
 */
static bool
enrollment_counts(RelScan *enr, TimestampTz now, int64 *grace_days)
{
	bool		isnull;
	char	   *status = TextDatumGetCString(relscan_get(enr, ENR_STATUS, &isnull));
	Datum		completed_at;

	if (strcmp(status, "active") == 0)
		return true;
	if (strcmp(status, "completed") != 0)
		return false;
	completed_at = relscan_get(enr, ENR_COMPLETED_AT, &isnull);
	if (isnull)
		return false;
	if (*grace_days < 0)
		*grace_days = setting_count(SETTING_ALUMNI_GRACE_DAYS);
	return DatumGetTimestampTz(completed_at) + (TimestampTz) *grace_days * USECS_PER_DAY >= now;
}

/*
 * user_tokens_load
 *	  Fills uf->tokens with the user's program access tokens, as
 *	  innotrue.my_program_access() makes them: '<program_id>' and
 *	  '<program_id>:<tier>' of each enrollment that counts.
 */
static void
user_tokens_load(UserFacts *uf)
{
	RelScan		enr;
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	int64		grace_days = -1;
	int			allocated = 4;
	Datum		user_id = UUIDPGetDatum(&uf->user_id);

	uf->tokens = MemoryContextAlloc(uf->user_mcxt, allocated * sizeof(text *));
	uf->ntokens = 0;
	relscan_begin(&enr, &access_scans, SPEC_ENROLLMENTS, 1, &user_id, relscan_statement_snapshot());
	while (relscan_next(&enr))
	{
		bool		isnull;
		char	   *program;
		Datum		tier;
		MemoryContext old;

		if (!enrollment_counts(&enr, now, &grace_days))
			continue;
		if (uf->ntokens + 2 > allocated)
		{
			allocated *= 2;
			uf->tokens = repalloc(uf->tokens, allocated * sizeof(text *));
		}
		program = DatumGetCString(DirectFunctionCall1(uuid_out, relscan_get(&enr, ENR_PROGRAM, &isnull)));
		tier = relscan_get(&enr, ENR_TIER, &isnull);
		old = MemoryContextSwitchTo(uf->user_mcxt);
		uf->tokens[uf->ntokens++] = cstring_to_text(program);
		if (!isnull)
			uf->tokens[uf->ntokens++] = cstring_to_text(psprintf("%s:%s", program, TextDatumGetCString(tier)));
		MemoryContextSwitchTo(old);
	}
	relscan_end(&enr);
}

/*
 * linked_enrollee
 *	  Whether the user has an enrollment that counts (active, or completed
 *	  within the grace period) in a program linked to the resource, at a tier
 *	  the resource allows there: one of the user's tokens is among the
 *	  resource's program_access tokens.  Used for enrolled visibility and for
 *	  the unlock waiver.
 */
static bool
linked_enrollee(UserFacts *uf, const ResourceRow *row)
{
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	int			i;

	if (ArrayGetNItems(ARR_NDIM(row->program_access), ARR_DIMS(row->program_access)) == 0)
		return false;
	if (uf->ntokens < 0)
		user_tokens_load(uf);
	if (uf->ntokens == 0)
		return false;
	deconstruct_array(row->program_access, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &nelems);
	for (i = 0; i < nelems; i++)
	{
		text	   *token = DatumGetTextPP(elems[i]);
		int			j;

		if (nulls[i])
			continue;
		for (j = 0; j < uf->ntokens; j++)
			if (VARSIZE_ANY_EXHDR(token) == VARSIZE_ANY_EXHDR(uf->tokens[j]) &&
				memcmp(VARDATA_ANY(token), VARDATA_ANY(uf->tokens[j]), VARSIZE_ANY_EXHDR(token)) == 0)
				return true;
	}
	return false;
}

/*
 * entitlement_gates_pass
 *	  The gates on top of visibility: the resource's feature granted by the
 *	  resolved entitlements (has_feature) and the effective plan tier at
 *	  least min_plan_tier.  Both are answered by entitlements.c.
 */
static bool
entitlement_gates_pass(Datum user_id, const ResourceRow *row)
{
	int32		tier;

	if (row->feature_key != NULL && !entitlement_has_feature(user_id, row->feature_key))
		return false;
	if (row->has_min_tier && (!entitlement_plan_tier(user_id, &tier) || tier < row->min_tier))
		return false;
	return true;
}

/*
 * resource_access
 *	  The decision of can_access_resource for a known resource row:
 *	  admin or creator -> true; inactive -> false; private -> false;
 *	  public -> gates; enrolled -> linked enrollment, then gates.
 */
static bool
resource_access(UserFacts *uf, const ResourceRow *row)
{
	Datum		user_id = UUIDPGetDatum(&uf->user_id);

	if (DatumGetBool(DirectFunctionCall2(uuid_eq, user_id, row->created_by)))
		return true;
	if (user_is_admin(uf))
		return true;
	if (!row->is_active || row->visibility == 'p')
		return false;
	if (row->visibility == 'e' && !linked_enrollee(uf, row))
		return false;
	return entitlement_gates_pass(user_id, row);
}

/*
 * check_access
 *	  can_access_resource for possibly-NULL arguments: an anonymous user or
 *	  a missing resource id is never granted, nor is an unknown resource.
 */
static bool
check_access(FunctionCallInfo fcinfo, Datum user_id, bool user_null, Datum resource_id, bool resource_null)
{
	ResourceRow row;

	if (user_null || resource_null || !resource_fetch(resource_id, &row))
		return false;
	return resource_access(user_facts(fcinfo, user_id), &row);
}

/*
 * innotrue_can_access_resource
 *	  can_access_resource(user_id, resource_id) -> boolean, no side effects.
 */
Datum
innotrue_can_access_resource(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(check_access(fcinfo, PG_GETARG_DATUM(0), PG_ARGISNULL(0),
								PG_GETARG_DATUM(1), PG_ARGISNULL(1)));
}

/*
 * innotrue_can_access_resource_current
 *	  can_access_resource(resource_id) for innotrue.current_user_id().
 */
Datum
innotrue_can_access_resource_current(PG_FUNCTION_ARGS)
{
	bool		user_null;
	Datum		user_id = innotrue_current_user(&user_null);

	PG_RETURN_BOOL(check_access(fcinfo, user_id, user_null, PG_GETARG_DATUM(0), PG_ARGISNULL(0)));
}

/* ------------------------------------------------------------------------
 * Unlocking consumable resources
 * ------------------------------------------------------------------------
 */

/* The credits of the user's earlier unlock of a resource, its row locked. */
static SpiStatement q_previous_unlock = SPI_STATEMENT(
	"SELECT credits_charged FROM innotrue.resource_usage_tracking"
	" WHERE user_id = $1 AND resource_id = $2 AND action = 'unlock' FOR UPDATE",
	UUIDOID, UUIDOID);

enum
{
	PREV_CREDITS_CHARGED = 1
};

/* The unlock's charge: $3 units of service $2, idempotent per user and resource. */
/* The usage row of one call; the unique unlock index lets one unlock in. */
static SpiStatement q_record_usage = SPI_STATEMENT(
	"INSERT INTO innotrue.resource_usage_tracking (user_id, resource_id, action, credits_charged)"
	" VALUES ($1, $2, $3, $4)"
	" ON CONFLICT (user_id, resource_id) WHERE action = 'unlock' DO NOTHING",
	UUIDOID, UUIDOID, TEXTOID, INT4OID);

/*
 * previous_unlock_charge
 *	  Credits charged by the user's earlier unlock of the resource, or -1
 *	  when it was never unlocked.  The row is locked so that a concurrent
 *	  unlock waits for it instead of charging again.
 */
static int32
previous_unlock_charge(Datum user_id, Datum resource_id)
{
	SpiArgs		a;
	bool		isnull;
	Datum		charged;

	spi_args_init(&a, &q_previous_unlock);
	spi_arg(&a, 1, user_id);
	spi_arg(&a, 2, resource_id);
	spi_run(&q_previous_unlock, &a);
	if (SPI_processed == 0)
		return -1;
	charged = spi_result(0, PREV_CREDITS_CHARGED, &isnull);
	return isnull ? -1 : DatumGetInt32(charged);
}

/*
 * charge_unlock
 *	  Spends the resource's credit cost as deduct_credits would (service
 *	  resource_unlock at 1 credit a unit, quantity = credit_cost), with an
 *	  idempotency key per user and resource so a retried unlock never pays
 *	  twice.  A shortfall raises the credit ledger's error.
 */
static void
charge_unlock(Datum user_id, Datum resource_id, int32 cost)
{
	JsonbParseState *state = NULL;
	char	   *user = DatumGetCString(DirectFunctionCall1(uuid_out, user_id));
	char	   *resource = DatumGetCString(DirectFunctionCall1(uuid_out, resource_id));
	Jsonb	   *reference;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	jsonb_push_key(&state, "resource_id");
	jsonb_push_string(&state, resource);
	reference = JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
	(void) credit_deduct_keyed(user_id, cstring_to_text(UNLOCK_SERVICE_KEY), cost,
							   cstring_to_text(psprintf(UNLOCK_SERVICE_KEY ":%s:%s", user, resource)),
							   JsonbPGetDatum(reference));
}

/*
 * record_usage
 *	  Writes the resource_usage_tracking row of this call: action 'unlock'
 *	  with the credits charged for a consumable resource, 'view' otherwise.
 *	  Returns false when a concurrent unlock recorded the unlock first.
 */
static bool
record_usage(Datum user_id, Datum resource_id, const char *action, int32 charged)
{
	SpiArgs		a;

	spi_args_init(&a, &q_record_usage);
	spi_arg(&a, 1, user_id);
	spi_arg(&a, 2, resource_id);
	spi_arg(&a, 3, CStringGetTextDatum(action));
	spi_arg(&a, 4, Int32GetDatum(charged));
	spi_run(&q_record_usage, &a);
	return SPI_processed > 0;
}

/* What one unlock_resource call did. */
typedef struct UnlockOutcome
{
	bool		consumable;
	bool		already;		/* unlocked before: nothing recorded or charged now */
	bool		waived;
	int32		charged;
} UnlockOutcome;

/*
 * unlock_result
 *	  The JSON answer of unlock_resource: resource_id, consumable,
 *	  already_unlocked, waived, credits_charged.
 */
static Jsonb *
unlock_result(Datum resource_id, const UnlockOutcome *out)
{
	JsonbParseState *st = NULL;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	jsonb_push_key(&st, "resource_id");
	jsonb_push_string(&st, DatumGetCString(DirectFunctionCall1(uuid_out, resource_id)));
	jsonb_push_key(&st, "consumable");
	jsonb_push_bool(&st, out->consumable);
	jsonb_push_key(&st, "already_unlocked");
	jsonb_push_bool(&st, out->already);
	jsonb_push_key(&st, "waived");
	jsonb_push_bool(&st, out->waived);
	jsonb_push_key(&st, "credits_charged");
	jsonb_push_int(&st, out->charged);
	return JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL));
}

/*
 * unlock
 *	  The writes of an allowed unlock (the caller is connected to SPI): a
 *	  free resource is recorded as a 'view'; a consumable one already
 *	  unlocked returns its first charge; otherwise it is charged (waived for
 *	  linked enrollees) and recorded as 'unlock'.
 */
static UnlockOutcome
unlock(UserFacts *facts, Datum user_id, Datum resource_id, const ResourceRow *row)
{
	UnlockOutcome out = {0};

	out.consumable = row->has_cost;
	if (!row->has_cost)
	{
		record_usage(user_id, resource_id, "view", 0);
		return out;
	}
	if ((out.charged = previous_unlock_charge(user_id, resource_id)) >= 0)
	{
		out.already = true;
		out.waived = out.charged == 0;
		return out;
	}
	out.waived = linked_enrollee(facts, row);
	out.charged = out.waived ? 0 : row->credit_cost;
	if (!out.waived)
		charge_unlock(user_id, resource_id, out.charged);
	if (!record_usage(user_id, resource_id, "unlock", out.charged))
	{
		/* A concurrent unlock won; the idempotent deduction charged nothing more. */
		out.already = true;
		out.charged = previous_unlock_charge(user_id, resource_id);
		out.waived = out.charged == 0;
	}
	return out;
}

/*
 * innotrue_unlock_resource
 *	  unlock_resource(user_id, resource_id) -> jsonb.  Refuses (changing
 *	  nothing) an unknown resource (42704) or one the user cannot access
 *	  (42501); the rest is unlock().
 */
Datum
innotrue_unlock_resource(PG_FUNCTION_ARGS)
{
	Datum		user_id = PG_GETARG_DATUM(0);
	Datum		resource_id = PG_GETARG_DATUM(1);
	ResourceRow row;
	UserFacts  *facts;
	UnlockOutcome out;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("unlock_resource needs a user id and a resource id")));
	if (!resource_fetch(resource_id, &row))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("resource \"%s\" does not exist",
						DatumGetCString(DirectFunctionCall1(uuid_out, resource_id)))));
	facts = user_facts(fcinfo, user_id);
	if (!resource_access(facts, &row))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("user \"%s\" may not access resource \"%s\"",
						DatumGetCString(DirectFunctionCall1(uuid_out, user_id)),
						DatumGetCString(DirectFunctionCall1(uuid_out, resource_id))),
				 errhint("See innotrue.can_access_resource: visibility, linked programs and tiers, feature and plan tier.")));

	SPI_connect();
	out = unlock(facts, user_id, resource_id, &row);
	SPI_finish();
	PG_RETURN_JSONB_P(unlock_result(resource_id, &out));
}
