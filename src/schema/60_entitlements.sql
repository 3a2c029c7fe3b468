-- innotrue: entitlement resolution (src/entitlements.c), usage metering and the current user.
-- Rules: platform-rules.md "Entitlements" and "Users"; behaviour and errors: docs/entitlements.md.

CREATE FUNCTION innotrue.current_user_id()
RETURNS uuid
LANGUAGE C
STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'innotrue_current_user_id';
COMMENT ON FUNCTION innotrue.current_user_id() IS
    'The current platform user for RLS: auth.uid() where that function exists, else setting request.jwt.claim.sub, else setting innotrue.user_id, else NULL (anonymous). A setting that is not a uuid is an error.';

CREATE FUNCTION innotrue.has_feature(user_id uuid, feature_key text)
RETURNS boolean
LANGUAGE C
STABLE PARALLEL SAFE STRICT
AS 'MODULE_PATHNAME', 'innotrue_has_feature';
COMMENT ON FUNCTION innotrue.has_feature(uuid, text) IS
    'true when one of the five entitlement sources grants the feature (limit NULL or > 0) and no deny applies; usage is not counted here. Unknown feature key: error 42704.';

CREATE FUNCTION innotrue.feature_limit(user_id uuid, feature_key text)
RETURNS integer
LANGUAGE C
STABLE PARALLEL SAFE STRICT
AS 'MODULE_PATHNAME', 'innotrue_feature_limit';
COMMENT ON FUNCTION innotrue.feature_limit(uuid, text) IS
    'Merged monthly limit of a feature for a user: NULL = unlimited, 0 = not granted or denied, else the highest limit any source grants. Unknown feature key: error 42704.';

CREATE FUNCTION innotrue.effective_plan_tier(user_id uuid)
RETURNS integer
LANGUAGE C
STABLE PARALLEL SAFE STRICT
AS 'MODULE_PATHNAME', 'innotrue_effective_plan_tier';
COMMENT ON FUNCTION innotrue.effective_plan_tier(uuid) IS
    'max(personal plan tier, tiers of plans sponsored through active memberships of active organizations); inactive plans do not count; NULL for an unknown user.';

CREATE FUNCTION innotrue.resolve_entitlements(user_id uuid, at timestamptz DEFAULT now())
RETURNS TABLE (feature_key text, enabled boolean, limit_value integer, used integer, remaining integer,
               source text, sources text[], denied boolean)
LANGUAGE C
STABLE PARALLEL SAFE STRICT ROWS 20
AS 'MODULE_PATHNAME', 'innotrue_resolve_entitlements';
COMMENT ON FUNCTION innotrue.resolve_entitlements(uuid, timestamptz) IS
    'One row per active feature the user is granted or denied as of at, ordered by key: enabled, limit (NULL = unlimited), used this month, remaining, winning source, all granting sources, denied.';

CREATE FUNCTION innotrue.resolve_entitlement(user_id uuid, feature_key text, at timestamptz DEFAULT now())
RETURNS TABLE (feature_key text, enabled boolean, limit_value integer, used integer, remaining integer,
               source text, sources text[], denied boolean)
LANGUAGE C
STABLE PARALLEL SAFE STRICT ROWS 1
AS 'MODULE_PATHNAME', 'innotrue_resolve_entitlements';
COMMENT ON FUNCTION innotrue.resolve_entitlement(uuid, text, timestamptz) IS
    'The resolve_entitlements row of one feature (no row when the feature is neither granted nor denied, or inactive). Unknown feature key: error 42704.';

CREATE FUNCTION innotrue.entitlement_sources(user_id uuid, feature_key text, at timestamptz DEFAULT now())
RETURNS TABLE (source text, via text, via_id uuid, via_key text, detail text, limit_value integer,
               effect text, ignored_reason text)
LANGUAGE C
STABLE PARALLEL SAFE STRICT ROWS 10
AS 'MODULE_PATHNAME', 'innotrue_entitlement_sources';
COMMENT ON FUNCTION innotrue.entitlement_sources(uuid, text, timestamptz) IS
    'Every source row bearing on one feature for one user: source, the plan/program plan/add-on/track/denial it comes through, its limit, effect (grant, none, deny) and why it is ignored (NULL = counted). The data behind explain_entitlement.';

CREATE FUNCTION innotrue.usage_period(at timestamptz DEFAULT now(), OUT period_start date, OUT next_reset timestamptz)
RETURNS record
LANGUAGE C
STABLE PARALLEL SAFE STRICT
AS 'MODULE_PATHNAME', 'innotrue_usage_period';
COMMENT ON FUNCTION innotrue.usage_period(timestamptz) IS
    'The usage-metering month containing at: its first day in system_settings.default_timezone (feature_usage.period_start) and the instant the next month starts there.';

CREATE FUNCTION innotrue.record_feature_usage(user_id uuid, feature_key text, amount integer DEFAULT 1,
                                              at timestamptz DEFAULT now())
RETURNS integer
LANGUAGE C
VOLATILE PARALLEL UNSAFE STRICT
AS 'MODULE_PATHNAME', 'innotrue_record_feature_usage';
COMMENT ON FUNCTION innotrue.record_feature_usage(uuid, text, integer, timestamptz) IS
    'Counts amount uses of a feature in the month containing at and returns the remaining uses (NULL = unlimited). Refuses and records nothing: amount <= 0 (22023), feature not granted or denied (42501), limit would be exceeded (54000). Concurrent calls serialize on the usage row.';

CREATE FUNCTION innotrue.explain_entitlement(user_id uuid, feature_key text, at timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE sql
STABLE PARALLEL SAFE STRICT
AS $$
    SELECT jsonb_build_object(
        'user_id', explain_entitlement.user_id,
        'feature_key', explain_entitlement.feature_key,
        'feature_active', (SELECT f.is_active FROM innotrue.features f WHERE f.key = explain_entitlement.feature_key),
        'enabled', coalesce(r.enabled, false),
        'limit', CASE WHEN r.denied OR r.enabled IS NULL THEN to_jsonb(0) ELSE to_jsonb(r.limit_value) END,
        'unlimited', coalesce(r.enabled AND r.limit_value IS NULL, false),
        'winner', r.source,
        'denied', coalesce(r.denied, false),
        'deny', (SELECT jsonb_agg(jsonb_build_object('source', s.source, 'via', s.via, 'via_key', s.via_key,
                                                     'detail', s.detail)
                                  ORDER BY s.source, s.via_key)
                   FROM innotrue.entitlement_sources(explain_entitlement.user_id, explain_entitlement.feature_key,
                                                     explain_entitlement.at) s
                  WHERE s.effect = 'deny' AND s.ignored_reason IS NULL),
        'sources', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                        'source', s.source, 'via', s.via, 'via_key', s.via_key, 'detail', s.detail,
                                        'limit', s.limit_value, 'effect', s.effect,
                                        'counted', s.ignored_reason IS NULL, 'ignored_reason', s.ignored_reason)
                                    ORDER BY s.source, s.via_key, s.detail)
                               FROM innotrue.entitlement_sources(explain_entitlement.user_id,
                                                                 explain_entitlement.feature_key,
                                                                 explain_entitlement.at) s), '[]'::jsonb),
        'used', coalesce(r.used, 0),
        'remaining', CASE WHEN r.denied OR r.enabled IS NULL THEN to_jsonb(0) ELSE to_jsonb(r.remaining) END,
        'period_start', p.period_start,
        'next_reset', p.next_reset)
      FROM innotrue.usage_period(explain_entitlement.at) p
      LEFT JOIN innotrue.resolve_entitlement(explain_entitlement.user_id, explain_entitlement.feature_key,
                                             explain_entitlement.at) r ON true
$$;
COMMENT ON FUNCTION innotrue.explain_entitlement(uuid, text, timestamptz) IS
    'Why a user has or lacks a feature, as JSON: every source considered (what it grants, its limit, whether it counted and why not), the deny if any, the winner, the merged limit, usage this month and the next reset. Unknown feature key: error 42704.';

-- Current-user variants for row-level security and application checks.

CREATE FUNCTION innotrue.has_feature(feature_key text)
RETURNS boolean
LANGUAGE sql
STABLE PARALLEL SAFE STRICT
AS $$ SELECT coalesce(innotrue.has_feature(innotrue.current_user_id(), has_feature.feature_key), false) $$;
COMMENT ON FUNCTION innotrue.has_feature(text) IS
    'has_feature for innotrue.current_user_id(); false for an anonymous caller.';

CREATE FUNCTION innotrue.feature_limit(feature_key text)
RETURNS integer
LANGUAGE sql
STABLE PARALLEL SAFE STRICT
AS $$ SELECT CASE WHEN innotrue.current_user_id() IS NULL THEN 0
                  ELSE innotrue.feature_limit(innotrue.current_user_id(), feature_limit.feature_key) END $$;
COMMENT ON FUNCTION innotrue.feature_limit(text) IS
    'feature_limit for innotrue.current_user_id(); 0 for an anonymous caller.';

CREATE FUNCTION innotrue.effective_plan_tier()
RETURNS integer
LANGUAGE sql
STABLE PARALLEL SAFE
AS $$ SELECT innotrue.effective_plan_tier(innotrue.current_user_id()) $$;
COMMENT ON FUNCTION innotrue.effective_plan_tier() IS
    'effective_plan_tier for innotrue.current_user_id(); NULL for an anonymous caller.';

CREATE FUNCTION innotrue.resolve_entitlements()
RETURNS TABLE (feature_key text, enabled boolean, limit_value integer, used integer, remaining integer,
               source text, sources text[], denied boolean)
LANGUAGE sql
STABLE PARALLEL SAFE ROWS 20
AS $$ SELECT * FROM innotrue.resolve_entitlements(innotrue.current_user_id(), now()) $$;
COMMENT ON FUNCTION innotrue.resolve_entitlements() IS
    'resolve_entitlements for innotrue.current_user_id(); no rows for an anonymous caller.';

CREATE FUNCTION innotrue.explain_entitlement(feature_key text)
RETURNS jsonb
LANGUAGE sql
STABLE PARALLEL SAFE STRICT
AS $$ SELECT innotrue.explain_entitlement(innotrue.current_user_id(), explain_entitlement.feature_key, now()) $$;
COMMENT ON FUNCTION innotrue.explain_entitlement(text) IS
    'explain_entitlement for innotrue.current_user_id(); NULL for an anonymous caller.';

-- The entitlement cache (src/entitlement_cache.c): each backend keeps resolved entitlements per
-- user and must forget them whenever a table they are resolved from changes.  On exactly the tables
-- and columns the C read path names (entitlement_cache_sources()): a statement trigger enabled
-- ALWAYS (replica-mode restores fire it too), and a row trigger enabled in replica mode only, for
-- logical replication's apply worker, which fires row triggers but no statement trigger.

CREATE FUNCTION innotrue.entitlement_cache_sources()
RETURNS TABLE (table_name text, column_names text[])
LANGUAGE C
IMMUTABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'innotrue_entitlement_cache_sources';
COMMENT ON FUNCTION innotrue.entitlement_cache_sources() IS
    'The tables (and their columns) entitlements are resolved from: each carries the entitlement_cache_invalidate trigger. Fixed by the C code of this version.';

CREATE FUNCTION innotrue.entitlement_cache_invalidate()
RETURNS trigger
LANGUAGE C
VOLATILE PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'innotrue_entitlement_cache_invalidate';
COMMENT ON FUNCTION innotrue.entitlement_cache_invalidate() IS
    'Trigger on each entitlement source table (per statement; per row in replica mode): flushes this backend''s entitlement cache and has every backend of the database flush theirs before the writing transaction commits.';

CREATE FUNCTION innotrue.entitlement_cache_stats(OUT entries bigint, OUT bytes bigint, OUT hits bigint,
                                                 OUT misses bigint, OUT flushes bigint, OUT bypassed bigint)
RETURNS record
LANGUAGE C
VOLATILE PARALLEL RESTRICTED
AS 'MODULE_PATHNAME', 'innotrue_entitlement_cache_stats';
COMMENT ON FUNCTION innotrue.entitlement_cache_stats() IS
    'This backend''s entitlement cache: users cached, bytes, and since the backend started cache hits, misses, flushes and calls that bypassed it (a snapshot older than the last flush, or a transaction that wrote a source table).';

DO $cache_triggers$
DECLARE
    s record;
BEGIN
    FOR s IN SELECT * FROM innotrue.entitlement_cache_sources() LOOP
        EXECUTE format('CREATE TRIGGER entitlement_cache_invalidate
                            AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF %s ON innotrue.%I
                            FOR EACH STATEMENT EXECUTE FUNCTION innotrue.entitlement_cache_invalidate()',
                       (SELECT string_agg(quote_ident(c), ', ') FROM unnest(s.column_names) c), s.table_name);
        EXECUTE format('ALTER TABLE innotrue.%I ENABLE ALWAYS TRIGGER entitlement_cache_invalidate', s.table_name);
        EXECUTE format('CREATE TRIGGER entitlement_cache_invalidate_replica
                            AFTER INSERT OR DELETE OR UPDATE OF %s ON innotrue.%I
                            FOR EACH ROW EXECUTE FUNCTION innotrue.entitlement_cache_invalidate()',
                       (SELECT string_agg(quote_ident(c), ', ') FROM unnest(s.column_names) c), s.table_name);
        EXECUTE format('ALTER TABLE innotrue.%I ENABLE REPLICA TRIGGER entitlement_cache_invalidate_replica', s.table_name);
    END LOOP;
END
$cache_triggers$;
