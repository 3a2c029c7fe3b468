-- credit_balance of a user with no history beyond its grant (the reference of credits_balance_history).
SELECT * FROM innotrue.credit_balance((SELECT id FROM public.bench_credit_users WHERE role = 'fresh'));
