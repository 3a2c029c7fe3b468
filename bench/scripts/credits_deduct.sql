-- bench: group=credits clients=1,N vs=baseline_update_random:>=0.5 vs=credits_deduct_ref:>=1.2
-- deduct_credits (C) of goal_creation (2 credits) for a random user (many users, little
-- contention), against the guarded random-row UPDATE baseline and the PL/pgSQL reference.
\set n random(1, :users)
SELECT innotrue.deduct_credits((SELECT id FROM public.bench_users WHERE n = :n), 'goal_creation');
