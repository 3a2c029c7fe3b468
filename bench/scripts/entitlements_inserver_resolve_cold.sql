-- entitlements_inserver_resolve right after an entitlement change: each transaction first commits a
-- write to an entitlement source (an UPDATE of features that changes no row still fires the cache's
-- invalidation trigger), so every backend's entitlement cache is empty and each of the 500 resolutions
-- reads the tables (the user's own rows and the configuration rows, memoized again as they are read).
-- The cost of the first call for a user after a change; entitlements_inserver_resolve repeats the same
-- 500 users in every transaction and is served from the cache after the first.
UPDATE innotrue.features SET is_active = is_active WHERE false;
SELECT count(*), count(*) FILTER (WHERE r.enabled)
  FROM generate_series(0, 499) g
  JOIN public.bench_users u ON u.n = 1 + (g * 7919) % :users
 CROSS JOIN LATERAL innotrue.resolve_entitlements(u.id, now()) r;
