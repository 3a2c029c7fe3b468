-- Round trip of innotrue_ref.has_feature(user, feature) for a random user and one of 12 feature keys
-- (the single-feature SQL query of bench/reference/entitlements.sql), for comparison with
-- entitlements_has_feature.sql.
-- Needs public.bench_users (bench/generate or entitlements_setup.sql); -D users=<rows in bench_users>.
\set n random(1, :users)
\set f random(1, 12)
SELECT innotrue_ref.has_feature((SELECT id FROM public.bench_users WHERE n = :n),
       (ARRAY['ai_coach', 'ai_insights', 'session_coaching', 'session_group', 'goals', 'community',
       'programs_base', 'programs_pro', 'assessments', 'skills_map', 'courses', 'certificates'])[:f]);
