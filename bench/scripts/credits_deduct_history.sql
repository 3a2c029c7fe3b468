-- deduct_credits for the user with 50,000 deductions this month, against a user without history:
-- the cost of a deduction must not grow with the ledger.
SELECT innotrue.deduct_credits((SELECT id FROM public.bench_credit_users WHERE role = 'history'), 'goal_creation');
