-- Its ratios run with durable commits (bench/ratios durable=on: synchronous_commit=on on a server with
-- fsync=on, every commit waits for the WAL flush), as the issue's write targets assume.
-- Physical baseline: the same guarded UPDATE always on one row (user n = 1): with several clients
-- they queue on the row lock, the floor for any write of a single user's balance.
UPDATE public.bench_counters SET balance = balance - 1
 WHERE user_id = (SELECT id FROM public.bench_users WHERE n = 1) AND balance >= 1;
