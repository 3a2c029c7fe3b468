-- As scoring_native.sql, but storing the response (one assessment_responses row per call), against
-- the reference doing the same (scoring_reference_store.sql).
-- Needs bench/scripts/scoring_setup.sql.
\set n random(1, 100)
SELECT innotrue.compute_assessment_scores('bench-scoring', b.answers, 'bench@example.com', true)
  FROM public.bench_scoring_answers b WHERE b.n = :n;
