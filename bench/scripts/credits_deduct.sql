-- Its ratios run with durable commits (bench/ratios durable=on: synchronous_commit=on on a server with
-- fsync=on, every commit waits for the WAL flush), as the issue's write targets assume.
-- deduct_credits (C) of goal_creation (2 credits) for a random user (many users, little
-- contention), against the guarded random-row UPDATE baseline and the PL/pgSQL reference.
\set n random(1, :users)
SELECT innotrue.deduct_credits((SELECT id FROM public.bench_users WHERE n = :n), 'goal_creation');
