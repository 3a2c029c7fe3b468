/*-------------------------------------------------------------------------
 *
 * feature_use.c
 *	  use_feature: one use of a feature, metered and charged in one call
 *	  (issue 20; rules and examples in docs/entitlements.md "Using a
 *	  feature" and docs/credits.md).
 *
 * The configuration guide says a consumable feature's use "costs credits
 * or counts against the limit". The rule implemented here, for quantity q
 * of a feature the user is granted (deny wins; otherwise 42501):
 *
 *	- limit L (uses per month), U counted this month: the first
 *	  min(q, max(L - U, 0)) uses are included -- counted in feature_usage,
 *	  no credits; the rest are charged through the feature's credit service
 *	  (credits.c: price from the database, track prices apply) and are not
 *	  counted (feature_usage.used never passes the limit). A call that
 *	  straddles the limit is split so.
 *	- no limit (NULL) and a credit service: every use is charged, none counted.
 *	- no limit and no service: every use is included and counted.
 *	- uses to charge but no service: refused (54000), nothing changes.
 *
 * All or nothing: the count and the charge are written in the caller's
 * transaction, so an error in either (a shortfall, the AI cap) undoes both.
 *
 * Concurrency: the counted half is record_feature_usage's guarded upsert
 * (feature_usage.c), the charged half deduct_credits' spend under the
 * owner's credit lock (credits.c). The split is computed from the usage the
 * statement sees; if a concurrent use took the room meanwhile, the upsert's
 * guard refuses, leaving the usage row locked by this call, and the split
 * is computed again from the last committed count (nobody can change it
 * now). Lock order: idempotency key, usage row, owner's credit lock -- the
 * order of record_feature_usage (usage row) and deduct_credits (key, owner)
 * combined, so no deadlock between any of them.
 *
 * Idempotency: a key covers the whole call (count and charge) through
 * credits.c's records (operation 'use_feature'): a repeat with the same
 * request returns the first result; another request is refused.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "innotrue.h"
#include "input_limits.h"
#include "credits.h"
#include "entitlements.h"

PG_FUNCTION_INFO_V1(innotrue_use_feature);
PG_FUNCTION_INFO_V1(innotrue_my_use_feature);
PG_FUNCTION_INFO_V1(innotrue_feature_use_quote);

/* The idempotency records' operation of a keyed use_feature. */
#define USE_FEATURE_OPERATION "use_feature"

/* What a use of quantity units of one feature does for one user. */
typedef struct UsePlan
{
	const char *feature_key;
	Datum		feature_id;
	FeatureGrant grant;
	DateADT		period_start;
	int32		quantity;
	int32		used;			/* counted uses of the period (after the call, once done) */
	int32		included;		/* uses counted against the limit, no credits */
	int32		charged;		/* uses paid with credits */
	bool		has_service;
	bool		ambiguous;		/* two services (only when planned for a quote) */
	char	   *service_key;	/* when has_service */
	int64		unit_price;		/* when has_service: the user's price of one use */
} UsePlan;

/* ---------------------------------------------------------------------
 * The rule
 * ---------------------------------------------------------------------
 */

/*
 * split_use
 *	  Splits plan->quantity into included and charged uses from the grant,
 *	  the period's counted uses and whether a credit service exists (the
 *	  rule in the file header).
 */
static void
split_use(UsePlan *plan)
{
	/* An ambiguous service (a quote's) splits like a service: the use is refused, but says how. */
	if (plan->grant.unlimited)
		plan->included = plan->has_service || plan->ambiguous ? 0 : plan->quantity;
	else
		plan->included = Min(plan->quantity, Max(plan->grant.limit - plan->used, 0));
	plan->charged = plan->quantity - plan->included;
}

/*
 * plan_use
 *	  Resolves the feature and its grant as of at; for a granted feature
 *	  also finds its credit service and splits the use from the usage the
 *	  statement sees. Returns whether the feature is granted. Changes nothing.
 */
static bool
plan_use(UsePlan *plan, Datum user_id, text *feature_key, int32 quantity, TimestampTz at, bool quote)
{
	bool		active;

	memset(plan, 0, sizeof(UsePlan));
	plan->feature_key = text_to_cstring(feature_key);
	plan->quantity = quantity;
	plan->feature_id = entitlement_feature_id(feature_key, &active);
	if (quantity <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("quantity of feature \"%s\" must be positive", plan->feature_key),
				 errdetail("The quantity given was %d.", quantity)));
	entitlement_grant(user_id, plan->feature_id, active, at, &plan->grant);
	if (!plan->grant.granted)
		return false;
	/* The spend prices the charge itself: only a quote needs the unit price here. */
	plan->has_service = credit_feature_service(plan->feature_id, plan->feature_key, user_id,
											   &plan->service_key, quote ? &plan->unit_price : NULL,
											   quote ? &plan->ambiguous : NULL);
	plan->period_start = entitlement_usage_period(at);
	plan->used = entitlement_usage(user_id, plan->feature_id, plan->period_start, false);
	split_use(plan);
	return true;
}

/*
 * refuse_uncharged
 *	  The uses beyond the limit of a feature no credit service charges are
 *	  refused like record_feature_usage refuses them.
 */
static void
refuse_uncharged(const UsePlan *plan)
{
	if (plan->charged > 0 && !plan->has_service)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("monthly limit of feature \"%s\" would be exceeded", plan->feature_key),
				 errdetail("Limit %d, used %d this month, requested %d.",
						   plan->grant.limit, plan->used, plan->quantity),
				 errhint("No active credit service charges uses of this feature beyond its limit.")));
}

/* ---------------------------------------------------------------------
 * JSON
 * ---------------------------------------------------------------------
 */

/* push_key_int / push_key_string / push_key_null: one member of the object being built. */
static void
push_key_int(JsonbParseState **st, const char *key, int64 val)
{
	jsonb_push_key(st, key);
	jsonb_push_int(st, val);
}

static void
push_key_string(JsonbParseState **st, const char *key, const char *val)
{
	jsonb_push_key(st, key);
	if (val == NULL)
		jsonb_push_null(st);
	else
		jsonb_push_string(st, val);
}

/* push_key_limit: an int member that is JSON null when the feature is unlimited. */
static void
push_key_limit(JsonbParseState **st, const char *key, const UsePlan *plan, int64 val)
{
	jsonb_push_key(st, key);
	if (plan->grant.unlimited)
		jsonb_push_null(st);
	else
		jsonb_push_int(st, val);
}

static Datum
finish_object(JsonbParseState **st)
{
	JsonbValue *v = pushJsonbValue(st, WJB_END_OBJECT, NULL);

	return JsonbPGetDatum(JsonbValueToJsonb(v));
}

/* period_text: the usage period's first day as YYYY-MM-DD. */
static char *
period_text(DateADT d)
{
	return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(d)));
}

/* use_request: the normalised request of a keyed call, compared on repeats. */
static Datum
use_request(const char *feature_key, int32 quantity, const char *reference)
{
	JsonbParseState *st = NULL;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	push_key_string(&st, "feature", feature_key);
	push_key_int(&st, "quantity", quantity);
	push_key_string(&st, "reference", reference);
	return finish_object(&st);
}

/* charge_reference: the deduction's reference: which feature was used, and the caller's reference. */
static Datum
charge_reference(const UsePlan *plan, const char *reference)
{
	JsonbParseState *st = NULL;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	push_key_string(&st, "use_feature", plan->feature_key);
	if (reference != NULL)
		push_key_string(&st, "reference", reference);
	return finish_object(&st);
}

/*
 * use_result
 *	  The answer of use_feature: what was included and charged, the period's
 *	  count, limit and remaining included uses (null when unlimited), the
 *	  service, the credits spent and the deduction (null when none).
 */
static Datum
use_result(const UsePlan *plan, Datum deduction)
{
	JsonbParseState *st = NULL;
	char	   *deduction_id = NULL;
	int64		cost = 0;

	if (deduction != (Datum) 0)
	{
		Jsonb	   *d = DatumGetJsonbP(deduction);
		JsonbValue	v;

		if (getKeyJsonValueFromContainer(&d->root, "deduction_id", 12, &v) && v.type == jbvString)
			deduction_id = pnstrdup(v.val.string.val, v.val.string.len);
		if (getKeyJsonValueFromContainer(&d->root, "cost", 4, &v) && v.type == jbvNumeric)
			cost = DatumGetInt64(DirectFunctionCall1(numeric_int8, NumericGetDatum(v.val.numeric)));
	}
	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	push_key_string(&st, "feature_key", plan->feature_key);
	push_key_int(&st, "quantity", plan->quantity);
	push_key_int(&st, "included", plan->included);
	push_key_int(&st, "charged", plan->charged);
	push_key_string(&st, "service_key", plan->charged > 0 ? plan->service_key : NULL);
	push_key_int(&st, "cost", cost);
	push_key_string(&st, "deduction_id", deduction_id);
	push_key_limit(&st, "limit", plan, plan->grant.limit);
	push_key_int(&st, "used", plan->used);
	push_key_limit(&st, "remaining", plan, Max(plan->grant.limit - plan->used, 0));
	push_key_string(&st, "period_start", period_text(plan->period_start));
	return finish_object(&st);
}

/* ---------------------------------------------------------------------
 * use_feature
 * ---------------------------------------------------------------------
 */

/*
 * count_included
 *	  Counts the included uses. When the guard refuses (a concurrent use
 *	  took the room since the statement's snapshot), the usage row is now
 *	  locked by this transaction: the split is made again from the last
 *	  committed count, which can no longer change under it.
 */
static void
count_included(UsePlan *plan, Datum user_id)
{
	int32		used;

	while (plan->included > 0)
	{
		if (entitlement_count_use(user_id, plan->feature_id, plan->period_start, plan->included,
								  &plan->grant, &used))
		{
			plan->used = used;
			return;
		}
		plan->used = entitlement_usage(user_id, plan->feature_id, plan->period_start, true);
		split_use(plan);
		refuse_uncharged(plan);
	}
}

/*
 * use_feature
 *	  The whole call for a known user id: returns the result JSON, the
 *	  first one for a repeated key. Writes nothing on any error.
 */
static Datum
use_feature(Datum user_id, text *feature_key, int32 quantity, text *key, text *reference)
{
	UsePlan		plan;
	char	   *ref;
	Datum		deduction = (Datum) 0;
	Datum		result;

	innotrue_check_key(feature_key, "feature_key");
	innotrue_check_count(quantity, INNOTRUE_MAX_QUANTITY, "quantity");
	if (key != NULL)
		innotrue_check_key(key, "idempotency_key");
	if (reference != NULL)
		innotrue_check_text_size(reference, "reference");
	ref = reference != NULL ? text_to_cstring(reference) : NULL;

	SPI_connect();
	if (key != NULL)
	{
		/* First, so that a repeat returns the first result even if the grant has changed since. */
		Jsonb	   *first = credit_idempotency_claim(USE_FEATURE_OPERATION, user_id, key,
													 use_request(text_to_cstring(feature_key), quantity, ref));

		if (first != NULL)
		{
			result = SPI_datumTransfer(PointerGetDatum(first), false, -1);
			SPI_finish();
			return result;
		}
	}
	if (!plan_use(&plan, user_id, feature_key, quantity, GetCurrentTransactionStartTimestamp(), false))
		entitlement_refuse_ungranted(user_id, plan.feature_key, &plan.grant);
	refuse_uncharged(&plan);
	count_included(&plan, user_id);
	if (plan.charged > 0)
		deduction = credit_deduct_keyed(user_id, cstring_to_text(plan.service_key), plan.charged, NULL,
										charge_reference(&plan, ref));
	result = use_result(&plan, deduction);
	if (key != NULL)
		credit_idempotency_store(USE_FEATURE_OPERATION, user_id, key, result);
	result = SPI_datumTransfer(result, false, -1);
	SPI_finish();
	return result;
}

/* optional_text: argument n as text, or NULL. */
static text *
optional_text(FunctionCallInfo fcinfo, int n)
{
	return PG_ARGISNULL(n) ? NULL : PG_GETARG_TEXT_PP(n);
}

/*
 * innotrue_use_feature
 *	  use_feature(user_id, feature_key, quantity, idempotency_key, reference)
 *	  -> jsonb (service form).
 */
Datum
innotrue_use_feature(PG_FUNCTION_ARGS)
{
	innotrue_require_arg(fcinfo, 0, "user_id");
	innotrue_require_arg(fcinfo, 1, "feature_key");
	innotrue_require_arg(fcinfo, 2, "quantity");
	PG_RETURN_DATUM(use_feature(PG_GETARG_DATUM(0), PG_GETARG_TEXT_PP(1), PG_GETARG_INT32(2),
								optional_text(fcinfo, 3), optional_text(fcinfo, 4)));
}

/*
 * innotrue_my_use_feature
 *	  my_use_feature(feature_key, quantity, idempotency_key, reference) ->
 *	  jsonb: use_feature for innotrue.current_user_id(); an anonymous caller
 *	  is refused.
 */
Datum
innotrue_my_use_feature(PG_FUNCTION_ARGS)
{
	bool		anonymous;
	Datum		user_id = innotrue_current_user(&anonymous);

	if (anonymous)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("using a feature requires a signed-in user"),
				 errhint("innotrue.current_user_id() is NULL for this session.")));
	innotrue_require_arg(fcinfo, 0, "feature_key");
	innotrue_require_arg(fcinfo, 1, "quantity");
	PG_RETURN_DATUM(use_feature(user_id, PG_GETARG_TEXT_PP(0), PG_GETARG_INT32(1),
								optional_text(fcinfo, 2), optional_text(fcinfo, 3)));
}

/*
 * innotrue_feature_use_quote
 *	  feature_use_quote(user_id, feature_key, quantity, at) -> jsonb: what
 *	  use_feature would do now for quantity uses (included, charged, the
 *	  service and the cost), changing nothing; {"granted": false} when the
 *	  feature is not granted.
 */
Datum
innotrue_feature_use_quote(PG_FUNCTION_ARGS)
{
	Datum		user_id = PG_GETARG_DATUM(0);
	text	   *feature_key = PG_GETARG_TEXT_PP(1);
	int32		quantity = PG_GETARG_INT32(2);
	TimestampTz at = PG_GETARG_TIMESTAMPTZ(3);
	UsePlan		plan;
	bool		granted = plan_use(&plan, user_id, feature_key, quantity, at, true);
	bool		refused;
	JsonbParseState *st = NULL;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	push_key_string(&st, "feature_key", plan.feature_key);
	jsonb_push_key(&st, "granted");
	jsonb_push_bool(&st, granted);
	if (!granted)
		PG_RETURN_DATUM(finish_object(&st));
	push_key_int(&st, "quantity", plan.quantity);
	push_key_int(&st, "included", plan.included);
	push_key_int(&st, "charged", plan.charged);
	push_key_string(&st, "service_key", plan.has_service ? plan.service_key : NULL);
	jsonb_push_key(&st, "unit_cost");
	if (plan.has_service)
		jsonb_push_int(&st, plan.unit_price);
	else
		jsonb_push_null(&st);
	/* Refused: uses to charge and no service, or (whatever the split) two services. */
	refused = (plan.charged > 0 && !plan.has_service) || plan.ambiguous;
	jsonb_push_key(&st, "cost");
	if (refused)
		jsonb_push_null(&st);
	else
		jsonb_push_int(&st, plan.unit_price * plan.charged);
	jsonb_push_key(&st, "refused");
	jsonb_push_bool(&st, refused);
	if (plan.ambiguous)
		push_key_string(&st, "problem", "the feature has more than one active credit service");
	jsonb_push_key(&st, "included_remaining");
	if (plan.grant.unlimited && !plan.has_service && !plan.ambiguous)
		jsonb_push_null(&st);	/* every use included */
	else if (plan.grant.unlimited)
		jsonb_push_int(&st, 0);	/* every use charged */
	else
		jsonb_push_int(&st, Max(plan.grant.limit - plan.used, 0));
	PG_RETURN_DATUM(finish_object(&st));
}
