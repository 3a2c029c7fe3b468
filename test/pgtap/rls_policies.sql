-- Row-level security policies (src/schema/70_access.sql): enable_row_level_security creates exactly
-- the catalogue of innotrue.rls_policy_catalogue() on every table, idempotently; the hand-checked
-- policy sets of the tables that matter most; disable removes them again.
\set QUIET on
BEGIN;
CREATE ROLE tap_app NOLOGIN;
SELECT plan(31 + (SELECT count(*)::int FROM innotrue.schema_tables));
SELECT count(*)::int AS npolicies FROM innotrue.rls_policy_catalogue() \gset

SELECT is((SELECT count(*)::int FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
            WHERE c.relnamespace = 'innotrue'::regnamespace), 0,
          'CREATE EXTENSION creates no policy (they would be dumped twice)');
SELECT throws_ok($$SELECT innotrue.enable_row_level_security('no_such_role')$$, '42704',
                 'role "no_such_role" does not exist', 'enable_row_level_security refuses an unknown role');
SELECT is(innotrue.enable_row_level_security('tap_app'), :npolicies,
          'enable_row_level_security creates every policy of the catalogue');
SELECT is(innotrue.enable_row_level_security('tap_app'), :npolicies,
          'a second call recreates the same policies');
SELECT is((SELECT count(*)::int FROM pg_policies WHERE schemaname = 'innotrue'),
          :npolicies, 'no duplicates after the second call');
SELECT is_empty($$SELECT c.relname FROM pg_class c JOIN innotrue.schema_tables t ON t.table_name = c.relname
                   WHERE c.relnamespace = 'innotrue'::regnamespace AND NOT c.relrowsecurity$$,
                'row-level security is enabled on every registered table');
SELECT is_empty($$SELECT table_name FROM innotrue.schema_tables
                  EXCEPT SELECT table_name FROM innotrue.rls_policy_catalogue() WHERE policy_name LIKE 'innotrue_admin_%'$$,
                'every table has an admin policy');
SELECT is_empty($$SELECT table_name FROM innotrue.schema_tables EXCEPT SELECT table_name FROM innotrue.rls_table_rules$$,
                'every table has a rules row');

-- Each table: exactly the policies of its rules.
SELECT policies_are('innotrue', t.table_name,
                    ARRAY(SELECT c.policy_name FROM innotrue.rls_policy_catalogue() c WHERE c.table_name = t.table_name),
                    format('policies of innotrue.%s', t.table_name))
  FROM innotrue.schema_tables t ORDER BY t.table_name;

-- Hand-checked sets.
SELECT policies_are('innotrue', 'resource_library',
                    ARRAY['innotrue_admin_delete', 'innotrue_admin_insert', 'innotrue_admin_update', 'innotrue_resource_read']);
SELECT policies_are('innotrue', 'goals',
                    ARRAY['innotrue_admin_all', 'innotrue_owner_write', 'innotrue_coach_read', 'innotrue_org_shared_read']);
SELECT policies_are('innotrue', 'module_assignments',
                    ARRAY['innotrue_admin_all', 'innotrue_owner_write', 'innotrue_coach_read', 'innotrue_coach_update',
                          'innotrue_org_shared_read']);
SELECT policies_are('innotrue', 'coach_module_feedback',
                    ARRAY['innotrue_admin_all', 'innotrue_owner_read', 'innotrue_coach_read', 'innotrue_org_shared_read',
                          'innotrue_party_write']);
SELECT policies_are('innotrue', 'profiles',
                    ARRAY['innotrue_admin_all', 'innotrue_owner_read', 'innotrue_coach_read', 'innotrue_org_shared_read']);
SELECT policies_are('innotrue', 'user_roles', ARRAY['innotrue_admin_all', 'innotrue_owner_read']);
SELECT policies_are('innotrue', 'platform_terms_acceptances',
                    ARRAY['innotrue_admin_all', 'innotrue_owner_insert', 'innotrue_owner_read']);
SELECT policies_are('innotrue', 'assessment_option_scores', ARRAY['innotrue_admin_all']);
SELECT policies_are('innotrue', 'programs', ARRAY['innotrue_admin_all', 'innotrue_authenticated_read']);
SELECT policies_are('innotrue', 'organizations',
                    ARRAY['innotrue_admin_all', 'innotrue_org_members_read', 'innotrue_org_managers_write']);
-- managers read every membership of their organizations but write only the others' (org_check)
SELECT policies_are('innotrue', 'organization_members',
                    ARRAY['innotrue_admin_all', 'innotrue_owner_read', 'innotrue_org_shared_read', 'innotrue_org_managers_read',
                          'innotrue_org_managers_write']);
SELECT policies_are('innotrue', 'credit_ledger', ARRAY['innotrue_admin_all', 'innotrue_owner_read', 'innotrue_org_managers_read']);
SELECT policies_are('innotrue', 'email_outbox', ARRAY['innotrue_admin_all']);
SELECT policies_are('innotrue', 'client_coaches', ARRAY['innotrue_admin_all', 'innotrue_owner_read', 'innotrue_party_read']);

-- Policies never call a function per row: every function call is inside an InitPlan (SELECT ...).
SELECT is_empty($$SELECT table_name, policy_name FROM innotrue.rls_policy_catalogue()
                   WHERE regexp_replace(coalesce(using_expr, '') || coalesce(check_expr, ''),
                                        '\(SELECT innotrue\.[a-z_]+\([^()]*\)\)', '', 'g') ~ '\('
                     AND regexp_replace(regexp_replace(coalesce(using_expr, '') || coalesce(check_expr, ''),
                                        '\(SELECT innotrue\.[a-z_]+\([^()]*\)\)(::[a-z]+\[\])?', 'P', 'g'),
                                        'ANY \(P\)|\(|\)', '', 'g') ~ '[a-z_]+\('$$,
                'no policy calls a function outside an InitPlan');

-- Grants: the application role may use the tables (the policies pick the rows) and unlock for itself only.
SELECT table_privs_are('innotrue', 'goals', 'tap_app', ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
SELECT function_privs_are('innotrue', 'unlock_resource', ARRAY['uuid', 'uuid'], 'tap_app', ARRAY[]::text[]);
SELECT function_privs_are('innotrue', 'unlock_resource', ARRAY['uuid'], 'tap_app', ARRAY['EXECUTE']);

-- disable: no innotrue policy left, RLS off, privileges gone; enable again restores them.
SELECT is(innotrue.disable_row_level_security('tap_app'), :npolicies,
          'disable_row_level_security drops every policy');
SELECT is_empty($$SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'innotrue'::regnamespace AND c.relrowsecurity
                     AND c.relname <> 'rls_app_roles'$$,
                'row-level security is off everywhere (but on the owner-only rls_app_roles)');
SELECT table_privs_are('innotrue', 'goals', 'tap_app', ARRAY[]::text[]);
SELECT is(innotrue.enable_row_level_security('tap_app'), :npolicies,
          'and enable brings them back');
SELECT is((SELECT array_agg(role_name::text) FROM innotrue.rls_app_roles), ARRAY['tap_app'],
          'the role is recorded once, for a restore to apply the policies again');

SELECT * FROM finish();
ROLLBACK;
