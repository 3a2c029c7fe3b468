-- bench: group=credits clients=1,8 durable=on vs=baseline_update_random:>=0.5 vs=credits_deduct_ref:>=1.2
-- durable=on: every commit waits for the WAL flush (synchronous_commit=on on a server with fsync=on),
-- as the issue's write targets assume; docs/performance.md "Durable commits".
-- deduct_credits (C) of goal_creation (2 credits) for a random user (many users, little
-- contention), against the guarded random-row UPDATE baseline and the PL/pgSQL reference.
\set n random(1, :users)
SELECT innotrue.deduct_credits((SELECT id FROM public.bench_users WHERE n = :n), 'goal_creation');
