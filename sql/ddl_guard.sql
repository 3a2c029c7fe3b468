-- The guards of src/ddl_guard.c (docs/operations.md "Application DDL", "Dropping the extension",
-- "Backup and restore"): DDL on innotrue tables, grants without row-level security, the restore
-- session switch and DROP EXTENSION with data. The suites after this one find the extension as it
-- was: the drops happen in a database of their own, the rest is undone.
\set VERBOSITY default
BEGIN;
CREATE ROLE ddl_guard_app NOLOGIN;
CREATE ROLE ddl_guard_reader NOLOGIN BYPASSRLS;
CREATE SCHEMA ddl_guard_app;
CREATE FUNCTION ddl_guard_app.noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;

-- pg_temp.try(statement): 'ok' or the SQLSTATE and message it failed with (in a subtransaction,
-- so a refusal leaves the transaction usable).
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text;
    msg text;
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN st || ': ' || msg;
END $$;

-- 1. Application DDL on innotrue tables is refused, each kind of statement at once, with its hint.
SAVEPOINT s;
ALTER TABLE innotrue.profiles ADD COLUMN app_locale text;
ROLLBACK TO s;
SELECT q, pg_temp.try(q) AS result FROM (VALUES
    ('ALTER TABLE innotrue.credit_ledger ADD CONSTRAINT app_small CHECK (amount < 1000000)'),
    ('ALTER TABLE innotrue.profiles ALTER COLUMN email DROP NOT NULL'),
    ('ALTER TABLE innotrue.profiles DISABLE TRIGGER USER'),
    ('ALTER TABLE innotrue.profiles FORCE ROW LEVEL SECURITY'),
    ('ALTER TABLE innotrue.profiles OWNER TO ddl_guard_app'),
    ('ALTER TABLE innotrue.profiles RENAME COLUMN email TO mail'),
    ('ALTER TABLE innotrue.goals SET SCHEMA ddl_guard_app'),
    ('ALTER INDEX innotrue.profiles_pkey RENAME TO app_pkey'),
    ('CREATE INDEX app_profiles_created ON innotrue.profiles (created_at)'),
    ('CREATE UNIQUE INDEX ON innotrue.goals (id, user_id)'),
    ('CREATE STATISTICS app_stats ON id, email FROM innotrue.profiles'),
    ('CREATE POLICY app_goals ON innotrue.goals USING (true)'),
    ('CREATE TRIGGER app_audit BEFORE UPDATE ON innotrue.credit_batches FOR EACH ROW EXECUTE FUNCTION ddl_guard_app.noop()'),
    ('CREATE RULE app_notify AS ON INSERT TO innotrue.goals DO ALSO NOTIFY goals'),
    ('CREATE TABLE innotrue.app_notes (id uuid PRIMARY KEY)'),
    ('CREATE TABLE ddl_guard_app.goals_child () INHERITS (innotrue.goals)'),
    ('CREATE VIEW innotrue.app_view AS SELECT 1 AS one'),
    ('CREATE SEQUENCE innotrue.app_seq'),
    ('DROP TRIGGER touch_updated_at ON innotrue.profiles'),
    ('DROP INDEX innotrue.credit_batches_user_id_idx'),
    ('ALTER SCHEMA innotrue RENAME TO platform')
) AS t (q);

-- ... while the same statements on the application's own tables, and comments, are fine.
SELECT q, pg_temp.try(q) AS result FROM (VALUES
    ('CREATE TABLE ddl_guard_app.profile_settings (profile_id uuid PRIMARY KEY REFERENCES innotrue.profiles (id), locale text)'),
    ('ALTER TABLE ddl_guard_app.profile_settings ADD COLUMN theme text'),
    ('CREATE INDEX ON ddl_guard_app.profile_settings (locale)'),
    ('CREATE TRIGGER settings_noop BEFORE UPDATE ON ddl_guard_app.profile_settings FOR EACH ROW EXECUTE FUNCTION ddl_guard_app.noop()'),
    ('ALTER TABLE ddl_guard_app.profile_settings ENABLE ROW LEVEL SECURITY'),
    ('CREATE POLICY own ON ddl_guard_app.profile_settings USING (profile_id = innotrue.current_user_id())'),
    ('COMMENT ON TABLE innotrue.goals IS ''goals (commented by an admin)'''),
    ('DROP TABLE ddl_guard_app.profile_settings')
) AS t (q);

-- enable_row_level_security's own statements pass (innotrue_* policies, switching row-level
-- security on and off), and it stays idempotent.
SELECT innotrue.enable_row_level_security('ddl_guard_app') > 100 AS policies_created;
SELECT innotrue.enable_row_level_security('ddl_guard_app') = (SELECT count(*) FROM pg_policies WHERE schemaname = 'innotrue')
    AS idempotent;

-- A superuser may allow DDL for the rest of one transaction; a rolled-back subtransaction takes
-- the permission with it, a released one passes it on, and the next transaction has none.
SAVEPOINT allowed;
SELECT innotrue.allow_table_ddl();
SELECT pg_temp.try('CREATE INDEX app_profiles_created ON innotrue.profiles (created_at)') AS allowed;
ROLLBACK TO allowed;
SELECT pg_temp.try('CREATE INDEX app_profiles_created ON innotrue.profiles (created_at)') AS after_rollback;
SAVEPOINT allowed;
SELECT innotrue.allow_table_ddl();
RELEASE allowed;
SELECT pg_temp.try('CREATE INDEX app_profiles_created ON innotrue.profiles (created_at)') AS after_release;
SELECT pg_temp.try('DROP INDEX innotrue.app_profiles_created') AS dropped_again;
-- only a superuser
SET LOCAL ROLE ddl_guard_app;
SELECT pg_temp.try('SELECT innotrue.allow_table_ddl()') AS app_role;
RESET ROLE;
SELECT has_function_privilege('public', 'innotrue.allow_table_ddl()', 'EXECUTE') AS public_may_allow,
       has_function_privilege('public', 'innotrue.confirm_drop()', 'EXECUTE') AS public_may_confirm;
COMMIT;

-- Outside a transaction block the permission ends with its own statement: the next one is refused.
SELECT innotrue.allow_table_ddl();
CREATE INDEX app_profiles_created ON innotrue.profiles (created_at);
-- ... so a function that allows and alters does both in one statement.
CREATE FUNCTION pg_temp.allowed(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM innotrue.allow_table_ddl();
    EXECUTE q;
    RETURN 'ok';
END $$;
SELECT pg_temp.allowed('CREATE INDEX app_profiles_created ON innotrue.profiles (created_at)') AS created;
SELECT pg_temp.allowed('DROP INDEX innotrue.app_profiles_created') AS dropped;

-- 2. Grants: a role that does not bypass row-level security may hold privileges on an innotrue
-- table only while row-level security is on (checked when the transaction commits).
SELECT innotrue.disable_row_level_security('ddl_guard_app') > 100 AS policies_dropped;
GRANT SELECT ON innotrue.plans TO ddl_guard_app;
SELECT has_table_privilege('ddl_guard_app', 'innotrue.plans', 'SELECT') AS granted_without_rls;
GRANT SELECT ON ALL TABLES IN SCHEMA innotrue TO PUBLIC;
SELECT has_table_privilege('public', 'innotrue.plans', 'SELECT') AS granted_to_public;
-- a role with BYPASSRLS reads every row anyway: allowed
GRANT SELECT ON innotrue.plans TO ddl_guard_reader;
SELECT has_table_privilege('ddl_guard_reader', 'innotrue.plans', 'SELECT') AS reader_granted;
REVOKE SELECT ON innotrue.plans FROM ddl_guard_reader;
-- the registry tables hold no user data: allowed
GRANT SELECT ON innotrue.schema_tables TO ddl_guard_app;
REVOKE SELECT ON innotrue.schema_tables FROM ddl_guard_app;
-- in a transaction that enables row-level security before it commits: allowed
BEGIN;
GRANT SELECT ON innotrue.plans TO ddl_guard_app;
SELECT innotrue.enable_row_level_security('ddl_guard_app') > 100 AS policies_created;
COMMIT;
SELECT has_table_privilege('ddl_guard_app', 'innotrue.plans', 'SELECT') AS granted_with_rls;
SELECT innotrue.disable_row_level_security('ddl_guard_app') > 100 AS policies_dropped;

-- 3. The restore session switch. A session that turned row_security and check_function_bodies off
-- itself (as pg_restore does) and inserts into an innotrue table is put in replica mode (with a
-- warning) when its roles are superusers; for any other role the insert is refused.
BEGIN;
GRANT USAGE ON SCHEMA innotrue TO ddl_guard_reader;
GRANT INSERT ON innotrue.goals TO ddl_guard_reader;
SET LOCAL check_function_bodies = off;
-- one of the two alone is not a restore session
INSERT INTO innotrue.goals (user_id, title) SELECT NULL, NULL WHERE false;
SHOW session_replication_role;
SET LOCAL row_security = off;
SET LOCAL ROLE ddl_guard_reader;
SELECT pg_temp.try('INSERT INTO innotrue.goals (user_id, title) SELECT NULL, NULL WHERE false') AS not_superuser;
RESET ROLE;
INSERT INTO innotrue.goals (user_id, title) SELECT NULL, NULL WHERE false;
SHOW session_replication_role;
ROLLBACK;
SHOW session_replication_role;

-- 4. DROP EXTENSION innotrue refuses while user data exists, with or without CASCADE, until a
-- superuser confirms it in the transaction. In a database of its own, so that neither the data of
-- the suites before nor the outcome matters to the suites after this one.
DROP SCHEMA ddl_guard_app CASCADE;
\set regress_db :DBNAME
CREATE DATABASE ddl_guard_drop;
\c ddl_guard_drop
CREATE EXTENSION innotrue;
INSERT INTO innotrue.profiles (id, email, plan_id)
VALUES ('00000000-0000-0000-0000-00000000d801', 'drop@example.com', innotrue.seed_id('plans', 'free'));
INSERT INTO innotrue.features (key, name) VALUES ('ddl_guard_feature', 'Added by an admin');
DROP EXTENSION innotrue;
DROP EXTENSION innotrue CASCADE;
-- a confirmation in a rolled-back subtransaction is withdrawn; only a superuser may confirm
BEGIN;
SAVEPOINT s;
SELECT innotrue.confirm_drop();
ROLLBACK TO s;
SAVEPOINT s;
DROP EXTENSION innotrue CASCADE;
ROLLBACK TO s;
CREATE ROLE ddl_guard_dropper NOLOGIN;
GRANT USAGE ON SCHEMA innotrue TO ddl_guard_dropper;
GRANT EXECUTE ON FUNCTION innotrue.confirm_drop() TO ddl_guard_dropper;
SET LOCAL ROLE ddl_guard_dropper;
SELECT innotrue.confirm_drop();
ROLLBACK;
-- confirmed: the data goes with the extension
BEGIN;
SELECT innotrue.confirm_drop();
DROP EXTENSION innotrue CASCADE;
COMMIT;
SELECT count(*) AS innotrue_schemas FROM pg_namespace WHERE nspname = 'innotrue';
-- edited seed rows are not user data: a fresh install and one with an edited plan drop as before
CREATE EXTENSION innotrue;
UPDATE innotrue.plans SET name = 'Free (edited)' WHERE key = 'free';
DROP EXTENSION innotrue;
SELECT count(*) AS innotrue_schemas FROM pg_namespace WHERE nspname = 'innotrue';

-- A superuser's restore session (pg_restore --clean) drops it to load it again: allowed.
CREATE EXTENSION innotrue;
INSERT INTO innotrue.profiles (id, email, plan_id)
VALUES ('00000000-0000-0000-0000-00000000d801', 'drop@example.com', innotrue.seed_id('plans', 'free'));
BEGIN;
SET LOCAL row_security = off;
SET LOCAL check_function_bodies = off;
DROP EXTENSION IF EXISTS innotrue;
SELECT count(*) AS innotrue_schemas FROM pg_namespace WHERE nspname = 'innotrue';
ROLLBACK;

-- A database default is not the session's own choice: with row_security off by ALTER DATABASE, a
-- session that only turns check_function_bodies off is not a restore session.
ALTER DATABASE ddl_guard_drop SET row_security = off;
\c ddl_guard_drop
SHOW row_security;
SET check_function_bodies = off;
INSERT INTO innotrue.goals (user_id, title) SELECT NULL, NULL WHERE false;
SHOW session_replication_role;
-- ... nor may it drop the extension with its data
DROP EXTENSION innotrue;
\c :regress_db
DROP DATABASE ddl_guard_drop;

DROP ROLE ddl_guard_app;
DROP ROLE ddl_guard_reader;
