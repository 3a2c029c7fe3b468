-- In-server cost of the plain-SQL reference innotrue_ref_access.can_access_resource: the same 5000
-- calls as access_inserver (public.bench_access_pairs).
SELECT count(*) FILTER (WHERE innotrue_ref_access.can_access_resource(p.user_id, p.resource_id)) FROM public.bench_access_pairs p;
