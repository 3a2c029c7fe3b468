-- A client who sees about 2% of the library counts it through row-level security (role bench_app,
-- innotrue.user_id = public.bench_access_client). Targets: at most 2x the time of the owner's query
-- with the equivalent explicit WHERE clause, at most 0.2x the owner's full unfiltered count.
SELECT set_config('innotrue.user_id', (SELECT id::text FROM public.bench_access_client), false);
SET ROLE bench_app;
SELECT count(*) FROM innotrue.resource_library;
RESET ROLE;
