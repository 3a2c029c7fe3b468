-- The owner (no row-level security) counts what the client of access_rls_count sees, writing the
-- policy's predicate out as an explicit WHERE clause with the same once-per-query values.
SELECT set_config('innotrue.user_id', (SELECT id::text FROM public.bench_access_client), false);
SELECT count(*) FROM innotrue.resource_library
 WHERE created_by = (SELECT innotrue.current_user_id())
    OR access_tokens && (SELECT innotrue.my_access_tokens())::text[]
    OR visibility >= (SELECT innotrue.my_admin_resource_key());
