-- use_feature benchmark setup (bench/run runs every *_setup.sql once after bench/generate).
-- Loads the references again (other setup files may recreate the shared innotrue_ref schema) and
-- prepares public.bench_use_users(n, id): up to 1,000 generated users who, through the add-on
-- bench_use, have session_workshop (limit 1, already used this month: every further use is charged
-- through workshop, 3 credits) and session_peer_coaching (no limit: record_feature_usage counts
-- every use), and 1,000,000,000 credits so no timed run runs out. Neither service is AI-category
-- (the platform AI cap is one counter row all AI spends queue on).
\ir ../reference/entitlements.sql
\ir ../reference/credits.sql
\ir ../reference/use_feature.sql
INSERT INTO innotrue.add_ons (key, name) VALUES ('bench_use', 'Bench: workshops and peer coaching');
INSERT INTO innotrue.add_on_features (add_on_id, feature_id, limit_value)
SELECT a.id, f.id, v.lim FROM (VALUES ('session_workshop', 1), ('session_peer_coaching', NULL)) AS v (key, lim)
  JOIN innotrue.features f ON f.key = v.key CROSS JOIN innotrue.add_ons a WHERE a.key = 'bench_use';
CREATE TABLE public.bench_use_users (n integer PRIMARY KEY, id uuid NOT NULL);
INSERT INTO innotrue.user_add_ons (user_id, add_on_id)
SELECT u.id, a.id FROM public.bench_users u, innotrue.add_ons a WHERE a.key = 'bench_use' AND u.n <= 2000
ON CONFLICT DO NOTHING;
INSERT INTO public.bench_use_users
SELECT row_number() OVER (ORDER BY u.n), u.id FROM public.bench_users u
 WHERE u.n <= 2000 AND innotrue.has_feature(u.id, 'session_workshop') AND innotrue.has_feature(u.id, 'session_peer_coaching')
 ORDER BY u.n LIMIT 1000;
INSERT INTO innotrue.feature_usage (user_id, feature_id, period_start, used)
SELECT u.id, f.id, (innotrue.usage_period(now())).period_start, 1
  FROM public.bench_use_users u, innotrue.features f WHERE f.key = 'session_workshop'
ON CONFLICT (user_id, feature_id, period_start) DO UPDATE SET used = greatest(innotrue.feature_usage.used, 1);
SELECT count(innotrue.grant_credits(id, 1000000000, 'grant', NULL, 'bench-use-' || n)) AS granted FROM public.bench_use_users;
