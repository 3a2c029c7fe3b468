-- deduct_credits for a user with no history (the reference of credits_deduct_history).
SELECT innotrue.deduct_credits((SELECT id FROM public.bench_credit_users WHERE role = 'fresh'), 'goal_creation');
