-- Entitlement resolution: each source alone, every pair of sources, denies, program-plan resolution
-- order, inactive/expired sources, effective plan tier, errors. Feature used: ai_coach.
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;

-- Fixture: for each source an object granting ai_coach with limit 0, 7, 12 or NULL (unlimited), named
-- ent_l0 / ent_l7 / ent_l12 / ent_lnull; plan ent_deny has a restrictive ai_coach row; ent_empty grants nothing.
INSERT INTO innotrue.plans (key, name, tier_level)
SELECT 'ent_' || k, 'Ent ' || k, t FROM (VALUES ('l0', 0), ('l7', 1), ('l12', 2), ('lnull', 3), ('deny', 4), ('empty', 0)) v (k, t);
INSERT INTO innotrue.program_plans (key, name, tier_level) SELECT 'ent_' || k, 'Ent ' || k, 0 FROM unnest(ARRAY['l0', 'l7', 'l12', 'lnull']) k;
INSERT INTO innotrue.add_ons (key, name) SELECT 'ent_' || k, 'Ent ' || k FROM unnest(ARRAY['l0', 'l7', 'l12', 'lnull']) k;
INSERT INTO innotrue.tracks (key, name) SELECT 'ent_' || k, 'Ent ' || k FROM unnest(ARRAY['l0', 'l7', 'l12', 'lnull']) k;
INSERT INTO innotrue.organizations (name, slug) SELECT 'Ent ' || k, 'ent-' || k FROM unnest(ARRAY['l0', 'l7', 'l12', 'lnull', 'deny']) k;
INSERT INTO innotrue.programs (slug, name, is_active, default_program_plan_id)
SELECT 'ent-' || k, 'Ent ' || k, true, pp.id FROM innotrue.program_plans pp, unnest(ARRAY['l0', 'l7', 'l12', 'lnull']) k WHERE pp.key = 'ent_' || k;
CREATE TEMP TABLE ent_limits (k text PRIMARY KEY, lim integer);
INSERT INTO ent_limits VALUES ('l0', 0), ('l7', 7), ('l12', 12), ('lnull', NULL);
INSERT INTO innotrue.plan_features (plan_id, feature_id, limit_value, is_restrictive)
SELECT p.id, f.id, l.lim, false FROM ent_limits l JOIN innotrue.plans p ON p.key = 'ent_' || l.k, innotrue.features f WHERE f.key = 'ai_coach'
UNION ALL
SELECT p.id, f.id, NULL, true FROM innotrue.plans p, innotrue.features f WHERE p.key = 'ent_deny' AND f.key = 'ai_coach';
INSERT INTO innotrue.program_plan_features (program_plan_id, feature_id, limit_value)
SELECT p.id, f.id, l.lim FROM ent_limits l JOIN innotrue.program_plans p ON p.key = 'ent_' || l.k, innotrue.features f WHERE f.key = 'ai_coach';
INSERT INTO innotrue.add_on_features (add_on_id, feature_id, limit_value)
SELECT p.id, f.id, l.lim FROM ent_limits l JOIN innotrue.add_ons p ON p.key = 'ent_' || l.k, innotrue.features f WHERE f.key = 'ai_coach';
INSERT INTO innotrue.track_features (track_id, feature_id, limit_value)
SELECT p.id, f.id, l.lim FROM ent_limits l JOIN innotrue.tracks p ON p.key = 'ent_' || l.k, innotrue.features f WHERE f.key = 'ai_coach';

-- pg_temp.ent_user(n): a user on plan ent_empty; pg_temp.give(n, source, k): adds one source object.
CREATE FUNCTION pg_temp.uid(n integer) RETURNS uuid LANGUAGE sql IMMUTABLE
AS $$ SELECT ('00000000-0000-0000-0000-' || lpad(to_hex(n), 12, '0'))::uuid $$;
CREATE FUNCTION pg_temp.ent_user(n integer) RETURNS uuid LANGUAGE sql
AS $$ INSERT INTO innotrue.profiles (id, email, plan_id)
      SELECT pg_temp.uid(n), 'ent' || n || '@example.com', id FROM innotrue.plans WHERE key = 'ent_empty' RETURNING id $$;
CREATE FUNCTION pg_temp.give(n integer, src text, k text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CASE src
    WHEN 'subscription' THEN
        UPDATE innotrue.profiles SET plan_id = (SELECT id FROM innotrue.plans WHERE key = 'ent_' || k) WHERE id = pg_temp.uid(n);
    WHEN 'org_sponsored' THEN
        INSERT INTO innotrue.organization_members (user_id, organization_id, sponsored_plan_id)
        SELECT pg_temp.uid(n), o.id, p.id FROM innotrue.organizations o, innotrue.plans p WHERE o.slug = 'ent-' || k AND p.key = 'ent_' || k;
    WHEN 'program_plan' THEN
        INSERT INTO innotrue.client_enrollments (user_id, program_id) SELECT pg_temp.uid(n), id FROM innotrue.programs WHERE slug = 'ent-' || k;
    WHEN 'add_on' THEN
        INSERT INTO innotrue.user_add_ons (user_id, add_on_id) SELECT pg_temp.uid(n), id FROM innotrue.add_ons WHERE key = 'ent_' || k;
    WHEN 'track' THEN
        INSERT INTO innotrue.user_tracks (user_id, track_id) SELECT pg_temp.uid(n), id FROM innotrue.tracks WHERE key = 'ent_' || k;
    WHEN 'admin' THEN
        INSERT INTO innotrue.user_feature_denials (user_id, feature_id, reason)
        SELECT pg_temp.uid(n), id, 'test' FROM innotrue.features WHERE key = 'ai_coach';
    END CASE;
END $$;
-- pg_temp.show(n): the user's ai_coach entitlement in one line, through every read function.
CREATE FUNCTION pg_temp.show(n integer, OUT has boolean, OUT lim text, OUT source text, OUT sources text[], OUT denied boolean)
LANGUAGE sql AS $$
    SELECT innotrue.has_feature(pg_temp.uid(n), 'ai_coach'),
           coalesce(innotrue.feature_limit(pg_temp.uid(n), 'ai_coach')::text, 'unlimited'),
           r.source, r.sources, r.denied
      FROM (SELECT 1) one LEFT JOIN innotrue.resolve_entitlement(pg_temp.uid(n), 'ai_coach') r ON true $$;

-- 1. Each source alone (limit 7), and nothing at all.
CREATE TEMP TABLE ent_sources (src text PRIMARY KEY, prio integer);
INSERT INTO ent_sources VALUES ('add_on', 1), ('track', 2), ('org_sponsored', 3), ('subscription', 4), ('program_plan', 5);
SELECT s.src, (pg_temp.show(100 + s.prio)).*
  FROM ent_sources s, LATERAL (SELECT pg_temp.ent_user(100 + s.prio), pg_temp.give(100 + s.prio, s.src, 'l7')) g
 ORDER BY s.prio;
SELECT pg_temp.ent_user(106) IS NOT NULL AS nothing, (pg_temp.show(106)).*;

-- 2. Every pair of sources: (limit of the first, limit of the second). Highest number wins, NULL beats
--    any number, 0 grants nothing; on a tie the reported source is the higher-priority one.
CREATE TEMP TABLE ent_pairs AS
SELECT row_number() OVER (ORDER BY a.prio, b.prio, c.ord)::integer + 200 AS n, a.src AS a, c.ka, b.src AS b, c.kb
  FROM ent_sources a JOIN ent_sources b ON a.prio < b.prio,
       (VALUES (1, 'l7', 'l12'), (2, 'l12', 'l7'), (3, 'lnull', 'l12'), (4, 'l12', 'lnull'),
               (5, 'l0', 'l12'), (6, 'l12', 'l0'), (7, 'l12', 'l12')) c (ord, ka, kb);
SELECT p.a, p.ka, p.b, p.kb, (pg_temp.show(p.n)).*
  FROM ent_pairs p, LATERAL (SELECT pg_temp.ent_user(p.n), pg_temp.give(p.n, p.a, p.ka), pg_temp.give(p.n, p.b, p.kb)) g
 ORDER BY p.n;

-- 3. Deny vs grant: an organization-sponsored restrictive row, or an admin deny, blocks an unlimited grant
--    from any source.
SELECT d.deny, s.src AS grant_source, (pg_temp.show(300 + 10 * d.i + s.prio)).*
  FROM (VALUES (1, 'org_sponsored'), (2, 'admin')) d (i, deny), ent_sources s,
       LATERAL (SELECT pg_temp.ent_user(300 + 10 * d.i + s.prio),
                       pg_temp.give(300 + 10 * d.i + s.prio, s.src, 'lnull'),
                       CASE WHEN d.deny = 'admin' THEN pg_temp.give(300 + 10 * d.i + s.prio, 'admin', NULL)
                            ELSE pg_temp.give(300 + 10 * d.i + s.prio, 'org_sponsored', 'deny') END) g
 ORDER BY d.i, s.prio;
-- the same restrictive plan as a personal subscription denies nothing (and grants nothing)
SELECT pg_temp.ent_user(330) IS NOT NULL AS restrictive_subscription, pg_temp.give(330, 'subscription', 'deny'),
       pg_temp.give(330, 'track', 'l7'), (pg_temp.show(330)).*;

-- 4. Program-plan resolution order: explicit program_plan_id -> tier plan -> program default.
INSERT INTO innotrue.programs (slug, name, is_active, default_program_plan_id)
SELECT 'ent-order', 'Ent order', true, id FROM innotrue.program_plans WHERE key = 'ent_l7';
INSERT INTO innotrue.programs (slug, name, is_active) VALUES ('ent-nodefault', 'Ent no default', true);
INSERT INTO innotrue.program_tier_plans (program_id, tier_name, program_plan_id)
SELECT pr.id, 'pro', pp.id FROM innotrue.programs pr, innotrue.program_plans pp
 WHERE pr.slug IN ('ent-order', 'ent-nodefault') AND pp.key = 'ent_l12';
SELECT pg_temp.ent_user(n) IS NOT NULL FROM generate_series(401, 405) n;
INSERT INTO innotrue.client_enrollments (user_id, program_id, program_plan_id, tier_name)
SELECT pg_temp.uid(v.n), pr.id, (SELECT id FROM innotrue.program_plans WHERE key = v.explicit_plan), v.tier
  FROM (VALUES (401, 'ent-order', 'ent_lnull', 'pro'), (402, 'ent-order', NULL, 'pro'), (403, 'ent-order', NULL, NULL),
               (404, 'ent-nodefault', NULL, NULL), (405, 'ent-nodefault', NULL, 'pro')) v (n, slug, explicit_plan, tier)
  JOIN innotrue.programs pr ON pr.slug = v.slug;
SELECT n - 400 AS enrollment, (pg_temp.show(n)).lim,
       (SELECT string_agg(s.via_key || ' via ' || s.detail, '; ')
          FROM innotrue.entitlement_sources(pg_temp.uid(n), 'ai_coach') s) AS resolved_through
  FROM generate_series(401, 405) n ORDER BY n;

-- 5. Inactive and expired sources are ignored (and explained).
SELECT pg_temp.ent_user(n) IS NOT NULL FROM generate_series(501, 512) n;
SELECT pg_temp.give(501, 'subscription', 'l12'), pg_temp.give(502, 'org_sponsored', 'l12'),
       pg_temp.give(503, 'org_sponsored', 'l7'), pg_temp.give(504, 'org_sponsored', 'lnull'),
       pg_temp.give(505, 'program_plan', 'l12'), pg_temp.give(506, 'program_plan', 'l7'),
       pg_temp.give(507, 'add_on', 'l12'), pg_temp.give(508, 'add_on', 'l7'),
       pg_temp.give(509, 'track', 'l12'), pg_temp.give(510, 'track', 'l7'),
       pg_temp.give(511, 'track', 'lnull'), pg_temp.give(511, 'admin', NULL),
       pg_temp.give(512, 'add_on', 'lnull');
-- The layer rules refuse to deactivate a plan or program plan still in use (and a feature still
-- configured); the resolver must ignore such states anyway, so the rules are bypassed for these updates.
SET LOCAL session_replication_role = replica;
UPDATE innotrue.plans SET is_active = false WHERE key = 'ent_l12';                      -- 501, 502
UPDATE innotrue.program_plans SET is_active = false WHERE key = 'ent_l12';              -- 505
RESET session_replication_role;
UPDATE innotrue.organization_members SET status = 'inactive' WHERE user_id = pg_temp.uid(503);
UPDATE innotrue.organizations SET is_active = false WHERE slug = 'ent-lnull';            -- 504
UPDATE innotrue.client_enrollments SET status = 'paused' WHERE user_id = pg_temp.uid(506);
UPDATE innotrue.add_ons SET is_active = false WHERE key = 'ent_l12';                    -- 507
UPDATE innotrue.user_add_ons SET granted_at = '2000-01-01', expires_at = '2001-01-01' WHERE user_id = pg_temp.uid(508);
UPDATE innotrue.tracks SET is_active = false WHERE key = 'ent_l12';                     -- 509
UPDATE innotrue.user_tracks SET is_active = false WHERE user_id = pg_temp.uid(510);
UPDATE innotrue.user_feature_denials SET created_at = '2000-01-01', expires_at = '2001-01-01' WHERE user_id = pg_temp.uid(511);
UPDATE innotrue.user_add_ons SET expires_at = '2100-01-01' WHERE user_id = pg_temp.uid(512);  -- unexpired: counts
SELECT n, (pg_temp.show(n)).has, (pg_temp.show(n)).lim, s.source, s.via_key, s.effect, s.ignored_reason
  FROM generate_series(501, 512) n
  LEFT JOIN LATERAL innotrue.entitlement_sources(pg_temp.uid(n), 'ai_coach') s ON true
 ORDER BY n, s.source;
-- an inactive feature is granted to nobody
SET LOCAL session_replication_role = replica;
UPDATE innotrue.features SET is_active = false WHERE key = 'ai_coach';
SELECT innotrue.has_feature(pg_temp.uid(512), 'ai_coach'), innotrue.feature_limit(pg_temp.uid(512), 'ai_coach'),
       (SELECT count(*) FROM innotrue.resolve_entitlements(pg_temp.uid(512))) AS rows;
UPDATE innotrue.features SET is_active = true WHERE key = 'ai_coach';
RESET session_replication_role;

-- 6. Effective plan tier = max(personal plan tier, highest tier sponsored through active memberships).
SELECT pg_temp.ent_user(n) IS NOT NULL FROM generate_series(601, 603) n;
SELECT pg_temp.give(601, 'subscription', 'l7'), pg_temp.give(602, 'subscription', 'l7'),
       pg_temp.give(602, 'org_sponsored', 'deny'), pg_temp.give(603, 'subscription', 'l7'),
       pg_temp.give(603, 'org_sponsored', 'deny'), pg_temp.give(603, 'org_sponsored', 'l0');
UPDATE innotrue.organization_members SET status = 'inactive'
 WHERE user_id = pg_temp.uid(603) AND sponsored_plan_id = (SELECT id FROM innotrue.plans WHERE key = 'ent_deny');
SELECT n, innotrue.effective_plan_tier(pg_temp.uid(n)) FROM generate_series(601, 603) n ORDER BY n;
SELECT innotrue.effective_plan_tier('00000000-0000-0000-0000-00000000ffff') AS unknown_user;

-- 7. All features of a user with all five sources (plus seeded features of plan pro).
SELECT pg_temp.ent_user(700) IS NOT NULL;
UPDATE innotrue.profiles SET plan_id = (SELECT id FROM innotrue.plans WHERE key = 'pro') WHERE id = pg_temp.uid(700);
SELECT pg_temp.give(700, 'org_sponsored', 'l7'), pg_temp.give(700, 'program_plan', 'lnull'),
       pg_temp.give(700, 'add_on', 'l0'), pg_temp.give(700, 'track', 'l7');
SELECT * FROM innotrue.resolve_entitlements(pg_temp.uid(700), '2026-06-15 12:00+00');

-- 8. Errors and unknowns: an unknown feature key is an error (not false); an unknown user has nothing.
SELECT innotrue.has_feature(pg_temp.uid(700), 'ai_coach_typo');
SELECT innotrue.feature_limit(pg_temp.uid(700), 'nope');
SELECT * FROM innotrue.resolve_entitlement(pg_temp.uid(700), 'nope');
SELECT innotrue.has_feature('00000000-0000-0000-0000-00000000ffff', 'ai_coach') AS unknown_has,
       innotrue.feature_limit('00000000-0000-0000-0000-00000000ffff', 'ai_coach') AS unknown_limit,
       (SELECT count(*) FROM innotrue.resolve_entitlements('00000000-0000-0000-0000-00000000ffff')) AS unknown_rows,
       innotrue.has_feature(NULL, 'ai_coach') AS null_user;

ROLLBACK;
