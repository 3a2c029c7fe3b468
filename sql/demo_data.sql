-- innotrue.load_demo_data(): what it creates, that it satisfies every layer rule (the deferred ones
-- are forced with SET CONSTRAINTS ALL IMMEDIATE), that the configuration report is then clean
-- except the external mappings, and that a second call is refused. Everything is rolled back.
\set ON_ERROR_ROLLBACK on
\set SHOW_CONTEXT never
BEGIN;

-- Row count of every innotrue table.
CREATE FUNCTION pg_temp.row_counts() RETURNS TABLE (table_name text, n bigint)
LANGUAGE plpgsql AS $$
BEGIN
    FOR table_name IN SELECT s.table_name FROM innotrue.schema_tables s ORDER BY 1 LOOP
        EXECUTE format('SELECT count(*) FROM innotrue.%I', table_name) INTO n;
        RETURN NEXT;
    END LOOP;
END $$;
CREATE TEMP TABLE before_counts ON COMMIT DROP AS SELECT * FROM pg_temp.row_counts();

SELECT innotrue.load_demo_data();
-- Deferred layer rules (programs, assessments, terms) run now instead of at commit.
SET CONSTRAINTS ALL IMMEDIATE;

-- Rows added per table.
SELECT s.layer, a.table_name, a.n - b.n AS added
  FROM pg_temp.row_counts() a JOIN before_counts b USING (table_name)
  JOIN innotrue.schema_tables s USING (table_name)
 WHERE a.n <> b.n
 ORDER BY array_position(ARRAY['1', '2', '3A', '3B', '3C', '3D', '3E', '3F', '4', '5'], s.layer), a.table_name;

-- The configuration report: everything ok except the external mappings (Stripe, Cal.com).
SELECT layer, item, status, found FROM innotrue.configuration_report() WHERE status <> 'ok' ORDER BY layer, item;
SELECT status, count(*) FROM innotrue.configuration_report() GROUP BY status ORDER BY status;

-- Demo users: roles, plan, effective tier (Dana's sponsored plan lifts her from free to 1).
SELECT split_part(p.email, '@', 1) AS who, p.full_name, pl.key AS plan,
       innotrue.effective_plan_tier(p.id) AS effective_tier,
       (SELECT string_agg(r.role, ',' ORDER BY r.role) FROM innotrue.user_roles r WHERE r.user_id = p.id) AS roles,
       (SELECT string_agg(o.slug || ':' || m.role, ',') FROM innotrue.organization_members m
          JOIN innotrue.organizations o ON o.id = m.organization_id WHERE m.user_id = p.id) AS org
  FROM innotrue.profiles p JOIN innotrue.plans pl ON pl.id = p.plan_id
 ORDER BY p.email;

-- Programs and their modules by type; every module type is used.
SELECT pr.slug, pr.is_active, pr.min_plan_tier, pr.credit_cost, pp.key AS default_plan,
       (SELECT string_agg(t.tier_name || '=' || tp.key || '/' || t.credit_cost, ', ' ORDER BY t.credit_cost)
          FROM innotrue.program_tier_plans t JOIN innotrue.program_plans tp ON tp.id = t.program_plan_id
         WHERE t.program_id = pr.id) AS tiers
  FROM innotrue.programs pr JOIN innotrue.program_plans pp ON pp.id = pr.default_program_plan_id
 ORDER BY pr.slug;
SELECT pr.slug, m.order_index, m.module_type, m.title, st.key AS session_type,
       (SELECT t.key FROM innotrue.module_assignment_configs c JOIN innotrue.module_assignment_types t ON t.id = c.assignment_type_id
         WHERE c.module_id = m.id) AS assignment_type,
       (SELECT count(*) FROM innotrue.module_client_content_resources r WHERE r.module_id = m.id)
       + (SELECT count(*) FROM innotrue.module_reflection_resources r WHERE r.module_id = m.id) AS resources,
       m.capability_assessment_id IS NOT NULL AS has_assessment
  FROM innotrue.program_modules m JOIN innotrue.programs pr ON pr.id = m.program_id
  LEFT JOIN innotrue.session_types st ON st.id = m.session_type_id
 ORDER BY pr.slug, m.order_index;

-- Enrollments: one per resolution path of the program plan (tier, explicit, default).
SELECT split_part(p.email, '@', 1) AS who, pr.slug, e.status, e.tier_name, ep.key AS explicit_plan,
       coalesce(ep.key, tp.key, dp.key) AS resolved_plan,
       EXISTS (SELECT 1 FROM innotrue.org_sponsored_enrollments s WHERE s.enrollment_id = e.id) AS org_sponsored
  FROM innotrue.client_enrollments e
  JOIN innotrue.profiles p ON p.id = e.user_id
  JOIN innotrue.programs pr ON pr.id = e.program_id
  LEFT JOIN innotrue.program_plans ep ON ep.id = e.program_plan_id
  LEFT JOIN innotrue.program_tier_plans t ON t.program_id = e.program_id AND t.tier_name = e.tier_name
  LEFT JOIN innotrue.program_plans tp ON tp.id = t.program_plan_id
  LEFT JOIN innotrue.program_plans dp ON dp.id = pr.default_program_plan_id
 ORDER BY p.email;

-- Entitlements from the five sources.
SELECT who, feature, innotrue.has_feature(innotrue.seed_id('demo', 'user/' || who), feature) AS has,
       innotrue.feature_limit(innotrue.seed_id('demo', 'user/' || who), feature) AS lim
  FROM (VALUES ('alice', 'ai_recommendations'), ('alice', 'ai_coach'), ('alice', 'courses_free'),
               ('bob', 'ai_insights'), ('bob', 'decision_toolkit_basic'), ('dana', 'assessments'),
               ('dana', 'ai_insights'), ('carlos', 'coach_dashboard'), ('olivia', 'coach_dashboard')) AS v (who, feature)
 ORDER BY who, feature;

-- Credits: balances by owner (enrolment prices came out of Alice's and Acme's credits) and the
-- ledger invariants.
SELECT split_part(p.email, '@', 1) AS who, b.available, b.by_source
  FROM innotrue.profiles p CROSS JOIN LATERAL innotrue.credit_balance(p.id) b
 WHERE p.email IN ('alice@demo.innotrue.com', 'dana@demo.innotrue.com')
 ORDER BY p.email;
SELECT o.slug, b.available FROM innotrue.organizations o CROSS JOIN LATERAL innotrue.credit_balance(o.id) b;
SELECT count(*) AS credit_invariant_problems FROM innotrue.check_credit_invariants();

-- Assessments: the public definition scores through its matrix; Alice's snapshot is scored.
SELECT innotrue.compute_assessment_scores('leadership-style-snapshot',
         '{"q1_new_team": "a", "q2_missed_deadline": "a", "q3_conflict": "a", "q4_strategy": "a", "q5_feedback": "b", "q6_success": "c"}',
         store => false) - 'definition' AS scores;
SELECT s.title, s.status, s.overall_score, s.passed,
       (SELECT string_agg(d.name || '=' || r.average_score, ', ' ORDER BY d.order_index)
          FROM innotrue.snapshot_domain_ratings r JOIN innotrue.capability_domains d ON d.id = r.domain_id
         WHERE r.snapshot_id = s.id) AS domains
  FROM innotrue.capability_snapshots s;
SELECT pa.slug, pa.feature_key, r.status, split_part(p.email, '@', 1) AS who
  FROM innotrue.assessment_interest_registrations r
  JOIN innotrue.psychometric_assessments pa ON pa.id = r.psychometric_assessment_id
  JOIN innotrue.profiles p ON p.id = r.user_id
 ORDER BY pa.slug;

-- Status flows walked to their current states.
SELECT 'session' AS what, title AS name, status FROM innotrue.sessions
UNION ALL SELECT 'assignment', t.key, a.status FROM innotrue.module_assignments a
  JOIN innotrue.module_assignment_types t ON t.id = a.assignment_type_id
UNION ALL SELECT 'scenario', t.slug, a.status FROM innotrue.scenario_assignments a
  JOIN innotrue.scenario_templates t ON t.id = a.template_id
UNION ALL SELECT 'invitation', email, status FROM innotrue.org_invitations
ORDER BY 1, 2;
SELECT s.title, sp.role_key, sp.status, split_part(p.email, '@', 1) AS who
  FROM innotrue.session_participants sp JOIN innotrue.sessions s ON s.id = sp.session_id
  JOIN innotrue.profiles p ON p.id = sp.user_id
 ORDER BY s.title, sp.role_key NULLS FIRST, p.email;

-- Resources by visibility, who can access them, and the locked scenario template.
SELECT visibility, resource_type, title, is_consumable, credit_cost, feature_key,
       innotrue.can_access_resource(innotrue.seed_id('demo', 'user/alice'), id) AS alice,
       innotrue.can_access_resource(innotrue.seed_id('demo', 'user/bob'), id) AS bob
  FROM innotrue.resource_library ORDER BY visibility, title;
SELECT slug, is_locked, is_protected,
       (SELECT count(*) FROM innotrue.scenario_sections s WHERE s.template_id = t.id) AS sections,
       (SELECT count(*) FROM innotrue.section_paragraphs p WHERE p.template_id = t.id) AS paragraphs
  FROM innotrue.scenario_templates t;

-- Notifications the demo's events queued, by type.
SELECT nt.key, count(*) FROM innotrue.notifications n JOIN innotrue.notification_types nt ON nt.id = n.type_id
 GROUP BY nt.key ORDER BY nt.key;

-- A second call is refused and changes nothing.
SELECT innotrue.load_demo_data();
SELECT count(*) AS demo_users FROM innotrue.profiles WHERE email LIKE '%@demo.innotrue.com';

ROLLBACK;
