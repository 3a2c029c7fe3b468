-- Layer 3D: capability assessments, assessment definitions (scoring matrix), psychometric catalog.
\set ON_ERROR_ROLLBACK on
-- Terse errors: the DETAIL of a refused row shows its random id and now().
\set VERBOSITY terse
BEGIN;

-- A. Capability assessments -------------------------------------------------------------------
INSERT INTO innotrue.assessment_families (key, name, assessment_category_id)
SELECT 'architecture', 'Architecture', id FROM innotrue.assessment_categories WHERE key = 'career';

INSERT INTO innotrue.capability_assessments (slug, name, assessment_category_id, family_id, mode, scale_min, scale_max,
                                             pass_fail_enabled, pass_fail_mode, pass_fail_threshold)
SELECT 'arch-check', 'Architecture Self Knowledge Check', c.id, f.id, 'both', 1, 5, true, 'per_domain', 60
FROM innotrue.assessment_categories c, innotrue.assessment_families f
WHERE c.key = 'career' AND f.key = 'architecture';

INSERT INTO innotrue.capability_assessments (slug, name, assessment_category_id)
SELECT 'leadership-check', 'Leadership Check', id FROM innotrue.assessment_categories WHERE key = 'leadership';

-- refused: scale_max not above scale_min
INSERT INTO innotrue.capability_assessments (slug, name, assessment_category_id, scale_min, scale_max)
SELECT 'bad-scale', 'Bad scale', id, 5, 5 FROM innotrue.assessment_categories WHERE key = 'other';
-- refused: pass/fail mode without enabling pass/fail
INSERT INTO innotrue.capability_assessments (slug, name, assessment_category_id, pass_fail_mode)
SELECT 'bad-pf', 'Bad pass/fail', id, 'overall' FROM innotrue.assessment_categories WHERE key = 'other';
-- refused: pass/fail enabled without mode and threshold
INSERT INTO innotrue.capability_assessments (slug, name, assessment_category_id, pass_fail_enabled)
SELECT 'bad-pf2', 'Bad pass/fail', id, true FROM innotrue.assessment_categories WHERE key = 'other';
-- refused: threshold 150 percent
INSERT INTO innotrue.capability_assessments (slug, name, assessment_category_id, pass_fail_enabled, pass_fail_mode, pass_fail_threshold)
SELECT 'bad-threshold', 'Bad threshold', id, true, 'overall', 150 FROM innotrue.assessment_categories WHERE key = 'other';
-- refused: unknown mode
INSERT INTO innotrue.capability_assessments (slug, name, assessment_category_id, mode)
SELECT 'bad-mode', 'Bad mode', id, 'peer' FROM innotrue.assessment_categories WHERE key = 'other';
-- refused: unknown category
INSERT INTO innotrue.capability_assessments (slug, name, assessment_category_id)
VALUES ('no-category', 'No category', '00000000-0000-0000-0000-000000000000');
-- refused: duplicate slug, bad slug
INSERT INTO innotrue.capability_assessments (slug, name, assessment_category_id)
SELECT 'arch-check', 'Again', id FROM innotrue.assessment_categories WHERE key = 'other';
INSERT INTO innotrue.capability_assessments (slug, name, assessment_category_id)
SELECT 'Arch Check', 'Bad slug', id FROM innotrue.assessment_categories WHERE key = 'other';

INSERT INTO innotrue.capability_domains (assessment_id, name, order_index)
SELECT a.id, v.name, v.ord FROM innotrue.capability_assessments a,
    (VALUES ('System Architecture', 0), ('Security & Identity', 1)) AS v (name, ord)
WHERE a.slug = 'arch-check';
INSERT INTO innotrue.capability_domains (assessment_id, name, order_index)
SELECT id, 'Influence', 0 FROM innotrue.capability_assessments WHERE slug = 'leadership-check';
-- refused: second domain at the same position
INSERT INTO innotrue.capability_domains (assessment_id, name, order_index)
SELECT id, 'Communication', 1 FROM innotrue.capability_assessments WHERE slug = 'arch-check';
-- one UPDATE can swap positions (deferrable uniqueness)
UPDATE innotrue.capability_domains d SET order_index = 1 - d.order_index
FROM innotrue.capability_assessments a WHERE a.id = d.assessment_id AND a.slug = 'arch-check';

INSERT INTO innotrue.capability_domain_questions (domain_id, assessment_id, question_text, question_type, order_index)
SELECT d.id, d.assessment_id, v.q, v.t, v.ord
FROM innotrue.capability_domains d,
    (VALUES ('System Architecture', 'Designs layered systems', 'knowledge', 0),
            ('System Architecture', 'Chooses integration patterns', 'practice', 1),
            ('Security & Identity', 'Explains OAuth flows', NULL, 0)) AS v (domain, q, t, ord)
WHERE d.name = v.domain;
-- refused: question under a domain of another assessment
INSERT INTO innotrue.capability_domain_questions (domain_id, assessment_id, question_text, order_index)
SELECT d.id, a.id, 'Mismatched', 5
FROM innotrue.capability_domains d, innotrue.capability_assessments a
WHERE d.name = 'Influence' AND a.slug = 'arch-check';
-- refused: empty question text, bad question type
INSERT INTO innotrue.capability_domain_questions (domain_id, assessment_id, question_text, order_index)
SELECT id, assessment_id, '  ', 5 FROM innotrue.capability_domains WHERE name = 'Influence';
INSERT INTO innotrue.capability_domain_questions (domain_id, assessment_id, question_text, question_type, order_index)
SELECT id, assessment_id, 'Typed', 'Hands On', 5 FROM innotrue.capability_domains WHERE name = 'Influence';

INSERT INTO innotrue.capability_question_type_weights (assessment_id, question_type, weight)
SELECT id, 'practice', 2 FROM innotrue.capability_assessments WHERE slug = 'arch-check';
-- refused: zero weight, duplicate type
INSERT INTO innotrue.capability_question_type_weights (assessment_id, question_type, weight)
SELECT id, 'knowledge', 0 FROM innotrue.capability_assessments WHERE slug = 'arch-check';
INSERT INTO innotrue.capability_question_type_weights (assessment_id, question_type, weight)
SELECT id, 'practice', 3 FROM innotrue.capability_assessments WHERE slug = 'arch-check';

SELECT a.slug, a.mode, a.scale_min, a.scale_max, a.pass_fail_mode, a.pass_fail_threshold, a.is_active,
       d.order_index AS d_ord, d.name AS domain, q.order_index AS q_ord, q.question_text,
       coalesce(w.weight, 1) AS weight
FROM innotrue.capability_assessments a
JOIN innotrue.capability_domains d ON d.assessment_id = a.id
LEFT JOIN innotrue.capability_domain_questions q ON q.domain_id = d.id
LEFT JOIN innotrue.capability_question_type_weights w ON w.assessment_id = a.id AND w.question_type = q.question_type
ORDER BY a.slug, d.order_index, q.order_index;

-- B. Assessment definitions and the scoring matrix ---------------------------------------------
INSERT INTO innotrue.assessment_definitions (slug, name, assessment_category_id, is_public)
SELECT v.slug, v.name, c.id, true FROM innotrue.assessment_categories c,
    (VALUES ('work-style', 'Work Style'), ('team-role', 'Team Role')) AS v (slug, name)
WHERE c.key = 'personality';

INSERT INTO innotrue.assessment_dimensions (definition_id, key, name, order_index)
SELECT d.id, v.key, v.name, v.ord FROM innotrue.assessment_definitions d,
    (VALUES ('work-style', 'analytical', 'Analytical Thinking', 0), ('work-style', 'social', 'Communication Style', 1),
            ('team-role', 'leader', 'Leader', 0)) AS v (slug, key, name, ord)
WHERE d.slug = v.slug;
-- refused: duplicate dimension key in one definition
INSERT INTO innotrue.assessment_dimensions (definition_id, key, name, order_index)
SELECT id, 'analytical', 'Analytical again', 2 FROM innotrue.assessment_definitions WHERE slug = 'work-style';

INSERT INTO innotrue.assessment_questions (definition_id, key, question_text, order_index)
SELECT d.id, v.key, v.q, v.ord FROM innotrue.assessment_definitions d,
    (VALUES ('work-style', 'q1', 'How do you solve problems?', 0),
            ('team-role', 'q1', 'What do you do first in a team?', 0)) AS v (slug, key, q, ord)
WHERE d.slug = v.slug;

INSERT INTO innotrue.assessment_question_options (question_id, definition_id, key, option_text, order_index)
SELECT q.id, q.definition_id, v.key, v.txt, v.ord
FROM innotrue.assessment_questions q JOIN innotrue.assessment_definitions d ON d.id = q.definition_id,
    (VALUES ('work-style', 'a', 'Analyse the data', 0), ('work-style', 'b', 'Talk it through', 1),
            ('team-role', 'a', 'Take charge', 0)) AS v (slug, key, txt, ord)
WHERE d.slug = v.slug AND q.key = 'q1';
-- refused: option whose definition is not its question's
INSERT INTO innotrue.assessment_question_options (question_id, definition_id, key, option_text, order_index)
SELECT q.id, o.id, 'c', 'Wrong definition', 2
FROM innotrue.assessment_questions q JOIN innotrue.assessment_definitions d ON d.id = q.definition_id,
     innotrue.assessment_definitions o
WHERE d.slug = 'work-style' AND q.key = 'q1' AND o.slug = 'team-role';

INSERT INTO innotrue.assessment_option_scores (option_id, dimension_id, definition_id, score)
SELECT o.id, dim.id, o.definition_id, v.score
FROM innotrue.assessment_question_options o
JOIN innotrue.assessment_definitions d ON d.id = o.definition_id
JOIN innotrue.assessment_dimensions dim ON dim.definition_id = d.id,
    (VALUES ('a', 'analytical', 3), ('a', 'social', -1), ('b', 'social', 2)) AS v (opt, dim, score)
WHERE d.slug = 'work-style' AND o.key = v.opt AND dim.key = v.dim;
-- refused: option of one definition scored on a dimension of another
INSERT INTO innotrue.assessment_option_scores (option_id, dimension_id, definition_id, score)
SELECT o.id, dim.id, o.definition_id, 1
FROM innotrue.assessment_question_options o
JOIN innotrue.assessment_definitions d ON d.id = o.definition_id,
     innotrue.assessment_dimensions dim JOIN innotrue.assessment_definitions d2 ON d2.id = dim.definition_id
WHERE d.slug = 'work-style' AND o.key = 'a' AND d2.slug = 'team-role' AND dim.key = 'leader';
-- refused: same, claiming the dimension's definition
INSERT INTO innotrue.assessment_option_scores (option_id, dimension_id, definition_id, score)
SELECT o.id, dim.id, dim.definition_id, 1
FROM innotrue.assessment_question_options o
JOIN innotrue.assessment_definitions d ON d.id = o.definition_id,
     innotrue.assessment_dimensions dim JOIN innotrue.assessment_definitions d2 ON d2.id = dim.definition_id
WHERE d.slug = 'work-style' AND o.key = 'a' AND d2.slug = 'team-role' AND dim.key = 'leader';
-- refused: second score for the same option and dimension
INSERT INTO innotrue.assessment_option_scores (option_id, dimension_id, definition_id, score)
SELECT o.id, dim.id, o.definition_id, 5
FROM innotrue.assessment_question_options o
JOIN innotrue.assessment_definitions d ON d.id = o.definition_id
JOIN innotrue.assessment_dimensions dim ON dim.definition_id = d.id
WHERE d.slug = 'work-style' AND o.key = 'b' AND dim.key = 'social';

INSERT INTO innotrue.assessment_interpretations (definition_id, key, title, body_text, conditions, priority)
SELECT id, v.key, v.title, v.body, v.cond::jsonb, v.prio FROM innotrue.assessment_definitions,
    (VALUES ('thinker', 'The Thinker', 'You lead with analysis.', '{"analytical": {"min": 3}}', 10),
            ('talker', 'The Talker', 'You lead with conversation.', '{"social": {"min": 1, "max": 10}}', 5)) AS v (key, title, body, cond, prio)
WHERE slug = 'work-style';
-- refused: conditions not an object, a bound not a number, min above max, unknown bound name
INSERT INTO innotrue.assessment_interpretations (definition_id, key, title, body_text, conditions)
SELECT id, 'bad1', 'Bad', 'Bad', '[{"analytical": 1}]' FROM innotrue.assessment_definitions WHERE slug = 'work-style';
INSERT INTO innotrue.assessment_interpretations (definition_id, key, title, body_text, conditions)
SELECT id, 'bad2', 'Bad', 'Bad', '{"analytical": {"min": "high"}}' FROM innotrue.assessment_definitions WHERE slug = 'work-style';
INSERT INTO innotrue.assessment_interpretations (definition_id, key, title, body_text, conditions)
SELECT id, 'bad3', 'Bad', 'Bad', '{"analytical": {"min": 5, "max": 2}}' FROM innotrue.assessment_definitions WHERE slug = 'work-style';
INSERT INTO innotrue.assessment_interpretations (definition_id, key, title, body_text, conditions)
SELECT id, 'bad4', 'Bad', 'Bad', '{"analytical": {"above": 5}}' FROM innotrue.assessment_definitions WHERE slug = 'work-style';

SELECT d.slug, q.key AS question, o.key AS option, dim.key AS dimension, s.score
FROM innotrue.assessment_option_scores s
JOIN innotrue.assessment_question_options o ON o.id = s.option_id
JOIN innotrue.assessment_questions q ON q.id = o.question_id
JOIN innotrue.assessment_dimensions dim ON dim.id = s.dimension_id
JOIN innotrue.assessment_definitions d ON d.id = s.definition_id
ORDER BY d.slug, q.key, o.key, dim.key;
SELECT d.slug, i.key, i.priority, i.conditions FROM innotrue.assessment_interpretations i
JOIN innotrue.assessment_definitions d ON d.id = i.definition_id ORDER BY d.slug, i.priority DESC;

-- deleting a definition removes its whole tree, matrix included
DELETE FROM innotrue.assessment_definitions WHERE slug = 'work-style';
SELECT (SELECT count(*) FROM innotrue.assessment_option_scores) AS scores,
       (SELECT count(*) FROM innotrue.assessment_question_options) AS options,
       (SELECT count(*) FROM innotrue.assessment_dimensions) AS dimensions;

-- C. Psychometric catalog ----------------------------------------------------------------------
INSERT INTO innotrue.psychometric_assessments (slug, name, provider, assessment_category_id, cost_cents, external_url, feature_key)
SELECT 'disc', 'DISC Profile', 'Example Provider', id, 4900, 'https://example.com/disc', 'assessments'
FROM innotrue.assessment_categories WHERE key = 'personality';
-- refused: unknown feature key, non-http url, negative cost
INSERT INTO innotrue.psychometric_assessments (slug, name, assessment_category_id, feature_key)
SELECT 'mbti', 'MBTI', id, 'no_such_feature' FROM innotrue.assessment_categories WHERE key = 'personality';
INSERT INTO innotrue.psychometric_assessments (slug, name, assessment_category_id, external_url)
SELECT 'mbti', 'MBTI', id, 'ftp://example.com' FROM innotrue.assessment_categories WHERE key = 'personality';
INSERT INTO innotrue.psychometric_assessments (slug, name, assessment_category_id, cost_cents)
SELECT 'mbti', 'MBTI', id, -1 FROM innotrue.assessment_categories WHERE key = 'personality';
-- renaming the feature key follows through
UPDATE innotrue.features SET key = 'assessments_v2' WHERE key = 'assessments';
SELECT p.slug, p.name, c.key AS category, p.cost_cents, p.currency, p.feature_key, p.is_active
FROM innotrue.psychometric_assessments p JOIN innotrue.assessment_categories c ON c.id = p.assessment_category_id
ORDER BY p.slug;

ROLLBACK;
