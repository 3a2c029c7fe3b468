-- credit_balance of a user without history, one of many on the history user's plan picked at
-- random (credits_setup.sql): the reference of credits_balance_history.
\set n random(1, :users)
SELECT * FROM innotrue.credit_balance((SELECT id FROM public.bench_credit_fresh WHERE n = :n));
