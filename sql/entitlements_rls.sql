-- The current user (innotrue.current_user_id) and row-level security gated on a feature; changes made
-- earlier in the same transaction are seen at once (no cross-call cache).
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;

INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT v.id::uuid, v.email, p.id
  FROM (VALUES ('00000000-0000-0000-0000-0000000000b1', 'b1@example.com', 'advanced'),
               ('00000000-0000-0000-0000-0000000000b2', 'b2@example.com', 'free')) v (id, email, plan_key)
  JOIN innotrue.plans p ON p.key = v.plan_key;

-- current_user_id: anonymous, then innotrue.user_id, then request.jwt.claim.sub wins over it.
SELECT innotrue.current_user_id() IS NULL AS anonymous, innotrue.has_feature('community') AS anonymous_has,
       innotrue.feature_limit('ai_coach') AS anonymous_limit;
SET LOCAL innotrue.user_id = '00000000-0000-0000-0000-0000000000b1';
SELECT innotrue.current_user_id(), innotrue.has_feature('community'), innotrue.feature_limit('ai_coach'),
       innotrue.effective_plan_tier(), (SELECT count(*) FROM innotrue.resolve_entitlements()) AS features,
       innotrue.explain_entitlement('community') ->> 'winner' AS winner;
SET LOCAL request.jwt.claim.sub = '00000000-0000-0000-0000-0000000000b2';
SELECT innotrue.current_user_id(), innotrue.has_feature('community'), innotrue.feature_limit('ai_coach');
SET LOCAL request.jwt.claim.sub = 'not-a-uuid';
SELECT innotrue.current_user_id();
SET LOCAL request.jwt.claim.sub = '';
SET LOCAL innotrue.user_id = '12345';
SELECT innotrue.current_user_id();
SET LOCAL innotrue.user_id = '00000000-0000-0000-0000-0000000000b1';
-- where a function auth.uid() exists (Supabase) it is the only source
CREATE SCHEMA auth;
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT '00000000-0000-0000-0000-0000000000b2'::uuid $$;
SELECT innotrue.current_user_id() AS from_auth_uid;
DROP SCHEMA auth CASCADE;
SELECT innotrue.current_user_id() AS from_setting_again;

-- A table gated on a feature: the check runs once per query (an InitPlan), not once per row.
CREATE TABLE public.ent_community_posts (id integer PRIMARY KEY, body text NOT NULL);
INSERT INTO public.ent_community_posts SELECT n, 'post ' || n FROM generate_series(1, 3) n;
ALTER TABLE public.ent_community_posts ENABLE ROW LEVEL SECURITY;
CREATE POLICY community_members ON public.ent_community_posts FOR SELECT
    USING ((SELECT innotrue.has_feature('community')));
CREATE ROLE ent_app_user;
GRANT SELECT ON public.ent_community_posts TO ent_app_user;
-- what grant_access(role, 'user') grants for this check: the current-user form, not has_feature(uuid, text)
GRANT USAGE ON SCHEMA innotrue TO ent_app_user;
GRANT EXECUTE ON FUNCTION innotrue.has_feature(text) TO ent_app_user;
-- The plan is read from EXPLAIN's JSON, whose fields read the same on every major (the text form
-- names InitPlan values differently since 17): a sequential scan filtered by the value of one
-- InitPlan; a SubPlan, or the call in the filter itself, would run the check for every row.
CREATE FUNCTION pg_temp.plan_of(query text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (COSTS OFF, FORMAT JSON) ' || query INTO plan;
    RETURN plan::jsonb -> 0 -> 'Plan';
END $$;
SET LOCAL ROLE ent_app_user;
SELECT p ->> 'Node Type' AS node, p ->> 'Relation Name' AS relation, p ? 'Filter' AS filtered,
       p ->> 'Filter' LIKE '%has_feature%' AS check_in_filter,
       (SELECT string_agg(format('%s: %s', c ->> 'Parent Relationship', c ->> 'Node Type'), ', ')
        FROM jsonb_array_elements(p -> 'Plans') c) AS subplans
FROM pg_temp.plan_of('SELECT * FROM public.ent_community_posts') p;
SET LOCAL innotrue.user_id = '00000000-0000-0000-0000-0000000000b1';   -- advanced: community granted
SELECT count(*) AS b1_sees FROM public.ent_community_posts;
SET LOCAL innotrue.user_id = '00000000-0000-0000-0000-0000000000b2';   -- free: not granted
SELECT count(*) AS b2_sees FROM public.ent_community_posts;
SET LOCAL innotrue.user_id = '';                                       -- anonymous
SELECT count(*) AS anonymous_sees FROM public.ent_community_posts;
RESET ROLE;

-- Same-transaction changes are visible to the very next call: grant b2 the feature through a track,
-- then deny it, then lift the deny.
INSERT INTO innotrue.tracks (key, name) VALUES ('ent_rls_track', 'RLS track');
INSERT INTO innotrue.track_features (track_id, feature_id, limit_value)
SELECT t.id, f.id, NULL FROM innotrue.tracks t, innotrue.features f WHERE t.key = 'ent_rls_track' AND f.key = 'community';
INSERT INTO innotrue.user_tracks (user_id, track_id)
SELECT '00000000-0000-0000-0000-0000000000b2', id FROM innotrue.tracks WHERE key = 'ent_rls_track';
SET LOCAL ROLE ent_app_user;
SET LOCAL innotrue.user_id = '00000000-0000-0000-0000-0000000000b2';
SELECT count(*) AS b2_sees_after_track FROM public.ent_community_posts;
RESET ROLE;
INSERT INTO innotrue.user_feature_denials (user_id, feature_id)
SELECT '00000000-0000-0000-0000-0000000000b2', id FROM innotrue.features WHERE key = 'community';
SELECT innotrue.has_feature('00000000-0000-0000-0000-0000000000b2', 'community') AS after_deny;
DELETE FROM innotrue.user_feature_denials WHERE user_id = '00000000-0000-0000-0000-0000000000b2';
SELECT innotrue.has_feature('00000000-0000-0000-0000-0000000000b2', 'community') AS after_undeny;
-- and within one statement, a data-modifying CTE's effect is not yet visible (statement snapshot)
WITH d AS (DELETE FROM innotrue.user_tracks WHERE user_id = '00000000-0000-0000-0000-0000000000b2' RETURNING 1)
SELECT innotrue.has_feature('00000000-0000-0000-0000-0000000000b2', 'community') AS same_statement FROM d;
SELECT innotrue.has_feature('00000000-0000-0000-0000-0000000000b2', 'community') AS next_statement;

ROLLBACK;
