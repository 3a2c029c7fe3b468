-- In-server cost of innotrue_ref.has_feature_by_resolution, the first SQL reference of has_feature:
-- it answers one feature by running the full resolution (resolve_entitlements restricted to that
-- feature). The same 5000 calls as entitlements_inserver_has_feature; reported, labelled as the
-- full-resolution reference, beside the ratio against the hand-written single-feature query
-- (entitlements_inserver_has_feature_ref), which is the fair one.
SELECT count(*) FILTER (WHERE innotrue_ref.has_feature_by_resolution(u.id, (ARRAY['ai_coach', 'ai_insights', 'session_coaching', 'session_group', 'goals', 'community',
       'programs_base', 'programs_pro', 'assessments', 'skills_map', 'courses', 'certificates'])[1 + g % 12]))
  FROM generate_series(0, 4999) g
  JOIN public.bench_users u ON u.n = 1 + (g * 7919) % :users;
