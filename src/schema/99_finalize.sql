-- innotrue: finishing steps, run once every table exists.
--
-- Driven by innotrue.schema_tables rather than written out per table, so a table added later
-- gets the same treatment by registering itself, and one that forgets to register stops the install.

DO $finalize$
DECLARE
    offenders text;
    t record;
BEGIN
    SELECT string_agg(c.relname, ', ' ORDER BY c.relname)
      INTO offenders
      FROM pg_catalog.pg_class c
     WHERE c.relnamespace = 'innotrue'::regnamespace
       AND c.relkind IN ('r', 'p')
       AND c.relname NOT IN (SELECT table_name FROM innotrue.schema_tables)
       AND c.relname NOT IN ('schema_tables', 'seed_rows');
    IF offenders IS NOT NULL THEN
        RAISE EXCEPTION 'innotrue tables missing from innotrue.schema_tables: %', offenders
            USING ERRCODE = 'invalid_object_definition',
                  HINT = 'Call innotrue.register_table() after each CREATE TABLE in src/schema/.';
    END IF;

    -- Every object of the extension lives in schema innotrue; an unqualified name in a script
    -- would have landed in pg_catalog (the control file's schema).
    SELECT string_agg(pg_describe_object(d.classid, d.objid, 0), ', ')
      INTO offenders
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_class c ON d.classid = 'pg_catalog.pg_class'::regclass AND c.oid = d.objid
     WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
       AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'innotrue')
       AND c.relnamespace <> 'innotrue'::regnamespace;
    IF offenders IS NULL THEN
        SELECT string_agg(pg_describe_object(d.classid, d.objid, 0), ', ')
          INTO offenders
          FROM pg_catalog.pg_depend d
          JOIN pg_catalog.pg_proc p ON d.classid = 'pg_catalog.pg_proc'::regclass AND p.oid = d.objid
         WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
           AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'innotrue')
           AND p.pronamespace <> 'innotrue'::regnamespace;
    END IF;
    IF offenders IS NOT NULL THEN
        RAISE EXCEPTION 'innotrue objects created outside schema innotrue: %', offenders
            USING ERRCODE = 'invalid_object_definition',
                  HINT = 'Schema-qualify every object in src/schema/.';
    END IF;

    -- pg_dump skips the rows of tables that belong to an extension unless they are registered
    -- with pg_extension_config_dump, so every data table is registered: configuration (what admins
    -- configured) and user data alike. Kind extension (rule definitions) is left out: CREATE
    -- EXTENSION writes those rows again. A restored configuration row with a seed row's id
    -- replaces the one CREATE EXTENSION just installed (innotrue.merge_restored_seed).
    FOR t IN SELECT table_name, kind FROM innotrue.schema_tables WHERE kind <> 'extension' ORDER BY table_name
    LOOP
        PERFORM pg_catalog.pg_extension_config_dump(format('innotrue.%I', t.table_name)::regclass, '');
        CONTINUE WHEN t.kind <> 'configuration';
        EXECUTE format('CREATE TRIGGER merge_restored_seed BEFORE INSERT ON innotrue.%I
                        FOR EACH ROW EXECUTE FUNCTION innotrue.merge_restored_seed()', t.table_name);
        -- Restores run with session_replication_role = replica (docs/operations.md), which
        -- silences the business triggers but must not silence this one.
        EXECUTE format('ALTER TABLE innotrue.%I ENABLE ALWAYS TRIGGER merge_restored_seed', t.table_name);
        EXECUTE format('INSERT INTO innotrue.seed_rows (table_name, row_id) SELECT %L, id FROM innotrue.%I',
                       t.table_name, t.table_name);
    END LOOP;

    FOR t IN SELECT c.relname AS table_name
               FROM pg_catalog.pg_class c
               JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'updated_at' AND NOT a.attisdropped
              WHERE c.relnamespace = 'innotrue'::regnamespace AND c.relkind IN ('r', 'p')
              ORDER BY c.relname
    LOOP
        EXECUTE format('CREATE TRIGGER touch_updated_at BEFORE UPDATE ON innotrue.%I
                        FOR EACH ROW EXECUTE FUNCTION innotrue.touch_updated_at()', t.table_name);
    END LOOP;
END
$finalize$;
