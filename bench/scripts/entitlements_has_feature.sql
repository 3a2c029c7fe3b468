-- Round trip of innotrue.has_feature(user, feature) for a random user and one of 12 feature keys
-- (the RLS/application check). Target: >= 0.9x the calls per second of baseline_pk_lookup, which picks
-- its user the same way (id from public.bench_users inside the statement). Answers come from the
-- entitlement cache (docs/entitlements.md) once a user has been resolved in the backend; nothing writes
-- an entitlement source during the run.
-- Needs public.bench_users (bench/generate or entitlements_setup.sql); -D users=<rows in bench_users>.
\set n random(1, :users)
\set f random(1, 12)
SELECT innotrue.has_feature((SELECT id FROM public.bench_users WHERE n = :n),
       (ARRAY['ai_coach', 'ai_insights', 'session_coaching', 'session_group', 'goals', 'community',
       'programs_base', 'programs_pro', 'assessments', 'skills_map', 'courses', 'certificates'])[:f]);
