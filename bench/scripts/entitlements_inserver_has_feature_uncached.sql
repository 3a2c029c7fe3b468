-- entitlements_inserver_has_feature with the entitlement cache off (innotrue.entitlement_cache_size = 0):
-- each of the 5000 checks walks the tables (the early-stopping single-feature walk).
SET innotrue.entitlement_cache_size = 0;
SELECT count(*) FILTER (WHERE innotrue.has_feature(u.id, (ARRAY['ai_coach', 'ai_insights', 'session_coaching', 'session_group', 'goals', 'community',
       'programs_base', 'programs_pro', 'assessments', 'skills_map', 'courses', 'certificates'])[1 + g % 12]))
  FROM generate_series(0, 4999) g
  JOIN public.bench_users u ON u.n = 1 + (g * 7919) % :users;
