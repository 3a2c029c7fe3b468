-- Physical baseline: a primary-key lookup of a random user, written the way every per-user
-- script picks its user (random n, id from public.bench_users in the same statement), so a
-- ratio against it measures only the extra cost of the function under test.
\set n random(1, :users)
SELECT 1 FROM innotrue.profiles WHERE id = (SELECT id FROM public.bench_users WHERE n = :n);
