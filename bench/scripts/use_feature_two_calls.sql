-- The two calls use_feature replaces, as an application makes them: record_feature_usage (grant
-- check and count) then deduct_credits (charge), here of session_peer_coaching (no limit, so the
-- count always succeeds) and peer_coaching (3 credits) for a random bench_use user. Two autocommit
-- statements: the cheapest form (an atomic one adds BEGIN and COMMIT round trips).
\set n random(1, 1000)
SELECT innotrue.record_feature_usage((SELECT id FROM public.bench_use_users WHERE n = :n), 'session_peer_coaching');
SELECT innotrue.deduct_credits((SELECT id FROM public.bench_use_users WHERE n = :n), 'peer_coaching');
