-- can_access_resource (src/access.c): every visibility case for every kind of user, the alumni
-- grace period, tier lists, feature and plan-tier gates, NULLs, unknown ids and the current-user variant.
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;
\set ECHO none
\i test/access_fixture.sql
\set ECHO all

-- The matrix: Y = can access. Expected: admin a1 everything; creator w1 its private resource;
-- public for everyone; enrolled_p1 for c1 (active) and c2 (completed 89 days ago) but not c3 (91
-- days); the premium-tier resource only for c2; the community feature only for c4 (elite plan);
-- min tier 3 only for c4 (public) and nobody enrolled at tier >= 3; inactive only for the admin.
SELECT r.name AS resource,
       string_agg(u.name || '=' || CASE WHEN innotrue.can_access_resource(u.id, r.id) THEN 'Y' ELSE '-' END,
                  ' ' ORDER BY u.name) AS access
  FROM fx_resource r, fx_user u
 GROUP BY r.name ORDER BY r.name;

-- NULLs and unknown ids are never granted (not an error: the check runs inside RLS).
SELECT innotrue.can_access_resource(NULL, '00000000-0000-0000-0000-0000000000f2') AS null_user,
       innotrue.can_access_resource('00000000-0000-0000-0000-0000000000c1', NULL) AS null_resource,
       innotrue.can_access_resource('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-00000000ffff') AS unknown_resource,
       innotrue.can_access_resource('00000000-0000-0000-0000-00000000ffff', '00000000-0000-0000-0000-0000000000f2') AS unknown_user_public;

-- The grace period is a setting: 30 days closes it for c2, 100 days opens it for c3.
UPDATE innotrue.system_settings SET value = '30' WHERE key = 'alumni_grace_days';
SELECT u.name, innotrue.can_access_resource(u.id, '00000000-0000-0000-0000-0000000000f3') AS enrolled_p1
  FROM fx_user u WHERE u.name IN ('c2', 'c3') ORDER BY u.name;
UPDATE innotrue.system_settings SET value = '100' WHERE key = 'alumni_grace_days';
SELECT u.name, innotrue.can_access_resource(u.id, '00000000-0000-0000-0000-0000000000f3') AS enrolled_p1
  FROM fx_user u WHERE u.name IN ('c2', 'c3') ORDER BY u.name;
-- absent setting: 90 days
DELETE FROM innotrue.system_settings WHERE key = 'alumni_grace_days';
SELECT u.name, innotrue.can_access_resource(u.id, '00000000-0000-0000-0000-0000000000f3') AS enrolled_p1
  FROM fx_user u WHERE u.name IN ('c2', 'c3') ORDER BY u.name;
INSERT INTO innotrue.system_settings (key, value) VALUES ('alumni_grace_days', '"ninety"');
SELECT innotrue.can_access_resource('00000000-0000-0000-0000-0000000000c3', '00000000-0000-0000-0000-0000000000f3');
UPDATE innotrue.system_settings SET value = '90' WHERE key = 'alumni_grace_days';

-- Paused and withdrawn enrollments do not count; an active one at the listed tier does.
UPDATE innotrue.client_enrollments SET status = 'paused' WHERE user_id = '00000000-0000-0000-0000-0000000000c1';
SELECT innotrue.can_access_resource('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000f3') AS paused;
UPDATE innotrue.client_enrollments SET status = 'active', tier_name = 'premium' WHERE user_id = '00000000-0000-0000-0000-0000000000c1';
SELECT innotrue.can_access_resource('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000f4') AS premium_tier;
-- a tier list with several tiers: any of them
INSERT INTO innotrue.resource_library_program_tiers (resource_id, program_id, tier_name)
VALUES ('00000000-0000-0000-0000-0000000000f3', '00000000-0000-0000-0000-0000000000e1', 'basic');
SELECT u.name, innotrue.can_access_resource(u.id, '00000000-0000-0000-0000-0000000000f3') AS basic_only
  FROM fx_user u WHERE u.name IN ('c1', 'c2') ORDER BY u.name;
INSERT INTO innotrue.resource_library_program_tiers (resource_id, program_id, tier_name)
VALUES ('00000000-0000-0000-0000-0000000000f3', '00000000-0000-0000-0000-0000000000e1', 'premium');
SELECT u.name, innotrue.can_access_resource(u.id, '00000000-0000-0000-0000-0000000000f3') AS basic_or_premium
  FROM fx_user u WHERE u.name IN ('c1', 'c2') ORDER BY u.name;

-- Gates follow the entitlement resolver: an add-on granting community opens the gated resource
-- for c1; an admin denial of the feature closes it for c4; an org-sponsored elite plan lifts c1's
-- effective tier to 4.
SELECT innotrue.has_feature('00000000-0000-0000-0000-0000000000c4', 'community') AS c4_has_community;
INSERT INTO innotrue.user_feature_denials (user_id, feature_id)
SELECT '00000000-0000-0000-0000-0000000000c4', id FROM innotrue.features WHERE key = 'community';
SELECT innotrue.can_access_resource('00000000-0000-0000-0000-0000000000c4', '00000000-0000-0000-0000-0000000000f6') AS denied_feature;
UPDATE innotrue.organization_members SET sponsored_plan_id = (SELECT id FROM innotrue.plans WHERE key = 'elite')
 WHERE user_id = '00000000-0000-0000-0000-0000000000c1';
SELECT innotrue.effective_plan_tier('00000000-0000-0000-0000-0000000000c1') AS c1_tier,
       innotrue.can_access_resource('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000f7') AS public_tier3,
       innotrue.can_access_resource('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000fc') AS enrolled_tier3;

-- The creator keeps access whatever the visibility; a resource turned private drops everyone else.
UPDATE innotrue.resource_library SET visibility = 'private' WHERE id = '00000000-0000-0000-0000-0000000000f2';
SELECT u.name, innotrue.can_access_resource(u.id, '00000000-0000-0000-0000-0000000000f2') AS now_private
  FROM fx_user u WHERE u.name IN ('a1', 'c1', 'w1') ORDER BY u.name;

-- Current-user variant: anonymous, innotrue.user_id, request.jwt.claim.sub.
SELECT innotrue.can_access_resource('00000000-0000-0000-0000-0000000000f9'::uuid) AS anonymous;
SET LOCAL innotrue.user_id = '00000000-0000-0000-0000-0000000000b4';
SELECT innotrue.can_access_resource('00000000-0000-0000-0000-0000000000f1'::uuid) AS w1_private,
       innotrue.can_access_resource('00000000-0000-0000-0000-0000000000f3'::uuid) AS w1_enrolled;
SET LOCAL request.jwt.claim.sub = '00000000-0000-0000-0000-0000000000c1';
SELECT innotrue.can_access_resource('00000000-0000-0000-0000-0000000000f1'::uuid) AS c1_private,
       innotrue.can_access_resource('00000000-0000-0000-0000-0000000000f3'::uuid) AS c1_enrolled;

-- A call site memoises what it learnt (the admins; its user's enrollment tokens) only under one
-- snapshot: one PL/pgSQL call site, with a change between its calls: c1's enrollment paused and
-- resumed (enrolled_p1), c1 made admin and unmade (private_w1).
CREATE FUNCTION pg_temp.access_trace(u uuid, r uuid, toggle text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    trace text := '';
BEGIN
    FOR i IN 1..4 LOOP
        trace := trace || CASE WHEN innotrue.can_access_resource(u, r) THEN 'Y' ELSE '-' END;
        EXECUTE toggle USING u, i;
    END LOOP;
    RETURN trace;
END
$$;
SELECT pg_temp.access_trace('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000f3',
           $$UPDATE innotrue.client_enrollments SET status = CASE status WHEN 'active' THEN 'paused' ELSE 'active' END
              WHERE user_id = $1$$) AS active_paused_active_paused,
       pg_temp.access_trace('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000f1',
           $$WITH d AS (DELETE FROM innotrue.user_roles WHERE user_id = $1 AND role = 'admin' RETURNING 1)
             INSERT INTO innotrue.user_roles (user_id, role) SELECT $1, 'admin' WHERE NOT EXISTS (SELECT 1 FROM d)$$)
           AS client_admin_client_admin;

-- Declared as the rules require: STABLE, no SECURITY DEFINER, not STRICT (NULL in -> false).
SELECT p.oid::regprocedure, p.provolatile, p.proparallel, p.prosecdef, p.proisstrict
  FROM pg_proc p WHERE p.proname IN ('can_access_resource', 'unlock_resource')
   AND p.pronamespace = 'innotrue'::regnamespace ORDER BY 1::text;
ROLLBACK;
