-- bench: group=entitlements clients=1 vs=entitlements_inserver_resolve_ref:>=3
-- entitlements_inserver_resolve for users not in the entitlement cache: a cache of 1 kB holds at most
-- one user, so each of the 500 resolutions reads the user's own rows (the configuration rows -- plans,
-- program plans, add-ons, tracks, organizations -- stay memoized). The cost of the first call for a
-- user. entitlements_inserver_resolve repeats the same 500 users in every transaction and is served
-- from the cache after the first.
SET innotrue.entitlement_cache_size = '1kB';
SELECT count(*), count(*) FILTER (WHERE r.enabled)
  FROM generate_series(0, 499) g
  JOIN public.bench_users u ON u.n = 1 + (g * 7919) % :users
 CROSS JOIN LATERAL innotrue.resolve_entitlements(u.id, now()) r;
