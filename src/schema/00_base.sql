-- innotrue: base objects every layer relies on.
--
-- The table registry records each table's layer (in the configuration guide's order) and kind;
-- 99_finalize.sql reads it to register configuration tables with pg_dump and to attach the generic
-- triggers, and refuses to finish the install if any table was left unregistered.

\echo Use "CREATE EXTENSION innotrue" to load this file. \quit

-- Created here rather than by the control file so that it belongs to the extension (DROP EXTENSION
-- removes it) and so that a schema someone created beforehand, with objects of their own in it,
-- makes CREATE EXTENSION fail instead of being used.
CREATE SCHEMA innotrue;
COMMENT ON SCHEMA innotrue IS 'The innotrue data layer: schema, reference data and native functions (extension innotrue).';

CREATE TABLE innotrue.schema_tables (
    table_name  text PRIMARY KEY,
    layer       text NOT NULL
        CONSTRAINT schema_tables_layer_check
        CHECK (layer IN ('1', '2', '3A', '3B', '3C', '3D', '3E', '3F', '4', '5')),
    kind        text NOT NULL
        CONSTRAINT schema_tables_kind_check
        CHECK (kind IN ('configuration', 'user', 'organization', 'internal', 'extension')),
    description text
);
COMMENT ON TABLE innotrue.schema_tables IS
    'Registry of every innotrue table: its layer in the configuration guide and its kind (configuration, user, organization, internal, extension).';
COMMENT ON COLUMN innotrue.schema_tables.kind IS
    'configuration = admin reference data, dumped by pg_dump, a Citus reference table; user = owned by one user (carries user_id); organization = owned by an organization; internal = data the extension''s functions write (ledgers, queues, anonymous responses); extension = definitions only the install script writes (rule tables), rebuilt by CREATE EXTENSION and therefore not dumped.';

CREATE TABLE innotrue.seed_rows (
    table_name text NOT NULL REFERENCES innotrue.schema_tables (table_name),
    row_id     uuid NOT NULL,
    PRIMARY KEY (table_name, row_id)
);
COMMENT ON TABLE innotrue.seed_rows IS
    'Rows of configuration tables installed by CREATE EXTENSION. A restored dump row with the same id replaces the installed row instead of colliding with it.';

CREATE FUNCTION innotrue.register_table(table_name text, layer text, kind text)
RETURNS void
LANGUAGE sql
VOLATILE PARALLEL UNSAFE STRICT
AS $$
    INSERT INTO innotrue.schema_tables (table_name, layer, kind)
    VALUES (register_table.table_name, register_table.layer, register_table.kind)
$$;
COMMENT ON FUNCTION innotrue.register_table(text, text, text) IS
    'Records a table''s layer and kind in innotrue.schema_tables; called by the install script after each CREATE TABLE.';

CREATE FUNCTION innotrue.seed_id(table_name text, natural_key text)
RETURNS uuid
LANGUAGE sql
IMMUTABLE PARALLEL SAFE STRICT
AS $$
    SELECT md5('innotrue:' || table_name || ':' || natural_key)::uuid
$$;
COMMENT ON FUNCTION innotrue.seed_id(text, text) IS
    'Deterministic id of a reference-data row, derived from its table and natural key, so every install gives the same row the same id.';

-- In C (src/triggers.c): it fires on every UPDATE of every table with updated_at, the credit
-- batches of each deduction among them, where a PL/pgSQL call per row was a measurable cost.
CREATE FUNCTION innotrue.touch_updated_at()
RETURNS trigger
LANGUAGE C
VOLATILE PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'innotrue_touch_updated_at';
COMMENT ON FUNCTION innotrue.touch_updated_at() IS
    'BEFORE UPDATE trigger: stamps updated_at with now() unless the update sets it (NEW.updated_at distinct from OLD.updated_at, e.g. a restore replacing a seed row, keeps its value); attached to every table that has the column.';

-- Why: CREATE EXTENSION installs the seed rows again before pg_restore copies the dumped
-- configuration data, so a dumped seed row (possibly edited by an admin) would collide with its
-- freshly installed twin. The dumped version wins: it overwrites the installed row in place.
CREATE FUNCTION innotrue.merge_restored_seed()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
DECLARE
    columns text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM innotrue.seed_rows s
                   WHERE s.table_name = TG_TABLE_NAME AND s.row_id = NEW.id) THEN
        RETURN NEW;
    END IF;
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
      INTO columns
      FROM pg_attribute a
     WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped
       AND a.attname <> 'id' AND a.attgenerated = '';
    EXECUTE format('UPDATE %I.%I AS t SET (%s) = (SELECT %s FROM (SELECT ($1).*) AS n) WHERE t.id = $2',
                   TG_TABLE_SCHEMA, TG_TABLE_NAME, columns, columns)
      USING NEW, NEW.id;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION innotrue.merge_restored_seed() IS
    'BEFORE INSERT trigger on configuration tables: an inserted row whose id is an installed seed row''s id replaces that row (pg_restore over a fresh CREATE EXTENSION) instead of raising a duplicate key.';
