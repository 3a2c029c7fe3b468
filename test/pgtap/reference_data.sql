-- Reference data installed by CREATE EXTENSION, as docs/rules.md "Reference data" lists it.
BEGIN;
SELECT plan(27);

-- Layer 1
SELECT results_eq($$ SELECT key, value FROM innotrue.system_settings
                     WHERE key IN ('ai_monthly_credit_limit', 'platform_name', 'support_email', 'default_timezone')
                     ORDER BY key $$,
                  $$ VALUES ('ai_monthly_credit_limit', '1000'::jsonb), ('default_timezone', '"Europe/Berlin"'),
                            ('platform_name', '"InnoTrue Hub"'), ('support_email', '"support@innotrue.com"') $$,
                  'system settings have their documented defaults');
SELECT set_eq($$ SELECT key FROM innotrue.module_types $$,
              ARRAY['session', 'assignment', 'reflection', 'resource', 'content'], '5 module types');
SELECT set_eq($$ SELECT key FROM innotrue.tracks $$, ARRAY['cta', 'leadership'], 'CTA and Leadership tracks');
SELECT set_eq($$ SELECT name FROM innotrue.wheel_categories $$,
              ARRAY['Career', 'Finances', 'Health', 'Relationships', 'Personal Growth', 'Fun & Recreation',
                    'Physical Environment', 'Family', 'Romance', 'Contribution'], '10 wheel categories');
SELECT set_eq($$ SELECT name FROM innotrue.assessment_categories $$,
              ARRAY['Personality', 'Aptitude', 'Career', 'Emotional Intelligence', 'Leadership', 'Other'],
              '6 assessment categories');

-- Layer 2
SELECT is((SELECT count(*)::int FROM innotrue.features), 40, '40 features (39 of the running platform + courses)');
SELECT set_eq($$ SELECT key FROM innotrue.features WHERE is_consumable $$,
              ARRAY['ai_coach', 'ai_insights', 'ai_recommendations', 'session_coaching', 'session_group',
                    'session_workshop', 'session_peer_coaching', 'session_review_board'],
              '8 consumable features');
SELECT results_eq($$ SELECT key, tier_level, credit_allowance, is_purchasable FROM innotrue.plans ORDER BY display_order $$,
                  $$ VALUES ('free', 0, 20, false), ('base', 1, 150, true), ('pro', 2, 250, true),
                            ('advanced', 3, 500, true), ('elite', 4, 750, true), ('programs', 0, 0, false),
                            ('continuation', 0, 0, false) $$,
                  '7 plans with tiers, allowances and purchasability');
SELECT is((SELECT key FROM innotrue.plans WHERE is_default), 'free', 'free is the default plan');
SELECT results_eq($$ SELECT p.key, pf.limit_value FROM innotrue.plan_features pf
                     JOIN innotrue.plans p ON p.id = pf.plan_id JOIN innotrue.features f ON f.id = pf.feature_id
                     WHERE f.key = 'ai_coach' ORDER BY p.tier_level, p.key $$,
                  $$ VALUES ('free', 20), ('base', 50), ('pro', 100), ('advanced', 500), ('elite', 1000) $$,
                  'ai_coach monthly limits per plan');
SELECT results_eq($$ SELECT p.key, pf.limit_value FROM innotrue.plan_features pf
                     JOIN innotrue.plans p ON p.id = pf.plan_id JOIN innotrue.features f ON f.id = pf.feature_id
                     WHERE f.key = 'session_coaching' ORDER BY p.tier_level, p.key $$,
                  $$ VALUES ('free', 1), ('base', 3), ('pro', 5), ('advanced', 10), ('elite', 20) $$,
                  'session_coaching monthly limits per plan');
SELECT is_empty($$ SELECT p.key, f.key FROM innotrue.plans p
                   CROSS JOIN innotrue.features f
                   WHERE f.key IN ('goals', 'tasks', 'credits', 'usage', 'wheel_of_life')
                     AND NOT EXISTS (SELECT 1 FROM innotrue.plan_features pf
                                     WHERE pf.plan_id = p.id AND pf.feature_id = f.id AND pf.limit_value IS NULL) $$,
                'every plan gets goals, tasks, credits, usage and wheel_of_life, unlimited');
SELECT set_eq($$ SELECT p.key FROM innotrue.plan_features pf JOIN innotrue.plans p ON p.id = pf.plan_id
                 JOIN innotrue.features f ON f.id = pf.feature_id WHERE f.key = 'programs_pro' $$,
              ARRAY['advanced', 'elite'], 'programs_pro from advanced up');
SELECT set_eq($$ SELECT p.key FROM innotrue.plan_features pf JOIN innotrue.plans p ON p.id = pf.plan_id
                 JOIN innotrue.features f ON f.id = pf.feature_id WHERE f.key = 'resource_library' $$,
              ARRAY['base', 'pro', 'advanced', 'elite'], 'resource_library from base up');
SELECT set_eq($$ SELECT f.key FROM innotrue.plan_features pf JOIN innotrue.plans p ON p.id = pf.plan_id
                 JOIN innotrue.features f ON f.id = pf.feature_id WHERE p.key = 'elite' $$,
              ARRAY['ai_coach', 'session_coaching', 'goals', 'tasks', 'credits', 'usage', 'wheel_of_life',
                    'assessments', 'skills_map', 'resource_library', 'programs_base', 'decision_toolkit_advanced',
                    'programs_pro', 'community', 'session_review_board', 'programs_advanced', 'org_analytics'],
              'elite has every tier''s features');
SELECT is((SELECT count(*)::int FROM innotrue.plan_prices), 0, 'no plan prices: Stripe ids are entered by an admin');

-- Layer 3A
SELECT results_eq($$ SELECT st.key, st.duration_minutes, st.max_participants, st.feature_key
                     FROM innotrue.session_types st ORDER BY st.key $$,
                  $$ VALUES ('coaching', 60, 2, 'session_coaching'), ('group_coaching', 90, 12, 'session_group'),
                            ('mastermind', 90, 8, 'session_group'), ('office_hours', 60, 10, 'session_group'),
                            ('peer_coaching', 45, 2, 'session_peer_coaching'),
                            ('review_board_mock', 60, 4, 'session_review_board'),
                            ('webinar', 60, 100, 'session_workshop'), ('workshop', 120, 30, 'session_workshop') $$,
                  '8 session types with durations, sizes and feature keys');
SELECT results_eq($$ SELECT st.key, r.role_key, r.max_count, r.is_required FROM innotrue.session_type_roles r
                     JOIN innotrue.session_types st ON st.id = r.session_type_id ORDER BY 1, 2 $$,
                  $$ VALUES ('mastermind', 'hot_seat', 1, true), ('mastermind', 'member', NULL, false),
                            ('mastermind', 'moderator', 1, false),
                            ('peer_coaching', 'coach', 1, true), ('peer_coaching', 'coachee', 1, true),
                            ('review_board_mock', 'evaluator', 3, true), ('review_board_mock', 'observer', NULL, false),
                            ('review_board_mock', 'presenter', 1, true),
                            ('webinar', 'attendee', NULL, false), ('webinar', 'presenter', 3, true),
                            ('workshop', 'facilitator', 2, true), ('workshop', 'participant', NULL, false) $$,
                  '12 session type roles with max and required');

-- Layer 3B
SELECT set_eq($$ SELECT key FROM innotrue.credit_services $$,
              ARRAY['ai_coach_query', 'ai_insight', 'ai_recommendation', 'coaching_session', 'group_session',
                    'workshop', 'peer_coaching', 'review_board_mock', 'program_enrollment_base',
                    'program_enrollment_pro', 'program_enrollment_advanced', 'goal_creation',
                    'skills_assessment', 'decision_analysis', 'resource_unlock'],
              '14 credit services, plus resource_unlock (unit price of consumable resources)');
SELECT results_eq($$ SELECT cs.credit_cost, f.key FROM innotrue.credit_services cs
                     LEFT JOIN innotrue.features f ON f.id = cs.feature_id
                     WHERE cs.key IN ('ai_coach_query', 'coaching_session', 'review_board_mock', 'program_enrollment_advanced', 'goal_creation')
                     ORDER BY cs.credit_cost $$,
                  $$ VALUES (1, 'ai_coach'), (2, NULL), (10, 'session_coaching'), (15, 'session_review_board'),
                            (100, 'programs_advanced') $$,
                  'credit service costs and feature links');
SELECT results_eq($$ SELECT price_cents, credits, validity_months FROM innotrue.credit_topup_packages ORDER BY price_cents $$,
                  $$ VALUES (5000, 55000, 6), (10000, 120000, 12), (20000, 260000, 12) $$,
                  '3 individual credit packages');
SELECT results_eq($$ SELECT price_cents, credits::bigint, validity_months FROM innotrue.org_credit_packages ORDER BY price_cents $$,
                  $$ VALUES (250000, 3000000::bigint, 12), (500000, 6500000::bigint, 12), (1000000, 14000000::bigint, 12) $$,
                  '3 organization credit packages');
SELECT results_eq($$ SELECT key, monthly_price_cents FROM innotrue.org_platform_tiers ORDER BY monthly_price_cents $$,
                  $$ VALUES ('essentials', 3000), ('professional', 5000) $$, '2 organization platform tiers');

-- Layer 3C
SELECT set_eq($$ SELECT key FROM innotrue.notification_categories $$,
              ARRAY['programs', 'sessions', 'assignments', 'goals', 'decisions', 'credits', 'groups', 'system'],
              '8 notification categories');
SELECT is((SELECT count(*)::int FROM innotrue.notification_types), 31, '31 notification types');
SELECT set_eq($$ SELECT key FROM innotrue.notification_types WHERE is_critical $$,
              ARRAY['security_alert', 'account_updated', 'terms_updated'], 'exactly the three critical types');
SELECT is_empty($$ SELECT key FROM innotrue.notification_types t
                   WHERE NOT EXISTS (SELECT 1 FROM innotrue.email_templates e WHERE e.key = t.email_template_key) $$,
                'every notification type has an email template');

SELECT * FROM finish();
ROLLBACK;
