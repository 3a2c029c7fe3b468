-- The demo walk-through printed by scripts/demo, after CREATE EXTENSION innotrue and
-- SELECT innotrue.load_demo_data(). It walks a verification checklist of the configured
-- platform as far as the data layer implements it. Who is who: docs/demo.md.
-- Everything runs in one transaction that is rolled back at the end, so it can be run again:
--   psql -X -q -v ON_ERROR_STOP=1 -P pager=off -f scripts/demo.sql <database with the demo data>
\set QUIET on
\pset footer off
\pset null '-'
BEGIN;

SELECT innotrue.seed_id('demo', 'user/alice') AS alice, innotrue.seed_id('demo', 'user/bob') AS bob,
       innotrue.seed_id('demo', 'user/carlos') AS carlos, innotrue.seed_id('demo', 'user/irene') AS irene,
       innotrue.seed_id('demo', 'user/dana') AS dana, innotrue.seed_id('demo', 'user/olivia') AS olivia,
       innotrue.seed_id('demo', 'organization/acme-consulting') AS acme,
       innotrue.seed_id('demo', 'program/cta-immersion-premium') AS cta,
       innotrue.seed_id('demo', 'program/leadership-foundations') AS lead \gset

\echo
\echo '=== The demo users ==='
SELECT split_part(p.email, '@', 1) AS who, p.full_name, pl.key AS plan, pl.tier_level AS plan_tier,
       (SELECT string_agg(r.role, ', ' ORDER BY r.role) FROM innotrue.user_roles r WHERE r.user_id = p.id) AS roles,
       (SELECT o.name || ' (' || m.role || coalesce(', sponsored ' || sp.key, '') || ')'
          FROM innotrue.organization_members m JOIN innotrue.organizations o ON o.id = m.organization_id
          LEFT JOIN innotrue.plans sp ON sp.id = m.sponsored_plan_id WHERE m.user_id = p.id) AS organization
  FROM innotrue.profiles p JOIN innotrue.plans pl ON pl.id = p.plan_id
 ORDER BY pl.tier_level DESC, p.email;

\echo
\echo '=== 1. Alice logs in: terms gate, plan, entitlements (innotrue.resolve_entitlements) ==='
SELECT set_config('innotrue.user_id', :'alice', true) AS ignored \gset
SELECT split_part(p.email, '@', 1) AS current_user, t.version AS current_terms,
       EXISTS (SELECT 1 FROM innotrue.platform_terms_acceptances a WHERE a.user_id = p.id AND a.terms_id = t.id) AS terms_accepted,
       pl.key AS plan, innotrue.effective_plan_tier() AS effective_tier
  FROM innotrue.profiles p JOIN innotrue.plans pl ON pl.id = p.plan_id
 CROSS JOIN innotrue.platform_terms t
 WHERE p.id = innotrue.current_user_id() AND t.is_current;
\echo 'Features Alice has, by the source that wins (add_on > track > org_sponsored > subscription > program_plan):'
SELECT source, max(total) AS features, string_agg(feature_key, ', ' ORDER BY feature_key) || ', ...' AS first_five
  FROM (SELECT source, feature_key, row_number() OVER w AS n, count(*) OVER (PARTITION BY source) AS total
          FROM innotrue.resolve_entitlements() WHERE enabled
        WINDOW w AS (PARTITION BY source ORDER BY feature_key)) e
 WHERE n <= 5
 GROUP BY source ORDER BY source;
SELECT feature_key, limit_value, remaining, source, sources
  FROM innotrue.resolve_entitlements()
 WHERE feature_key IN ('ai_coach', 'ai_recommendations', 'session_coaching', 'courses_free')
 ORDER BY feature_key;
\echo 'Why ai_coach? (innotrue.explain_entitlement)'
SELECT s->>'source' AS source, s->>'via_key' AS via, s->>'limit' AS "limit", (s->>'counted')::boolean AS counted
  FROM jsonb_array_elements(innotrue.explain_entitlement('ai_coach')->'sources') s;

\echo
\echo '=== 1b. Bob books coaching sessions: the plan includes 3 a month, the rest cost credits (innotrue.use_feature) ==='
SELECT r->>'included' AS included, r->>'charged' AS charged, r->>'cost' AS credits, r->>'remaining' AS still_included
  FROM (VALUES (1, 2, 'booking-1'), (2, 2, 'booking-2'), (3, 2, 'booking-2')) AS v (n, sessions, booking),
       LATERAL innotrue.use_feature(:'bob', 'session_coaching', v.sessions, v.booking) AS r
 ORDER BY v.n;
\echo 'The third line repeats booking-2 (same idempotency key): the first answer, nothing counted or charged again.'
SELECT (innotrue.credit_balance(:'bob')).available AS bob_credits,
       innotrue.explain_entitlement(:'bob', 'session_coaching')->'next_use'->>'cost' AS next_session_costs;

\echo
\echo '=== 2. Browse programs and enroll (innotrue.enroll_in_program) ==='
SELECT pr.slug, t.key AS track, pr.min_plan_tier, pr.credit_cost, dp.key AS default_program_plan,
       (SELECT count(*) FROM innotrue.program_modules m WHERE m.program_id = pr.id AND m.is_active) AS modules,
       innotrue.effective_plan_tier(:'alice') >= pr.min_plan_tier AS alice_may_enroll,
       innotrue.effective_plan_tier(:'bob') >= pr.min_plan_tier AS bob_may_enroll
  FROM innotrue.programs pr JOIN innotrue.tracks t ON t.id = pr.track_id
  JOIN innotrue.program_plans dp ON dp.id = pr.default_program_plan_id
 WHERE pr.is_active ORDER BY pr.slug;
\echo 'Bob (base, tier 1) cannot join the CTA program (min tier 2). Alice already bought its premium tier;'
\echo 'now she enrolls in Leadership Foundations as well, paying 25 credits:'
SELECT (innotrue.credit_balance(:'alice')).available AS alice_credits_before;
SELECT innotrue.enroll_in_program(:'alice', :'lead') IS NOT NULL AS enrolled;
SELECT (innotrue.credit_balance(:'alice')).available AS alice_credits_after;
SELECT pr.slug, e.status, e.tier_name, pp.key AS program_plan
  FROM innotrue.client_enrollments e JOIN innotrue.programs pr ON pr.id = e.program_id
  LEFT JOIN innotrue.program_plans pp ON pp.id = e.program_plan_id
 WHERE e.user_id = :'alice' ORDER BY pr.slug;
\echo 'Alice''s modules in the CTA program:'
SELECT m.order_index AS "#", m.title, m.module_type, coalesce(mp.status, 'not_started') AS status
  FROM innotrue.program_modules m
  LEFT JOIN innotrue.module_progress mp ON mp.module_id = m.id AND mp.user_id = :'alice'
 WHERE m.program_id = :'cta' ORDER BY m.order_index;

\echo
\echo '=== 3. Capability self-assessment (innotrue.score_capability_snapshot, compare_capability_snapshots) ==='
SELECT a.name, a.mode, a.scale_min || '-' || a.scale_max AS scale, a.pass_fail_mode, a.pass_fail_threshold || '%' AS pass_at,
       (SELECT count(*) FROM innotrue.capability_domains d WHERE d.assessment_id = a.id) AS domains,
       (SELECT count(*) FROM innotrue.capability_domain_questions q WHERE q.assessment_id = a.id) AS questions
  FROM innotrue.capability_assessments a WHERE a.is_active;
\echo 'After the deep dive Alice rates herself again:'
INSERT INTO innotrue.capability_snapshots (id, user_id, assessment_id, title)
VALUES (innotrue.seed_id('demo', 'capability_snapshot/alice/2'), :'alice',
        innotrue.seed_id('demo', 'capability_assessment/architecture-self-knowledge-check'), 'After the deep dive');
INSERT INTO innotrue.snapshot_question_ratings (snapshot_id, user_id, assessment_id, question_id, rating)
SELECT innotrue.seed_id('demo', 'capability_snapshot/alice/2'), :'alice', q.assessment_id, q.id,
       least(5, r.rating + 1)
  FROM innotrue.snapshot_question_ratings r JOIN innotrue.capability_domain_questions q ON q.id = r.question_id
 WHERE r.snapshot_id = innotrue.seed_id('demo', 'capability_snapshot/alice/1');
UPDATE innotrue.capability_snapshots SET status = 'completed', completed_at = now()
 WHERE id = innotrue.seed_id('demo', 'capability_snapshot/alice/2');
SELECT s->>'overall_score' AS overall_score, s->>'passed' AS passed
  FROM innotrue.score_capability_snapshot(innotrue.seed_id('demo', 'capability_snapshot/alice/2')) s;
SELECT domain_name, score_a AS before, score_b AS after, delta
  FROM innotrue.compare_capability_snapshots(innotrue.seed_id('demo', 'capability_snapshot/alice/1'),
                                             innotrue.seed_id('demo', 'capability_snapshot/alice/2'))
 ORDER BY order_index;

\echo
\echo '=== 3b. Goals from the result (innotrue.suggest_goals_from_snapshot, create_goal_from_suggestion) ==='
\echo 'Domains of her first self-assessment below the pass mark:'
SELECT domain_name, score, pass_score, suggested_title
  FROM innotrue.suggest_goals_from_snapshot(innotrue.seed_id('demo', 'capability_snapshot/alice/1'));
\echo 'She takes the suggestion; the goal records the snapshot and the domain that prompted it:'
SELECT innotrue.create_goal_from_suggestion(innotrue.seed_id('demo', 'capability_snapshot/alice/1'),
                                            innotrue.seed_id('demo', 'capability_domain/security_identity'),
                                            target_date => '2026-04-30') AS security_goal \gset
SELECT g.title, g.category, s.title AS prompted_by, d.name AS domain
  FROM innotrue.goals g JOIN innotrue.capability_snapshots s ON s.id = g.assessment_snapshot_id
  JOIN innotrue.capability_domains d ON d.id = g.capability_domain_id
 WHERE g.id = :'security_goal';
\echo 'Progress on that domain against her latest snapshot (innotrue.goal_assessment_progress):'
SELECT domain_name, baseline_score, latest_score, delta, pass_score, latest_passes
  FROM innotrue.goal_assessment_progress WHERE goal_id = :'security_goal';

\echo
\echo '=== 4. Public assessment /public-assessment/leadership-style-snapshot (innotrue.compute_assessment_scores) ==='
SELECT d.slug, d.is_public, d.requires_email,
       (SELECT count(*) FROM innotrue.assessment_dimensions x WHERE x.definition_id = d.id) AS dimensions,
       (SELECT count(*) FROM innotrue.assessment_questions x WHERE x.definition_id = d.id) AS questions,
       (SELECT count(*) FROM innotrue.assessment_interpretations x WHERE x.definition_id = d.id) AS interpretations
  FROM innotrue.assessment_definitions d WHERE d.is_active;
\echo 'A visitor answers (the scoring matrix stays confidential; only scores and text come back):'
SELECT r->'dimension_scores' AS dimension_scores,
       jsonb_path_query_array(r, '$.interpretations[*].title') AS interpretations
  FROM innotrue.compute_assessment_scores('leadership-style-snapshot',
         '{"q1_new_team": "b", "q2_missed_deadline": "a", "q3_conflict": "c",
           "q4_strategy": "a", "q5_feedback": "b", "q6_success": "c"}',
         'visitor@example.com') r;
SELECT count(*) AS stored_responses FROM innotrue.assessment_responses;

\echo
\echo '=== 5. Scenario: assigned by Irene, answered by Alice, evaluated ==='
SELECT t.title, a.status, a.attempt, split_part(i.email, '@', 1) AS assigned_by,
       (SELECT count(*) FROM innotrue.scenario_responses r WHERE r.assignment_id = a.id) AS responses,
       (SELECT round(avg(e.rating), 1) FROM innotrue.paragraph_evaluations e WHERE e.user_id = a.user_id) AS avg_rating,
       a.overall_notes
  FROM innotrue.scenario_assignments a JOIN innotrue.scenario_templates t ON t.id = a.template_id
  JOIN innotrue.profiles i ON i.id = a.assigned_by;

\echo
\echo '=== 6. Sessions (booking runs through Cal.com; the data layer keeps sessions, roles and status) ==='
SELECT s.title, st.key AS session_type, s.status, to_char(s.scheduled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS utc,
       string_agg(split_part(p.email, '@', 1) || coalesce(' (' || sp.role_key || ')', ''), ', ' ORDER BY sp.role_key, p.email) AS participants
  FROM innotrue.sessions s JOIN innotrue.session_types st ON st.id = s.session_type_id
  JOIN innotrue.session_participants sp ON sp.session_id = s.id JOIN innotrue.profiles p ON p.id = sp.user_id
 GROUP BY s.id, st.key ORDER BY s.scheduled_at;
\echo 'Alice books another coaching session: credits are held until Cal.com confirms (reserve_credits, capture_hold):'
SELECT innotrue.reserve_credits(:'alice', 'coaching_session', 1, '15 minutes', 'demo-booking-1') AS hold_id \gset
SELECT status, cost FROM innotrue.credit_holds WHERE id = :'hold_id';
SELECT innotrue.capture_hold(:'hold_id')->>'cost' AS captured_on_confirmation;

\echo
\echo '=== 7. Credits: an AI coach query (innotrue.deduct_credits, credit_balance) ==='
SELECT available, held, by_source FROM innotrue.credit_balance(:'alice');
SELECT d->>'cost' AS cost, jsonb_array_length(d->'batches') AS batches_used
  FROM innotrue.deduct_credits(:'alice', 'ai_coach_query', 1, 'demo-ai-query-1') d;
\echo 'The same request again (same idempotency key) spends nothing more:'
SELECT (innotrue.deduct_credits(:'alice', 'ai_coach_query', 1, 'demo-ai-query-1')->>'deduction_id')
     = (SELECT d.id::text FROM innotrue.credit_deductions d WHERE d.user_id = :'alice' AND d.kind = 'service') AS same_deduction;
SELECT available, by_source FROM innotrue.credit_balance(:'alice');
SELECT count(*) AS ledger_problems FROM innotrue.check_credit_invariants();

\echo
\echo '=== 8. Notifications: in-app and the e-mail outbox (innotrue.notify) ==='
SELECT nt.key AS type, count(*) AS in_app
  FROM innotrue.notifications n JOIN innotrue.notification_types nt ON nt.id = n.type_id
 WHERE n.user_id = :'alice' GROUP BY nt.key ORDER BY nt.key;
SELECT innotrue.notify(:'alice', 'goal_reminder', '{"goal_title": "Pass the CTA review board"}') IS NOT NULL AS notified;
SELECT template_key, count(*) AS emails FROM innotrue.email_outbox GROUP BY 1 ORDER BY 1;
\echo 'The e-mail sender claims a batch from the outbox and reports back (claim_notifications, complete_notification):'
SELECT count(*) AS claimed_and_sent
  FROM innotrue.claim_notifications(5, 'demo-sender') c
 CROSS JOIN LATERAL innotrue.complete_notification(c.id, 'demo-sender');
SELECT status, count(*) AS emails FROM innotrue.email_outbox GROUP BY 1 ORDER BY 1;
SELECT subject FROM innotrue.email_outbox WHERE user_id = :'alice' AND template_key = 'program_enrolled' ORDER BY subject;

\echo
\echo '=== 9. Coach Carlos: his clients and their progress; module feedback ==='
SELECT split_part(c.email, '@', 1) AS client, pr.slug AS program, e.status,
       count(mp.id) FILTER (WHERE mp.status = 'completed') AS modules_done,
       (SELECT count(*) FROM innotrue.program_modules m WHERE m.program_id = pr.id) AS modules
  FROM innotrue.client_coaches cc JOIN innotrue.profiles c ON c.id = cc.user_id
  JOIN innotrue.client_enrollments e ON e.user_id = cc.user_id
  JOIN innotrue.programs pr ON pr.id = e.program_id
  LEFT JOIN innotrue.module_progress mp ON mp.enrollment_id = e.id
 WHERE cc.coach_id = :'carlos' AND cc.is_active
 GROUP BY c.email, pr.id, e.status ORDER BY 1, 2;
SELECT split_part(c.email, '@', 1) AS client, m.title AS module, t.name AS template, f.status, f.content
  FROM innotrue.coach_module_feedback f JOIN innotrue.profiles c ON c.id = f.user_id
  JOIN innotrue.module_progress mp ON mp.id = f.module_progress_id JOIN innotrue.program_modules m ON m.id = mp.module_id
  LEFT JOIN innotrue.module_feedback_templates t ON t.id = f.template_id
 WHERE f.coach_id = :'carlos';
\echo 'Instructor Irene: assignments of her programs'
SELECT split_part(c.email, '@', 1) AS client, t.name AS assignment, a.status, a.overall_score
  FROM innotrue.module_assignments a JOIN innotrue.profiles c ON c.id = a.user_id
  JOIN innotrue.module_assignment_types t ON t.id = a.assignment_type_id
  JOIN innotrue.program_modules m ON m.id = a.module_id
 WHERE EXISTS (SELECT 1 FROM innotrue.program_coaches pc WHERE pc.program_id = m.program_id AND pc.user_id = :'irene');

\echo
\echo '=== 9b. All of Alice''s feedback in one list (innotrue.feedback) ==='
SELECT to_char(f.given_at, 'YYYY-MM-DD') AS given_on, f.mechanism, coalesce(split_part(p.email, '@', 1), 'system') AS given_by,
       f.subject_kind, f.score, f.summary, f.is_new
  FROM innotrue.feedback f LEFT JOIN innotrue.profiles p ON p.id = f.given_by
 WHERE f.client_id = :'alice' ORDER BY f.given_at DESC, f.mechanism;
\echo 'She opens her feedback (innotrue.my_mark_feedback_seen): nothing is new any more.'
SELECT set_config('innotrue.user_id', :'alice', true) AS ignored \gset
SELECT innotrue.my_mark_feedback_seen() AS mechanisms_marked;
SELECT count(*) FILTER (WHERE is_new) AS new_items, count(*) AS items FROM innotrue.feedback WHERE client_id = :'alice';
\echo 'Feedback per client and mechanism (seven mechanisms, one view):'
SELECT split_part(p.email, '@', 1) AS client, string_agg(x.mechanism || ' ' || x.n, ', ' ORDER BY x.mechanism) AS items
  FROM (SELECT client_id, mechanism, count(*) AS n FROM innotrue.feedback GROUP BY 1, 2) x
  JOIN innotrue.profiles p ON p.id = x.client_id GROUP BY p.email ORDER BY 1;

\echo
\echo '=== 10. Org admin Olivia: members, consent, invitations, credit pool ==='
SELECT split_part(p.email, '@', 1) AS member, m.role, m.status, sp.key AS sponsored_plan,
       concat_ws(', ', CASE WHEN c.share_profile THEN 'profile' END, CASE WHEN c.share_enrollments THEN 'enrollments' END,
                 CASE WHEN c.share_progress THEN 'progress' END, CASE WHEN c.share_assessments THEN 'assessments' END,
                 CASE WHEN c.share_goals THEN 'goals' END) AS shares
  FROM innotrue.organization_members m JOIN innotrue.profiles p ON p.id = m.user_id
  LEFT JOIN innotrue.plans sp ON sp.id = m.sponsored_plan_id
  LEFT JOIN innotrue.member_sharing_consent c ON c.organization_id = m.organization_id AND c.user_id = m.user_id
 WHERE m.organization_id = :'acme' ORDER BY m.role, p.email;
SELECT i.email, i.role, i.status FROM innotrue.org_invitations i WHERE i.organization_id = :'acme' ORDER BY i.email;
SELECT (innotrue.credit_balance(:'acme')).available AS pool_available,
       (SELECT sum(s.credits_charged) FROM innotrue.org_sponsored_enrollments s WHERE s.organization_id = :'acme') AS spent_on_sponsored_enrollments;

\echo
\echo '=== 11. Psychometric catalog: browse, express interest (innotrue.express_assessment_interest) ==='
SELECT pa.name, pa.provider, round(pa.cost_cents / 100.0, 2) AS price_eur, pa.feature_key,
       pa.feature_key IS NULL OR innotrue.has_feature(:'dana', pa.feature_key) AS dana_may_register,
       CASE WHEN pa.feature_key IS NOT NULL
            THEN innotrue.explain_entitlement(:'dana', pa.feature_key)->>'winner' END AS dana_granted_by
  FROM innotrue.psychometric_assessments pa WHERE pa.is_active ORDER BY pa.name;
\echo 'Dana''s free plan lacks "assessments"; the base plan Acme sponsors grants it.'
SELECT innotrue.express_assessment_interest(:'olivia', innotrue.seed_id('demo', 'psychometric_assessment/cliftonstrengths')) IS NOT NULL AS registered;
\echo 'What the admin sees:'
SELECT pa.name, split_part(p.email, '@', 1) AS client, r.status, r.notes
  FROM innotrue.assessment_interest_registrations r
  JOIN innotrue.psychometric_assessments pa ON pa.id = r.psychometric_assessment_id
  JOIN innotrue.profiles p ON p.id = r.user_id ORDER BY pa.name, p.email;

\echo
\echo '=== 12. Resource access (innotrue.can_access_resource, unlock_resource) ==='
SELECT r.title, r.visibility,
       (SELECT string_agg(pr.slug || coalesce(' [' || t.tier_name || ']', ''), ', ')
          FROM innotrue.resource_library_programs lp JOIN innotrue.programs pr ON pr.id = lp.program_id
          LEFT JOIN innotrue.resource_library_program_tiers t ON t.resource_id = lp.resource_id AND t.program_id = lp.program_id
         WHERE lp.resource_id = r.id) AS linked_programs,
       CASE WHEN r.is_consumable THEN r.credit_cost || ' credits' END AS unlock,
       innotrue.can_access_resource(:'alice', r.id) AS alice,
       innotrue.can_access_resource(:'bob', r.id) AS bob
  FROM innotrue.resource_library r ORDER BY r.visibility, r.title;
\echo 'Alice unlocks the consumable walkthrough, then opens it again (charged once):'
SELECT (innotrue.credit_balance(:'alice')).available AS alice_credits_before;
SELECT u->>'already_unlocked' AS already_unlocked
  FROM innotrue.unlock_resource(:'alice', innotrue.seed_id('demo', 'resource/mock-board-walkthrough')) u;
SELECT u->>'already_unlocked' AS already_unlocked
  FROM innotrue.unlock_resource(:'alice', innotrue.seed_id('demo', 'resource/mock-board-walkthrough')) u;
SELECT (innotrue.credit_balance(:'alice')).available AS alice_credits_after;

\echo
\echo '=== 13. Wheel of Life: Alice''s latest ratings (the radar chart''s data) ==='
SELECT string_agg(c.name || ' ' || w.rating, ', ' ORDER BY c.order_index) AS ratings,
       round(avg(w.rating), 1) AS average
  FROM innotrue.wheel_of_life_ratings w JOIN innotrue.wheel_categories c ON c.id = w.category_id
 WHERE w.user_id = :'alice'
   AND w.assessed_on = (SELECT max(x.assessed_on) FROM innotrue.wheel_of_life_ratings x WHERE x.user_id = :'alice');

\echo
\echo '=== 14. Row-level security: what Alice''s application session can read (innotrue.enable_row_level_security) ==='
CREATE ROLE innotrue_demo_app NOLOGIN;
SELECT innotrue.enable_row_level_security('innotrue_demo_app') > 0 AS policies_created;
SET LOCAL ROLE innotrue_demo_app;
\echo 'Logged in as Alice (innotrue.user_id), through the application role:'
SELECT (SELECT count(*) FROM innotrue.profiles) AS profiles,
       (SELECT count(*) FROM innotrue.client_enrollments) AS enrollments,
       (SELECT count(*) FROM innotrue.goals) AS goals,
       (SELECT count(*) FROM innotrue.notifications) AS notifications,
       (SELECT count(*) FROM innotrue.resource_library) AS resources;
RESET ROLE;
\echo 'The same counts as the database owner:'
SELECT (SELECT count(*) FROM innotrue.profiles) AS profiles,
       (SELECT count(*) FROM innotrue.client_enrollments) AS enrollments,
       (SELECT count(*) FROM innotrue.goals) AS goals,
       (SELECT count(*) FROM innotrue.notifications) AS notifications,
       (SELECT count(*) FROM innotrue.resource_library) AS resources;

\echo
\echo '=== 15. What an admin must still do (innotrue.configuration_report) ==='
SELECT status, count(*) AS checks FROM innotrue.configuration_report() GROUP BY status ORDER BY status;
SELECT layer, item, status, found FROM innotrue.configuration_report() WHERE status <> 'ok' ORDER BY layer, item;
\echo 'Only the external mappings remain: Stripe prices (plan_prices) and Cal.com event types.'

ROLLBACK;
\echo
\echo '(The walk-through ran in one transaction and was rolled back: the demo data is as load_demo_data() left it.)'
