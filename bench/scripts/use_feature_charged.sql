-- use_feature (C) of session_workshop beyond its monthly limit for a random user: the grant check,
-- the month's count read, and the charge through service workshop (3 credits), in one call. Against
-- the two calls it replaces (record_feature_usage + deduct_credits, target: cheaper) and against
-- deduct_credits alone (the charge without the grant check and metering).
\set n random(1, 1000)
SELECT innotrue.use_feature((SELECT id FROM public.bench_use_users WHERE n = :n), 'session_workshop');
