
-- Default deny, the closing sweep of the step (issue 16; docs/security.md). It runs after every
-- area's part, so no later part can leave anything open: nothing of the extension stays usable by
-- PUBLIC, no role keeps a privilege that innotrue.grant_access did not give it, and every role
-- grant_access recorded gets its class's decisions again (the functions and tables this step
-- added among them) and the policies as this version writes them. A new function or table needs a
-- row in innotrue.privilege_decisions (10_privileges.sql says how); the privileges test refuses
-- one without.

-- Functions that run as the owner since this version (10_privileges.sql says why), declared last so
-- that no earlier part's CREATE OR REPLACE undoes it; sql/privileges.sql checks them.
-- The outbox sender (service) claims, completes and fails rows whatever the row-level security of
-- email_outbox says: these run as the owner (0.1.0 ran them as the caller, and a sender role under
-- RLS silently claimed nothing).
ALTER FUNCTION innotrue.claim_notifications(integer, text, interval) SECURITY DEFINER SET search_path = pg_catalog, innotrue, pg_temp;
ALTER FUNCTION innotrue.outbox_lease(uuid, text) SECURITY DEFINER SET search_path = pg_catalog, innotrue, pg_temp;
ALTER FUNCTION innotrue.complete_notification(uuid, text) SECURITY DEFINER SET search_path = pg_catalog, innotrue, pg_temp;
ALTER FUNCTION innotrue.fail_notification(uuid, text, text) SECURITY DEFINER SET search_path = pg_catalog, innotrue, pg_temp;
-- notify and queue_email write notifications and the outbox: the service needs no table grant.
ALTER FUNCTION innotrue.notify(uuid, text, jsonb) SECURITY DEFINER SET search_path = pg_catalog, innotrue, pg_temp;
ALTER FUNCTION innotrue.queue_email(uuid, text, text, jsonb, uuid, uuid) SECURITY DEFINER SET search_path = pg_catalog, innotrue, pg_temp;
-- The scores of a snapshot are written by the scoring alone (no role may write overall_score or
-- passed by hand).
ALTER FUNCTION innotrue.score_capability_snapshot(uuid) SECURITY DEFINER;
-- The current-user forms of the entitlement functions call the forms with a user id, which the
-- user class may not execute.
ALTER FUNCTION innotrue.has_feature(text) SECURITY DEFINER SET search_path = pg_catalog, innotrue, pg_temp;
ALTER FUNCTION innotrue.feature_limit(text) SECURITY DEFINER SET search_path = pg_catalog, innotrue, pg_temp;
ALTER FUNCTION innotrue.effective_plan_tier() SECURITY DEFINER SET search_path = pg_catalog, innotrue, pg_temp;
ALTER FUNCTION innotrue.resolve_entitlements() SECURITY DEFINER SET search_path = pg_catalog, innotrue, pg_temp;
ALTER FUNCTION innotrue.explain_entitlement(text) SECURITY DEFINER SET search_path = pg_catalog, innotrue, pg_temp;

-- Every table this step created gets its kind's row-level security rules now, as the 0.1.0 install
-- gave its own tables, and those rows count as installed seed rows: a restored dump carrying them
-- replaces them instead of colliding (rls_table_rules is finalized already, so 99_finalize.sql
-- would not record them).
SELECT innotrue.add_default_rls_rules();
INSERT INTO innotrue.seed_rows (table_name, row_id)
SELECT 'rls_table_rules', r.id FROM innotrue.rls_table_rules r
 WHERE NOT EXISTS (SELECT 1 FROM innotrue.seed_rows s WHERE s.table_name = 'rls_table_rules' AND s.row_id = r.id);

DO $sweep$
DECLARE
    ext_owner oid := (SELECT e.extowner FROM pg_catalog.pg_extension e WHERE e.extname = 'innotrue');
    r record;
BEGIN
    REVOKE ALL ON ALL FUNCTIONS IN SCHEMA innotrue FROM PUBLIC;
    REVOKE ALL ON ALL TABLES IN SCHEMA innotrue FROM PUBLIC;
    REVOKE ALL ON ALL SEQUENCES IN SCHEMA innotrue FROM PUBLIC;
    REVOKE ALL ON SCHEMA innotrue FROM PUBLIC;

    -- 0.1.0's enable_row_level_security granted every table to anon, authenticated and
    -- service_role wherever they existed. Such a deployment keeps working with the classes
    -- PostgREST means by them (docs/postgrest.md), where the role's row-level security bypass fits
    -- the class; otherwise the role loses its grants below.
    FOR r IN SELECT v.role_name, v.privilege_class
               FROM (VALUES ('anon', 'anonymous'), ('authenticated', 'user'), ('service_role', 'service'))
                    AS v (role_name, privilege_class)
               JOIN pg_catalog.pg_roles g ON g.rolname = v.role_name
              WHERE pg_catalog.has_table_privilege(g.oid, 'innotrue.profiles', 'SELECT')
                AND NOT EXISTS (SELECT 1 FROM innotrue.rls_app_roles a WHERE a.role_name = v.role_name)
                AND (g.rolbypassrls OR g.rolsuper) = (v.privilege_class = 'service')
    LOOP
        PERFORM innotrue.grant_access(r.role_name, r.privilege_class);
    END LOOP;

    -- Every other holder of a privilege on the extension's schema, tables, sequences or functions
    -- loses it.
    FOR r IN SELECT DISTINCT g.rolname
               FROM (SELECT (pg_catalog.aclexplode(c.relacl)).grantee FROM pg_catalog.pg_class c
                      WHERE c.relnamespace = 'innotrue'::regnamespace AND c.relacl IS NOT NULL
                     UNION
                     SELECT (pg_catalog.aclexplode(p.proacl)).grantee FROM pg_catalog.pg_proc p
                      WHERE p.pronamespace = 'innotrue'::regnamespace AND p.proacl IS NOT NULL
                     UNION
                     SELECT (pg_catalog.aclexplode(n.nspacl)).grantee FROM pg_catalog.pg_namespace n
                      WHERE n.nspname = 'innotrue' AND n.nspacl IS NOT NULL) x
               JOIN pg_catalog.pg_roles g ON g.oid = x.grantee
              WHERE x.grantee <> ext_owner
                AND g.rolname NOT IN (SELECT a.role_name FROM innotrue.rls_app_roles a)
              ORDER BY g.rolname
    LOOP
        PERFORM innotrue.revoke_privileges(r.rolname);
    END LOOP;

    -- The recorded roles: this version's policies and their class's grants.
    FOR r IN SELECT a.role_name FROM innotrue.rls_app_roles a
               JOIN pg_catalog.pg_roles g ON g.rolname = a.role_name
              ORDER BY a.role_name
    LOOP
        PERFORM innotrue.apply_row_level_security(r.role_name);
    END LOOP;
END
$sweep$;
