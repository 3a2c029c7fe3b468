-- Scoring benchmark setup (bench/run runs every *_setup.sql once): the definition "bench-scoring"
-- with 60 questions (10 of them multiple choice), 5 options each, 6 dimensions, every option
-- scoring on 1-4 dimensions, 12 interpretations; and 100 valid answer documents in
-- public.bench_scoring_answers(n, answers). Loads the plain-SQL reference the
-- scoring_reference*.sql scripts call. Independent of bench/generate.
-- Usage: psql -f bench/scripts/scoring_setup.sql    (deterministic; re-running replaces the fixture)
\ir ../reference/scoring.sql
SET client_min_messages = warning;
DELETE FROM innotrue.assessment_responses r USING innotrue.assessment_definitions d
 WHERE r.definition_id = d.id AND d.slug = 'bench-scoring';
DELETE FROM innotrue.assessment_definitions WHERE slug = 'bench-scoring';
DROP TABLE IF EXISTS public.bench_scoring_answers;
RESET client_min_messages;
BEGIN;  -- the layer rules check an active definition for completeness at commit
SELECT setseed(0.42);

INSERT INTO innotrue.assessment_definitions (slug, name, assessment_category_id, is_public, requires_email, is_active)
SELECT 'bench-scoring', 'Benchmark: 60 questions, 6 dimensions', c.id, true, false, true
  FROM innotrue.assessment_categories c ORDER BY c.key LIMIT 1;
INSERT INTO innotrue.assessment_dimensions (definition_id, key, name, order_index)
SELECT d.id, 'dim_' || g, 'Dimension ' || g, g
  FROM innotrue.assessment_definitions d, generate_series(1, 6) g WHERE d.slug = 'bench-scoring';
INSERT INTO innotrue.assessment_questions (definition_id, key, question_text, is_required, allows_multiple, order_index)
SELECT d.id, 'question_' || g, 'Question ' || g, true, g % 6 = 0, g
  FROM innotrue.assessment_definitions d, generate_series(1, 60) g WHERE d.slug = 'bench-scoring';
INSERT INTO innotrue.assessment_question_options (question_id, definition_id, key, option_text, order_index)
SELECT q.id, q.definition_id, 'option_' || g, 'Option ' || g, g
  FROM innotrue.assessment_questions q
  JOIN innotrue.assessment_definitions d ON d.id = q.definition_id AND d.slug = 'bench-scoring',
       generate_series(1, 5) g;
INSERT INTO innotrue.assessment_option_scores (option_id, dimension_id, definition_id, score)
SELECT o.id, dm.id, o.definition_id, 1 + floor(random() * 5)::integer
  FROM innotrue.assessment_question_options o
  JOIN innotrue.assessment_definitions d ON d.id = o.definition_id AND d.slug = 'bench-scoring'
  JOIN innotrue.assessment_dimensions dm ON dm.definition_id = d.id
 WHERE (abs(hashtext(o.id::text || dm.id::text)) % 5) < 2 OR dm.order_index = 1 + abs(hashtext(o.id::text)) % 6;
INSERT INTO innotrue.assessment_interpretations (definition_id, key, title, body_text, conditions, priority)
SELECT d.id, 'band_' || dm.g || '_' || b.band, 'Dimension ' || dm.g || ' ' || b.band,
       'Interpretation text for dimension ' || dm.g || ', ' || b.band || ' band.',
       jsonb_build_object('dim_' || dm.g, b.bounds), b.priority
  FROM innotrue.assessment_definitions d,
       generate_series(1, 6) AS dm (g),
       (VALUES ('low', '{"max": 40}'::jsonb, 1), ('high', '{"min": 41}'::jsonb, 2)) AS b (band, bounds, priority)
 WHERE d.slug = 'bench-scoring';

CREATE TABLE public.bench_scoring_answers (n integer PRIMARY KEY, answers jsonb NOT NULL);
INSERT INTO public.bench_scoring_answers (n, answers)
SELECT s.n, jsonb_object_agg(q.key, CASE WHEN q.allows_multiple
                                         THEN jsonb_build_array('option_1', 'option_' || (2 + floor(random() * 4))::integer)
                                         ELSE to_jsonb('option_' || (1 + floor(random() * 5))::integer) END)
  FROM generate_series(1, 100) AS s (n)
 CROSS JOIN innotrue.assessment_questions q
  JOIN innotrue.assessment_definitions d ON d.id = q.definition_id AND d.slug = 'bench-scoring'
 GROUP BY s.n;
COMMIT;
ANALYZE;
