-- Layer 3E: scenario categories, templates, sections, paragraphs, paragraph-question links.
\set ON_ERROR_ROLLBACK on
-- Terse errors: the DETAIL of a refused row shows its random id and now().
\set VERBOSITY terse
BEGIN;

-- A capability assessment with two domains to link paragraphs to.
INSERT INTO innotrue.capability_assessments (slug, name, assessment_category_id)
SELECT v.slug, v.name, c.id FROM innotrue.assessment_categories c,
    (VALUES ('lead-check', 'Leadership Check'), ('other-check', 'Other Check')) AS v (slug, name)
WHERE c.key = 'leadership';
INSERT INTO innotrue.capability_domains (assessment_id, name, order_index)
SELECT a.id, v.name, 0 FROM innotrue.capability_assessments a,
    (VALUES ('lead-check', 'Decision Making'), ('other-check', 'Delegation')) AS v (slug, name)
WHERE a.slug = v.slug;
INSERT INTO innotrue.capability_domain_questions (domain_id, assessment_id, question_text, order_index)
SELECT d.id, d.assessment_id, v.q, v.ord FROM innotrue.capability_domains d,
    (VALUES ('Decision Making', 'Weighs options explicitly', 0), ('Decision Making', 'Communicates the decision', 1),
            ('Delegation', 'Delegates clearly', 0)) AS v (domain, q, ord)
WHERE d.name = v.domain;

-- Categories
INSERT INTO innotrue.scenario_categories (key, name, color, display_order)
VALUES ('leadership_challenges', 'Leadership Challenges', '#1E40AF', 1),
       ('technical_decisions', 'Technical Decision-Making', '#10b981', 2);
-- refused: bad color (no #, short, not hex), duplicate key, empty name, negative order
INSERT INTO innotrue.scenario_categories (key, name, color) VALUES ('c1', 'C1', 'red');
INSERT INTO innotrue.scenario_categories (key, name, color) VALUES ('c2', 'C2', '#fff');
INSERT INTO innotrue.scenario_categories (key, name, color) VALUES ('c3', 'C3', '#12345g');
INSERT INTO innotrue.scenario_categories (key, name) VALUES ('leadership_challenges', 'Again');
INSERT INTO innotrue.scenario_categories (key, name) VALUES ('c4', ' ');
INSERT INTO innotrue.scenario_categories (key, name, display_order) VALUES ('c5', 'C5', -1);
SELECT key, name, color, display_order, is_active FROM innotrue.scenario_categories ORDER BY display_order, key;

-- Templates
INSERT INTO innotrue.scenario_templates (slug, title, category_id, capability_assessment_id, created_by)
SELECT 'reorg-dilemma', 'The Reorganisation Dilemma', c.id, a.id, gen_random_uuid()
FROM innotrue.scenario_categories c, innotrue.capability_assessments a
WHERE c.key = 'leadership_challenges' AND a.slug = 'lead-check';
INSERT INTO innotrue.scenario_templates (slug, title, category_id)
SELECT 'cloud-choice', 'Choosing a Cloud', id FROM innotrue.scenario_categories WHERE key = 'technical_decisions';
-- refused: unknown category, unknown assessment, missing category, duplicate slug, empty title
INSERT INTO innotrue.scenario_templates (slug, title, category_id)
VALUES ('orphan', 'Orphan', '00000000-0000-0000-0000-000000000000');
INSERT INTO innotrue.scenario_templates (slug, title, category_id, capability_assessment_id)
SELECT 'no-assessment', 'No assessment', id, '00000000-0000-0000-0000-000000000000'
FROM innotrue.scenario_categories WHERE key = 'technical_decisions';
INSERT INTO innotrue.scenario_templates (slug, title) VALUES ('no-category', 'No category');
INSERT INTO innotrue.scenario_templates (slug, title, category_id)
SELECT 'cloud-choice', 'Again', id FROM innotrue.scenario_categories WHERE key = 'technical_decisions';
INSERT INTO innotrue.scenario_templates (slug, title, category_id)
SELECT 'untitled', '', id FROM innotrue.scenario_categories WHERE key = 'technical_decisions';
-- a category in use cannot be deleted
DELETE FROM innotrue.scenario_categories WHERE key = 'technical_decisions';
SELECT t.slug, t.title, c.key AS category, a.slug AS assessment, t.is_locked, t.is_protected, t.is_active,
       t.created_by IS NOT NULL AS has_creator
FROM innotrue.scenario_templates t
JOIN innotrue.scenario_categories c ON c.id = t.category_id
LEFT JOIN innotrue.capability_assessments a ON a.id = t.capability_assessment_id
ORDER BY t.slug;

-- Sections
INSERT INTO innotrue.scenario_sections (template_id, title, section_type, instructions, order_index)
SELECT t.id, v.title, v.type, v.instr, v.ord FROM innotrue.scenario_templates t,
    (VALUES ('Background', 'context', 'Read the situation.', 0),
            ('Your Task', 'task', 'Decide and explain.', 1),
            ('Looking Back', 'reflection', NULL, 2)) AS v (title, type, instr, ord)
WHERE t.slug = 'reorg-dilemma';
INSERT INTO innotrue.scenario_sections (template_id, title, section_type, order_index)
SELECT id, 'Setting', 'context', 0 FROM innotrue.scenario_templates WHERE slug = 'cloud-choice';
-- refused: bad section type, duplicate position, negative position
INSERT INTO innotrue.scenario_sections (template_id, title, section_type, order_index)
SELECT id, 'Quiz', 'quiz', 3 FROM innotrue.scenario_templates WHERE slug = 'reorg-dilemma';
INSERT INTO innotrue.scenario_sections (template_id, title, section_type, order_index)
SELECT id, 'Extra', 'other', 1 FROM innotrue.scenario_templates WHERE slug = 'reorg-dilemma';
INSERT INTO innotrue.scenario_sections (template_id, title, order_index)
SELECT id, 'Extra', -1 FROM innotrue.scenario_templates WHERE slug = 'reorg-dilemma';
-- one UPDATE can swap two positions (deferrable uniqueness)
UPDATE innotrue.scenario_sections s SET order_index = CASE s.order_index WHEN 1 THEN 2 ELSE 1 END
FROM innotrue.scenario_templates t
WHERE t.id = s.template_id AND t.slug = 'reorg-dilemma' AND s.order_index IN (1, 2);

-- Paragraphs
INSERT INTO innotrue.section_paragraphs (section_id, template_id, content, order_index)
SELECT s.id, s.template_id, v.content, v.ord
FROM innotrue.scenario_sections s JOIN innotrue.scenario_templates t ON t.id = s.template_id,
    (VALUES ('Background', 'Two teams must merge within a quarter.', 0),
            ('Your Task', 'Which structure do you choose, and why?', 0),
            ('Your Task', 'How do you announce it?', 1)) AS v (section, content, ord)
WHERE t.slug = 'reorg-dilemma' AND s.title = v.section;
-- refused: paragraph claiming another template than its section's, empty content, duplicate position
INSERT INTO innotrue.section_paragraphs (section_id, template_id, content, order_index)
SELECT s.id, o.id, 'Mismatched', 5
FROM innotrue.scenario_sections s, innotrue.scenario_templates o
WHERE s.title = 'Background' AND o.slug = 'cloud-choice';
INSERT INTO innotrue.section_paragraphs (section_id, template_id, content, order_index)
SELECT id, template_id, '   ', 5 FROM innotrue.scenario_sections WHERE title = 'Background';
INSERT INTO innotrue.section_paragraphs (section_id, template_id, content, order_index)
SELECT id, template_id, 'Again first', 0 FROM innotrue.scenario_sections WHERE title = 'Background';

-- Paragraph-question links
INSERT INTO innotrue.paragraph_question_links (paragraph_id, question_id)
SELECT p.id, q.id FROM innotrue.section_paragraphs p, innotrue.capability_domain_questions q
WHERE (p.content, q.question_text) IN (('Which structure do you choose, and why?', 'Weighs options explicitly'),
                                       ('How do you announce it?', 'Communicates the decision'),
                                       ('How do you announce it?', 'Weighs options explicitly'));
-- refused: the same link twice, unknown question
INSERT INTO innotrue.paragraph_question_links (paragraph_id, question_id)
SELECT p.id, q.id FROM innotrue.section_paragraphs p, innotrue.capability_domain_questions q
WHERE p.content = 'How do you announce it?' AND q.question_text = 'Communicates the decision';
INSERT INTO innotrue.paragraph_question_links (paragraph_id, question_id)
SELECT id, '00000000-0000-0000-0000-000000000000' FROM innotrue.section_paragraphs
WHERE content = 'How do you announce it?';

SELECT s.order_index AS s_ord, s.title, s.section_type, p.order_index AS p_ord, p.content,
       (SELECT string_agg(q.question_text, '; ' ORDER BY q.question_text)
          FROM innotrue.paragraph_question_links l
          JOIN innotrue.capability_domain_questions q ON q.id = l.question_id
         WHERE l.paragraph_id = p.id) AS linked_questions
FROM innotrue.scenario_sections s
JOIN innotrue.scenario_templates t ON t.id = s.template_id
LEFT JOIN innotrue.section_paragraphs p ON p.section_id = s.id
WHERE t.slug = 'reorg-dilemma'
ORDER BY s.order_index, p.order_index;

-- An assessment used by a template cannot be deleted; deleting a question drops its links.
DELETE FROM innotrue.capability_assessments WHERE slug = 'lead-check';
DELETE FROM innotrue.capability_domain_questions WHERE question_text = 'Weighs options explicitly';
SELECT count(*) AS links FROM innotrue.paragraph_question_links;

-- Deleting a template (once unprotected) removes its sections, paragraphs and links.
UPDATE innotrue.scenario_templates SET is_protected = false WHERE slug = 'reorg-dilemma';
DELETE FROM innotrue.scenario_templates WHERE slug = 'reorg-dilemma';
SELECT (SELECT count(*) FROM innotrue.scenario_sections) AS sections,
       (SELECT count(*) FROM innotrue.section_paragraphs) AS paragraphs,
       (SELECT count(*) FROM innotrue.paragraph_question_links) AS links;

ROLLBACK;
