-- entitlements_inserver_resolve with the entitlement cache off (innotrue.entitlement_cache_size = 0):
-- nothing kept between calls, every row read from the tables, as for a snapshot the cache may not
-- serve (a transaction that wrote an entitlement source, or one older than the last change).
SET innotrue.entitlement_cache_size = 0;
SELECT count(*), count(*) FILTER (WHERE r.enabled)
  FROM generate_series(0, 499) g
  JOIN public.bench_users u ON u.n = 1 + (g * 7919) % :users
 CROSS JOIN LATERAL innotrue.resolve_entitlements(u.id, now()) r;
