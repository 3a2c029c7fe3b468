
-- Last part of the step: a table this step created gets what the 0.1.0 install gave every table
-- (src/schema/99_finalize.sql): it must be registered in innotrue.schema_tables, every data table is
-- registered with pg_dump, a configuration table merges restored seed rows, a table with
-- updated_at is stamped on update, and every dumped table (0.1.0's too) guards restores. Tables 0.1.0 already finalized are left as they are.
DO $finalize$
DECLARE
    ext_oid oid := (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'innotrue');
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
                  HINT = 'Call innotrue.register_table() after each CREATE TABLE in src/upgrade/.';
    END IF;

    FOR t IN SELECT st.table_name, st.kind
               FROM innotrue.schema_tables st
              WHERE st.kind <> 'extension'
                AND format('innotrue.%I', st.table_name)::regclass <> ALL
                    (SELECT unnest(e.extconfig) FROM pg_catalog.pg_extension e WHERE e.oid = ext_oid)
              ORDER BY st.table_name
    LOOP
        PERFORM pg_catalog.pg_extension_config_dump(format('innotrue.%I', t.table_name)::regclass, '');
        CONTINUE WHEN t.kind <> 'configuration';
        EXECUTE format('CREATE TRIGGER merge_restored_seed BEFORE INSERT ON innotrue.%I
                        FOR EACH ROW EXECUTE FUNCTION innotrue.merge_restored_seed()', t.table_name);
        EXECUTE format('ALTER TABLE innotrue.%I ENABLE ALWAYS TRIGGER merge_restored_seed', t.table_name);
        EXECUTE format('INSERT INTO innotrue.seed_rows (table_name, row_id) SELECT %L, id FROM innotrue.%I',
                       t.table_name, t.table_name);
    END LOOP;

    FOR t IN SELECT c.relname AS table_name
               FROM pg_catalog.pg_class c
               JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'updated_at' AND NOT a.attisdropped
              WHERE c.relnamespace = 'innotrue'::regnamespace AND c.relkind IN ('r', 'p')
                AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger tg
                                 WHERE tg.tgrelid = c.oid AND tg.tgname = 'touch_updated_at')
              ORDER BY c.relname
    LOOP
        EXECUTE format('CREATE TRIGGER touch_updated_at BEFORE UPDATE ON innotrue.%I
                        FOR EACH ROW EXECUTE FUNCTION innotrue.touch_updated_at()', t.table_name);
    END LOOP;

    -- Every dumped table recognises a restore session at its first COPY or INSERT
    -- (innotrue.restore_guard, 20_restore_ddl.sql); the 0.1.0 tables get it here too.
    FOR t IN SELECT st.table_name
               FROM innotrue.schema_tables st
              WHERE st.kind <> 'extension'
                AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger tg
                                 WHERE tg.tgrelid = format('innotrue.%I', st.table_name)::regclass
                                   AND tg.tgname = 'restore_guard')
              ORDER BY st.table_name
    LOOP
        EXECUTE format('CREATE TRIGGER restore_guard BEFORE INSERT ON innotrue.%I
                        FOR EACH STATEMENT EXECUTE FUNCTION innotrue.restore_guard()', t.table_name);
    END LOOP;
END
$finalize$;
