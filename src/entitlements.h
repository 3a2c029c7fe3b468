/*-------------------------------------------------------------------------
 *
 * entitlements.h
 *	  What the entitlement capability offers other C files beyond its SQL
 *	  entry points: the feature and plan-tier checks (access.c's gates,
 *	  credits.c's enrollment), one feature's merged grant (entitlements.c)
 *	  and the metering of its uses (feature_usage.c; the half of
 *	  use_feature that feature_use.c does not own).
 *
 *-------------------------------------------------------------------------
 */
#ifndef INNOTRUE_ENTITLEMENTS_H
#define INNOTRUE_ENTITLEMENTS_H

#include "postgres.h"

#include "compat.h"

#include "utils/date.h"
#include "utils/timestamp.h"

/* One feature's merged grant for one user (deny wins). */
typedef struct FeatureGrant
{
	bool		active;			/* features.is_active */
	bool		granted;		/* some source grants it and nothing denies it */
	bool		denied;
	bool		unlimited;		/* when granted: limit NULL */
	int32		limit;			/* when granted and limited: uses per month */
} FeatureGrant;

/* has_feature(): some source grants the active feature now and nothing denies it. */
extern bool entitlement_has_feature(Datum user_id, text *feature_key);

/* effective_plan_tier(): false when no profile has this id. */
extern bool entitlement_plan_tier(Datum user_id, int32 *tier);

extern Datum entitlement_feature_id(text *feature_key, bool *active);
extern void entitlement_grant(Datum user_id, Datum feature_id, bool active, TimestampTz at,
							  FeatureGrant *grant);
extern DateADT entitlement_usage_period(TimestampTz at);
extern int32 entitlement_usage(Datum user_id, Datum feature_id, DateADT period_start, bool latest);
extern bool entitlement_count_use(Datum user_id, Datum feature_id, DateADT period_start, int32 amount,
								  const FeatureGrant *grant, int32 *used);

/* The 42501 error of a use of a feature grant does not grant (inactive, denied, ungranted). */
compat_noreturn extern void entitlement_refuse_ungranted(Datum user_id, const char *feature_key,
										 const FeatureGrant *grant);

#endif							/* INNOTRUE_ENTITLEMENTS_H */
