-- Its ratios run with durable commits (bench/ratios durable=on: synchronous_commit=on on a server with
-- fsync=on, every commit waits for the WAL flush), as the issue's write targets assume.
-- innotrue_ref.deduct_credits (PL/pgSQL reference of the same rules, bench/reference/credits.sql)
-- of goal_creation for a random user: the baseline credits_deduct must beat by 1.2x.
\set n random(1, :users)
SELECT innotrue_ref.deduct_credits((SELECT id FROM public.bench_users WHERE n = :n), 'goal_creation');
