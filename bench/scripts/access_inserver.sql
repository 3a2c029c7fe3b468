-- In-server cost of innotrue.can_access_resource: 5000 calls inside one statement over the fixed
-- (user, resource) pairs of public.bench_access_pairs (access_setup.sql), no round trips; against
-- the plain-SQL reference (bench/reference/access.sql): target C >= 3x the transactions per second.
SELECT count(*) FILTER (WHERE innotrue.can_access_resource(p.user_id, p.resource_id)) FROM public.bench_access_pairs p;
