/*-------------------------------------------------------------------------
 *
 * entitlements_internal.h
 *	  How the pieces of the entitlement capability call each other:
 *
 *	  entitlements.c         the SQL entry points and the C functions other
 *	                         capabilities call (entitlements.h)
 *	  entitlement_resolve.c  the five sources, their walks and their merge
 *	                         (deny wins), the effective plan tier, user
 *	                         resolutions through the entitlement cache
 *	  entitlement_lookup.c   the tables read (relscan specs), the memo of
 *	                         configuration rows, the feature catalog
 *	  feature_usage.c        the usage period and the metering of uses
 *
 *	  Nothing here is for other capabilities: they use entitlements.h.
 *
 *-------------------------------------------------------------------------
 */
#ifndef INNOTRUE_ENTITLEMENTS_INTERNAL_H
#define INNOTRUE_ENTITLEMENTS_INTERNAL_H

#include "postgres.h"

#include "funcapi.h"
#include "utils/date.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "entitlements.h"
#include "relscan.h"

/* ------------------------------------------------------------------------
 * Lookups (entitlement_lookup.c)
 * ------------------------------------------------------------------------
 */

/*
 * Every (table, index) pair the entitlement functions read; the specs
 * (columns in the order of the enums below) are in entitlement_lookup.c.
 */
typedef enum Lookup
{
	LK_FEATURE_BY_KEY,
	LK_PROFILE,
	LK_PLAN,
	LK_PLAN_FEATURES,
	LK_ENROLLMENTS,
	LK_PROGRAM,
	LK_TIER_PLAN,
	LK_PROGRAM_PLAN,
	LK_PROGRAM_PLAN_FEATURES,
	LK_USER_ADD_ONS,
	LK_ADD_ON,
	LK_ADD_ON_FEATURES,
	LK_USER_TRACKS,
	LK_TRACK,
	LK_TRACK_FEATURES,
	LK_ORG_MEMBERS,
	LK_ORG,
	LK_DENIALS,
	LK_USAGE,
	NUM_LOOKUPS
} Lookup;

/* LK_FEATURE_BY_KEY: features by key. */
enum
{
	FEATURE_KEY, FEATURE_ID, FEATURE_IS_ACTIVE
};

/* LK_PROFILE: profiles by id. */
enum
{
	PROFILE_ID, PROFILE_PLAN_ID
};

/* LK_PLAN: plans by id. */
enum
{
	PLAN_ID, PLAN_IS_ACTIVE, PLAN_KEY, PLAN_TIER_LEVEL
};

/*
 * LK_PROGRAM_PLAN, LK_ADD_ON, LK_TRACK, LK_ORG: the granting objects and
 * the sponsoring organizations by id, which share this shape (key is the
 * organization's slug).
 */
enum
{
	OBJECT_ID, OBJECT_IS_ACTIVE, OBJECT_KEY
};

/*
 * LK_PLAN_FEATURES, LK_PROGRAM_PLAN_FEATURES, LK_ADD_ON_FEATURES,
 * LK_TRACK_FEATURES: an object's feature rows by (object id, feature id);
 * only plan_features has is_restrictive.
 */
enum
{
	GRANT_OBJECT_ID, GRANT_FEATURE_ID, GRANT_LIMIT_VALUE, GRANT_IS_RESTRICTIVE
};

/* LK_ENROLLMENTS: client_enrollments by user. */
enum
{
	ENROLLMENT_USER_ID, ENROLLMENT_PROGRAM_ID, ENROLLMENT_PROGRAM_PLAN_ID, ENROLLMENT_TIER_NAME,
	ENROLLMENT_STATUS
};

/* LK_PROGRAM: programs by id. */
enum
{
	PROGRAM_ID, PROGRAM_DEFAULT_PLAN_ID, PROGRAM_SLUG
};

/* LK_TIER_PLAN: program_tier_plans by (program, tier name). */
enum
{
	TIER_PLAN_PROGRAM_ID, TIER_PLAN_TIER_NAME, TIER_PLAN_PROGRAM_PLAN_ID
};

/*
 * LK_USER_ADD_ONS, LK_USER_TRACKS: a user's memberships by user; the third
 * column says whether the row counts (user_add_ons.expires_at,
 * user_tracks.is_active).
 */
enum
{
	MEMBER_USER_ID, MEMBER_OBJECT_ID, MEMBER_ADD_ON_EXPIRES_AT,
	MEMBER_TRACK_IS_ACTIVE = MEMBER_ADD_ON_EXPIRES_AT
};

/* LK_ORG_MEMBERS: organization_members by user. */
enum
{
	ORG_MEMBER_USER_ID, ORG_MEMBER_ORG_ID, ORG_MEMBER_STATUS, ORG_MEMBER_SPONSORED_PLAN_ID
};

/* LK_DENIALS: user_feature_denials by (user, feature). */
enum
{
	DENIAL_USER_ID, DENIAL_FEATURE_ID, DENIAL_EXPIRES_AT, DENIAL_ID
};

/* LK_USAGE: feature_usage by (user, feature, period). */
enum
{
	USAGE_USER_ID, USAGE_FEATURE_ID, USAGE_PERIOD_START, USAGE_USED
};

/*
 * An open lookup and its current row: an index scan (relscan), or a walk
 * over memoized configuration rows (memo != NULL) filtered by the keys
 * after the first.
 */
typedef struct LookupScan
{
	RelScan		rs;				/* when memo == NULL */
	const RelScanResolved *res;
	TupleDesc	tupdesc;
	HeapTuple	tuple;
	const struct MemoRows *memo;
	int			memo_next;
	int			nkeys;
	Datum		keys[RELSCAN_MAX_COLS];
} LookupScan;

extern void lookup_begin(LookupScan *ls, Lookup lk, int nkeys, const Datum *keys);
extern bool lookup_next(LookupScan *ls);
extern void lookup_end(LookupScan *ls);
extern bool lookup_first(LookupScan *ls, Lookup lk, Datum key);
extern Datum lookup_get(const LookupScan *ls, int col, bool *isnull);
extern Datum lookup_get_copy(const LookupScan *ls, int col, bool *isnull);
extern bool lookup_get_bool(const LookupScan *ls, int col);
extern char *lookup_get_text(const LookupScan *ls, int col);

/* One feature as the feature catalog keeps it. */
typedef struct FeatureInfo
{
	char	   *key;
	pg_uuid_t	id;
	bool		active;
} FeatureInfo;

/* Every feature: in index (key) order for output, and by strcmp for lookups. */
typedef struct FeatureCatalog
{
	int			n;
	FeatureInfo *in_key_order;
	FeatureInfo **by_strcmp;
} FeatureCatalog;

extern const FeatureCatalog *feature_catalog(void);
extern Datum feature_by_key(text *key, bool *active);
extern void lookup_cache_sources(ReturnSetInfo *rsinfo);

/* ------------------------------------------------------------------------
 * Resolution (entitlement_resolve.c)
 * ------------------------------------------------------------------------
 */

/* The merged entitlement of one feature. */
typedef struct FeatureState
{
	pg_uuid_t	feature_id;		/* hash key: must be first */
	bool		granted;		/* some source grants it (denies aside) */
	bool		unlimited;
	int32		limit;
	uint32		sources;		/* bit per granting source */
	uint32		best;			/* bit per source granting the winning limit */
	uint32		denies;			/* bit per denying source */
	int32		used;			/* uses this period (resolve_entitlements) */
} FeatureState;

/*
 * A user's complete resolution as of some time: one merged state per
 * feature any source grants or denies, sorted by feature id, and the
 * effective plan tier.  One flat allocation, so the cache can copy it.
 */
typedef struct UserResolution
{
	bool		user_exists;
	int32		tier;
	int			nfeatures;
	FeatureState features[FLEXIBLE_ARRAY_MEMBER];
} UserResolution;

/* How far a single-feature resolution must go before it may stop. */
typedef enum StopRule
{
	STOP_NEVER,
	STOP_ON_ACCESS,				/* has_feature: any grant after the denies */
	STOP_ON_UNLIMITED			/* feature_limit: an unlimited grant */
} StopRule;

/* The columns of a resolve_entitlements row. */
enum
{
	RESOLVED_FEATURE_KEY, RESOLVED_ENABLED, RESOLVED_LIMIT, RESOLVED_USED, RESOLVED_REMAINING,
	RESOLVED_SOURCE, RESOLVED_SOURCES, RESOLVED_DENIED, NUM_RESOLVED_COLUMNS
};

extern void resolve_grant(Datum user_id, Datum feature_id, bool active, TimestampTz at, StopRule rule,
						  FeatureGrant *grant);
extern UserResolution *resolve_user_copy(Datum user_id, TimestampTz at);
extern FeatureState *resolution_feature(const UserResolution *r, Datum feature_id);
extern void resolved_row(const char *key, const FeatureState *fs, Datum *values, bool *nulls);
extern bool resolve_plan_tier(Datum user_id, int32 *tier);
extern void resolve_explain(Datum user_id, Datum feature_id, TimestampTz at, ReturnSetInfo *rsinfo);

/* ------------------------------------------------------------------------
 * Metering (feature_usage.c)
 * ------------------------------------------------------------------------
 */

extern void usage_fill(Datum user_id, DateADT period_start, UserResolution *r);

#endif							/* INNOTRUE_ENTITLEMENTS_INTERNAL_H */
