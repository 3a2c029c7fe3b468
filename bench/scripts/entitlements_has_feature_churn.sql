-- entitlements_has_feature while entitlements change: one transaction in 500 also rewrites a user's
-- track memberships (a write to an entitlement source), which empties the entitlement cache of every
-- backend, so later checks resolve users again until they are cached anew. What the cache costs and
-- saves under churn; reported against the primary-key lookup without a target.
\set n random(1, :users)
\set f random(1, 12)
\set w random(1, 500)
\if :w = 1
UPDATE innotrue.user_tracks SET is_active = is_active WHERE user_id = (SELECT id FROM public.bench_users WHERE n = :n);
\endif
SELECT innotrue.has_feature((SELECT id FROM public.bench_users WHERE n = :n),
       (ARRAY['ai_coach', 'ai_insights', 'session_coaching', 'session_group', 'goals', 'community',
       'programs_base', 'programs_pro', 'assessments', 'skills_map', 'courses', 'certificates'])[:f]);
