/*-------------------------------------------------------------------------
 *
 * entitlements.c
 *	  Entitlement resolution in the database: which features a user has,
 *	  with which monthly limit, from which of the five sources.  This file
 *	  holds the SQL entry points and the functions other capabilities call
 *	  (entitlements.h); the work is done by
 *
 *	  entitlement_resolve.c  the walks of the five sources and their merge
 *	  entitlement_lookup.c   the tables read, the configuration memo, the
 *	                         feature catalog
 *	  feature_usage.c        usage periods and metering (record_feature_usage)
 *
 * The read path (has_feature, feature_limit, resolve_entitlements,
 * effective_plan_tier, entitlement_sources) walks the extension's own
 * indexes under the query's active snapshot: no SPI, no plan.  Results are
 * kept only under the entitlement cache's rules (entitlement_cache.c), so
 * a call sees changes made earlier in the same transaction and other
 * sessions' commits exactly as the calling statement does.
 *
 * Rules: docs/rules.md "Entitlements"; decisions in docs/entitlements.md.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "innotrue.h"
#include "entitlements_internal.h"
#include "input_limits.h"
#include "settings.h"

PG_FUNCTION_INFO_V1(innotrue_has_feature);
PG_FUNCTION_INFO_V1(innotrue_feature_limit);
PG_FUNCTION_INFO_V1(innotrue_effective_plan_tier);
PG_FUNCTION_INFO_V1(innotrue_resolve_entitlements);
PG_FUNCTION_INFO_V1(innotrue_entitlement_sources);
PG_FUNCTION_INFO_V1(innotrue_entitlement_cache_sources);

/*
 * entitlement_has_feature
 *	  has_feature(user_id, feature_key): true when some source grants the
 *	  feature (limit NULL or > 0) and nothing denies it.  Usage is not
 *	  considered (record_feature_usage enforces limits).
 */
bool
entitlement_has_feature(Datum user_id, text *feature_key)
{
	bool		active;
	Datum		feature_id = feature_by_key(feature_key, &active);
	FeatureGrant grant;

	resolve_grant(user_id, feature_id, active, GetCurrentTransactionStartTimestamp(), STOP_ON_ACCESS, &grant);
	return grant.granted;
}

/* innotrue_has_feature: has_feature(user_id, feature_key), over entitlement_has_feature. */
Datum
innotrue_has_feature(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(entitlement_has_feature(PG_GETARG_DATUM(0), PG_GETARG_TEXT_PP(1)));
}

/*
 * innotrue_feature_limit
 *	  feature_limit(user_id, feature_key): the merged monthly limit; NULL =
 *	  unlimited, 0 = not granted or denied.
 */
Datum
innotrue_feature_limit(PG_FUNCTION_ARGS)
{
	bool		active;
	Datum		feature_id = feature_by_key(PG_GETARG_TEXT_PP(1), &active);
	FeatureGrant grant;

	resolve_grant(PG_GETARG_DATUM(0), feature_id, active, GetCurrentTransactionStartTimestamp(),
				  STOP_ON_UNLIMITED, &grant);
	if (!grant.granted)
		PG_RETURN_INT32(0);
	if (grant.unlimited)
		PG_RETURN_NULL();
	PG_RETURN_INT32(grant.limit);
}

/*
 * entitlement_plan_tier
 *	  effective_plan_tier(user_id) (resolve_plan_tier); false for an
 *	  unknown user.
 */
bool
entitlement_plan_tier(Datum user_id, int32 *tier)
{
	return resolve_plan_tier(user_id, tier);
}

/* innotrue_effective_plan_tier: effective_plan_tier(user_id), over entitlement_plan_tier. */
Datum
innotrue_effective_plan_tier(PG_FUNCTION_ARGS)
{
	int32		tier;

	if (!entitlement_plan_tier(PG_GETARG_DATUM(0), &tier))
		PG_RETURN_NULL();
	PG_RETURN_INT32(tier);
}

/*
 * emit_resolved_rows
 *	  Returns one row per active feature granted or denied, in the order of
 *	  the features' key index (so no sort), or only the feature named key.
 */
static void
emit_resolved_rows(ReturnSetInfo *rsinfo, const UserResolution *r, const char *key)
{
	const FeatureCatalog *cat = feature_catalog();
	int			i;

	for (i = 0; i < cat->n; i++)
	{
		const FeatureInfo *fi = &cat->in_key_order[i];
		const FeatureState *fs;
		Datum		values[NUM_RESOLVED_COLUMNS];
		bool		nulls[NUM_RESOLVED_COLUMNS];

		if (!fi->active || (key != NULL && strcmp(fi->key, key) != 0))
			continue;
		fs = resolution_feature(r, UUIDPGetDatum(&fi->id));
		if (fs == NULL || (!fs->granted && fs->denies == 0))
			continue;
		resolved_row(fi->key, fs, values, nulls);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/*
 * innotrue_resolve_entitlements
 *	  resolve_entitlements(user_id, at): one row per active feature the user
 *	  is granted or denied, ordered by feature key, with the usage of the
 *	  month containing at.  With a third argument (the internal
 *	  entitlement(user_id, feature_key, at)) only that feature.
 */
Datum
innotrue_resolve_entitlements(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		user_id = PG_GETARG_DATUM(0);
	TimestampTz at = PG_GETARG_TIMESTAMPTZ(PG_NARGS() - 1);
	UserResolution *r;
	DateADT		period_start;

	innotrue_check_timestamp(at, "at");
	InitMaterializedSRF(fcinfo, 0);
	if (PG_NARGS() == 3)
	{
		bool		active;

		(void) feature_by_key(PG_GETARG_TEXT_PP(1), &active);
		if (!active)
			return (Datum) 0;
	}
	r = resolve_user_copy(user_id, at);
	if (r->nfeatures == 0)
		return (Datum) 0;
	platform_month(at, &period_start, NULL);
	usage_fill(user_id, period_start, r);
	emit_resolved_rows(rsinfo, r, PG_NARGS() == 3 ? text_to_cstring(PG_GETARG_TEXT_PP(1)) : NULL);
	return (Datum) 0;
}

/*
 * innotrue_entitlement_sources
 *	  entitlement_sources(user_id, feature_key, at): every source row that
 *	  bears on the feature, including those ignored and why; explain_entitlement
 *	  turns it into JSON.
 */
Datum
innotrue_entitlement_sources(PG_FUNCTION_ARGS)
{
	bool		active;
	Datum		feature_id;

	innotrue_check_timestamp(PG_GETARG_TIMESTAMPTZ(2), "at");
	InitMaterializedSRF(fcinfo, 0);
	feature_id = feature_by_key(PG_GETARG_TEXT_PP(1), &active);
	resolve_explain(PG_GETARG_DATUM(0), feature_id, PG_GETARG_TIMESTAMPTZ(2),
					(ReturnSetInfo *) fcinfo->resultinfo);
	return (Datum) 0;
}

/*
 * innotrue_entitlement_cache_sources
 *	  entitlement_cache_sources() -> (table_name, column_names): every table
 *	  the read path resolves entitlements from and the columns it reads
 *	  there (lookup_cache_sources).
 */
Datum
innotrue_entitlement_cache_sources(PG_FUNCTION_ARGS)
{
	InitMaterializedSRF(fcinfo, 0);
	lookup_cache_sources((ReturnSetInfo *) fcinfo->resultinfo);
	return (Datum) 0;
}

/*
 * entitlement_feature_id
 *	  Id and active flag of a feature by key (feature_by_key: an unknown key
 *	  is error 42704).
 */
Datum
entitlement_feature_id(text *feature_key, bool *active)
{
	return feature_by_key(feature_key, active);
}

/*
 * entitlement_grant
 *	  The merged grant of one feature for a user as of at, as
 *	  record_feature_usage judges it (an inactive feature is granted to
 *	  nobody).
 */
void
entitlement_grant(Datum user_id, Datum feature_id, bool active, TimestampTz at, FeatureGrant *grant)
{
	resolve_grant(user_id, feature_id, active, at, STOP_ON_UNLIMITED, grant);
}
