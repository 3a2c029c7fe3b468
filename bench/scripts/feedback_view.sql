-- One client's feed, newest first, through the view innotrue.feedback (about ten items from seven
-- mechanisms, bench/scripts/feedback_setup.sql), against the same union written out by hand
-- (feedback_union_ref): the view should cost no more than the query an application would write.
\set n random(1, :users)
SELECT mechanism, item_id, given_by, given_at, subject_kind, subject_id, score, summary, is_new
  FROM innotrue.feedback
 WHERE client_id = (SELECT id FROM public.bench_feedback_clients WHERE n = :n)
 ORDER BY given_at DESC;
