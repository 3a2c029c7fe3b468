-- Its ratios run with durable commits (bench/ratios durable=on: synchronous_commit=on on a server with
-- fsync=on, every commit waits for the WAL flush), as the issue's write targets assume.
-- Physical baseline: a guarded single-row UPDATE of a random user's counter (many users, no
-- contention): the floor for any write of one user's balance.
\set n random(1, :users)
UPDATE public.bench_counters SET balance = balance - 1
 WHERE user_id = (SELECT id FROM public.bench_users WHERE n = :n) AND balance >= 1;
