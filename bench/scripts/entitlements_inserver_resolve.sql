-- In-server cost of innotrue.resolve_entitlements: 500 full resolutions (every feature of a user with usage)
-- inside one statement. entitlements_inserver_resolve (C) against entitlements_inserver_resolve_ref
-- (plain-SQL reference): target C >= 3x the transactions per second.
-- Needs public.bench_users (bench/generate or entitlements_setup.sql).
SELECT count(*), count(*) FILTER (WHERE r.enabled)
  FROM generate_series(0, 499) g
  JOIN public.bench_users u ON u.n = 1 + (g * 7919) % :users
 CROSS JOIN LATERAL innotrue.resolve_entitlements(u.id, now()) r;
