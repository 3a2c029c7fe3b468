-- The entitlement cache (src/entitlement_cache.c): every table entitlements are resolved from carries
-- the invalidation trigger; repeated checks are served from the cache; a transaction that writes a
-- source sees its own change at once and caches nothing until it ends; answers across expiry times
-- and with the cache off are the same. Committed changes of other sessions: test/isolation/specs/
-- entitlements_visibility.spec. Cache counters are shown as differences, never as absolutes.
\set VERBOSITY terse

-- Every source table of the C read path has the two triggers, on the columns read there: per
-- statement for all writes, enabled ALWAYS; per row for INSERT, UPDATE and DELETE, enabled in replica
-- mode only (logical replication's apply worker fires no statement trigger). No other table has them.
SELECT s.table_name, t.tgname, t.tgenabled, (t.tgtype & 1) = 1 AS per_row,
       (t.tgtype & (4 | 8 | 16)) = (4 | 8 | 16) AS insert_delete_update, (t.tgtype & 32) = 32 AS on_truncate,
       (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
         WHERE a.attrelid = t.tgrelid AND a.attnum = ANY (t.tgattr))
       = (SELECT array_agg(c ORDER BY c) FROM unnest(s.column_names) c) AS update_of_read_columns
  FROM innotrue.entitlement_cache_sources() s
  LEFT JOIN pg_trigger t ON t.tgrelid = ('innotrue.' || quote_ident(s.table_name))::regclass
                        AND t.tgname IN ('entitlement_cache_invalidate', 'entitlement_cache_invalidate_replica')
 ORDER BY 1, 2;
SELECT count(*) AS triggers_elsewhere FROM pg_trigger t
 WHERE t.tgname IN ('entitlement_cache_invalidate', 'entitlement_cache_invalidate_replica')
   AND t.tgrelid::regclass::text NOT IN (SELECT 'innotrue.' || table_name FROM innotrue.entitlement_cache_sources());
SELECT innotrue.entitlement_cache_invalidate();

INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT '00000000-0000-0000-0000-0000000000c1', 'c1@example.com', id FROM innotrue.plans WHERE key = 'free';
INSERT INTO innotrue.add_ons (key, name) VALUES ('cache_pack', 'Cache pack');
INSERT INTO innotrue.add_on_features (add_on_id, feature_id, limit_value)
SELECT a.id, f.id, 7 FROM innotrue.add_ons a, innotrue.features f WHERE a.key = 'cache_pack' AND f.key = 'community';

CREATE TEMP TABLE stats_before AS SELECT * FROM innotrue.entitlement_cache_stats();
CREATE FUNCTION pg_temp.cache_delta() RETURNS TABLE (hits bigint, misses bigint, flushes bigint, bypassed bigint)
LANGUAGE sql AS $$
    SELECT s.hits - b.hits, s.misses - b.misses, s.flushes - b.flushes, s.bypassed - b.bypassed
      FROM innotrue.entitlement_cache_stats() s, stats_before b $$;
CREATE FUNCTION pg_temp.cache_mark() RETURNS void
LANGUAGE sql AS $$ DELETE FROM stats_before; INSERT INTO stats_before SELECT * FROM innotrue.entitlement_cache_stats() $$;

-- One miss resolves every feature of the user; the next checks, of any feature, are hits.
SELECT pg_temp.cache_mark();
SELECT innotrue.has_feature('00000000-0000-0000-0000-0000000000c1', 'community') AS community,
       innotrue.has_feature('00000000-0000-0000-0000-0000000000c1', 'ai_coach') AS ai_coach,
       innotrue.feature_limit('00000000-0000-0000-0000-0000000000c1', 'ai_coach') AS ai_coach_limit,
       innotrue.effective_plan_tier('00000000-0000-0000-0000-0000000000c1') AS tier;
SELECT hits, misses FROM pg_temp.cache_delta();

-- A transaction that writes a source sees its write at once, bypasses the cache until it ends, and
-- after a rollback the cached answer is still the right one.
BEGIN;
SELECT pg_temp.cache_mark();
INSERT INTO innotrue.user_add_ons (user_id, add_on_id, expires_at)
SELECT '00000000-0000-0000-0000-0000000000c1', id, '2031-01-01 00:00+00' FROM innotrue.add_ons WHERE key = 'cache_pack';
SELECT innotrue.has_feature('00000000-0000-0000-0000-0000000000c1', 'community') AS in_xact,
       innotrue.feature_limit('00000000-0000-0000-0000-0000000000c1', 'community') AS limit_in_xact;
SELECT hits, bypassed > 0 AS bypassed, flushes > 0 AS flushed FROM pg_temp.cache_delta();
ROLLBACK;
SELECT innotrue.has_feature('00000000-0000-0000-0000-0000000000c1', 'community') AS after_rollback;

-- Committed: the grant counts until it expires. The answer as of a time before and after the expiry
-- comes out right whether the cached entry was built for the other side of the expiry or not.
INSERT INTO innotrue.user_add_ons (user_id, add_on_id, expires_at)
SELECT '00000000-0000-0000-0000-0000000000c1', id, '2031-01-01 00:00+00' FROM innotrue.add_ons WHERE key = 'cache_pack';
SELECT pg_temp.cache_mark();
SELECT n, at, coalesce((SELECT coalesce(limit_value::text, 'unlimited')
                          FROM innotrue.resolve_entitlement('00000000-0000-0000-0000-0000000000c1', 'community', at)),
                        'not granted') AS community_limit
  FROM (VALUES (1, '2030-12-31 23:59:59+00'::timestamptz), (2, '2030-06-01 00:00+00'), (3, '2031-01-01 00:00+00'),
               (4, '2032-01-01 00:00+00'), (5, '2030-12-31 23:59:59+00')) v (n, at)
 ORDER BY n;
-- built as of 1 (good until the expiry): 2 is a hit; 3 needs a new entry (good from the expiry on):
-- 4 is a hit; 5 needs the first kind again.
SELECT hits, misses FROM pg_temp.cache_delta();

-- A write in replica mode (pg_restore, logical replication) still flushes.
SELECT innotrue.has_feature('00000000-0000-0000-0000-0000000000c1', 'community') AS before_replica_write;
SET session_replication_role = replica;
DELETE FROM innotrue.user_add_ons WHERE user_id = '00000000-0000-0000-0000-0000000000c1';
RESET session_replication_role;
SELECT innotrue.has_feature('00000000-0000-0000-0000-0000000000c1', 'community') AS after_replica_write;
INSERT INTO innotrue.user_add_ons (user_id, add_on_id, expires_at)
SELECT '00000000-0000-0000-0000-0000000000c1', id, '2031-01-01 00:00+00' FROM innotrue.add_ons WHERE key = 'cache_pack';

-- The cache off: the same answers, no cache activity.
SET innotrue.entitlement_cache_size = 0;
SELECT pg_temp.cache_mark();
SELECT innotrue.has_feature('00000000-0000-0000-0000-0000000000c1', 'community') AS community,
       innotrue.feature_limit('00000000-0000-0000-0000-0000000000c1', 'community') AS community_limit,
       innotrue.effective_plan_tier('00000000-0000-0000-0000-0000000000c1') AS tier;
SELECT * FROM pg_temp.cache_delta();
RESET innotrue.entitlement_cache_size;

-- A small cache stays within its size: 300 users resolved with 16 kB.
INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT md5('cache-user-' || n)::uuid, 'cache' || n || '@example.com', (SELECT id FROM innotrue.plans WHERE key = 'pro')
  FROM generate_series(1, 300) n;
SET innotrue.entitlement_cache_size = '16kB';
SELECT count(*) FILTER (WHERE innotrue.has_feature(md5('cache-user-' || n)::uuid, 'ai_coach')) AS granted
  FROM generate_series(1, 300) n;
SELECT bytes <= 16 * 1024 AS within_size, entries > 0 AS some_cached FROM innotrue.entitlement_cache_stats();
-- refused with 22023 (the message's range reads differently on each major)
\set VERBOSITY sqlstate
SET innotrue.entitlement_cache_size = -1;
\set VERBOSITY terse
RESET innotrue.entitlement_cache_size;
SHOW innotrue.entitlement_cache_size;

DELETE FROM innotrue.profiles WHERE email LIKE 'cache%@example.com' OR email = 'c1@example.com';
DELETE FROM innotrue.add_ons WHERE key = 'cache_pack';
