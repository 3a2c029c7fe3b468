-- Every table of the data layer (docs/schema.md, by layer) exists in schema innotrue with a primary
-- key; the two balance tables are views derived from the credit ledger (docs/credits.md).
BEGIN;
SELECT plan(3);

SELECT is_empty($$
    SELECT name FROM unnest(ARRAY[
        -- layer 1
        'system_settings', 'module_types', 'tracks', 'wheel_categories', 'assessment_categories',
        -- layer 2 (+ add-ons and track features, docs/entitlements.md)
        'features', 'plans', 'plan_features', 'plan_prices', 'add_ons', 'add_on_features', 'track_features',
        -- layer 3A
        'session_types', 'session_type_roles', 'calcom_event_type_mappings',
        -- layer 3B
        'credit_services', 'credit_service_track_prices', 'credit_topup_packages', 'org_credit_packages',
        'org_platform_tiers',
        -- layer 3C
        'notification_categories', 'notification_types', 'email_templates',
        -- layer 3D
        'assessment_families', 'capability_assessments', 'capability_domains', 'capability_domain_questions',
        'capability_question_type_weights', 'assessment_definitions', 'assessment_dimensions',
        'assessment_questions', 'assessment_question_options', 'assessment_option_scores',
        'assessment_interpretations', 'psychometric_assessments',
        -- layer 3E
        'scenario_categories', 'scenario_templates', 'scenario_sections', 'section_paragraphs',
        'paragraph_question_links',
        -- layer 3F
        'resource_categories', 'skills', 'resource_library', 'resource_collections', 'resource_collection_items',
        'resource_library_skills', 'module_feedback_templates',
        -- layer 4
        'program_plans', 'program_plan_features', 'programs', 'program_tier_plans', 'program_modules',
        'module_assignment_types', 'module_assignment_configs', 'resource_library_programs',
        'resource_library_program_tiers', 'module_client_content_resources', 'module_reflection_resources',
        -- layer 5: platform, users, coaching, goals
        'platform_terms', 'platform_terms_acceptances', 'storage_buckets', 'profiles', 'user_roles',
        'user_feature_denials', 'user_add_ons', 'user_tracks', 'client_enrollments', 'module_progress',
        'module_assignments', 'module_assignment_attachments', 'program_coaches', 'client_coaches',
        'coach_instructor_requests', 'coach_module_feedback', 'coach_feedback_attachments', 'goals',
        'goal_milestones', 'goal_resources', 'goal_comments', 'wheel_of_life_ratings',
        -- layer 5: organizations and groups
        'organizations', 'organization_members', 'org_invitations', 'org_sponsored_enrollments',
        'member_sharing_consent', 'groups', 'group_members',
        -- layer 5: sessions
        'sessions', 'session_participants', 'group_sessions', 'group_session_participants', 'cohort_sessions',
        'module_sessions', 'session_module_links',
        -- layer 5: assessment, scenario, resource and notification activity
        'capability_snapshots', 'snapshot_question_ratings', 'snapshot_domain_ratings', 'group_peer_assessments',
        'assessment_responses', 'assessment_interest_registrations', 'user_assessments', 'user_assessment_shares',
        'scenario_assignments', 'scenario_responses', 'paragraph_evaluations', 'resource_usage_tracking',
        'notifications', 'notification_preferences',
        -- layer 5: credits and usage
        'credit_batches', 'credit_ledger', 'feature_usage',
        -- layer 5: integrations
        'circle_community_sso', 'talentlms_user_mappings', 'user_external_links'
    ]) AS name
    WHERE to_regclass('innotrue.' || name) IS NULL
       OR NOT EXISTS (SELECT 1 FROM pg_constraint
                      WHERE conrelid = to_regclass('innotrue.' || name) AND contype = 'p')
$$, 'every table of the data layer exists with a primary key');

SELECT has_view('innotrue', 'user_credit_balances', 'user_credit_balances is a view over the credit ledger');
SELECT has_view('innotrue', 'org_credit_balances', 'org_credit_balances is a view over the credit ledger');

SELECT * FROM finish();
ROLLBACK;
