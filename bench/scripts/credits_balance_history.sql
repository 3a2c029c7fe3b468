-- credit_balance of the user with 50,000 deductions this month (credits_setup.sql), against the
-- same call for a user without history: the balance reads live batches, never the ledger.
SELECT * FROM innotrue.credit_balance((SELECT id FROM public.bench_credit_users WHERE role = 'history'));
