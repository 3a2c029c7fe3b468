-- Access benchmark setup: row-level security on for role bench_app, and the client the RLS scripts
-- act for, public.bench_access_client: the non-admin user with one active enrollment whose share of
-- visible resources is closest to 2% (picked among the first 200 such users, by can_access_resource
-- over a 20,000-resource sample). Needs bench/generate data (10,000 users and 1,000,000 resources
-- for the figures of docs/access.md) and bench/reference/access.sql (loaded by bench/run).
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bench_app') THEN
        CREATE ROLE bench_app NOLOGIN;
    END IF;
END $$;
SELECT innotrue.enable_row_level_security('bench_app') AS policies;
DROP TABLE IF EXISTS public.bench_access_client;
CREATE TABLE public.bench_access_client AS
WITH candidates AS (
    SELECT e.user_id FROM innotrue.client_enrollments e
     WHERE e.status = 'active'
       AND NOT EXISTS (SELECT 1 FROM innotrue.user_roles r WHERE r.user_id = e.user_id AND r.role = 'admin')
     GROUP BY e.user_id HAVING count(*) = 1
     ORDER BY e.user_id LIMIT 200),
sample AS (SELECT id FROM public.bench_resources WHERE n % 50 = 0)
SELECT c.user_id AS id,
       (SELECT count(*) FILTER (WHERE innotrue.can_access_resource(c.user_id, s.id))::float8 / count(*) FROM sample s) AS share
  FROM candidates c
 ORDER BY abs((SELECT count(*) FILTER (WHERE innotrue.can_access_resource(c.user_id, s.id))::float8 / count(*) FROM sample s) - 0.02)
 LIMIT 1;
GRANT SELECT ON public.bench_access_client TO bench_app;
SELECT id, round(share::numeric, 4) AS sampled_share FROM public.bench_access_client;
ANALYZE innotrue.resource_library;
-- The 5000 (user, resource) pairs of access_inserver and access_inserver_ref, made once so that the
-- timed statements spend their time in the access checks, not in making ids.
DROP TABLE IF EXISTS public.bench_access_pairs;
CREATE TABLE public.bench_access_pairs AS
SELECT g, u.id AS user_id, r.id AS resource_id
  FROM generate_series(0, 4999) g
  JOIN public.bench_users u ON u.n = 1 + (g * 7919) % (SELECT count(*) FROM public.bench_users)
  JOIN public.bench_resources r ON r.n = 1 + (g * 104729) % (SELECT count(*) FROM public.bench_resources)
 ORDER BY g;
ANALYZE public.bench_access_pairs;
