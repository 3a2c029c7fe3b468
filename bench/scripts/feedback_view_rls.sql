-- feedback_view as the application reads it: role bench_app under row-level security, acting for
-- the client herself (innotrue.user_id). Target: at most three times the time of the owner's
-- read. The script makes three more round trips (set_config, SET ROLE, RESET ROLE), and each of
-- the eight tables read applies its policies (admin check, owner, coaches, organization sharing:
-- once-per-query helper calls, docs/access.md).
\set n random(1, :users)
SELECT set_config('innotrue.user_id', (SELECT id::text FROM public.bench_feedback_clients WHERE n = :n), false);
SET ROLE bench_app;
SELECT mechanism, item_id, given_by, given_at, subject_kind, subject_id, score, summary, is_new
  FROM innotrue.feedback
 WHERE client_id = (SELECT id FROM public.bench_feedback_clients WHERE n = :n)
 ORDER BY given_at DESC;
RESET ROLE;
