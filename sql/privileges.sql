-- Default deny (issue 16, docs/security.md): every function, table and view of the installed
-- extension has an explicit decision in innotrue.privilege_decisions, no decision names something
-- that does not exist, nothing is usable by PUBLIC, and the decisions keep the rules of the design.
-- Every query below lists offenders: an empty result is the pass.

-- Functions and relations of the extension without a decision.
SELECT 'function' AS object_type, p.proname || '(' || oidvectortypes(p.proargtypes) || ')' AS undecided
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'innotrue'
 WHERE NOT EXISTS (SELECT 1 FROM innotrue.privilege_decisions x
                    WHERE x.object_type = 'function' AND x.object_name = p.proname || '(' || oidvectortypes(p.proargtypes) || ')')
UNION ALL
SELECT 'table', c.relname
  FROM pg_class c
  JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'innotrue'
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
   AND NOT EXISTS (SELECT 1 FROM innotrue.privilege_decisions x WHERE x.object_type = 'table' AND x.object_name = c.relname)
ORDER BY 1, 2;

-- Objects in the schema that do not belong to the extension (each would escape the decisions).
SELECT p.oid::regprocedure::text AS not_in_extension FROM pg_proc p
 WHERE p.pronamespace = 'innotrue'::regnamespace
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT c.oid::regclass::text FROM pg_class c
 WHERE c.relnamespace = 'innotrue'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e');

-- Decisions naming nothing.
SELECT x.object_type, x.object_name AS decided_but_missing
  FROM innotrue.privilege_decisions x
 WHERE (x.object_type = 'function'
        AND NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace = 'innotrue'::regnamespace
                          AND p.proname || '(' || oidvectortypes(p.proargtypes) || ')' = x.object_name))
    OR (x.object_type = 'table' AND to_regclass('innotrue.' || quote_ident(x.object_name)) IS NULL)
 ORDER BY 1, 2;

-- Anything PUBLIC may use (a NULL ACL is the default one: EXECUTE for PUBLIC on a function).
SELECT 'function' AS kind, p.oid::regprocedure::text AS public_may
  FROM pg_proc p
 WHERE p.pronamespace = 'innotrue'::regnamespace
   AND EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a WHERE a.grantee = 0)
UNION ALL
SELECT 'relation', c.oid::regclass::text
  FROM pg_class c
 WHERE c.relnamespace = 'innotrue'::regnamespace
   AND EXISTS (SELECT 1 FROM aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a WHERE a.grantee = 0)
UNION ALL
SELECT 'schema', n.nspname::text
  FROM pg_namespace n
 WHERE n.nspname = 'innotrue'
   AND EXISTS (SELECT 1 FROM aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a WHERE a.grantee = 0)
ORDER BY 1, 2;

-- Rules of the design the decisions must keep:
-- a trigger is never granted (PostgreSQL does not check EXECUTE when it fires);
-- a function the anonymous or user class may call takes no user or owner id (a current-user form
-- acts for current_user_id() only);
-- the owner's grant machinery is granted to nobody;
-- the credit tables and the other ledgers are written by no class;
-- SECURITY DEFINER functions pin their search_path.
SELECT x.object_name AS granted_trigger
  FROM innotrue.privilege_decisions x
  JOIN pg_proc p ON p.pronamespace = 'innotrue'::regnamespace
                AND p.proname || '(' || oidvectortypes(p.proargtypes) || ')' = x.object_name
 WHERE x.object_type = 'function' AND p.prorettype = 'trigger'::regtype
   AND cardinality(x.anonymous_may || x.user_may || x.service_may || x.administrator_may) > 0;

SELECT x.object_name AS user_may_act_for_another
  FROM innotrue.privilege_decisions x
  JOIN pg_proc p ON p.pronamespace = 'innotrue'::regnamespace
                AND p.proname || '(' || oidvectortypes(p.proargtypes) || ')' = x.object_name
 WHERE x.object_type = 'function' AND cardinality(x.anonymous_may || x.user_may) > 0
   AND p.proargnames && ARRAY['user_id', 'owner', 'organization_id']
 ORDER BY 1;

SELECT x.object_name AS machinery_granted
  FROM innotrue.privilege_decisions x
 WHERE x.object_type = 'function'
   AND split_part(x.object_name, '(', 1) IN ('grant_access', 'apply_privileges', 'revoke_privileges', 'apply_row_level_security',
                                             'enable_row_level_security', 'disable_row_level_security',
                                             'drop_rls_policies', 'add_default_rls_rules', 'load_demo_data', 'register_table')
   AND cardinality(x.anonymous_may || x.user_may || x.service_may || x.administrator_may) > 0;

SELECT x.object_name AS ledger_writable
  FROM innotrue.privilege_decisions x
 WHERE x.object_type = 'table'
   AND (x.object_name LIKE 'credit\_%' OR x.object_name IN ('org_sponsored_enrollments', 'email_outbox', 'snapshot_domain_ratings'))
   AND x.object_name NOT IN ('credit_services', 'credit_service_track_prices', 'credit_topup_packages')
   AND (x.anonymous_may || x.user_may || x.service_may || x.administrator_may) && ARRAY['insert', 'update', 'delete'];

SELECT p.oid::regprocedure AS definer_without_search_path
  FROM pg_proc p
 WHERE p.pronamespace = 'innotrue'::regnamespace AND p.prosecdef
   AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=pg\_catalog%');

-- Functions that must run as the owner to work for the class they are granted to (90_default_deny.sql).
SELECT p.oid::regprocedure AS must_run_as_owner
  FROM pg_proc p
 WHERE p.oid IN ('innotrue.claim_notifications(integer, text, interval)'::regprocedure,
                 'innotrue.outbox_lease(uuid, text)'::regprocedure, 'innotrue.complete_notification(uuid, text)'::regprocedure,
                 'innotrue.fail_notification(uuid, text, text)'::regprocedure, 'innotrue.notify(uuid, text, jsonb)'::regprocedure,
                 'innotrue.queue_email(uuid, text, text, jsonb, uuid, uuid)'::regprocedure,
                 'innotrue.score_capability_snapshot(uuid)'::regprocedure, 'innotrue.has_feature(text)'::regprocedure,
                 'innotrue.feature_limit(text)'::regprocedure, 'innotrue.effective_plan_tier()'::regprocedure,
                 'innotrue.resolve_entitlements()'::regprocedure, 'innotrue.explain_entitlement(text)'::regprocedure)
   AND NOT p.prosecdef;

-- The judged columns the user class may not write exist.
SELECT x.object_name, c AS unknown_fixed_column
  FROM innotrue.privilege_decisions x, unnest(x.user_fixed_columns) c
 WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a
                    WHERE a.attrelid = ('innotrue.' || x.object_name)::regclass AND a.attname = c AND NOT a.attisdropped);

-- The classes in numbers, and the matrix covers every decision with a summary and a doc page.
SELECT count(*) FILTER (WHERE cardinality(anonymous_may) > 0) AS anonymous,
       count(*) FILTER (WHERE cardinality(user_may) > 0) AS "user",
       count(*) FILTER (WHERE cardinality(service_may) > 0) AS service,
       count(*) FILTER (WHERE cardinality(administrator_may) > 0) AS administrator,
       count(*) FILTER (WHERE cardinality(anonymous_may || user_may || service_may || administrator_may) = 0) AS nobody
  FROM innotrue.privilege_decisions WHERE object_type = 'function';
SELECT object_name AS anonymous_may_call FROM innotrue.privilege_decisions
 WHERE object_type = 'function' AND cardinality(anonymous_may) > 0 ORDER BY 1;
SELECT count(*) = (SELECT count(*) FROM innotrue.privilege_decisions) AS matrix_complete,
       count(*) FILTER (WHERE summary IS NULL OR volatility IS NULL AND object_type = 'function') AS without_summary
  FROM innotrue.privilege_matrix();
SELECT * FROM innotrue.privilege_matrix() WHERE object_name IN ('deduct_credits(uuid, text, integer, text, jsonb)', 'my_credit_balance()', 'capability_snapshots', 'credit_batches');

-- grant_access refuses what it cannot do safely, and changes nothing then.
CREATE ROLE privileges_test_bypass BYPASSRLS;
\set VERBOSITY terse
SELECT innotrue.grant_access('privileges_test_bypass', 'user');
SELECT innotrue.grant_access('privileges_test_bypass', NULL);
\set VERBOSITY default
SELECT count(*) AS recorded FROM innotrue.rls_app_roles WHERE role_name = 'privileges_test_bypass';
DROP ROLE privileges_test_bypass;

-- Upgrading a 0.1.0 database whose application role had 0.1.0's broad grants: the sweep leaves it
-- exactly the user class's privileges and this version's policies.
\set origdb :DBNAME
SET client_min_messages = warning;
DROP DATABASE IF EXISTS innotrue_privileges_upgrade;
DROP ROLE IF EXISTS privileges_upgrade_app;
CREATE DATABASE innotrue_privileges_upgrade;
RESET client_min_messages;
\c innotrue_privileges_upgrade
CREATE ROLE privileges_upgrade_app NOLOGIN;
CREATE EXTENSION innotrue VERSION '0.1.0';
SELECT innotrue.enable_row_level_security('privileges_upgrade_app') > 0 AS enabled_on_0_1_0;
SELECT has_table_privilege('privileges_upgrade_app', 'innotrue.credit_batches', 'INSERT') AS may_insert_batches,
       has_function_privilege('privileges_upgrade_app', 'innotrue.deduct_credits(uuid, text, integer, text, jsonb)', 'EXECUTE') AS may_deduct;
ALTER EXTENSION innotrue UPDATE TO '0.2.0';
SELECT has_table_privilege('privileges_upgrade_app', 'innotrue.credit_batches', 'INSERT') AS may_insert_batches,
       has_table_privilege('privileges_upgrade_app', 'innotrue.credit_batches', 'SELECT') AS may_read_batches,
       has_function_privilege('privileges_upgrade_app', 'innotrue.deduct_credits(uuid, text, integer, text, jsonb)', 'EXECUTE') AS may_deduct,
       has_function_privilege('privileges_upgrade_app', 'innotrue.my_credit_balance()', 'EXECUTE') AS may_read_own_balance,
       has_column_privilege('privileges_upgrade_app', 'innotrue.capability_snapshots', 'overall_score', 'UPDATE') AS may_write_scores;
SELECT role_name, privilege_class FROM innotrue.rls_app_roles;
SELECT (SELECT count(*) FROM pg_policies WHERE schemaname = 'innotrue') = (SELECT count(*) FROM innotrue.rls_policy_catalogue()) AS policies_current;
\c :origdb
SET client_min_messages = warning;
DROP DATABASE innotrue_privileges_upgrade;
DROP ROLE privileges_upgrade_app;
