-- In-server cost of innotrue_ref.has_feature, the hand-written single-feature SQL query (one question,
-- one query; checked against the C function by test/differential/entitlements): 5000 calls inside one
-- statement (users and feature keys cycled over generate_series), no round trips. The fair reference
-- of entitlements_inserver_has_feature; the full-resolution one is
-- entitlements_inserver_has_feature_resolution.
-- Needs public.bench_users (bench/generate or entitlements_setup.sql).
SELECT count(*) FILTER (WHERE innotrue_ref.has_feature(u.id, (ARRAY['ai_coach', 'ai_insights', 'session_coaching', 'session_group', 'goals', 'community',
       'programs_base', 'programs_pro', 'assessments', 'skills_map', 'courses', 'certificates'])[1 + g % 12]))
  FROM generate_series(0, 4999) g
  JOIN public.bench_users u ON u.n = 1 + (g * 7919) % :users;
