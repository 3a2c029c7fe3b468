-- bench: group=credits clients=1,8 durable=on compare=baseline_update_hot target=>=0.8
-- durable=on: every commit waits for the WAL flush (synchronous_commit=on on a server with fsync=on),
-- as the issue's write targets assume; docs/performance.md "Durable commits".
-- deduct_credits (C) always for one user (n = 1): every client queues on that user's batch, the
-- case of the hot-row UPDATE baseline (bound by commit/WAL flush on real disks).
SELECT innotrue.deduct_credits((SELECT id FROM public.bench_users WHERE n = 1), 'goal_creation');
