-- deduct_credits for a user without history, one of many on the history user's plan picked at
-- random (credits_setup.sql), so each stays nearly fresh: the reference of credits_deduct_history.
\set n random(1, :users)
SELECT innotrue.deduct_credits((SELECT id FROM public.bench_credit_fresh WHERE n = :n), 'goal_creation');
