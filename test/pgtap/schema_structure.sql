-- Structure of the installed schema, checked from the catalog: every table of the data layer exists with
-- its primary key; every key column is a foreign key with an index; the layering and ownership rules
-- of docs/schema-conventions.md hold for every table, not only the ones listed here.
BEGIN;
SELECT plan(13);

SELECT has_schema('innotrue');

SELECT cmp_ok((SELECT count(*)::int FROM pg_class
               WHERE relnamespace = 'innotrue'::regnamespace AND relkind = 'r'),
              '>=', 95, 'CREATE EXTENSION creates at least 95 tables');

SELECT is_empty($$
    SELECT c.relname FROM pg_class c
    WHERE c.relnamespace = 'innotrue'::regnamespace AND c.relkind = 'r'
      AND c.relname NOT IN (SELECT table_name FROM innotrue.schema_tables)
      AND c.relname NOT IN ('schema_tables', 'seed_rows')
$$, 'every table is registered in innotrue.schema_tables with its layer and kind');

SELECT is_empty($$
    SELECT st.table_name FROM innotrue.schema_tables st
    JOIN pg_class c ON c.relname = st.table_name AND c.relnamespace = 'innotrue'::regnamespace
    WHERE NOT EXISTS (
        SELECT 1 FROM pg_constraint p
        JOIN pg_attribute a ON a.attrelid = p.conrelid AND a.attnum = p.conkey[1]
        WHERE p.conrelid = c.oid AND p.contype = 'p' AND cardinality(p.conkey) = 1
          AND a.attname = 'id' AND a.atttypid = 'uuid'::regtype)
$$, 'every registered table has a uuid primary key named id');

SELECT is_empty($$
    SELECT c.relname || '.' || a.attname
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relnamespace = 'innotrue'::regnamespace AND c.relkind = 'r'
      AND (a.attname LIKE '%\_id' OR a.attname IN ('feature_key', 'module_type', 'email_template_key'))
      AND a.attname NOT LIKE 'stripe\_%' AND a.attname NOT LIKE 'calcom\_%' AND a.attname <> 'row_id'
      AND NOT EXISTS (SELECT 1 FROM pg_constraint f
                      WHERE f.conrelid = c.oid AND f.contype = 'f' AND a.attnum = ANY (f.conkey))
      AND NOT EXISTS (SELECT 1 FROM pg_description d
                      WHERE d.objoid = c.oid AND d.objsubid = a.attnum
                        AND d.description ILIKE '%not a foreign key%')
$$, 'every key column is a foreign key (or its comment says why it is not)');

SELECT is_empty($$
    SELECT f.conrelid::regclass || ' (' || f.conname || ')'
    FROM pg_constraint f
    WHERE f.contype = 'f' AND f.connamespace = 'innotrue'::regnamespace
      AND NOT EXISTS (
          SELECT 1 FROM pg_index i
          WHERE i.indrelid = f.conrelid AND i.indkey[0] = f.conkey[1])
$$, 'every foreign key has an index leading with its first column');

SELECT is_empty($$
    SELECT st.table_name || ' -> ' || target.table_name
    FROM innotrue.schema_tables st
    JOIN pg_constraint f ON f.conrelid = ('innotrue.' || st.table_name)::regclass AND f.contype = 'f'
    JOIN innotrue.schema_tables target ON ('innotrue.' || target.table_name)::regclass = f.confrelid
    WHERE st.kind = 'configuration' AND target.kind <> 'configuration'
$$, 'configuration tables never reference user, organization or internal tables');

SELECT is_empty($$
    SELECT st.table_name FROM innotrue.schema_tables st
    WHERE st.kind = 'user' AND st.table_name <> 'profiles'
      AND NOT EXISTS (
          SELECT 1 FROM pg_attribute a
          JOIN pg_constraint f ON f.conrelid = a.attrelid AND f.contype = 'f' AND f.conkey = ARRAY[a.attnum]
                              AND f.confrelid = 'innotrue.profiles'::regclass
          WHERE a.attrelid = ('innotrue.' || st.table_name)::regclass
            AND a.attname = 'user_id' AND a.attnotnull)
$$, 'every user-owned table carries a NOT NULL user_id referencing profiles');

SELECT is_empty($$
    SELECT st.table_name FROM innotrue.schema_tables st
    WHERE st.kind = 'organization' AND st.table_name <> 'organizations'
      AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                      WHERE a.attrelid = ('innotrue.' || st.table_name)::regclass
                        AND a.attname = 'organization_id' AND a.attnotnull)
$$, 'every organization-owned table carries a NOT NULL organization_id');

SELECT is_empty($$
    SELECT c.relname FROM pg_class c
    WHERE c.relnamespace = 'innotrue'::regnamespace AND c.relkind IN ('r', 'v')
      AND obj_description(c.oid, 'pg_class') IS NULL
$$, 'every table and view has a comment');

SELECT is_empty($$
    SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relnamespace = 'innotrue'::regnamespace AND c.relkind = 'r'
      AND (a.atttypid IN ('real'::regtype, 'double precision'::regtype, 'money'::regtype,
                          'timestamp'::regtype)
           OR (a.attname ~ '(credit|cents|amount|remaining|credits)' AND a.atttypid NOT IN ('integer'::regtype, 'bigint'::regtype, 'boolean'::regtype, 'text'::regtype, 'uuid'::regtype, 'timestamptz'::regtype, 'jsonb'::regtype)))
$$, 'no floats, money type or timestamp without time zone; credits and money are integers');

SELECT is_empty($$
    SELECT c.relname || '.' || a.attname FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relnamespace = 'innotrue'::regnamespace AND c.relkind = 'r'
      AND pg_get_serial_sequence(c.oid::regclass::text, a.attname) IS NOT NULL
$$, 'no serial or identity columns: ids are uuids');

SELECT is_empty($$
    SELECT p.proname FROM pg_proc p
    WHERE p.pronamespace = 'innotrue'::regnamespace
      AND (obj_description(p.oid, 'pg_proc') IS NULL
           OR (p.prosecdef AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) s WHERE s LIKE 'search_path=%')))
$$, 'every function has a comment; SECURITY DEFINER functions pin search_path');

SELECT * FROM finish();
ROLLBACK;
