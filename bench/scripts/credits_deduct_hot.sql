-- Its ratios run with durable commits (bench/ratios durable=on: synchronous_commit=on on a server with
-- fsync=on, every commit waits for the WAL flush), as the issue's write targets assume.
-- deduct_credits (C) always for one user (n = 1): every client queues on that user's batch, the
-- case of the hot-row UPDATE baseline (bound by commit/WAL flush on real disks).
SELECT innotrue.deduct_credits((SELECT id FROM public.bench_users WHERE n = 1), 'goal_creation');
