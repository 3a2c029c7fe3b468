-- CREATE EXTENSION installs the whole schema with its reference data; DROP EXTENSION removes it
-- cleanly; a restored configuration row replaces the seed row the install created.
SELECT extversion FROM pg_extension WHERE extname = 'innotrue';

SELECT count(*) >= 95 AS at_least_95_tables
FROM pg_class WHERE relnamespace = 'innotrue'::regnamespace AND relkind = 'r';

SELECT layer, kind, count(*) AS tables FROM innotrue.schema_tables GROUP BY 1, 2 ORDER BY 1, 2;

-- Every data table is registered for pg_dump (the registry and the rule definitions of kind
-- extension are rebuilt by CREATE EXTENSION instead).
SELECT count(*) AS tables_not_dumped
FROM innotrue.schema_tables st
WHERE st.kind <> 'extension' AND NOT EXISTS (SELECT 1 FROM pg_extension e, unnest(e.extconfig) AS cfg (oid)
                  WHERE e.extname = 'innotrue' AND cfg.oid = ('innotrue.' || st.table_name)::regclass);

-- Seed ids are deterministic.
SELECT innotrue.seed_id('features', 'ai_coach') = (SELECT id FROM innotrue.features WHERE key = 'ai_coach') AS seed_id_matches;

-- What pg_restore does after CREATE EXTENSION: insert the dumped rows. A dumped seed row (here
-- edited by an admin before the dump) replaces the installed one; a new row is inserted; a
-- duplicate of a row that is not a seed is still refused.
BEGIN;
INSERT INTO innotrue.plans (id, key, name, tier_level, credit_allowance, is_purchasable, display_order)
VALUES (innotrue.seed_id('plans', 'pro'), 'pro', 'Pro (edited)', 2, 300, true, 3);
INSERT INTO innotrue.plans (id, key, name, tier_level, credit_allowance, display_order)
VALUES ('00000000-0000-0000-0000-00000000b001', 'team', 'Team', 2, 400, 8);
SELECT key, name, credit_allowance FROM innotrue.plans WHERE key IN ('pro', 'team') ORDER BY key;
SELECT count(*) AS pro_plans FROM innotrue.plans WHERE key = 'pro';
\set VERBOSITY terse
INSERT INTO innotrue.plans (id, key, name, tier_level, display_order)
VALUES ('00000000-0000-0000-0000-00000000b001', 'team2', 'Team 2', 2, 9);
\set VERBOSITY default
ROLLBACK;

-- DROP EXTENSION removes every object it created; CREATE EXTENSION brings everything back.
DROP EXTENSION innotrue CASCADE;
SELECT count(*) AS objects_left FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'innotrue');
SELECT count(*) AS schemas_left FROM pg_namespace WHERE nspname = 'innotrue';
CREATE EXTENSION innotrue;
SELECT count(*) AS features, (SELECT count(*) FROM innotrue.notification_types) AS notification_types
FROM innotrue.features;

-- A transaction that writes an entitlement source (its commit announces the change to the
-- entitlement caches) and then drops the extension still commits.
BEGIN;
INSERT INTO innotrue.profiles (id, email, plan_id)
VALUES ('00000000-0000-0000-0000-0000000000c2', 'dropped@example.com', innotrue.seed_id('plans', 'pro'));
-- (the user data goes with it: confirmed, sql/ddl_guard.sql tests the refusal)
SELECT innotrue.confirm_drop();
DROP EXTENSION innotrue CASCADE;
COMMIT;
SELECT count(*) AS schemas_left FROM pg_namespace WHERE nspname = 'innotrue';
CREATE EXTENSION innotrue;

-- A schema named innotrue that exists before CREATE EXTENSION (possibly holding someone else's
-- objects) is never adopted: the install fails and changes nothing.
DROP EXTENSION innotrue CASCADE;
CREATE SCHEMA innotrue;
\set VERBOSITY terse
CREATE EXTENSION innotrue;   -- terse: 18 adds the script's line as context
\set VERBOSITY default
DROP SCHEMA innotrue;
CREATE EXTENSION innotrue;
SELECT count(*) AS tables FROM innotrue.schema_tables;

-- The native functions cache the OIDs of the tables they scan (catalog.c); after DROP and CREATE
-- EXTENSION in the same session they find the new tables, not the dropped ones.
INSERT INTO innotrue.profiles (id, email, plan_id)
VALUES ('00000000-0000-0000-0000-0000000000c1', 'cache@example.com', innotrue.seed_id('plans', 'pro'));
SELECT innotrue.has_feature('00000000-0000-0000-0000-0000000000c1', 'programs_base') AS pro_has_programs_base;
BEGIN;
SELECT innotrue.confirm_drop();
DROP EXTENSION innotrue CASCADE;
COMMIT;
CREATE EXTENSION innotrue;
INSERT INTO innotrue.profiles (id, email, plan_id)
VALUES ('00000000-0000-0000-0000-0000000000c1', 'cache@example.com', innotrue.seed_id('plans', 'free'));
SELECT innotrue.has_feature('00000000-0000-0000-0000-0000000000c1', 'programs_base') AS free_has_programs_base;
DELETE FROM innotrue.profiles WHERE id = '00000000-0000-0000-0000-0000000000c1';
