-- innotrue.compute_assessment_scores (C) on one of 100 answer documents of the 60-question,
-- 6-dimension definition "bench-scoring", without storing. Target: >= 3x the calls per second of
-- the plain-SQL reference (scoring_reference.sql), which picks its document the same way.
-- Needs bench/scripts/scoring_setup.sql.
\set n random(1, 100)
SELECT innotrue.compute_assessment_scores('bench-scoring', b.answers, NULL, false)
  FROM public.bench_scoring_answers b WHERE b.n = :n;
