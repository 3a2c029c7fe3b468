-- bench: group=access clients=1 scales=medium,large
-- The owner (no row-level security) counts what the client of access_rls_count sees, writing the
-- policy's predicate out as an explicit WHERE clause with the same once-per-query values.
SELECT set_config('innotrue.user_id', (SELECT id::text FROM public.bench_access_client), false);
SELECT count(*) FROM innotrue.resource_library
 WHERE visibility = 'public' AND is_active AND (SELECT innotrue.current_user_id()) IS NOT NULL
       AND (feature_key IS NULL OR feature_key = ANY ((SELECT innotrue.my_feature_keys())::text[]))
       AND (min_plan_tier IS NULL OR min_plan_tier <= (SELECT innotrue.effective_plan_tier()))
    OR created_by = (SELECT innotrue.current_user_id())
    OR program_access && (SELECT innotrue.my_program_access())::text[] AND visibility <> 'private' AND is_active
       AND (feature_key IS NULL OR feature_key = ANY ((SELECT innotrue.my_feature_keys())::text[]))
       AND (min_plan_tier IS NULL OR min_plan_tier <= (SELECT innotrue.effective_plan_tier()))
    OR visibility >= (SELECT innotrue.my_admin_resource_key());
