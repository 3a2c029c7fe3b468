-- deduct_credits alone of workshop (3 credits) for a random bench_use user: the charge half of
-- use_feature_charged, with no grant check and no metering.
\set n random(1, 1000)
SELECT innotrue.deduct_credits((SELECT id FROM public.bench_use_users WHERE n = :n), 'workshop');
