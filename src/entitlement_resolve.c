/*-------------------------------------------------------------------------
 *
 * entitlement_resolve.c
 *	  Which features a user has: the five entitlement sources, their walks
 *	  and their merge, the effective plan tier, and a user's complete
 *	  resolution kept by the entitlement cache.
 *
 * This is the one place the merge rules live (docs/rules.md
 * "Entitlements", docs/entitlements.md): an active grant from any source
 * counts, NULL (unlimited) beats any number, else the highest number wins,
 * 0 grants nothing, and a deny -- an admin denial in force, or a
 * restrictive row of an organization-sponsored plan -- blocks the feature
 * whatever grants it ("deny wins").  Each walk reports the rows of one
 * source as contributions to a sink: the merge (has_feature and friends),
 * a table of merged states (a full resolution) or explain's rows.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "innotrue.h"
#include "entitlements_internal.h"

/* ------------------------------------------------------------------------
 * Sources, contributions and their merge
 * ------------------------------------------------------------------------
 */

/* Sources in reporting priority order (lower value wins the "source" column). */
typedef enum EntSource
{
	SRC_ADD_ON,
	SRC_TRACK,
	SRC_ORG_SPONSORED,
	SRC_SUBSCRIPTION,
	SRC_PROGRAM_PLAN,
	SRC_ADMIN,					/* user_feature_denials: only ever denies */
	NUM_SOURCES
} EntSource;

static const char *const source_names[NUM_SOURCES] = {
	"add_on", "track", "org_sponsored", "subscription", "program_plan", "admin"
};

typedef enum Effect
{
	EFFECT_GRANT,				/* limit NULL or > 0 */
	EFFECT_NONE,				/* limit 0: this source does not grant */
	EFFECT_DENY					/* blocks the feature */
} Effect;

/* One row of one source bearing on one feature. */
typedef struct Contribution
{
	EntSource	source;
	Datum		feature_id;		/* uuid */
	bool		unlimited;
	int32		limit;
	Effect		effect;
	const char *via;			/* kind of object: plan, program_plan, add_on, track, denial */
	Datum		via_id;			/* its uuid */
	Lookup		via_lookup;		/* where its is_active flag is read */
	Datum		org_id;			/* sponsoring organization (org_sponsored), else 0 */
	char	   *via_key;		/* its key (want_detail only) */
	char	   *detail;			/* how it was reached (want_detail only) */
	const char *ignored;		/* NULL = counts; else why it does not */
} Contribution;

struct ResolveContext;
typedef void (*ContributionSink) (struct ResolveContext *ctx, const Contribution *c);

/* What one resolution asks for and where contributions go. */
typedef struct ResolveContext
{
	Datum		user_id;		/* uuid */
	bool		one_feature;	/* restrict to feature_id */
	Datum		feature_id;
	TimestampTz at;				/* expiry checks are as of this time */
	TimestampTz valid_from;		/* the expiries seen give the same answer */
	TimestampTz valid_until;	/* for every time in [valid_from, valid_until) */
	bool		want_detail;	/* also report ignored rows, keys and paths */
	bool		want_tier;		/* also compute the effective plan tier */
	bool		tier_only;		/* ... and nothing else */
	bool		user_exists;	/* out: the profile was found */
	int32		tier;			/* out: the effective plan tier (want_tier) */
	ContributionSink sink;
	void	   *sink_arg;
	bool		stop;			/* set by the sink: the answer is known */
} ResolveContext;

/*
 * expired_as_of
 *	  Whether an expiry time has passed at ctx->at; narrows the window of
 *	  times for which the resolution (and so a cached copy) holds.
 */
static bool
expired_as_of(ResolveContext *ctx, TimestampTz expires_at)
{
	if (expires_at <= ctx->at)
	{
		ctx->valid_from = Max(ctx->valid_from, expires_at);
		return true;
	}
	ctx->valid_until = Min(ctx->valid_until, expires_at);
	return false;
}

/*
 * contribute
 *	  Passes a contribution to the sink, dropping ignored ones unless the
 *	  caller wants the detail (explain).
 */
static void
contribute(ResolveContext *ctx, const Contribution *c)
{
	if (c->ignored != NULL && !ctx->want_detail)
		return;
	ctx->sink(ctx, c);
}

/*
 * plan_state
 *	  Reads a subscription plan's active flag (and key for explain); false
 *	  when the plan does not exist.
 */
static bool
plan_state(Datum plan_id, bool *active, char **key, int32 *tier)
{
	LookupScan	ls;
	bool		found = lookup_first(&ls, LK_PLAN, plan_id);

	if (found)
	{
		bool		isnull;

		*active = lookup_get_bool(&ls, PLAN_IS_ACTIVE);
		if (tier)
			*tier = DatumGetInt32(lookup_get(&ls, PLAN_TIER_LEVEL, &isnull));
		if (key)
			*key = lookup_get_text(&ls, PLAN_KEY);
	}
	lookup_end(&ls);
	return found;
}

/*
 * object_state
 *	  Reads the is_active flag and key of a program plan, add-on, track or
 *	  organization (lookups of the OBJECT_* shape).
 */
static bool
object_state(Lookup lk, Datum id, bool *active, char **key)
{
	LookupScan	ls;
	bool		found = lookup_first(&ls, lk, id);

	if (found)
	{
		*active = lookup_get_bool(&ls, OBJECT_IS_ACTIVE);
		if (key)
			*key = lookup_get_text(&ls, OBJECT_KEY);
	}
	lookup_end(&ls);
	return found;
}

/*
 * object_check
 *	  Marks a contribution ignored when its granting object (plan, program
 *	  plan, add-on, track) or sponsoring organization is inactive, and fills
 *	  the object's key and organization for explain.  Run only once a
 *	  feature row of the object has been found, so that objects granting
 *	  nothing relevant cost no lookup.
 */
static void
object_check(ResolveContext *ctx, Contribution *c)
{
	bool		active = false;

	if (c->org_id != (Datum) 0)
	{
		char	   *slug = NULL;

		if ((!object_state(LK_ORG, c->org_id, &active, ctx->want_detail ? &slug : NULL) || !active) &&
			c->ignored == NULL)
			c->ignored = "organization inactive";
		if (ctx->want_detail)
			c->detail = psprintf("organization %s", slug ? slug : "?");
		if (c->ignored && !ctx->want_detail)
			return;
	}
	if ((!object_state(c->via_lookup, c->via_id, &active, ctx->want_detail ? &c->via_key : NULL) || !active) &&
		c->ignored == NULL)
	{
		switch (c->via_lookup)
		{
			case LK_PROGRAM_PLAN:
				c->ignored = "program plan inactive";
				break;
			case LK_ADD_ON:
				c->ignored = "add-on inactive";
				break;
			case LK_TRACK:
				c->ignored = "track inactive";
				break;
			default:
				c->ignored = "plan inactive";
				break;
		}
	}
}

/*
 * emit_feature_rows
 *	  Reports the feature rows of one granting object (a plan, program plan,
 *	  add-on or track) as contributions built on the template.  The object's
 *	  feature table is scanned by the object's id (and the feature when the
 *	  context asks for one); the object's own state is checked at the first
 *	  row found.  Only plan_features rows may be restrictive.
 */
static void
emit_feature_rows(ResolveContext *ctx, Lookup lk, const Contribution *template)
{
	LookupScan	ls;
	Datum		keys[2];
	Contribution base = *template;
	bool		checked = false;

	keys[GRANT_OBJECT_ID] = template->via_id;
	keys[GRANT_FEATURE_ID] = ctx->feature_id;
	lookup_begin(&ls, lk, ctx->one_feature ? 2 : 1, keys);
	while (!ctx->stop && lookup_next(&ls))
	{
		Contribution c;
		bool		isnull;
		bool		unlimited;
		Datum		limit;

		if (!checked)
		{
			object_check(ctx, &base);
			checked = true;
			if (base.ignored != NULL && !ctx->want_detail)
				break;
		}
		c = base;
		limit = lookup_get(&ls, GRANT_LIMIT_VALUE, &unlimited);
		c.feature_id = lookup_get(&ls, GRANT_FEATURE_ID, &isnull);
		c.unlimited = unlimited;
		c.limit = unlimited ? 0 : DatumGetInt32(limit);
		c.effect = (c.unlimited || c.limit > 0) ? EFFECT_GRANT : EFFECT_NONE;
		if (lk == LK_PLAN_FEATURES && lookup_get_bool(&ls, GRANT_IS_RESTRICTIVE))
		{
			if (c.source == SRC_ORG_SPONSORED)
				c.effect = EFFECT_DENY;
			else if (c.ignored == NULL)
				c.ignored = "restrictive row: denies only through an organization-sponsored plan";
		}
		contribute(ctx, &c);
	}
	lookup_end(&ls);
}

/*
 * count_plan_tier
 *	  The effective plan tier counts an active plan's tier (personal and
 *	  sponsored plans alike; an inactive plan counts as 0).
 */
static void
count_plan_tier(ResolveContext *ctx, Datum plan_id)
{
	bool		active;
	int32		tier;

	if (ctx->want_tier && plan_state(plan_id, &active, NULL, &tier) && active && tier > ctx->tier)
		ctx->tier = tier;
}

/*
 * walk_subscription
 *	  Source 1: the user's personal plan (profiles.plan_id -> plan_features).
 */
static void
walk_subscription(ResolveContext *ctx)
{
	LookupScan	ls;
	Datum		plan_id = (Datum) 0;
	bool		isnull = true;
	Contribution c = {0};

	if (lookup_first(&ls, LK_PROFILE, ctx->user_id))
	{
		ctx->user_exists = true;
		plan_id = lookup_get_copy(&ls, PROFILE_PLAN_ID, &isnull);
	}
	lookup_end(&ls);
	if (isnull)
		return;
	count_plan_tier(ctx, plan_id);
	if (ctx->tier_only)
		return;
	c.source = SRC_SUBSCRIPTION;
	c.via = "plan";
	c.via_id = plan_id;
	c.via_lookup = LK_PLAN;
	emit_feature_rows(ctx, LK_PLAN_FEATURES, &c);
}

/*
 * walk_org_sponsored
 *	  Source 5: plans organizations sponsor for the user through active
 *	  memberships of active organizations; restrictive rows deny.
 */
static void
walk_org_sponsored(ResolveContext *ctx)
{
	LookupScan	ls;

	lookup_begin(&ls, LK_ORG_MEMBERS, 1, &ctx->user_id);
	while (!ctx->stop && lookup_next(&ls))
	{
		Contribution c = {0};
		bool		isnull;
		Datum		plan_id = lookup_get(&ls, ORG_MEMBER_SPONSORED_PLAN_ID, &isnull);

		if (isnull)
			continue;
		c.source = SRC_ORG_SPONSORED;
		c.via = "plan";
		c.via_id = plan_id;
		c.via_lookup = LK_PLAN;
		c.org_id = lookup_get(&ls, ORG_MEMBER_ORG_ID, &isnull);
		if (strcmp(lookup_get_text(&ls, ORG_MEMBER_STATUS), "active") != 0)
			c.ignored = "membership inactive";
		if (c.ignored && !ctx->want_detail)
			continue;
		if (c.ignored == NULL && ctx->want_tier)
		{
			bool		org_active;

			if (object_state(LK_ORG, c.org_id, &org_active, NULL) && org_active)
				count_plan_tier(ctx, plan_id);
		}
		if (!ctx->tier_only)
			emit_feature_rows(ctx, LK_PLAN_FEATURES, &c);
	}
	lookup_end(&ls);
}

/*
 * enrollment_program_plan
 *	  Resolves an enrollment's program plan: the explicit program_plan_id,
 *	  else the program's tier plan for the enrollment's tier, else the
 *	  program's default plan.  Returns false when none applies; *how names
 *	  the step that decided.
 */
static bool
enrollment_program_plan(LookupScan *enr, Datum *plan_id, const char **how)
{
	bool		isnull;
	Datum		program_id = lookup_get(enr, ENROLLMENT_PROGRAM_ID, &isnull);
	Datum		explicit_plan = lookup_get(enr, ENROLLMENT_PROGRAM_PLAN_ID, &isnull);
	Datum		tier_name;
	LookupScan	ls;
	bool		found;

	if (!isnull)
	{
		*plan_id = explicit_plan;
		*how = "explicit";
		return true;
	}
	tier_name = lookup_get(enr, ENROLLMENT_TIER_NAME, &isnull);
	if (!isnull)
	{
		Datum		keys[2];

		keys[TIER_PLAN_PROGRAM_ID] = program_id;
		keys[TIER_PLAN_TIER_NAME] = tier_name;
		lookup_begin(&ls, LK_TIER_PLAN, 2, keys);
		found = lookup_next(&ls);
		if (found)
			*plan_id = lookup_get_copy(&ls, TIER_PLAN_PROGRAM_PLAN_ID, &isnull);
		lookup_end(&ls);
		if (found)
		{
			*how = "tier";
			return true;
		}
	}
	found = lookup_first(&ls, LK_PROGRAM, program_id);
	if (found)
		*plan_id = lookup_get_copy(&ls, PROGRAM_DEFAULT_PLAN_ID, &isnull);
	lookup_end(&ls);
	if (found && !isnull)
	{
		*how = "program default";
		return true;
	}
	return false;
}

/*
 * walk_program_plans
 *	  Source 2: the program plan of each active enrollment.
 */
static void
walk_program_plans(ResolveContext *ctx)
{
	LookupScan	ls;

	lookup_begin(&ls, LK_ENROLLMENTS, 1, &ctx->user_id);
	while (!ctx->stop && lookup_next(&ls))
	{
		Contribution c = {0};
		char	   *status = lookup_get_text(&ls, ENROLLMENT_STATUS);
		const char *how;

		c.source = SRC_PROGRAM_PLAN;
		c.via = "program_plan";
		c.via_lookup = LK_PROGRAM_PLAN;
		if (strcmp(status, "active") != 0)
			c.ignored = psprintf("enrollment %s", status);
		if (c.ignored && !ctx->want_detail)
			continue;
		if (!enrollment_program_plan(&ls, &c.via_id, &how))
			continue;
		if (ctx->want_detail)
		{
			LookupScan	program;
			bool		isnull;
			char	   *slug = NULL;

			if (lookup_first(&program, LK_PROGRAM, lookup_get(&ls, ENROLLMENT_PROGRAM_ID, &isnull)))
				slug = lookup_get_text(&program, PROGRAM_SLUG);
			lookup_end(&program);
			c.detail = psprintf("program %s (%s)", slug ? slug : "?", how);
		}
		emit_feature_rows(ctx, LK_PROGRAM_PLAN_FEATURES, &c);
	}
	lookup_end(&ls);
}

/* Why a membership row (user_add_ons, user_tracks) does not count; NULL when it does. */
typedef const char *(*MembershipCheck) (ResolveContext *ctx, LookupScan *ls);

/* add_on_grant_check: a user_add_ons row counts until it expires. */
static const char *
add_on_grant_check(ResolveContext *ctx, LookupScan *ls)
{
	bool		isnull;
	Datum		expires_at = lookup_get(ls, MEMBER_ADD_ON_EXPIRES_AT, &isnull);

	return (!isnull && expired_as_of(ctx, DatumGetTimestampTz(expires_at))) ? "add-on grant expired" : NULL;
}

/* track_membership_check: a user_tracks row counts while active. */
static const char *
track_membership_check(ResolveContext *ctx, LookupScan *ls)
{
	return lookup_get_bool(ls, MEMBER_TRACK_IS_ACTIVE) ? NULL : "track membership inactive";
}

/*
 * walk_memberships
 *	  Sources 3 and 4: the user's rows in a membership table (lookup members,
 *	  of the MEMBER_* shape) that pass check, each reported
 *	  through the object's feature rows.
 */
static void
walk_memberships(ResolveContext *ctx, Lookup members, MembershipCheck check, EntSource source,
				 const char *via, Lookup object, Lookup features)
{
	LookupScan	ls;

	lookup_begin(&ls, members, 1, &ctx->user_id);
	while (!ctx->stop && lookup_next(&ls))
	{
		Contribution c = {0};
		bool		isnull;

		c.source = source;
		c.via = via;
		c.via_lookup = object;
		c.ignored = check(ctx, &ls);
		if (c.ignored && !ctx->want_detail)
			continue;
		c.via_id = lookup_get(&ls, MEMBER_OBJECT_ID, &isnull);
		emit_feature_rows(ctx, features, &c);
	}
	lookup_end(&ls);
}

/*
 * walk_denials
 *	  Admin denies (user_feature_denials) in force at ctx->at.
 */
static void
walk_denials(ResolveContext *ctx)
{
	LookupScan	ls;
	Datum		keys[2];

	keys[DENIAL_USER_ID] = ctx->user_id;
	keys[DENIAL_FEATURE_ID] = ctx->feature_id;
	lookup_begin(&ls, LK_DENIALS, ctx->one_feature ? 2 : 1, keys);
	while (!ctx->stop && lookup_next(&ls))
	{
		Contribution c = {0};
		bool		isnull;
		bool		expires_null;
		Datum		expires_at = lookup_get(&ls, DENIAL_EXPIRES_AT, &expires_null);

		c.source = SRC_ADMIN;
		c.via = "denial";
		c.effect = EFFECT_DENY;
		c.via_id = lookup_get(&ls, DENIAL_ID, &isnull);
		c.feature_id = lookup_get(&ls, DENIAL_FEATURE_ID, &isnull);
		if (!expires_null && expired_as_of(ctx, DatumGetTimestampTz(expires_at)))
			c.ignored = "deny expired";
		contribute(ctx, &c);
	}
	lookup_end(&ls);
}

/*
 * walk_sources
 *	  Runs every source walker.  Denies come first so that an access check
 *	  can stop as soon as a grant is seen (sink sets ctx->stop).
 */
static void
walk_sources(ResolveContext *ctx)
{
	walk_denials(ctx);
	if (!ctx->stop)
		walk_org_sponsored(ctx);
	if (!ctx->stop)
		walk_subscription(ctx);
	if (!ctx->stop)
		walk_memberships(ctx, LK_USER_ADD_ONS, add_on_grant_check, SRC_ADD_ON, "add_on",
						 LK_ADD_ON, LK_ADD_ON_FEATURES);
	if (!ctx->stop)
		walk_memberships(ctx, LK_USER_TRACKS, track_membership_check, SRC_TRACK, "track",
						 LK_TRACK, LK_TRACK_FEATURES);
	if (!ctx->stop)
		walk_program_plans(ctx);
}

/*
 * walk_user
 *	  Runs every source walker for one user as of at, contributions to sink;
 *	  the caller sets what else the context asks (one feature, detail).
 */
static void
walk_user(ResolveContext *ctx, Datum user_id, TimestampTz at, ContributionSink sink, void *sink_arg)
{
	ctx->user_id = user_id;
	ctx->at = at;
	ctx->valid_from = DT_NOBEGIN;
	ctx->valid_until = DT_NOEND;
	ctx->sink = sink;
	ctx->sink_arg = sink_arg;
	walk_sources(ctx);
}

/*
 * feature_state_apply
 *	  Merges one counted contribution: NULL (unlimited) beats any number,
 *	  else the highest number wins; 0 grants nothing; a deny blocks.
 */
static void
feature_state_apply(FeatureState *fs, const Contribution *c)
{
	uint32		bit = 1u << c->source;

	if (c->ignored != NULL || c->effect == EFFECT_NONE)
		return;
	if (c->effect == EFFECT_DENY)
	{
		fs->denies |= bit;
		return;
	}
	fs->sources |= bit;
	if (!fs->granted ||
		(c->unlimited && !fs->unlimited) ||
		(!c->unlimited && !fs->unlimited && c->limit > fs->limit))
	{
		fs->granted = true;
		fs->unlimited = c->unlimited;
		fs->limit = c->limit;
		fs->best = bit;
	}
	else if (c->unlimited == fs->unlimited && (c->unlimited || c->limit == fs->limit))
		fs->best |= bit;
}

/* lowest_source: the highest-priority source in a bit set. */
static EntSource
lowest_source(uint32 bits)
{
	int			s;

	for (s = 0; s < NUM_SOURCES; s++)
		if (bits & (1u << s))
			return (EntSource) s;
	return NUM_SOURCES;
}

typedef struct SingleSink
{
	FeatureState state;
	StopRule	rule;
} SingleSink;

/*
 * single_sink
 *	  Sink of a single-feature resolution: merges, and stops the walk once
 *	  the answer cannot change (a deny always settles it; denies are walked
 *	  first, org-sponsored restrictive rows before any other grant).
 */
static void
single_sink(ResolveContext *ctx, const Contribution *c)
{
	SingleSink *s = (SingleSink *) ctx->sink_arg;

	feature_state_apply(&s->state, c);
	if (s->rule == STOP_NEVER || c->source == SRC_ADMIN || c->source == SRC_ORG_SPONSORED)
		return;
	if (s->state.denies != 0 ||
		(s->rule == STOP_ON_ACCESS && s->state.granted) ||
		(s->rule == STOP_ON_UNLIMITED && s->state.granted && s->state.unlimited))
		ctx->stop = true;
}

/*
 * resolve_single
 *	  Resolves one (active) feature for a user into *state.
 */
static void
resolve_single(Datum user_id, Datum feature_id, TimestampTz at, StopRule rule, FeatureState *state)
{
	ResolveContext ctx = {0};
	SingleSink	sink = {{{{0}}}};

	sink.rule = rule;
	ctx.one_feature = true;
	ctx.feature_id = feature_id;
	walk_user(&ctx, user_id, at, single_sink, &sink);
	*state = sink.state;
}

/* The merged states of a full resolution while it is walked: a few dozen at most. */
typedef struct StateList
{
	FeatureState *states;
	int			n;
	int			room;
} StateList;

/* Sink of a full resolution: one FeatureState per feature id. */
static void
table_sink(ResolveContext *ctx, const Contribution *c)
{
	StateList  *list = (StateList *) ctx->sink_arg;
	FeatureState *fs = NULL;
	int			i;

	if (c->ignored != NULL || c->effect == EFFECT_NONE)
		return;
	for (i = 0; i < list->n && fs == NULL; i++)
		if (memcmp(&list->states[i].feature_id, DatumGetUUIDP(c->feature_id), UUID_LEN) == 0)
			fs = &list->states[i];
	if (fs == NULL)
	{
		if (list->n == list->room)
		{
			list->room *= 2;
			list->states = (FeatureState *) repalloc(list->states, list->room * sizeof(FeatureState));
		}
		fs = &list->states[list->n++];
		memset(fs, 0, sizeof(FeatureState));
		fs->feature_id = *DatumGetUUIDP(c->feature_id);
	}
	feature_state_apply(fs, c);
}

/*
 * compute_effective_tier
 *	  The effective plan tier of a user (see effective_plan_tier): the walk
 *	  of the personal and the sponsored plans, without their features.
 *	  *exists false, and 0 returned, for an unknown user.
 */
static int32
compute_effective_tier(Datum user_id, bool *exists)
{
	ResolveContext ctx = {0};

	ctx.user_id = user_id;
	ctx.want_tier = true;
	ctx.tier_only = true;
	walk_subscription(&ctx);
	walk_org_sponsored(&ctx);
	*exists = ctx.user_exists;
	return ctx.tier;
}

/* ------------------------------------------------------------------------
 * User resolutions: everything about one user, as kept by the cache
 * ------------------------------------------------------------------------
 */

#define UserResolutionSize(n) (offsetof(UserResolution, features) + (n) * sizeof(FeatureState))

/* feature_state_cmp: orders merged states by feature id, for bsearch. */
static int
feature_state_cmp(const void *a, const void *b)
{
	return memcmp(&((const FeatureState *) a)->feature_id,
				  &((const FeatureState *) b)->feature_id, sizeof(pg_uuid_t));
}

/* resolution_feature: a feature's merged state in a resolution, or NULL. */
FeatureState *
resolution_feature(const UserResolution *r, Datum feature_id)
{
	FeatureState key;

	key.feature_id = *DatumGetUUIDP(feature_id);
	return (FeatureState *) bsearch(&key, r->features, r->nfeatures, sizeof(FeatureState),
									feature_state_cmp);
}

/*
 * build_resolution
 *	  Walks every source for every feature as of at; *valid_from and
 *	  *valid_until bound the times the result holds for (expiries seen).
 */
static UserResolution *
build_resolution(Datum user_id, TimestampTz at, TimestampTz *valid_from, TimestampTz *valid_until)
{
	ResolveContext ctx = {0};
	StateList	list;
	UserResolution *r;

	list.n = 0;
	list.room = 32;
	list.states = (FeatureState *) palloc(list.room * sizeof(FeatureState));
	ctx.want_tier = true;
	walk_user(&ctx, user_id, at, table_sink, &list);

	r = (UserResolution *) palloc0(UserResolutionSize(list.n));
	memcpy(r->features, list.states, list.n * sizeof(FeatureState));
	r->nfeatures = list.n;
	qsort(r->features, list.n, sizeof(FeatureState), feature_state_cmp);
	pfree(list.states);
	r->user_exists = ctx.user_exists;
	r->tier = ctx.tier;
	*valid_from = ctx.valid_from;
	*valid_until = ctx.valid_until;
	return r;
}

/*
 * cached_resolution
 *	  The user's resolution as of at through the entitlement cache (built
 *	  and kept on a miss); NULL when this statement's snapshot may not use
 *	  the cache, so that single-feature callers can take their cheaper
 *	  early-stopping walk instead.
 */
static const UserResolution *
cached_resolution(Datum user_id, TimestampTz at)
{
	Snapshot	snapshot = relscan_statement_snapshot();
	const UserResolution *r;
	UserResolution *built;
	TimestampTz from;
	TimestampTz until;

	if (!entcache_usable(snapshot))
		return NULL;
	r = (const UserResolution *) entcache_find(DatumGetUUIDP(user_id), at);
	if (r != NULL)
		return r;
	built = build_resolution(user_id, at, &from, &until);
	entcache_store(snapshot, DatumGetUUIDP(user_id), from, until, built,
				   UserResolutionSize(built->nfeatures));
	return built;
}

/*
 * feature_state
 *	  A user's merged state of one feature as of at: from the cached
 *	  resolution when the cache may serve, else by a walk that stops as
 *	  soon as rule allows.
 */
static void
feature_state(Datum user_id, Datum feature_id, TimestampTz at, StopRule rule, FeatureState *state)
{
	const UserResolution *r = cached_resolution(user_id, at);

	if (r != NULL)
	{
		const FeatureState *fs = resolution_feature(r, feature_id);

		if (fs != NULL)
			*state = *fs;
		else
			memset(state, 0, sizeof(FeatureState));
		return;
	}
	resolve_single(user_id, feature_id, at, rule, state);
}

/*
 * resolve_grant
 *	  The verdict on one feature for a user as of at: granted when the
 *	  feature is active, some source grants it and nothing denies it (deny
 *	  wins); the merged limit.  An inactive feature is granted to nobody.
 */
void
resolve_grant(Datum user_id, Datum feature_id, bool active, TimestampTz at, StopRule rule,
			  FeatureGrant *grant)
{
	FeatureState state;

	if (active)
		feature_state(user_id, feature_id, at, rule, &state);
	else
		memset(&state, 0, sizeof(state));
	grant->active = active;
	grant->granted = state.granted && state.denies == 0;
	grant->denied = state.denies != 0;
	grant->unlimited = state.unlimited;
	grant->limit = state.limit;
}

/*
 * resolve_user_copy
 *	  The user's complete resolution as of at, a private copy the caller
 *	  may fill in (resolve_entitlements adds the period's usage).
 */
UserResolution *
resolve_user_copy(Datum user_id, TimestampTz at)
{
	const UserResolution *cached = cached_resolution(user_id, at);
	UserResolution *r;
	TimestampTz from;
	TimestampTz until;

	if (cached == NULL)
		return build_resolution(user_id, at, &from, &until);
	r = (UserResolution *) palloc(UserResolutionSize(cached->nfeatures));
	memcpy(r, cached, UserResolutionSize(cached->nfeatures));
	return r;
}

/*
 * resolve_plan_tier
 *	  effective_plan_tier: max of the personal plan's tier and the tiers of
 *	  plans sponsored through active memberships of active organizations;
 *	  inactive plans count as tier 0.  False for an unknown user.
 */
bool
resolve_plan_tier(Datum user_id, int32 *tier)
{
	const UserResolution *r = cached_resolution(user_id, GetCurrentTransactionStartTimestamp());
	bool		exists;

	if (r != NULL)
	{
		exists = r->user_exists;
		*tier = r->tier;
	}
	else
		*tier = compute_effective_tier(user_id, &exists);
	return exists;
}

/* ------------------------------------------------------------------------
 * Output: resolve_entitlements rows and explain's rows
 * ------------------------------------------------------------------------
 */

/*
 * sources_array
 *	  The granting sources of a feature as text[], in priority order.
 */
static Datum
sources_array(uint32 bits)
{
	Datum		elems[NUM_SOURCES];
	int			n = 0;
	int			s;

	for (s = 0; s < NUM_SOURCES; s++)
		if (bits & (1u << s))
			elems[n++] = CStringGetTextDatum(source_names[s]);
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * resolved_row
 *	  Fills one resolve_entitlements row from a merged state and the
 *	  period's usage (fs->used).  A denied feature: enabled false, limit 0,
 *	  remaining 0, source = the deny's source (admin before org_sponsored).
 */
void
resolved_row(const char *key, const FeatureState *fs, Datum *values, bool *nulls)
{
	int32		used = fs->used;
	bool		denied = fs->denies != 0;

	memset(nulls, 0, NUM_RESOLVED_COLUMNS * sizeof(bool));
	values[RESOLVED_FEATURE_KEY] = CStringGetTextDatum(key);
	values[RESOLVED_ENABLED] = BoolGetDatum(fs->granted && !denied);
	values[RESOLVED_USED] = Int32GetDatum(used);
	if (denied)
	{
		values[RESOLVED_LIMIT] = Int32GetDatum(0);
		values[RESOLVED_REMAINING] = Int32GetDatum(0);
		values[RESOLVED_SOURCE] =
			CStringGetTextDatum(source_names[(fs->denies & (1u << SRC_ADMIN)) ? SRC_ADMIN : SRC_ORG_SPONSORED]);
	}
	else
	{
		nulls[RESOLVED_LIMIT] = nulls[RESOLVED_REMAINING] = fs->unlimited;
		values[RESOLVED_LIMIT] = Int32GetDatum(fs->limit);
		values[RESOLVED_REMAINING] = Int32GetDatum(Max(fs->limit - used, 0));
		values[RESOLVED_SOURCE] = CStringGetTextDatum(source_names[lowest_source(fs->best)]);
	}
	values[RESOLVED_SOURCES] = sources_array(fs->sources);
	values[RESOLVED_DENIED] = BoolGetDatum(denied);
}

/* The columns of an entitlement_sources row. */
enum
{
	EXPLAIN_SOURCE, EXPLAIN_VIA, EXPLAIN_VIA_ID, EXPLAIN_VIA_KEY, EXPLAIN_DETAIL, EXPLAIN_LIMIT,
	EXPLAIN_EFFECT, EXPLAIN_IGNORED, NUM_EXPLAIN_COLUMNS
};

/* optional_text_datum: a C string as text, or NULL. */
static Datum
optional_text_datum(const char *s, bool *isnull)
{
	*isnull = s == NULL;
	return s == NULL ? (Datum) 0 : CStringGetTextDatum(s);
}

/* Sink of explain: one output row per contribution, counted or ignored. */
static void
explain_sink(ResolveContext *ctx, const Contribution *c)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) ctx->sink_arg;
	Datum		values[NUM_EXPLAIN_COLUMNS];
	bool		nulls[NUM_EXPLAIN_COLUMNS] = {0};
	static const char *const effects[] = {"grant", "none", "deny"};

	values[EXPLAIN_SOURCE] = CStringGetTextDatum(source_names[c->source]);
	values[EXPLAIN_VIA] = CStringGetTextDatum(c->via);
	values[EXPLAIN_VIA_ID] = c->via_id;
	values[EXPLAIN_VIA_KEY] = optional_text_datum(c->via_key, &nulls[EXPLAIN_VIA_KEY]);
	values[EXPLAIN_DETAIL] = optional_text_datum(c->detail, &nulls[EXPLAIN_DETAIL]);
	nulls[EXPLAIN_LIMIT] = c->unlimited || c->source == SRC_ADMIN;
	values[EXPLAIN_LIMIT] = Int32GetDatum(c->limit);
	values[EXPLAIN_EFFECT] = CStringGetTextDatum(effects[c->effect]);
	values[EXPLAIN_IGNORED] = optional_text_datum(c->ignored, &nulls[EXPLAIN_IGNORED]);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * resolve_explain
 *	  entitlement_sources' rows: every source row that bears on the feature
 *	  for the user as of at, including those ignored and why.
 */
void
resolve_explain(Datum user_id, Datum feature_id, TimestampTz at, ReturnSetInfo *rsinfo)
{
	ResolveContext ctx = {0};

	ctx.feature_id = feature_id;
	ctx.one_feature = true;
	ctx.want_detail = true;
	walk_user(&ctx, user_id, at, explain_sink, rsinfo);
}
