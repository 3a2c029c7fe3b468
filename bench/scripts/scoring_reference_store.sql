-- As scoring_reference.sql, but storing the response (one assessment_responses row per call).
-- Needs bench/scripts/scoring_setup.sql.
\set n random(1, 100)
SELECT innotrue_ref.compute_assessment_scores('bench-scoring', b.answers, 'bench@example.com', true)
  FROM public.bench_scoring_answers b WHERE b.n = :n;
