-- Reference implementation of entitlement resolution in plain SQL / PL/pgSQL.
--
-- Written from the rules (docs/rules.md "Entitlements", docs/entitlements.md), independently of
-- src/entitlements.c. It is NOT part of the extension: test/differential/entitlements loads it as the
-- oracle the C functions are compared with, and bench/ uses it as the baseline they are measured against.
-- Load after CREATE EXTENSION innotrue:  psql -f bench/reference/entitlements.sql
-- Everything lives in schema innotrue_ref, shared with the other references.

-- The schema is shared with the other references: create it if needed, replace only our functions.
CREATE SCHEMA IF NOT EXISTS innotrue_ref;
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = 'innotrue_ref'::regnamespace
                AND p.proname IN ('contributions','effective_plan_tier','feature_id','feature_limit','has_feature','has_feature_by_resolution','period_start','resolve_entitlements')
    LOOP
        EXECUTE 'DROP FUNCTION ' || f;
    END LOOP;
END
$$;

-- Every counted source row bearing on a user's features at time p_at (optionally one feature):
-- prio is the reporting priority (1 = add_on ... 5 = program_plan, 6 = admin deny).
CREATE FUNCTION innotrue_ref.contributions(p_user uuid, p_at timestamptz, p_feature uuid DEFAULT NULL)
RETURNS TABLE (feature_id uuid, source text, prio integer, limit_value integer, is_deny boolean)
LANGUAGE sql STABLE AS $$
    -- 1. subscription: the personal plan; restrictive rows only matter through org sponsorship
    SELECT pf.feature_id, 'subscription', 4, pf.limit_value, false
      FROM innotrue.profiles u
      JOIN innotrue.plans p ON p.id = u.plan_id AND p.is_active
      JOIN innotrue.plan_features pf ON pf.plan_id = p.id AND NOT pf.is_restrictive
     WHERE u.id = p_user AND (p_feature IS NULL OR pf.feature_id = p_feature)
    UNION ALL
    -- 2. program plan of each active enrollment: explicit -> tier plan -> program default
    SELECT ppf.feature_id, 'program_plan', 5, ppf.limit_value, false
      FROM innotrue.client_enrollments e
      JOIN innotrue.programs pr ON pr.id = e.program_id
      LEFT JOIN innotrue.program_tier_plans tp ON tp.program_id = e.program_id AND tp.tier_name = e.tier_name
      JOIN innotrue.program_plans pp
        ON pp.id = coalesce(e.program_plan_id, tp.program_plan_id, pr.default_program_plan_id) AND pp.is_active
      JOIN innotrue.program_plan_features ppf ON ppf.program_plan_id = pp.id
     WHERE e.user_id = p_user AND e.status = 'active' AND (p_feature IS NULL OR ppf.feature_id = p_feature)
    UNION ALL
    -- 3. unexpired add-ons
    SELECT af.feature_id, 'add_on', 1, af.limit_value, false
      FROM innotrue.user_add_ons ua
      JOIN innotrue.add_ons a ON a.id = ua.add_on_id AND a.is_active
      JOIN innotrue.add_on_features af ON af.add_on_id = a.id
     WHERE ua.user_id = p_user AND (ua.expires_at IS NULL OR ua.expires_at > p_at)
       AND (p_feature IS NULL OR af.feature_id = p_feature)
    UNION ALL
    -- 4. active memberships of active tracks
    SELECT tf.feature_id, 'track', 2, tf.limit_value, false
      FROM innotrue.user_tracks ut
      JOIN innotrue.tracks t ON t.id = ut.track_id AND t.is_active
      JOIN innotrue.track_features tf ON tf.track_id = t.id
     WHERE ut.user_id = p_user AND ut.is_active AND (p_feature IS NULL OR tf.feature_id = p_feature)
    UNION ALL
    -- 5. plans sponsored through active memberships of active organizations; restrictive rows deny
    SELECT pf.feature_id, 'org_sponsored', 3, pf.limit_value, pf.is_restrictive
      FROM innotrue.organization_members m
      JOIN innotrue.organizations o ON o.id = m.organization_id AND o.is_active
      JOIN innotrue.plans p ON p.id = m.sponsored_plan_id AND p.is_active
      JOIN innotrue.plan_features pf ON pf.plan_id = p.id
     WHERE m.user_id = p_user AND m.status = 'active' AND (p_feature IS NULL OR pf.feature_id = p_feature)
    UNION ALL
    -- admin denies in force
    SELECT d.feature_id, 'admin', 6, NULL, true
      FROM innotrue.user_feature_denials d
     WHERE d.user_id = p_user AND (d.expires_at IS NULL OR d.expires_at > p_at)
       AND (p_feature IS NULL OR d.feature_id = p_feature)
$$;

-- First day of the metering month containing p_at in the platform time zone.
CREATE FUNCTION innotrue_ref.period_start(p_at timestamptz)
RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT date_trunc('month', p_at AT TIME ZONE (s.value #>> '{}'))::date
      FROM innotrue.system_settings s WHERE s.key = 'default_timezone'
$$;

CREATE FUNCTION innotrue_ref.resolve_entitlements(p_user uuid, p_at timestamptz DEFAULT now(),
                                                  p_feature uuid DEFAULT NULL)
RETURNS TABLE (feature_key text, enabled boolean, limit_value integer, used integer, remaining integer,
               source text, sources text[], denied boolean)
LANGUAGE sql STABLE AS $$
    WITH c AS (
        SELECT * FROM innotrue_ref.contributions(p_user, p_at, p_feature)
    ), grants AS (
        SELECT * FROM c WHERE NOT c.is_deny AND (c.limit_value IS NULL OR c.limit_value > 0)
    ), merged AS (
        SELECT g.feature_id, bool_or(g.limit_value IS NULL) AS unlimited, max(g.limit_value) AS max_limit
          FROM grants g GROUP BY g.feature_id
    ), winners AS (
        SELECT m.feature_id, (array_agg(g.source ORDER BY g.prio))[1] AS source
          FROM merged m
          JOIN grants g ON g.feature_id = m.feature_id
                       AND CASE WHEN m.unlimited THEN g.limit_value IS NULL ELSE g.limit_value = m.max_limit END
         GROUP BY m.feature_id
    ), granting AS (
        SELECT d.feature_id, array_agg(d.source ORDER BY d.prio) AS sources
          FROM (SELECT DISTINCT g.feature_id, g.source, g.prio FROM grants g) d
         GROUP BY d.feature_id
    ), denies AS (
        SELECT c.feature_id, bool_or(c.source = 'admin') AS by_admin FROM c WHERE c.is_deny GROUP BY c.feature_id
    ), resolved AS (
        SELECT coalesce(m.feature_id, d.feature_id) AS feature_id,
               d.feature_id IS NOT NULL AS denied, d.by_admin,
               m.unlimited, m.max_limit
          FROM merged m FULL JOIN denies d ON d.feature_id = m.feature_id
    )
    SELECT f.key,
           NOT r.denied,
           CASE WHEN r.denied THEN 0 WHEN r.unlimited THEN NULL ELSE r.max_limit END,
           coalesce(u.used, 0),
           CASE WHEN r.denied THEN 0 WHEN r.unlimited THEN NULL
                ELSE greatest(r.max_limit - coalesce(u.used, 0), 0) END,
           CASE WHEN r.denied THEN CASE WHEN r.by_admin THEN 'admin' ELSE 'org_sponsored' END ELSE w.source END,
           coalesce(s.sources, '{}'::text[]),
           r.denied
      FROM resolved r
      JOIN innotrue.features f ON f.id = r.feature_id AND f.is_active
      LEFT JOIN winners w ON w.feature_id = r.feature_id
      LEFT JOIN granting s ON s.feature_id = r.feature_id
      LEFT JOIN innotrue.feature_usage u
             ON u.user_id = p_user AND u.feature_id = r.feature_id
            AND u.period_start = innotrue_ref.period_start(p_at)
     ORDER BY f.key
$$;

-- Feature id by key; an unknown key is an error, as in the extension.
CREATE FUNCTION innotrue_ref.feature_id(p_key text)
RETURNS uuid
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_id uuid;
BEGIN
    SELECT f.id INTO v_id FROM innotrue.features f WHERE f.key = p_key;
    IF v_id IS NULL THEN
        RAISE EXCEPTION 'feature "%" does not exist', p_key USING ERRCODE = 'undefined_object';
    END IF;
    RETURN v_id;
END
$$;

-- One feature for one user, written as a single query for that question alone (the reference the
-- benchmarks hold has_feature to): the feature is active, nothing denies it (an admin deny in force,
-- a restrictive row of an organization-sponsored plan), and some source grants it with a limit that
-- is unlimited (NULL) or above 0. The sources are those of contributions(). An unknown key raises,
-- as in the extension: the coalesce reaches feature_id() only when the key matches no feature.
CREATE FUNCTION innotrue_ref.has_feature(p_user uuid, p_key text)
RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce((
        SELECT f.is_active
           AND NOT EXISTS (SELECT 1 FROM innotrue.user_feature_denials d
                            WHERE d.user_id = p_user AND d.feature_id = f.id
                              AND (d.expires_at IS NULL OR d.expires_at > now()))
           AND NOT EXISTS (SELECT 1 FROM innotrue.organization_members m
                             JOIN innotrue.organizations o ON o.id = m.organization_id AND o.is_active
                             JOIN innotrue.plans p ON p.id = m.sponsored_plan_id AND p.is_active
                             JOIN innotrue.plan_features pf ON pf.plan_id = p.id AND pf.feature_id = f.id
                            WHERE m.user_id = p_user AND m.status = 'active' AND pf.is_restrictive)
           AND (EXISTS (SELECT 1 FROM innotrue.profiles u
                          JOIN innotrue.plans p ON p.id = u.plan_id AND p.is_active
                          JOIN innotrue.plan_features pf ON pf.plan_id = p.id AND pf.feature_id = f.id
                         WHERE u.id = p_user AND NOT pf.is_restrictive
                           AND (pf.limit_value IS NULL OR pf.limit_value > 0))
                OR EXISTS (SELECT 1 FROM innotrue.client_enrollments e
                             JOIN innotrue.programs pr ON pr.id = e.program_id
                             LEFT JOIN innotrue.program_tier_plans tp
                                    ON tp.program_id = e.program_id AND tp.tier_name = e.tier_name
                             JOIN innotrue.program_plans pp
                               ON pp.id = coalesce(e.program_plan_id, tp.program_plan_id, pr.default_program_plan_id)
                              AND pp.is_active
                             JOIN innotrue.program_plan_features ppf
                               ON ppf.program_plan_id = pp.id AND ppf.feature_id = f.id
                            WHERE e.user_id = p_user AND e.status = 'active'
                              AND (ppf.limit_value IS NULL OR ppf.limit_value > 0))
                OR EXISTS (SELECT 1 FROM innotrue.user_add_ons ua
                             JOIN innotrue.add_ons a ON a.id = ua.add_on_id AND a.is_active
                             JOIN innotrue.add_on_features af ON af.add_on_id = a.id AND af.feature_id = f.id
                            WHERE ua.user_id = p_user AND (ua.expires_at IS NULL OR ua.expires_at > now())
                              AND (af.limit_value IS NULL OR af.limit_value > 0))
                OR EXISTS (SELECT 1 FROM innotrue.user_tracks ut
                             JOIN innotrue.tracks t ON t.id = ut.track_id AND t.is_active
                             JOIN innotrue.track_features tf ON tf.track_id = t.id AND tf.feature_id = f.id
                            WHERE ut.user_id = p_user AND ut.is_active
                              AND (tf.limit_value IS NULL OR tf.limit_value > 0))
                OR EXISTS (SELECT 1 FROM innotrue.organization_members m
                             JOIN innotrue.organizations o ON o.id = m.organization_id AND o.is_active
                             JOIN innotrue.plans p ON p.id = m.sponsored_plan_id AND p.is_active
                             JOIN innotrue.plan_features pf ON pf.plan_id = p.id AND pf.feature_id = f.id
                            WHERE m.user_id = p_user AND m.status = 'active' AND NOT pf.is_restrictive
                              AND (pf.limit_value IS NULL OR pf.limit_value > 0)))
          FROM innotrue.features f WHERE f.key = p_key),
        innotrue_ref.feature_id(p_key) IS NULL)
$$;

-- The same answer through a full resolution restricted to the feature (resolve_entitlements): the
-- first reference, kept as a cross-check and labelled as what it is in the benchmarks.
CREATE FUNCTION innotrue_ref.has_feature_by_resolution(p_user uuid, p_key text)
RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT r.enabled
                       FROM innotrue_ref.resolve_entitlements(p_user, now(), innotrue_ref.feature_id(p_key)) r), false)
$$;

CREATE FUNCTION innotrue_ref.feature_limit(p_user uuid, p_key text)
RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN r.enabled IS NULL THEN 0 ELSE r.limit_value END
      FROM (SELECT 1) one
      LEFT JOIN innotrue_ref.resolve_entitlements(p_user, now(), innotrue_ref.feature_id(p_key)) r ON true
$$;

CREATE FUNCTION innotrue_ref.effective_plan_tier(p_user uuid)
RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT greatest(
               coalesce((SELECT p.tier_level FROM innotrue.plans p WHERE p.id = u.plan_id AND p.is_active), 0),
               coalesce((SELECT max(p.tier_level)
                           FROM innotrue.organization_members m
                           JOIN innotrue.organizations o ON o.id = m.organization_id AND o.is_active
                           JOIN innotrue.plans p ON p.id = m.sponsored_plan_id AND p.is_active
                          WHERE m.user_id = u.id AND m.status = 'active'), 0))
      FROM innotrue.profiles u WHERE u.id = p_user
$$;
