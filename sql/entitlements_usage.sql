-- Usage metering: record_feature_usage, the monthly period in the platform time zone (roll-over),
-- refusals that record nothing, and explain_entitlement. "now" is pinned through the at parameter.
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;
SET LOCAL TimeZone = 'UTC';

-- User a1 on plan free (ai_coach 20/month, session_coaching 1/month) with an add-on granting
-- ai_insights 3/month and an admin deny on goals; a2 on plan pro, sponsored elite by an organization.
INSERT INTO innotrue.add_ons (key, name) VALUES ('ent_insights', 'Insights pack');
INSERT INTO innotrue.add_on_features (add_on_id, feature_id, limit_value)
SELECT a.id, f.id, 3 FROM innotrue.add_ons a, innotrue.features f WHERE a.key = 'ent_insights' AND f.key = 'ai_insights';
INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT v.id::uuid, v.email, p.id
  FROM (VALUES ('00000000-0000-0000-0000-0000000000a1', 'a1@example.com', 'free'),
               ('00000000-0000-0000-0000-0000000000a2', 'a2@example.com', 'pro')) v (id, email, plan_key)
  JOIN innotrue.plans p ON p.key = v.plan_key;
INSERT INTO innotrue.user_add_ons (user_id, add_on_id)
SELECT '00000000-0000-0000-0000-0000000000a1', id FROM innotrue.add_ons WHERE key = 'ent_insights';
INSERT INTO innotrue.user_feature_denials (user_id, feature_id, reason)
SELECT '00000000-0000-0000-0000-0000000000a1', id, 'abuse' FROM innotrue.features WHERE key = 'goals';
INSERT INTO innotrue.organizations (name, slug) VALUES ('Acme', 'ent-acme');
INSERT INTO innotrue.organization_members (user_id, organization_id, sponsored_plan_id)
SELECT '00000000-0000-0000-0000-0000000000a2', o.id, p.id FROM innotrue.organizations o, innotrue.plans p
 WHERE o.slug = 'ent-acme' AND p.key = 'elite';

-- The period is the calendar month in system_settings.default_timezone (Europe/Berlin):
-- 2026-01-31 22:30 UTC is still January there, 23:30 UTC is already February.
SELECT value FROM innotrue.system_settings WHERE key = 'default_timezone';
SELECT at, p.* FROM (VALUES ('2026-01-31 22:30+00'::timestamptz), ('2026-01-31 23:30+00'), ('2026-07-15 12:00+00')) v (at),
       LATERAL innotrue.usage_period(v.at) p ORDER BY at;

-- Uses within the limit return what remains; the limit counts per month.
SELECT innotrue.record_feature_usage('00000000-0000-0000-0000-0000000000a1', 'session_coaching', 1, '2026-01-31 22:30+00') AS jan_left;
SELECT innotrue.record_feature_usage('00000000-0000-0000-0000-0000000000a1', 'session_coaching', 1, '2026-01-31 22:45+00');
SELECT innotrue.record_feature_usage('00000000-0000-0000-0000-0000000000a1', 'session_coaching', 1, '2026-01-31 23:30+00') AS feb_left;
SELECT innotrue.record_feature_usage('00000000-0000-0000-0000-0000000000a1', 'ai_coach', 15, '2026-02-10 12:00+00') AS ai_left;
SELECT innotrue.record_feature_usage('00000000-0000-0000-0000-0000000000a1', 'ai_coach', 6, '2026-02-10 12:00+00');
SELECT innotrue.record_feature_usage('00000000-0000-0000-0000-0000000000a1', 'ai_coach', 5, '2026-02-10 12:00+00') AS ai_left;
SELECT innotrue.record_feature_usage('00000000-0000-0000-0000-0000000000a1', 'ai_coach', 1, '2026-02-10 12:00+00');
-- unlimited features are counted too and return NULL
SELECT innotrue.record_feature_usage('00000000-0000-0000-0000-0000000000a1', 'wheel_of_life', 2, '2026-02-10 12:00+00') AS unlimited;
-- refusals record nothing; shown with SQLSTATE, message and detail: over the limit, bad amount,
-- not granted, denied, unknown user, unknown key
CREATE FUNCTION pg_temp.try(feature text, amount integer, who text DEFAULT 'a1') RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text; msg text; det text;
BEGIN
    RETURN innotrue.record_feature_usage(('00000000-0000-0000-0000-0000000000' || who)::uuid, feature, amount,
                                         '2026-02-10 12:00+00')::text;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    RETURN st || ': ' || msg || coalesce(' / ' || nullif(det, ''), '');
END $$;
SELECT v.feature, v.amount, v.who, pg_temp.try(v.feature, v.amount, v.who) AS result
  FROM (VALUES (1, 'ai_coach', 1, 'a1'), (2, 'ai_coach', 0, 'a1'), (3, 'ai_coach', -3, 'a1'), (4, 'community', 1, 'a1'),
               (5, 'goals', 1, 'a1'), (6, 'ai_coach', 1, 'ff'), (7, 'ai_coach_typo', 1, 'a1')) v (n, feature, amount, who)
 ORDER BY v.n;
SELECT f.key, u.period_start, u.used
  FROM innotrue.feature_usage u JOIN innotrue.features f ON f.id = u.feature_id
 WHERE u.user_id = '00000000-0000-0000-0000-0000000000a1' ORDER BY f.key, u.period_start;

-- resolve_entitlements reports the month's usage and what remains; in March everything is fresh.
SELECT feature_key, enabled, limit_value, used, remaining, source, denied
  FROM innotrue.resolve_entitlements('00000000-0000-0000-0000-0000000000a1', '2026-02-10 12:00+00')
 WHERE feature_key IN ('ai_coach', 'ai_insights', 'goals', 'session_coaching', 'wheel_of_life') ORDER BY feature_key;
SELECT feature_key, used, remaining
  FROM innotrue.resolve_entitlements('00000000-0000-0000-0000-0000000000a1', '2026-03-01 00:00+01')
 WHERE feature_key IN ('ai_coach', 'session_coaching') ORDER BY feature_key;

-- explain_entitlement: every source considered, the deny, the winner, usage and the next reset.
SELECT jsonb_pretty(innotrue.explain_entitlement('00000000-0000-0000-0000-0000000000a1', 'ai_coach', '2026-02-10 12:00+00'));
SELECT jsonb_pretty(innotrue.explain_entitlement('00000000-0000-0000-0000-0000000000a1', 'goals', '2026-02-10 12:00+00'));
SELECT jsonb_pretty(innotrue.explain_entitlement('00000000-0000-0000-0000-0000000000a2', 'ai_coach', '2026-02-10 12:00+00'));
SELECT innotrue.explain_entitlement('00000000-0000-0000-0000-0000000000a2', 'certificates', '2026-02-10 12:00+00') -> 'enabled' AS not_granted;
SELECT innotrue.explain_entitlement('00000000-0000-0000-0000-0000000000a2', 'nope', '2026-02-10 12:00+00');

-- effective tier from organization sponsorship (pro = 2, sponsored elite = 4)
SELECT innotrue.effective_plan_tier('00000000-0000-0000-0000-0000000000a2');

ROLLBACK;
