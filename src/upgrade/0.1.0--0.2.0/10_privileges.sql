
-- Privileges (issue 16): privilege classes, one declared decision per function and table, the
-- grant call a DBA runs once per role, current-user forms of the functions that act for a user,
-- and the policy holes of 0.1.0. docs/security.md is the design; docs/privileges.md the generated
-- matrix. 90_default_deny.sql, the closing sweep, revokes from PUBLIC whatever is left.
--
-- The classes: anonymous (a visitor, no user id), user (a person acting for herself,
-- innotrue.current_user_id(); her user_roles and memberships decide more through the policies),
-- service (a trusted backend acting for any user), administrator (platform configuration).

-- Decisions ----------------------------------------------------------------------------------

CREATE TABLE innotrue.privilege_decisions (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    object_type       text NOT NULL
        CONSTRAINT privilege_decisions_object_type_check CHECK (object_type IN ('function', 'table')),
    object_name       text NOT NULL
        CONSTRAINT privilege_decisions_object_name_check CHECK (object_name ~ '^[a-z][a-z0-9_]*(\(.*\))?$'),
    anonymous_may     text[] NOT NULL DEFAULT '{}',
    user_may          text[] NOT NULL DEFAULT '{}',
    service_may       text[] NOT NULL DEFAULT '{}',
    administrator_may text[] NOT NULL DEFAULT '{}',
    user_fixed_columns text[] NOT NULL DEFAULT '{}',
    doc               text NOT NULL CONSTRAINT privilege_decisions_doc_check CHECK (doc ~ '^docs/[a-z_-]+\.md$'),
    reason            text,
    CONSTRAINT privilege_decisions_object_key UNIQUE (object_type, object_name),
    CONSTRAINT privilege_decisions_privileges_check CHECK (
        CASE object_type
            WHEN 'function' THEN anonymous_may || user_may || service_may || administrator_may <@ '{execute}'::text[]
            ELSE anonymous_may || user_may || service_may || administrator_may <@ '{select,insert,update,delete}'::text[]
        END),
    CONSTRAINT privilege_decisions_function_check CHECK ((object_type = 'function') = (object_name LIKE '%(%)')),
    CONSTRAINT privilege_decisions_fixed_columns_check CHECK (object_type = 'table' OR user_fixed_columns = '{}')
);
SELECT innotrue.register_table('privilege_decisions', '5', 'extension');
COMMENT ON TABLE innotrue.privilege_decisions IS
    'One row per function and table (or view) of the extension: which privileges each privilege class gets (docs/security.md). innotrue.grant_access grants exactly these; nothing is granted to PUBLIC. Written only by the install and upgrade scripts.';
COMMENT ON COLUMN innotrue.privilege_decisions.object_name IS
    'A table or view name, or a function as name(argument types) with the types as oidvectortypes() prints them, e.g. deduct_credits(uuid, text, integer, text, jsonb).';
COMMENT ON COLUMN innotrue.privilege_decisions.user_may IS
    'Privileges of the user class: {execute} for a function; a subset of {select,insert,update,delete} for a table, the rows being decided by the row-level security policies.';
COMMENT ON COLUMN innotrue.privilege_decisions.user_fixed_columns IS
    'Columns the user class may neither insert nor update (judged or computed values: scores, pass/fail, sponsored plans); insert and update are granted on the other columns only.';

-- Functions. Triggers are never granted: PostgreSQL checks EXECUTE on a trigger function when the
-- trigger is created, not when it fires. Functions a policy, a generated column or an invoker
-- trigger calls need EXECUTE by the role whose statement runs them.
INSERT INTO innotrue.privilege_decisions (object_type, object_name, anonymous_may, user_may, service_may, administrator_may, doc, reason)
SELECT 'function', f.name,
       CASE WHEN f.classes ~ '\manonymous\M' THEN '{execute}' ELSE '{}' END::text[],
       CASE WHEN f.classes ~ '\muser\M' THEN '{execute}' ELSE '{}' END::text[],
       CASE WHEN f.classes ~ '\mservice\M' THEN '{execute}' ELSE '{}' END::text[],
       CASE WHEN f.classes ~ '\madministrator\M' THEN '{execute}' ELSE '{}' END::text[],
       f.doc, f.reason
  FROM (VALUES
    -- base and registry
    ('register_table(text, text, text)', '', 'docs/schema-conventions.md', 'install scripts only'),
    ('seed_id(text, text)', '', 'docs/schema-conventions.md', 'install scripts only'),
    ('touch_updated_at()', '', 'docs/schema-conventions.md', 'trigger'),
    ('merge_restored_seed()', '', 'docs/operations.md', 'trigger'),
    -- credits
    ('credit_owner_erased(uuid, uuid)', '', 'docs/credits.md', 'internal: the ledger triggers'),
    ('refuse_ledger_change()', '', 'docs/credits.md', 'trigger'),
    ('fill_ledger_owner()', '', 'docs/credits.md', 'trigger'),
    ('guard_credit_batch_update()', '', 'docs/credits.md', 'trigger'),
    ('guard_credit_batch_delete()', '', 'docs/credits.md', 'trigger'),
    ('wait_for_credit_spends()', '', 'docs/credits.md', 'trigger'),
    ('lock_credit_owner()', '', 'docs/credits.md', 'trigger'),
    ('announce_table_change()', '', 'docs/credits.md', 'trigger'),
    ('check_credit_invariants()', 'service administrator', 'docs/credits.md', 'audit of the books'),
    ('credit_owner_balance(uuid, uuid)', 'service administrator', 'docs/credits.md', 'any owner''s figures'),
    ('credit_write_path()', 'service administrator', 'docs/credits.md', 'diagnostics'),
    ('grant_credits(uuid, bigint, text, timestamp with time zone, text)', 'service', 'docs/credits.md', 'creates credits'),
    ('deduct_credits(uuid, text, integer, text, jsonb)', 'service', 'docs/credits.md', 'spends any user''s credits: the backend that delivers the paid action spends'),
    ('reserve_credits(uuid, text, integer, interval, text, jsonb)', 'service', 'docs/credits.md', 'holds any user''s credits'),
    ('capture_hold(uuid)', 'service', 'docs/credits.md', 'spends a hold'),
    ('release_hold(uuid)', 'service', 'docs/credits.md', 'releases a hold'),
    ('release_expired_holds()', 'service', 'docs/credits.md', 'sweep'),
    ('refund_credits(uuid)', 'service', 'docs/credits.md', 'gives credits back'),
    ('credit_balance(uuid)', 'service administrator', 'docs/credits.md', 'any owner''s balance; users call my_credit_balance()'),
    ('enroll_in_program(uuid, uuid, text)', 'service', 'docs/credits.md', 'enrolls and charges any user; users call my_enroll_in_program'),
    ('sponsor_enrollment(uuid, uuid, uuid, text)', 'service', 'docs/credits.md', 'charges an organization''s pool'),
    ('queue_credit_expiry_notices(interval, timestamp with time zone)', 'service', 'docs/credits.md', 'scheduled job'),
    -- entitlements
    ('current_user_id()', 'anonymous user service administrator', 'docs/security.md', 'the identity; every policy calls it'),
    ('has_feature(uuid, text)', 'service administrator', 'docs/entitlements.md', 'answers for any user'),
    ('feature_limit(uuid, text)', 'service administrator', 'docs/entitlements.md', 'answers for any user'),
    ('effective_plan_tier(uuid)', 'service administrator', 'docs/entitlements.md', 'answers for any user'),
    ('resolve_entitlements(uuid, timestamp with time zone)', 'service administrator', 'docs/entitlements.md', 'answers for any user'),
    ('resolve_entitlement(uuid, text, timestamp with time zone)', 'service administrator', 'docs/entitlements.md', 'answers for any user'),
    ('entitlement_sources(uuid, text, timestamp with time zone)', 'service administrator', 'docs/entitlements.md', 'answers for any user'),
    ('explain_entitlement(uuid, text, timestamp with time zone)', 'service administrator', 'docs/entitlements.md', 'answers for any user'),
    ('usage_period(timestamp with time zone)', 'user service administrator', 'docs/entitlements.md', 'no user data'),
    ('record_feature_usage(uuid, text, integer, timestamp with time zone)', 'service', 'docs/entitlements.md', 'meters any user; users call my_record_feature_usage'),
    ('has_feature(text)', 'user', 'docs/entitlements.md', 'current user only'),
    ('feature_limit(text)', 'user', 'docs/entitlements.md', 'current user only'),
    ('effective_plan_tier()', 'user', 'docs/entitlements.md', 'current user only'),
    ('resolve_entitlements()', 'user', 'docs/entitlements.md', 'current user only'),
    ('explain_entitlement(text)', 'user', 'docs/entitlements.md', 'current user only'),
    ('entitlement_cache_sources()', 'administrator', 'docs/entitlements.md', 'diagnostics'),
    ('entitlement_cache_invalidate()', '', 'docs/entitlements.md', 'trigger'),
    ('entitlement_cache_stats()', 'administrator', 'docs/entitlements.md', 'diagnostics'),
    -- scoring
    ('compute_assessment_scores(text, jsonb, text, boolean)', 'anonymous user service', 'docs/assessments.md', 'public assessments are answered by visitors; the matrix stays hidden'),
    ('check_snapshot_question_rating()', '', 'docs/assessments.md', 'trigger'),
    ('score_capability_snapshot(uuid)', 'service', 'docs/assessments.md', 'scores any snapshot; users call my_score_capability_snapshot'),
    ('compare_capability_snapshots(uuid, uuid)', 'user service administrator', 'docs/assessments.md', 'reads under the caller''s policies'),
    ('express_assessment_interest(uuid, uuid)', 'service', 'docs/assessments.md', 'registers any user; users call my_express_assessment_interest'),
    ('set_assessment_interest_status(uuid, text, text, timestamp with time zone)', 'user service', 'docs/assessments.md', 'invoker: platform admins only by the policies'),
    -- notifications
    ('render_template(text, jsonb, boolean, boolean)', 'service administrator', 'docs/notifications.md', 'no user data'),
    ('email_outbox_announce()', '', 'docs/notifications.md', 'trigger'),
    ('notification_variables(uuid, text, jsonb)', '', 'docs/notifications.md', 'internal: notify and queue_email'),
    ('queue_email(uuid, text, text, jsonb, uuid, uuid)', 'service', 'docs/notifications.md', 'sends to any address'),
    ('notify(uuid, text, jsonb)', 'service', 'docs/notifications.md', 'notifies any user'),
    ('refuse_disabling_critical()', '', 'docs/notifications.md', 'trigger'),
    ('claim_notifications(integer, text, interval)', 'service', 'docs/notifications.md', 'the outbox sender'),
    ('outbox_lease(uuid, text)', '', 'docs/notifications.md', 'internal: complete and fail'),
    ('complete_notification(uuid, text)', 'service', 'docs/notifications.md', 'the outbox sender'),
    ('fail_notification(uuid, text, text)', 'service', 'docs/notifications.md', 'the outbox sender'),
    ('format_event_time(timestamp with time zone)', '', 'docs/notifications.md', 'internal: event notifications'),
    ('notification_event_payload(text, jsonb)', '', 'docs/notifications.md', 'internal: event notifications'),
    ('notification_event_recipients(text, jsonb)', '', 'docs/notifications.md', 'internal: event notifications'),
    ('queue_event_notifications()', '', 'docs/notifications.md', 'trigger'),
    -- configuration checks
    ('enforce_layer_rules()', '', 'docs/configuration.md', 'trigger'),
    ('enforce_status_flow()', '', 'docs/configuration.md', 'trigger'),
    ('missing_storage_buckets()', 'administrator', 'docs/configuration.md', 'configuration check'),
    ('retired_objects(text, uuid, json)', 'administrator', 'docs/configuration.md', 'configuration check'),
    ('configuration_report()', 'administrator', 'docs/configuration.md', 'configuration check'),
    -- access and row-level security
    ('can_access_resource(uuid, uuid)', 'service administrator', 'docs/access.md', 'answers for any user'),
    ('can_access_resource(uuid)', 'user', 'docs/access.md', 'current user only'),
    ('unlock_resource(uuid, uuid)', 'service', 'docs/access.md', 'spends any user''s credits'),
    ('unlock_resource(uuid)', 'user', 'docs/access.md', 'current user only: pays with her own credits for what she gets'),
    ('is_admin()', 'user', 'docs/access.md', 'policy helper, current user only'),
    ('my_admin_resource_key()', 'user', 'docs/access.md', 'policy helper, current user only'),
    ('my_feature_keys()', 'user', 'docs/access.md', 'policy helper, current user only'),
    ('my_program_access()', 'user', 'docs/access.md', 'policy helper, current user only'),
    ('my_access_tokens()', 'user', 'docs/access.md', 'policy helper, current user only'),
    ('my_client_ids()', 'user', 'docs/access.md', 'policy helper, current user only'),
    ('my_organization_ids(boolean)', 'user', 'docs/access.md', 'policy helper, current user only'),
    ('my_org_shared_user_ids(text)', 'user', 'docs/access.md', 'policy helper, current user only'),
    ('resource_program_access(uuid)', 'user service administrator', 'docs/access.md', 'called by the invoker trigger on resource links'),
    ('refresh_resource_program_access()', '', 'docs/access.md', 'trigger'),
    ('resource_access_tokens(text, boolean, text[], text, integer)', 'user service administrator', 'docs/access.md', 'the generated column of resource_library'),
    ('add_default_rls_rules()', '', 'docs/access.md', 'the owner''s grant machinery'),
    ('rls_policy_catalogue()', 'administrator', 'docs/access.md', 'read-only catalogue'),
    ('require_role(name)', '', 'docs/access.md', 'the owner''s grant machinery'),
    ('apply_row_level_security(name)', '', 'docs/access.md', 'the owner''s grant machinery'),
    ('rls_app_role_added()', '', 'docs/access.md', 'trigger'),
    ('enable_row_level_security(name)', '', 'docs/access.md', 'the owner''s grant machinery'),
    ('drop_rls_policies()', '', 'docs/access.md', 'the owner''s grant machinery'),
    ('disable_row_level_security(name)', '', 'docs/access.md', 'the owner''s grant machinery'),
    ('load_demo_data()', '', 'docs/demo.md', 'the owner loads the demo'),
    -- this file
    ('apply_privileges(name, text)', '', 'docs/security.md', 'the owner''s grant machinery'),
    ('revoke_privileges(name)', '', 'docs/security.md', 'the owner''s grant machinery'),
    ('grant_access(name, text)', '', 'docs/security.md', 'run by the database owner once per role'),
    ('privilege_matrix()', 'administrator', 'docs/security.md', 'read-only catalogue'),
    ('my_credit_balance()', 'user', 'docs/credits.md', 'current user only'),
    ('my_entitlements()', 'user', 'docs/entitlements.md', 'current user only'),
    ('my_explain_entitlement(text)', 'user', 'docs/entitlements.md', 'current user only'),
    ('my_record_feature_usage(text, integer)', 'user', 'docs/entitlements.md', 'current user only: she meters her own use'),
    ('my_enroll_in_program(uuid, text)', 'user', 'docs/credits.md', 'current user only: pays with her own credits for what she gets'),
    ('my_express_assessment_interest(uuid)', 'user', 'docs/assessments.md', 'current user only'),
    ('my_score_capability_snapshot(uuid)', 'user', 'docs/assessments.md', 'her own snapshot, or one of a client she coaches or evaluates')
  ) AS f (name, classes, doc, reason);

-- Tables and views. Classes of tables:
--   configuration: user may write (the admin policies let only platform admins), service reads,
--     administrator writes;
--   user data: user and service read and write (the policies decide the user's rows; service
--     bypasses row-level security), administrator reads;
--   ledgers and computed data: every class only reads; the SECURITY DEFINER functions write.
INSERT INTO innotrue.privilege_decisions (object_type, object_name, anonymous_may, user_may, service_may, administrator_may,
                                          user_fixed_columns, doc, reason)
SELECT 'table', t.name, '{}',
       CASE t.class WHEN 'configuration' THEN '{select,insert,update,delete}' WHEN 'user_data' THEN '{select,insert,update,delete}'
                    WHEN 'read_only' THEN '{select}' WHEN 'registry' THEN '{select}' ELSE '{}' END::text[],
       CASE t.class WHEN 'configuration' THEN '{select}' WHEN 'user_data' THEN '{select,insert,update,delete}'
                    WHEN 'read_only' THEN '{select}' WHEN 'registry' THEN '{select}' WHEN 'service_metered' THEN '{select,insert,update}'
                    WHEN 'service_view' THEN '{select}' ELSE '{}' END::text[],
       CASE t.class WHEN 'configuration' THEN '{select,insert,update,delete}' WHEN 'deployment' THEN '{select,insert,update,delete}'
                    WHEN 'owner_only' THEN '{select}' ELSE '{select}' END::text[],
       t.fixed::text[], t.doc, t.reason
  FROM (VALUES
    -- registry and rule tables
    ('schema_tables', 'registry', '{}', 'docs/schema-conventions.md', 'read by the generic triggers as the caller'),
    ('seed_rows', 'registry', '{}', 'docs/schema-conventions.md', 'read by the generic triggers as the caller'),
    ('layer_rules', 'owner_only', '{}', 'docs/configuration.md', 'written by the install script'),
    ('layer_rule_watches', 'owner_only', '{}', 'docs/configuration.md', 'written by the install script'),
    ('status_transitions', 'owner_only', '{}', 'docs/configuration.md', 'written by the install script'),
    ('privilege_decisions', 'owner_only', '{}', 'docs/security.md', 'written by the install script'),
    ('rls_table_rules', 'deployment', '{}', 'docs/access.md', 'policy text: administrator only, never the application'),
    ('rls_app_roles', 'owner_only', '{}', 'docs/security.md', 'written by grant_access'),
    -- configuration
    ('add_on_features', 'configuration', '{}', 'docs/entitlements.md', NULL),
    ('add_ons', 'configuration', '{}', 'docs/entitlements.md', NULL),
    ('assessment_categories', 'configuration', '{}', 'docs/assessments.md', NULL),
    ('assessment_definitions', 'configuration', '{}', 'docs/assessments.md', NULL),
    ('assessment_dimensions', 'configuration', '{}', 'docs/assessments.md', NULL),
    ('assessment_families', 'configuration', '{}', 'docs/assessments.md', NULL),
    ('assessment_interpretations', 'configuration', '{}', 'docs/assessments.md', NULL),
    ('assessment_option_scores', 'configuration', '{}', 'docs/assessments.md', 'the scoring matrix: platform admins only by the policies'),
    ('assessment_question_options', 'configuration', '{}', 'docs/assessments.md', NULL),
    ('assessment_questions', 'configuration', '{}', 'docs/assessments.md', NULL),
    ('calcom_event_type_mappings', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('capability_assessments', 'configuration', '{}', 'docs/assessments.md', NULL),
    ('capability_domain_questions', 'configuration', '{}', 'docs/assessments.md', NULL),
    ('capability_domains', 'configuration', '{}', 'docs/assessments.md', NULL),
    ('capability_question_type_weights', 'configuration', '{}', 'docs/assessments.md', NULL),
    ('credit_service_track_prices', 'configuration', '{}', 'docs/credits.md', NULL),
    ('credit_services', 'configuration', '{}', 'docs/credits.md', NULL),
    ('credit_topup_packages', 'configuration', '{}', 'docs/credits.md', NULL),
    ('email_templates', 'configuration', '{}', 'docs/notifications.md', NULL),
    ('features', 'configuration', '{}', 'docs/entitlements.md', NULL),
    ('module_assignment_configs', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('module_assignment_types', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('module_client_content_resources', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('module_feedback_templates', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('module_reflection_resources', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('module_types', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('notification_categories', 'configuration', '{}', 'docs/notifications.md', NULL),
    ('notification_rules', 'configuration', '{}', 'docs/notifications.md', NULL),
    ('notification_types', 'configuration', '{}', 'docs/notifications.md', NULL),
    ('org_credit_packages', 'configuration', '{}', 'docs/credits.md', NULL),
    ('org_platform_tiers', 'configuration', '{}', 'docs/credits.md', NULL),
    ('paragraph_question_links', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('plan_features', 'configuration', '{}', 'docs/entitlements.md', NULL),
    ('plan_prices', 'configuration', '{}', 'docs/entitlements.md', NULL),
    ('plans', 'configuration', '{}', 'docs/entitlements.md', NULL),
    ('platform_terms', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('program_modules', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('program_plan_features', 'configuration', '{}', 'docs/entitlements.md', NULL),
    ('program_plans', 'configuration', '{}', 'docs/entitlements.md', NULL),
    ('program_tier_plans', 'configuration', '{}', 'docs/entitlements.md', NULL),
    ('programs', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('psychometric_assessments', 'configuration', '{}', 'docs/assessments.md', NULL),
    ('resource_categories', 'configuration', '{}', 'docs/access.md', NULL),
    ('resource_collection_items', 'configuration', '{}', 'docs/access.md', NULL),
    ('resource_collections', 'configuration', '{}', 'docs/access.md', NULL),
    ('resource_library', 'configuration', '{}', 'docs/access.md', 'rows by the resource policy (agrees with can_access_resource)'),
    ('resource_library_program_tiers', 'configuration', '{}', 'docs/access.md', NULL),
    ('resource_library_programs', 'configuration', '{}', 'docs/access.md', NULL),
    ('resource_library_skills', 'configuration', '{}', 'docs/access.md', NULL),
    ('scenario_categories', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('scenario_sections', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('scenario_templates', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('section_paragraphs', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('session_type_roles', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('session_types', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('skills', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('storage_buckets', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('system_settings', 'configuration', '{}', 'docs/configuration.md', NULL),
    ('track_features', 'configuration', '{}', 'docs/entitlements.md', NULL),
    ('tracks', 'configuration', '{}', 'docs/entitlements.md', NULL),
    ('wheel_categories', 'configuration', '{}', 'docs/configuration.md', NULL),
    -- ledgers and data only the extension's functions write
    ('credit_batches', 'read_only', '{}', 'docs/credits.md', 'balances: written only by the ledger functions, whatever the caller''s platform role'),
    ('credit_ledger', 'read_only', '{}', 'docs/credits.md', 'append-only ledger: written only by the ledger functions'),
    ('credit_deductions', 'read_only', '{}', 'docs/credits.md', 'written only by the ledger functions'),
    ('credit_idempotency_keys', 'read_only', '{}', 'docs/credits.md', 'written only by the ledger functions'),
    ('credit_ai_usage', 'read_only', '{}', 'docs/credits.md', 'written only by the ledger functions'),
    ('credit_holds', 'read_only', '{}', 'docs/credits.md', 'written only by the ledger functions'),
    ('credit_expiry_notices', 'read_only', '{}', 'docs/credits.md', 'written only by queue_credit_expiry_notices'),
    ('org_sponsored_enrollments', 'read_only', '{}', 'docs/credits.md', 'written only by sponsor_enrollment'),
    ('email_outbox', 'read_only', '{}', 'docs/notifications.md', 'written by notify, queue_email and the outbox functions'),
    ('assessment_responses', 'read_only', '{}', 'docs/assessments.md', 'written by compute_assessment_scores'),
    ('resource_usage_tracking', 'read_only', '{}', 'docs/access.md', 'written by unlock_resource'),
    ('snapshot_domain_ratings', 'read_only', '{}', 'docs/assessments.md', 'computed by score_capability_snapshot'),
    ('feature_usage', 'service_metered', '{}', 'docs/entitlements.md', 'counted by record_feature_usage (service) and my_record_feature_usage'),
    ('user_credit_balances', 'service_view', '{}', 'docs/credits.md', 'a view: it reads as its owner, so never granted to users'),
    ('org_credit_balances', 'service_view', '{}', 'docs/credits.md', 'a view: it reads as its owner, so never granted to users'),
    -- user and organization data: the policies decide the rows
    ('assessment_interest_registrations', 'user_data', '{}', 'docs/assessments.md', NULL),
    ('capability_snapshots', 'user_data', '{overall_score,passed}', 'docs/assessments.md', 'scores are computed by score_capability_snapshot'),
    ('circle_community_sso', 'user_data', '{}', 'docs/access.md', NULL),
    ('client_coaches', 'user_data', '{}', 'docs/access.md', NULL),
    ('client_enrollments', 'user_data', '{}', 'docs/access.md', 'owners read; enrolment through my_enroll_in_program'),
    ('coach_feedback_attachments', 'user_data', '{}', 'docs/access.md', NULL),
    ('coach_instructor_requests', 'user_data', '{}', 'docs/access.md', NULL),
    ('coach_module_feedback', 'user_data', '{}', 'docs/access.md', 'the coach of the client writes (party check)'),
    ('cohort_sessions', 'user_data', '{}', 'docs/access.md', NULL),
    ('goal_comments', 'user_data', '{}', 'docs/access.md', 'the goal''s owner or her coach writes (party check)'),
    ('goal_milestones', 'user_data', '{}', 'docs/access.md', NULL),
    ('goal_resources', 'user_data', '{}', 'docs/access.md', NULL),
    ('goals', 'user_data', '{}', 'docs/access.md', NULL),
    ('group_members', 'user_data', '{}', 'docs/access.md', NULL),
    ('group_peer_assessments', 'user_data', '{}', 'docs/access.md', NULL),
    ('group_session_participants', 'user_data', '{}', 'docs/access.md', NULL),
    ('group_sessions', 'user_data', '{}', 'docs/access.md', NULL),
    ('groups', 'user_data', '{}', 'docs/access.md', NULL),
    ('member_sharing_consent', 'user_data', '{}', 'docs/access.md', NULL),
    ('module_assignment_attachments', 'user_data', '{}', 'docs/access.md', NULL),
    ('module_assignments', 'user_data', '{}', 'docs/access.md', 'the owner writes drafts and submits; grades and review are the coach''s (owner check)'),
    ('module_progress', 'user_data', '{}', 'docs/access.md', NULL),
    ('module_sessions', 'user_data', '{}', 'docs/access.md', NULL),
    ('notification_preferences', 'user_data', '{}', 'docs/notifications.md', NULL),
    ('notifications', 'user_data', '{}', 'docs/notifications.md', NULL),
    ('organization_members', 'user_data', '{sponsored_plan_id}', 'docs/access.md', 'managers manage the other members; sponsorship is set by the service'),
    ('organizations', 'user_data', '{platform_tier_id,is_active}', 'docs/access.md', 'managers edit the profile; the paid tier and activity are set by the service'),
    ('org_invitations', 'user_data', '{}', 'docs/access.md', NULL),
    ('paragraph_evaluations', 'user_data', '{}', 'docs/access.md', 'the coach of the client writes (party check)'),
    ('platform_terms_acceptances', 'user_data', '{}', 'docs/access.md', NULL),
    ('profiles', 'user_data', '{}', 'docs/access.md', NULL),
    ('program_coaches', 'user_data', '{}', 'docs/access.md', NULL),
    ('scenario_assignments', 'user_data', '{}', 'docs/access.md', NULL),
    ('scenario_responses', 'user_data', '{}', 'docs/access.md', NULL),
    ('session_module_links', 'user_data', '{}', 'docs/access.md', NULL),
    ('session_participants', 'user_data', '{}', 'docs/access.md', NULL),
    ('sessions', 'user_data', '{}', 'docs/access.md', NULL),
    ('snapshot_question_ratings', 'user_data', '{}', 'docs/assessments.md', NULL),
    ('talentlms_user_mappings', 'user_data', '{}', 'docs/access.md', NULL),
    ('user_add_ons', 'user_data', '{}', 'docs/entitlements.md', NULL),
    ('user_assessment_shares', 'user_data', '{}', 'docs/assessments.md', NULL),
    ('user_assessments', 'user_data', '{}', 'docs/assessments.md', NULL),
    ('user_external_links', 'user_data', '{}', 'docs/access.md', NULL),
    ('user_feature_denials', 'user_data', '{}', 'docs/entitlements.md', NULL),
    ('user_roles', 'user_data', '{}', 'docs/access.md', NULL),
    ('user_tracks', 'user_data', '{}', 'docs/entitlements.md', NULL),
    ('wheel_of_life_ratings', 'user_data', '{}', 'docs/access.md', NULL)
  ) AS t (name, class, fixed, doc, reason);

-- Policy holes of 0.1.0 ------------------------------------------------------------------------
-- Extra conditions a written row must meet, ANDed into the WITH CHECK (and for organization
-- managers also the USING) of the branch they name. They stay index-friendly: once-per-query
-- values compared with a column.
ALTER TABLE innotrue.rls_table_rules
    ADD COLUMN owner_check text,
    ADD COLUMN party_check text,
    ADD COLUMN org_check text;
COMMENT ON COLUMN innotrue.rls_table_rules.owner_check IS
    'Condition a row the owner writes must meet besides being hers (e.g. no grade on her own assignment); NULL = none.';
COMMENT ON COLUMN innotrue.rls_table_rules.party_check IS
    'Condition a row the party (party_column) writes must meet besides naming her: her relationship to the row''s owner (coach of that client); NULL = none.';
COMMENT ON COLUMN innotrue.rls_table_rules.org_check IS
    'Condition on the rows organization managers read and write besides the organization (e.g. not their own membership); NULL = none.';

UPDATE innotrue.rls_table_rules r
   SET owner_check = v.owner_check, party_check = v.party_check, org_check = v.org_check
  FROM (VALUES
    ('module_assignments',
     $c$status IN ('draft', 'submitted') AND overall_score IS NULL AND overall_comments IS NULL AND reviewed_at IS NULL AND reviewed_by IS NULL$c$,
     NULL, NULL),
    ('coach_instructor_requests', $c$status = 'pending' AND reviewed_by IS NULL AND reviewed_at IS NULL$c$, NULL, NULL),
    ('assessment_interest_registrations', $c$status = 'pending'$c$, NULL, NULL),
    ('coach_module_feedback', NULL, $c$user_id = ANY ((SELECT innotrue.my_client_ids())::uuid[])$c$, NULL),
    ('paragraph_evaluations', NULL, $c$user_id = ANY ((SELECT innotrue.my_client_ids())::uuid[])$c$, NULL),
    ('goal_comments', NULL,
     $c$(user_id = (SELECT innotrue.current_user_id()) OR user_id = ANY ((SELECT innotrue.my_client_ids())::uuid[]))$c$, NULL),
    ('organization_members', NULL, NULL, $c$user_id <> (SELECT innotrue.current_user_id())$c$)
  ) AS v (table_name, owner_check, party_check, org_check)
 WHERE r.table_name = v.table_name;

-- Organization managers read the members of their organizations through a separate read policy
-- (their own row through the owner policy); they write only the other members' rows.
CREATE OR REPLACE FUNCTION innotrue.rls_policy_catalogue()
RETURNS TABLE (table_name text, policy_name text, command text, using_expr text, check_expr text)
LANGUAGE sql
STABLE PARALLEL SAFE
AS $$
    WITH r AS (
        SELECT r.*, quote_ident(r.owner_column) AS oc, quote_ident(r.party_column) AS pc,
               quote_ident(r.org_column) AS gc
          FROM innotrue.rls_table_rules r
    ), p (table_name, policy_name, command, using_expr, check_expr) AS (
        SELECT r.table_name, 'innotrue_admin_all', 'ALL', '(SELECT innotrue.is_admin())', '(SELECT innotrue.is_admin())'
          FROM r WHERE r.special IS NULL
        UNION ALL
        SELECT r.table_name, 'innotrue_admin_' || c.cmd, upper(c.cmd),
               CASE WHEN c.cmd <> 'insert' THEN '(SELECT innotrue.is_admin())' END,
               CASE WHEN c.cmd <> 'delete' THEN '(SELECT innotrue.is_admin())' END
          FROM r CROSS JOIN (VALUES ('insert'), ('update'), ('delete')) c (cmd)
         WHERE r.special = 'resource_library'
        UNION ALL
        SELECT r.table_name, 'innotrue_resource_read', 'SELECT',
               $p$created_by = (SELECT innotrue.current_user_id())$p$
               || $p$ OR access_tokens && (SELECT innotrue.my_access_tokens())::text[]$p$
               || $p$ OR visibility >= (SELECT innotrue.my_admin_resource_key())$p$,
               NULL
          FROM r WHERE r.special = 'resource_library'
        UNION ALL
        SELECT r.table_name, 'innotrue_authenticated_read', 'SELECT',
               '(SELECT innotrue.current_user_id()) IS NOT NULL', NULL
          FROM r WHERE r.config_read
        UNION ALL
        SELECT r.table_name, 'innotrue_owner_' || r.owner_access,
               CASE r.owner_access WHEN 'read' THEN 'SELECT' WHEN 'insert' THEN 'INSERT' ELSE 'ALL' END,
               CASE WHEN r.owner_access <> 'insert' THEN r.oc || ' = (SELECT innotrue.current_user_id())' END,
               CASE WHEN r.owner_access <> 'read'
                    THEN r.oc || ' = (SELECT innotrue.current_user_id())' || coalesce(' AND ' || r.owner_check, '') END
          FROM r WHERE r.owner_column IS NOT NULL
        UNION ALL
        -- an owner who may insert also reads own rows
        SELECT r.table_name, 'innotrue_owner_read', 'SELECT', r.oc || ' = (SELECT innotrue.current_user_id())', NULL
          FROM r WHERE r.owner_access = 'insert'
        UNION ALL
        SELECT r.table_name, 'innotrue_coach_read', 'SELECT', r.oc || ' = ANY ((SELECT innotrue.my_client_ids())::uuid[])', NULL
          FROM r WHERE r.coach_access <> 'none'
        UNION ALL
        SELECT r.table_name, 'innotrue_coach_update', 'UPDATE', r.oc || ' = ANY ((SELECT innotrue.my_client_ids())::uuid[])',
               r.oc || ' = ANY ((SELECT innotrue.my_client_ids())::uuid[])'
          FROM r WHERE r.coach_access = 'write'
        UNION ALL
        SELECT r.table_name, 'innotrue_org_shared_read', 'SELECT',
               format('%s = ANY ((SELECT innotrue.my_org_shared_user_ids(%L))::uuid[])', r.oc, r.org_share), NULL
          FROM r WHERE r.org_share IS NOT NULL
        UNION ALL
        SELECT r.table_name, 'innotrue_party_' || r.party_access, CASE r.party_access WHEN 'read' THEN 'SELECT' ELSE 'ALL' END,
               r.pc || ' = (SELECT innotrue.current_user_id())',
               CASE WHEN r.party_access = 'write'
                    THEN r.pc || ' = (SELECT innotrue.current_user_id())' || coalesce(' AND ' || r.party_check, '') END
          FROM r WHERE r.party_column IS NOT NULL
        UNION ALL
        SELECT r.table_name, 'innotrue_org_members_read', 'SELECT',
               r.gc || ' = ANY ((SELECT innotrue.my_organization_ids(false))::uuid[])', NULL
          FROM r WHERE r.org_access = 'members_read_managers_write'
        UNION ALL
        SELECT r.table_name, 'innotrue_org_managers_read', 'SELECT',
               r.gc || ' = ANY ((SELECT innotrue.my_organization_ids(true))::uuid[])', NULL
          FROM r WHERE r.org_access = 'managers_read' OR (r.org_access = 'managers_write' AND r.org_check IS NOT NULL)
        UNION ALL
        SELECT r.table_name, 'innotrue_org_managers_write', 'ALL',
               r.gc || ' = ANY ((SELECT innotrue.my_organization_ids(true))::uuid[])' || coalesce(' AND ' || r.org_check, ''),
               r.gc || ' = ANY ((SELECT innotrue.my_organization_ids(true))::uuid[])' || coalesce(' AND ' || r.org_check, '')
          FROM r WHERE r.org_access IN ('managers_write', 'members_read_managers_write')
    )
    SELECT p.table_name, p.policy_name, p.command, p.using_expr, p.check_expr
      FROM p
     ORDER BY p.table_name, p.policy_name
$$;

-- Grants --------------------------------------------------------------------------------------

ALTER TABLE innotrue.rls_app_roles
    ADD COLUMN privilege_class text NOT NULL DEFAULT 'user'
        CONSTRAINT rls_app_roles_privilege_class_check
        CHECK (privilege_class IN ('anonymous', 'user', 'service', 'administrator'));
COMMENT ON COLUMN innotrue.rls_app_roles.privilege_class IS
    'The privilege class grant_access gave the role: anonymous, user, service or administrator (docs/security.md). A restored row grants it again.';

CREATE FUNCTION innotrue.revoke_privileges(role_name name)
RETURNS void
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE STRICT
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
BEGIN
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA innotrue FROM %I', role_name);
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA innotrue FROM %I', role_name);
    EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA innotrue FROM %I', role_name);
    EXECUTE format('REVOKE ALL ON SCHEMA innotrue FROM %I', role_name);
END
$$;
COMMENT ON FUNCTION innotrue.revoke_privileges(name) IS
    'Revokes every privilege role_name holds on the innotrue schema and its tables, views, sequences and functions (column privileges included). Unknown role: 42704.';

CREATE FUNCTION innotrue.apply_privileges(role_name name, privilege_class text)
RETURNS integer
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
DECLARE
    d record;
    privs text[];
    cols text;
    granted integer := 0;
BEGIN
    -- Start from nothing: whatever the role held before (0.1.0's broad grants among it) goes.
    PERFORM innotrue.revoke_privileges(role_name);
    EXECUTE format('GRANT USAGE ON SCHEMA innotrue TO %I', role_name);
    FOR d IN SELECT * FROM innotrue.privilege_decisions ORDER BY object_type, object_name LOOP
        privs := CASE apply_privileges.privilege_class
                     WHEN 'anonymous' THEN d.anonymous_may WHEN 'user' THEN d.user_may
                     WHEN 'service' THEN d.service_may WHEN 'administrator' THEN d.administrator_may END;
        CONTINUE WHEN cardinality(privs) = 0;
        IF d.object_type = 'function' THEN
            EXECUTE format('GRANT EXECUTE ON FUNCTION innotrue.%s TO %I', d.object_name, role_name);
        ELSIF apply_privileges.privilege_class = 'user' AND cardinality(d.user_fixed_columns) > 0 THEN
            SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
              FROM pg_attribute a
             WHERE a.attrelid = format('innotrue.%I', d.object_name)::regclass AND a.attnum > 0
               AND NOT a.attisdropped AND a.attgenerated = '' AND a.attname <> ALL (d.user_fixed_columns);
            EXECUTE format('GRANT %s ON innotrue.%I TO %I',
                           (SELECT string_agg(CASE WHEN p IN ('insert', 'update') THEN format('%s (%s)', p, cols) ELSE p END, ', ')
                              FROM unnest(privs) p),
                           d.object_name, role_name);
        ELSE
            EXECUTE format('GRANT %s ON innotrue.%I TO %I', array_to_string(privs, ', '), d.object_name, role_name);
        END IF;
        granted := granted + 1;
    END LOOP;
    RETURN granted;
END
$$;
COMMENT ON FUNCTION innotrue.apply_privileges(name, text) IS
    'Revokes every privilege role_name holds on the extension''s tables, sequences and functions, then grants USAGE on the schema and exactly what innotrue.privilege_decisions says for privilege_class. Returns the number of objects granted. Called by grant_access and by the restore trigger of rls_app_roles.';

-- The row-level security setup, now without any grant of its own (0.1.0 granted every table to the
-- role and to anon, authenticated and service_role): the grants are apply_privileges'.
CREATE OR REPLACE FUNCTION innotrue.apply_row_level_security(app_role name)
RETURNS integer
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
DECLARE
    p record;
    t record;
    created integer := 0;
BEGIN
    PERFORM innotrue.require_role(app_role);
    PERFORM innotrue.add_default_rls_rules();
    PERFORM innotrue.drop_rls_policies();
    FOR t IN SELECT s.table_name FROM innotrue.schema_tables s
               JOIN pg_class c ON c.relname = s.table_name AND c.relnamespace = 'innotrue'::regnamespace
              WHERE NOT c.relrowsecurity ORDER BY s.table_name LOOP
        EXECUTE format('ALTER TABLE innotrue.%I ENABLE ROW LEVEL SECURITY', t.table_name);
    END LOOP;
    FOR p IN SELECT * FROM innotrue.rls_policy_catalogue() LOOP
        EXECUTE format('CREATE POLICY %I ON innotrue.%I FOR %s%s%s', p.policy_name, p.table_name, p.command,
                       ' USING (' || p.using_expr || ')', ' WITH CHECK (' || p.check_expr || ')');
        created := created + 1;
    END LOOP;
    PERFORM innotrue.apply_privileges(app_role,
                                      coalesce((SELECT r.privilege_class FROM innotrue.rls_app_roles r
                                                 WHERE r.role_name = app_role), 'user'));
    RETURN created;
END
$$;
COMMENT ON FUNCTION innotrue.apply_row_level_security(name) IS
    'The work of grant_access: enables row-level security on every innotrue table, (re)creates the policies of innotrue.rls_policy_catalogue() and grants app_role what its privilege class (innotrue.rls_app_roles, user when unrecorded) is decided to get (apply_privileges). Returns the number of policies. Unknown role: error 42704.';

CREATE FUNCTION innotrue.grant_access(role_name name, privilege_class text)
RETURNS integer
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
DECLARE
    bypasses boolean;
BEGIN
    PERFORM innotrue.require_role(role_name);
    IF privilege_class IS NULL OR privilege_class NOT IN ('anonymous', 'user', 'service', 'administrator') THEN
        RAISE EXCEPTION 'unknown privilege class "%"', privilege_class
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The classes are anonymous, user, service and administrator (docs/security.md).';
    END IF;
    SELECT r.rolbypassrls OR r.rolsuper INTO bypasses FROM pg_catalog.pg_roles r WHERE r.rolname = role_name;
    -- service and administrator act for every user: they read past the policies. anonymous and
    -- user must never: the policies are what confines them.
    IF privilege_class IN ('service', 'administrator') AND NOT bypasses THEN
        RAISE EXCEPTION 'role "%" of class % must bypass row-level security', role_name, privilege_class
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Run ALTER ROLE %I BYPASSRLS as a superuser first.', role_name);
    ELSIF privilege_class IN ('anonymous', 'user') AND bypasses THEN
        RAISE EXCEPTION 'role "%" bypasses row-level security and cannot be of class %', role_name, privilege_class
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Run ALTER ROLE %I NOBYPASSRLS, or use a role without it.', role_name);
    END IF;
    -- A new row applies the policies and the grants through its trigger; a known role is updated
    -- and applied here.
    INSERT INTO innotrue.rls_app_roles (role_name, privilege_class)
    VALUES (grant_access.role_name, grant_access.privilege_class)
    ON CONFLICT ON CONSTRAINT rls_app_roles_role_name_key DO NOTHING;
    IF NOT FOUND THEN
        UPDATE innotrue.rls_app_roles r SET privilege_class = grant_access.privilege_class
         WHERE r.role_name = grant_access.role_name;
        PERFORM innotrue.apply_row_level_security(role_name);
    END IF;
    RETURN (SELECT count(*)::integer FROM innotrue.privilege_decisions d
             WHERE cardinality(CASE grant_access.privilege_class
                                   WHEN 'anonymous' THEN d.anonymous_may WHEN 'user' THEN d.user_may
                                   WHEN 'service' THEN d.service_may ELSE d.administrator_may END) > 0);
END
$$;
COMMENT ON FUNCTION innotrue.grant_access(name, text) IS
    'The one grant call (docs/security.md): makes role_name a member of privilege class anonymous, user, service or administrator. Enables row-level security and the policies, revokes what the role held on the extension and grants exactly the class''s decisions (innotrue.privilege_decisions), and records the role in rls_app_roles so that a restored dump grants it again. Run by the database owner once per role and again after ALTER EXTENSION UPDATE (idempotent). Returns the number of objects granted. Errors: unknown role 42704; unknown class 22023; service or administrator without BYPASSRLS, or anonymous or user with it, 55000.';

-- enable_row_level_security(app_role) keeps its 0.1.0 meaning for an application role: grant_access
-- as class user (or the role's recorded class). It no longer grants anything to anon,
-- authenticated or service_role on its own: each gets its own grant_access call.
CREATE OR REPLACE FUNCTION innotrue.enable_row_level_security(app_role name)
RETURNS integer
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
BEGIN
    PERFORM innotrue.grant_access(app_role,
                                  coalesce((SELECT r.privilege_class FROM innotrue.rls_app_roles r
                                             WHERE r.role_name = app_role), 'user'));
    RETURN (SELECT count(*)::integer FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
             WHERE c.relnamespace = 'innotrue'::regnamespace AND p.polname LIKE 'innotrue\_%');
END
$$;
COMMENT ON FUNCTION innotrue.enable_row_level_security(name) IS
    'grant_access(app_role, ''user'') (or the role''s recorded class), returning the number of innotrue_* policies as in 0.1.0. Nothing is granted to other roles: anon, authenticated and service_role each need their own grant_access call (docs/postgrest.md). Unknown role: error 42704.';

CREATE OR REPLACE FUNCTION innotrue.disable_row_level_security(app_role name)
RETURNS integer
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
DECLARE
    t record;
    dropped integer;
BEGIN
    PERFORM innotrue.require_role(app_role);
    DELETE FROM innotrue.rls_app_roles WHERE role_name = app_role;
    dropped := innotrue.drop_rls_policies();
    FOR t IN SELECT table_name FROM innotrue.schema_tables ORDER BY table_name LOOP
        -- rls_app_roles keeps its row security (it has no policy of its own anyway)
        IF t.table_name <> 'rls_app_roles' THEN
            EXECUTE format('ALTER TABLE innotrue.%I DISABLE ROW LEVEL SECURITY', t.table_name);
        END IF;
    END LOOP;
    PERFORM innotrue.revoke_privileges(app_role);
    RETURN dropped;
END
$$;
COMMENT ON FUNCTION innotrue.disable_row_level_security(name) IS
    'Undoes grant_access for app_role: drops the innotrue_* policies, disables row-level security on every innotrue table and revokes every privilege app_role holds on the extension. Returns the number of policies dropped. Unknown role: error 42704.';

-- Functions that must work for the class they are granted to: claim_notifications and the other
-- outbox functions, notify, queue_email and score_capability_snapshot run as the owner since this
-- version. The ALTER FUNCTION statements are in 90_default_deny.sql, after every area's part, so
-- that a CREATE OR REPLACE of one of them in another part cannot turn it back into an invoker
-- function.

-- Current-user forms ----------------------------------------------------------------------------
-- Each acts only for innotrue.current_user_id() and calls the service form as the owner (the user
-- class may not execute the service form). 0.1.0's current-user forms of the entitlement functions
-- called their service forms as the caller; they now run as the owner too.
-- (ALTER FUNCTION ... SECURITY DEFINER of these five: 90_default_deny.sql.)

CREATE FUNCTION innotrue.my_credit_balance(OUT available bigint, OUT held bigint, OUT by_source jsonb,
                                           OUT next_expiring_amount bigint, OUT next_expiring_at timestamptz)
RETURNS record
LANGUAGE sql
VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM innotrue.credit_balance(innotrue.current_user_id()) $$;
COMMENT ON FUNCTION innotrue.my_credit_balance() IS
    'credit_balance of innotrue.current_user_id(): her own balance only; NULL for an anonymous caller. Errors as credit_balance.';

CREATE FUNCTION innotrue.my_entitlements()
RETURNS TABLE (feature_key text, enabled boolean, limit_value integer, used integer, remaining integer,
               source text, sources text[], denied boolean)
LANGUAGE sql
STABLE PARALLEL SAFE ROWS 20
AS $$ SELECT * FROM innotrue.resolve_entitlements() $$;
COMMENT ON FUNCTION innotrue.my_entitlements() IS
    'resolve_entitlements of innotrue.current_user_id(): one row per feature she is granted or denied; no rows for an anonymous caller. No errors of its own.';

CREATE FUNCTION innotrue.my_explain_entitlement(feature_key text)
RETURNS jsonb
LANGUAGE sql
STABLE PARALLEL SAFE
AS $$ SELECT innotrue.explain_entitlement(my_explain_entitlement.feature_key) $$;
COMMENT ON FUNCTION innotrue.my_explain_entitlement(text) IS
    'explain_entitlement of innotrue.current_user_id() for one feature: why she has or lacks it; NULL for an anonymous caller. Unknown feature key: 42704.';

CREATE FUNCTION innotrue.my_record_feature_usage(feature_key text, amount integer DEFAULT 1)
RETURNS integer
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    me uuid := innotrue.current_user_id();
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'no current user to record feature usage for'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Anonymous callers have no usage; the identity is innotrue.current_user_id().';
    END IF;
    RETURN innotrue.record_feature_usage(me, my_record_feature_usage.feature_key, my_record_feature_usage.amount, now());
END
$$;
COMMENT ON FUNCTION innotrue.my_record_feature_usage(text, integer) IS
    'record_feature_usage for innotrue.current_user_id() now: she meters her own use (uses only ever count against her). Returns the remaining uses (NULL = unlimited). Errors: anonymous 22004; as record_feature_usage (amount <= 0 22023, not granted 42501, limit exceeded 54000, unknown feature 42704).';

CREATE FUNCTION innotrue.my_enroll_in_program(program_id uuid, tier text DEFAULT NULL)
RETURNS uuid
LANGUAGE sql
VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT innotrue.enroll_in_program(innotrue.current_user_id(), my_enroll_in_program.program_id, my_enroll_in_program.tier) $$;
COMMENT ON FUNCTION innotrue.my_enroll_in_program(uuid, text) IS
    'enroll_in_program for innotrue.current_user_id(): she enrolls herself and pays the price from her own credits. Returns the enrollment id. Errors as enroll_in_program (an anonymous caller: its NULL user error).';

CREATE FUNCTION innotrue.my_express_assessment_interest(psychometric_assessment_id uuid)
RETURNS uuid
LANGUAGE sql
VOLATILE PARALLEL UNSAFE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT innotrue.express_assessment_interest(innotrue.current_user_id(), my_express_assessment_interest.psychometric_assessment_id) $$;
COMMENT ON FUNCTION innotrue.my_express_assessment_interest(uuid) IS
    'express_assessment_interest for innotrue.current_user_id(): she registers her own interest. Returns the registration id; NULL for an anonymous caller. Errors as express_assessment_interest (unknown or inactive entry 22023, feature not granted 42501).';

CREATE FUNCTION innotrue.my_score_capability_snapshot(snapshot_id uuid)
RETURNS jsonb
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    me uuid := innotrue.current_user_id();
    owner_id uuid;
    evaluator uuid;
BEGIN
    SELECT s.user_id, s.evaluator_id INTO owner_id, evaluator
      FROM innotrue.capability_snapshots s WHERE s.id = my_score_capability_snapshot.snapshot_id;
    IF NOT FOUND OR me IS NULL
       OR NOT (owner_id = me OR coalesce(evaluator = me, false) OR owner_id = ANY (innotrue.my_client_ids()) OR innotrue.is_admin()) THEN
        RAISE EXCEPTION 'capability snapshot % is not yours to score', my_score_capability_snapshot.snapshot_id
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Its owner, its evaluator, her coaches and platform admins score a snapshot.';
    END IF;
    RETURN innotrue.score_capability_snapshot(my_score_capability_snapshot.snapshot_id);
END
$$;
COMMENT ON FUNCTION innotrue.my_score_capability_snapshot(uuid) IS
    'score_capability_snapshot for a snapshot of innotrue.current_user_id(), one she evaluates, one of a client she coaches, or any for a platform admin; the scores come from the stored ratings. Errors: someone else''s or unknown snapshot 42501; as score_capability_snapshot.';

-- The matrix ------------------------------------------------------------------------------------

CREATE FUNCTION innotrue.privilege_matrix()
RETURNS TABLE (object_type text, object_name text, volatility text, security text,
               anonymous_may text, user_may text, service_may text, administrator_may text,
               policies text, summary text, doc text)
LANGUAGE sql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
    WITH f AS (
        SELECT p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')' AS name, p.oid, p.provolatile, p.prosecdef
          FROM pg_catalog.pg_proc p
         WHERE p.pronamespace = 'innotrue'::regnamespace
    ), c AS (
        SELECT c.relname::text AS name, c.oid, c.relkind
          FROM pg_catalog.pg_class c
         WHERE c.relnamespace = 'innotrue'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
    ), pol AS (
        SELECT r.table_name, string_agg(replace(r.policy_name, 'innotrue_', ''), ', ' ORDER BY r.policy_name) AS names
          FROM innotrue.rls_policy_catalogue() r GROUP BY r.table_name
    )
    SELECT d.object_type, d.object_name,
           CASE f.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' WHEN 'v' THEN 'volatile' END,
           CASE WHEN d.object_type = 'table' THEN CASE c.relkind WHEN 'v' THEN 'view' ELSE 'table' END
                WHEN f.prosecdef THEN 'definer' ELSE 'invoker' END,
           array_to_string(d.anonymous_may, ', '),
           array_to_string(d.user_may, ', ')
               || CASE WHEN cardinality(d.user_fixed_columns) > 0
                       THEN ' (not ' || array_to_string(d.user_fixed_columns, ', ') || ')' ELSE '' END,
           array_to_string(d.service_may, ', '),
           array_to_string(d.administrator_may, ', '),
           pol.names,
           coalesce(CASE WHEN length(x.sentence) > 200 THEN left(x.sentence, 197) || '...' ELSE x.sentence END, d.reason),
           d.doc
      FROM innotrue.privilege_decisions d
      LEFT JOIN f ON d.object_type = 'function' AND f.name = d.object_name
      LEFT JOIN c ON d.object_type = 'table' AND c.name = d.object_name
      LEFT JOIN pol ON pol.table_name = d.object_name AND d.object_type = 'table'
      CROSS JOIN LATERAL (
          SELECT coalesce(substring(t.comment FROM '^(.*?[.])(\s|$)'), t.comment) AS sentence
            FROM (SELECT pg_catalog.obj_description(coalesce(f.oid, c.oid),
                                                    CASE d.object_type WHEN 'function' THEN 'pg_proc' ELSE 'pg_class' END)
                         AS comment) t) x
     ORDER BY d.object_type, d.object_name
$$;
COMMENT ON FUNCTION innotrue.privilege_matrix() IS
    'The privilege matrix (docs/privileges.md is generated from it): every function with its volatility, security (definer or invoker) and the classes that may execute it, and every table and view with the privileges of each class and its row-level security policies; a one-line summary and the doc page. No errors.';
