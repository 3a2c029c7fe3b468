-- The same as scoring_native.sql through the plain-SQL reference
-- innotrue_ref.compute_assessment_scores (bench/reference/scoring.sql).
-- Needs bench/scripts/scoring_setup.sql.
\set n random(1, 100)
SELECT innotrue_ref.compute_assessment_scores('bench-scoring', b.answers, NULL, false)
  FROM public.bench_scoring_answers b WHERE b.n = :n;
