-- One line per catalog fact of the installed innotrue extension, by name (never by oid), sorted:
-- two databases with the same schema print the same text. Run with psql -A -t; read by
-- test/upgrade/upgrade-and-restore, which diffs a fresh, an upgraded and a restored database.
-- Access lists are printed sorted: their order records only the order of the GRANTs.
CREATE FUNCTION pg_temp.sorted_acl(acl aclitem[]) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT coalesce((SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest(acl) x), '-') $$;
WITH ext AS (SELECT oid, extversion, extconfig, extcondition FROM pg_catalog.pg_extension WHERE extname = 'innotrue'),
nsp AS (SELECT 'innotrue'::regnamespace AS oid),
rel AS (
    SELECT c.oid, c.relname, c.relkind FROM pg_catalog.pg_class c, nsp WHERE c.relnamespace = nsp.oid
),
facts (line) AS (
    SELECT 'extension version ' || extversion FROM ext
    UNION ALL
    SELECT format('relation %s kind %s rls %s force %s acl %s', c.relname, c.relkind, c.relrowsecurity,
                  c.relforcerowsecurity, pg_temp.sorted_acl(c.relacl))
      FROM pg_catalog.pg_class c, nsp WHERE c.relnamespace = nsp.oid
    UNION ALL
    SELECT format('column %s.%s %s notnull %s default %s generated %s identity %s acl %s', r.relname, a.attname,
                  pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
                  coalesce(pg_catalog.pg_get_expr(d.adbin, d.adrelid), '-'), a.attgenerated, a.attidentity,
                  pg_temp.sorted_acl(a.attacl))
      FROM rel r JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = r.oid AND d.adnum = a.attnum
    UNION ALL
    SELECT format('constraint %s.%s %s', r.relname, k.conname, pg_catalog.pg_get_constraintdef(k.oid))
      FROM rel r JOIN pg_catalog.pg_constraint k ON k.conrelid = r.oid
    UNION ALL
    SELECT format('index %s', pg_catalog.pg_get_indexdef(r.oid)) FROM rel r WHERE r.relkind = 'i'
    UNION ALL
    SELECT format('trigger %s enabled %s', pg_catalog.pg_get_triggerdef(t.oid), t.tgenabled)
      FROM rel r JOIN pg_catalog.pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
    UNION ALL
    SELECT format('policy %s.%s %s %s roles %s using %s check %s', p.tablename, p.policyname, p.permissive, p.cmd,
                  p.roles, coalesce(p.qual, '-'), coalesce(p.with_check, '-'))
      FROM pg_catalog.pg_policies p WHERE p.schemaname = 'innotrue'
    UNION ALL
    SELECT format('view %s %s', r.relname, pg_catalog.pg_get_viewdef(r.oid)) FROM rel r WHERE r.relkind IN ('v', 'm')
    UNION ALL
    SELECT format('function %s returns %s lang %s volatility %s parallel %s strict %s secdef %s leakproof %s config %s acl %s body %s',
                  p.oid::regprocedure, pg_catalog.pg_get_function_result(p.oid), l.lanname, p.provolatile,
                  p.proparallel, p.proisstrict, p.prosecdef, p.proleakproof, coalesce(p.proconfig::text, '-'),
                  pg_temp.sorted_acl(p.proacl),
                  CASE WHEN l.lanname = 'c' THEN p.probin || ':' || p.prosrc ELSE md5(p.prosrc) END)
      FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang, nsp
     WHERE p.pronamespace = nsp.oid
    UNION ALL
    SELECT format('type %s kind %s', t.typname, t.typtype)
      FROM pg_catalog.pg_type t, nsp WHERE t.typnamespace = nsp.oid AND t.typtype <> 'b' AND t.typrelid = 0
    UNION ALL
    -- comments on members, their columns included
    SELECT format('comment %s: %s', pg_catalog.pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description)
      FROM pg_catalog.pg_description d
      JOIN pg_catalog.pg_depend e ON e.classid = d.classoid AND e.objid = d.objoid AND e.deptype = 'e'
                                  AND e.refobjid = (SELECT oid FROM ext)
    UNION ALL
    SELECT format('member %s', pg_catalog.pg_describe_object(e.classid, e.objid, e.objsubid))
      FROM pg_catalog.pg_depend e WHERE e.deptype = 'e' AND e.refobjid = (SELECT oid FROM ext)
                                    AND e.refclassid = 'pg_catalog.pg_extension'::regclass
    UNION ALL
    SELECT format('schema innotrue acl %s', pg_temp.sorted_acl(n.nspacl))
      FROM pg_catalog.pg_namespace n, nsp WHERE n.oid = nsp.oid
    UNION ALL
    SELECT format('dumped %s condition %s', x.rel::regclass, coalesce(nullif(x.cond, ''), '-'))
      FROM ext, unnest(ext.extconfig, ext.extcondition) AS x (rel, cond)
    UNION ALL
    SELECT format('event trigger %s on %s enabled %s tags %s function %s', t.evtname, t.evtevent, t.evtenabled,
                  coalesce(t.evttags::text, '-'), t.evtfoid::regproc)
      FROM pg_catalog.pg_event_trigger t
      JOIN pg_catalog.pg_depend e ON e.classid = 'pg_catalog.pg_event_trigger'::regclass AND e.objid = t.oid
                                  AND e.deptype = 'e' AND e.refobjid = (SELECT oid FROM ext)
)
SELECT line FROM facts ORDER BY line COLLATE "C";
