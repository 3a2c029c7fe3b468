-- Assessment definitions (system B): innotrue.compute_assessment_scores().
-- Covers scoring, every interpretation condition shape, priorities and ties, every bad-input
-- class (SQLSTATE shown), storing responses, and the confidentiality of the scoring matrix.
\set ON_ERROR_ROLLBACK on
\set SHOW_CONTEXT never
BEGIN;

-- Fixture: one public definition with 3 dimensions, 5 questions (single/multiple, required or not)
-- and interpretations of every condition shape; one inactive definition.
INSERT INTO innotrue.assessment_definitions (id, slug, name, assessment_category_id, is_public, requires_email, is_active)
SELECT '00000000-0000-0000-0000-0000000000d1', 'work-style', 'Work style', c.id, true, true, true
  FROM innotrue.assessment_categories c WHERE c.key = 'personality';
INSERT INTO innotrue.assessment_definitions (id, slug, name, assessment_category_id, is_active)
SELECT '00000000-0000-0000-0000-0000000000d2', 'draft-check', 'Draft', c.id, false
  FROM innotrue.assessment_categories c WHERE c.key = 'personality';
INSERT INTO innotrue.assessment_dimensions (definition_id, key, name, order_index)
VALUES ('00000000-0000-0000-0000-0000000000d1', 'analytical', 'Analytical', 0),
       ('00000000-0000-0000-0000-0000000000d1', 'social', 'Social', 1),
       ('00000000-0000-0000-0000-0000000000d1', 'drive', 'Drive', 2);
INSERT INTO innotrue.assessment_questions (definition_id, key, question_text, is_required, allows_multiple, order_index)
VALUES ('00000000-0000-0000-0000-0000000000d1', 'q1', 'Single, required', true, false, 0),
       ('00000000-0000-0000-0000-0000000000d1', 'q2', 'Multiple, required', true, true, 1),
       ('00000000-0000-0000-0000-0000000000d1', 'q3', 'Single, optional', false, false, 2),
       ('00000000-0000-0000-0000-0000000000d1', 'q4', 'Multiple, optional', false, true, 3),
       ('00000000-0000-0000-0000-0000000000d1', 'q0', 'Last, required', true, false, 4);
INSERT INTO innotrue.assessment_question_options (question_id, definition_id, key, option_text, order_index)
SELECT q.id, q.definition_id, o.key, upper(o.key), o.ord
  FROM (VALUES ('q1', 'a', 0), ('q1', 'b', 1), ('q1', 'c', 2),
               ('q2', 'x', 0), ('q2', 'y', 1), ('q2', 'z', 2),
               ('q3', 'a', 0), ('q3', 'b', 1),
               ('q4', 'm', 0), ('q4', 'n', 1),
               ('q0', 'yes', 0), ('q0', 'no', 1)) AS o (question, key, ord)
  JOIN innotrue.assessment_questions q
    ON q.definition_id = '00000000-0000-0000-0000-0000000000d1' AND q.key = o.question;
INSERT INTO innotrue.assessment_option_scores (option_id, dimension_id, definition_id, score)
SELECT o.id, d.id, o.definition_id, s.score
  FROM (VALUES ('q1', 'a', 'analytical', 3), ('q1', 'b', 'social', 2),
               ('q1', 'c', 'drive', 1), ('q1', 'c', 'analytical', -1),
               ('q2', 'x', 'analytical', 1), ('q2', 'y', 'social', 1), ('q2', 'z', 'drive', 2),
               ('q3', 'a', 'drive', 5), ('q3', 'b', 'analytical', 2),
               ('q4', 'm', 'social', 4)) AS s (question, option, dimension, score)
  JOIN innotrue.assessment_questions q
    ON q.definition_id = '00000000-0000-0000-0000-0000000000d1' AND q.key = s.question
  JOIN innotrue.assessment_question_options o ON o.question_id = q.id AND o.key = s.option
  JOIN innotrue.assessment_dimensions d ON d.definition_id = q.definition_id AND d.key = s.dimension;
INSERT INTO innotrue.assessment_interpretations (definition_id, key, title, body_text, conditions, priority)
VALUES ('00000000-0000-0000-0000-0000000000d1', 'strong_analyst', 'Strong analyst', 'You think first.',
        '{"analytical": {"min": 4}}', 10),
       ('00000000-0000-0000-0000-0000000000d1', 'people_person', 'People person', 'You connect.',
        '{"social": {"min": 3}}', 10),
       ('00000000-0000-0000-0000-0000000000d1', 'balanced', 'Balanced', 'Both in moderation.',
        '{"analytical": {"min": 1, "max": 3}, "social": {"min": 1, "max": 3}}', 5),
       ('00000000-0000-0000-0000-0000000000d1', 'fractional', 'Above 2.5', 'Numeric bounds.',
        '{"analytical": {"min": 2.5}}', 2),
       ('00000000-0000-0000-0000-0000000000d1', 'exact_drive', 'Drive exactly 2', 'Inclusive on both ends.',
        '{"drive": {"min": 2, "max": 2}}', 1),
       ('00000000-0000-0000-0000-0000000000d1', 'no_drive', 'No drive', 'Max only.',
        '{"drive": {"max": 0}}', 0),
       ('00000000-0000-0000-0000-0000000000d1', 'empty', 'Never', 'An empty condition never matches.',
        '{}', 100),
       ('00000000-0000-0000-0000-0000000000d1', 'ghost', 'Never either', 'Unknown dimension.',
        '{"empathy": {"min": 0}}', 99),
       ('00000000-0000-0000-0000-0000000000d1', 'low_priority_tie', 'Negative priority', 'Always when social >= 0.',
        '{"social": {"min": 0}}', -1);

-- Scores without storing; errors come back as 'SQLSTATE: message'.
CREATE FUNCTION pg_temp.try_score(definition text, answers jsonb) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN innotrue.compute_assessment_scores(definition, answers, NULL, false)::text;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
-- Dimension scores and matched interpretation keys only, for compact output.
CREATE FUNCTION pg_temp.summary(definition text, answers jsonb) RETURNS text
LANGUAGE sql AS $$
    SELECT CASE WHEN r NOT LIKE '{%' THEN r
                ELSE (r::jsonb -> 'dimension_scores')::text || ' ' ||
                     coalesce((SELECT string_agg(format('%s(%s)', e ->> 'key', e ->> 'priority'), ' ' ORDER BY o)
                                 FROM jsonb_array_elements(r::jsonb -> 'interpretations') WITH ORDINALITY AS x (e, o)),
                              '-') END
      FROM pg_temp.try_score(definition, answers) AS r
$$;

-- 1. The full result document.
SELECT jsonb_pretty(innotrue.compute_assessment_scores('work-style',
       '{"q1": "a", "q2": ["x", "y"], "q0": "no"}', NULL, false));

-- 2. Sums per dimension and conditions (min only, max only, both, inclusive, fractional,
--    several dimensions), priorities (10 before 5 before 2 ...), ties broken by key
--    (people_person before strong_analyst), empty and unknown-dimension conditions never match.
SELECT a.label, pg_temp.summary('work-style', a.answers)
  FROM (VALUES
    ('q1=a, x', '{"q1": "a", "q2": ["x"], "q0": "yes"}'::jsonb),
    ('q1=a, x+y (analytical 4)', '{"q1": "a", "q2": ["x", "y"], "q0": "yes"}'),
    ('q1=b, y+z (balanced? no)', '{"q1": "b", "q2": ["y", "z"], "q0": "yes"}'),
    ('q1=b, x (balanced)', '{"q1": "b", "q2": ["x"], "q0": "yes"}'),
    ('tie at priority 10', '{"q1": "a", "q2": ["x"], "q3": "b", "q4": ["m"], "q0": "yes"}'),
    ('negative sum', '{"q1": "c", "q2": ["z"], "q0": "no"}'),
    ('drive exactly 2 (inclusive)', '{"q1": "b", "q2": ["z"], "q0": "no"}'),
    ('drive 3 (above max)', '{"q1": "c", "q2": ["z", "x"], "q0": "no"}'),
    ('optional answered, empty optional list', '{"q1": "a", "q2": ["y"], "q3": "a", "q4": [], "q0": "no"}'),
    ('option without scores', '{"q1": "a", "q2": ["y"], "q4": ["n"], "q0": "no"}'),
    ('every option of a multiple', '{"q1": "b", "q2": ["z", "y", "x"], "q4": ["n", "m"], "q0": "no"}')
  ) AS a (label, answers);

-- 3. The definition can be named by id as well as by slug.
SELECT pg_temp.summary('00000000-0000-0000-0000-0000000000d1', '{"q1": "a", "q2": ["x"], "q0": "yes"}');

-- 4. Every bad-input class, with its SQLSTATE and the offending key.
SELECT a.label, pg_temp.try_score(a.definition, a.answers)
  FROM (VALUES
    ('unknown question', 'work-style', '{"q1": "a", "q2": ["x"], "q0": "yes", "q9": "a"}'::jsonb),
    ('unknown option', 'work-style', '{"q1": "d", "q2": ["x"], "q0": "yes"}'),
    ('option of another question', 'work-style', '{"q1": "x", "q2": ["x"], "q0": "yes"}'),
    ('option of another question in a list', 'work-style', '{"q1": "a", "q2": ["x", "m"], "q0": "yes"}'),
    ('duplicate option', 'work-style', '{"q1": "a", "q2": ["x", "y", "x"], "q0": "yes"}'),
    ('array for a single-choice question', 'work-style', '{"q1": ["a"], "q2": ["x"], "q0": "yes"}'),
    ('missing required (all named, in order)', 'work-style', '{"q3": "a"}'),
    ('empty list for a required question', 'work-style', '{"q1": "a", "q2": [], "q0": "yes"}'),
    ('empty document', 'work-style', '{}'),
    ('number as answer', 'work-style', '{"q1": 1, "q2": ["x"], "q0": "yes"}'),
    ('null as answer', 'work-style', '{"q1": null, "q2": ["x"], "q0": "yes"}'),
    ('object as answer', 'work-style', '{"q1": {"a": true}, "q2": ["x"], "q0": "yes"}'),
    ('number in a list', 'work-style', '{"q1": "a", "q2": ["x", 2], "q0": "yes"}'),
    ('nested list', 'work-style', '{"q1": "a", "q2": [["x"]], "q0": "yes"}'),
    ('document is an array', 'work-style', '["q1", "a"]'),
    ('document is a string', 'work-style', '"q1"'),
    ('first offending key wins (jsonb key order)', 'work-style', '{"zz": "a", "q1": "d"}'),
    ('unknown definition', 'no-such-test', '{}'),
    ('unknown id', '00000000-0000-0000-0000-0000000000ff', '{}'),
    ('inactive definition', 'draft-check', '{}')
  ) AS a (label, definition, answers);

-- Details and hints as a client sees them.
SELECT innotrue.compute_assessment_scores('work-style', '{"q1": "x", "q2": ["x"], "q0": "yes"}', NULL, false);
SELECT innotrue.compute_assessment_scores('work-style', '{"q1": "a", "q2": ["x", true], "q0": "yes"}', NULL, false);
SELECT innotrue.compute_assessment_scores('work-style', '{"q1": "a", "q2": ["x"], "q0": "yes"}', NULL, NULL);
SELECT innotrue.compute_assessment_scores(NULL, '{}');

-- 5. Storing: the e-mail is lower-cased and checked; the definition requires an e-mail from an
--    anonymous respondent; a signed-in respondent (innotrue.user_id) is recorded.
SELECT r - 'response_id' AS result, r ? 'response_id' AS stored
  FROM innotrue.compute_assessment_scores('work-style', '{"q1": "a", "q2": ["x"], "q0": "yes"}',
                                          'Jane.Doe@Example.COM') AS r;
SELECT innotrue.compute_assessment_scores('work-style', '{"q1": "a", "q2": ["x"], "q0": "yes"}', 'not an e-mail');
SELECT innotrue.compute_assessment_scores('work-style', '{"q1": "a", "q2": ["x"], "q0": "yes"}');
INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT '00000000-0000-0000-0000-0000000000a1', 'client@example.com', p.id FROM innotrue.plans p WHERE p.key = 'free';
SET LOCAL innotrue.user_id = '00000000-0000-0000-0000-0000000000a1';
SELECT innotrue.compute_assessment_scores('work-style', '{"q1": "b", "q2": ["y"], "q0": "yes"}')
       ->> 'response_id' AS stored_id \gset
SELECT user_id AS stored_for_user FROM innotrue.assessment_responses WHERE id = :'stored_id';
RESET innotrue.user_id;
SELECT d.slug, r.user_id, r.respondent_email, r.answers, r.dimension_scores,
       jsonb_path_query_array(r.interpretations, '$[*].key') AS interpretations
  FROM innotrue.assessment_responses r
  JOIN innotrue.assessment_definitions d ON d.id = r.definition_id
 ORDER BY r.respondent_email NULLS LAST;
-- A failed call stores nothing.
SELECT count(*) AS responses FROM innotrue.assessment_responses;

-- 6. Confidentiality: an application role can score but cannot read the matrix.
CREATE ROLE scoring_test_app;
GRANT USAGE ON SCHEMA innotrue TO scoring_test_app;
-- what grant_access gives the anonymous and user classes (docs/privileges.md)
GRANT EXECUTE ON FUNCTION innotrue.compute_assessment_scores(text, jsonb, text, boolean) TO scoring_test_app;
GRANT SELECT ON innotrue.assessment_dimensions, innotrue.assessment_questions,
                innotrue.assessment_question_options TO scoring_test_app;
SET LOCAL ROLE scoring_test_app;
SELECT pg_temp.summary('work-style', '{"q1": "a", "q2": ["x", "y"], "q0": "yes"}') AS app_role_scores;
SELECT count(*) FROM innotrue.assessment_option_scores;
SELECT count(*) AS options_are_public FROM innotrue.assessment_question_options;
RESET ROLE;
SELECT has_table_privilege('scoring_test_app', 'innotrue.assessment_option_scores', 'SELECT') AS app_can_read_matrix,
       has_function_privilege('scoring_test_app', 'innotrue.compute_assessment_scores(text, jsonb, text, boolean)',
                              'EXECUTE') AS app_can_score;
SELECT p.prosecdef AS security_definer, p.proconfig
  FROM pg_proc p WHERE p.oid = 'innotrue.compute_assessment_scores(text, jsonb, text, boolean)'::regprocedure;

ROLLBACK;
