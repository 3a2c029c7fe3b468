-- Layer 5: capability snapshots and ratings, peer assessments, assessment responses, psychometric
-- interest and uploads, scenario work, resource usage, notifications.
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;

-- Fixtures: a client, a coach, a second client; an assessment of each system; a scenario; a resource
CREATE FUNCTION pg_temp.uid(text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM innotrue.profiles WHERE email = $1 || '@example.com' $$;
CREATE FUNCTION pg_temp.snap(text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM innotrue.capability_snapshots WHERE title = $1 $$;
CREATE FUNCTION pg_temp.question(text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM innotrue.capability_domain_questions WHERE question_text = $1 $$;
INSERT INTO innotrue.profiles (email, plan_id)
SELECT v.name || '@example.com', p.id FROM (VALUES ('ann'), ('carl'), ('bob')) AS v (name)
JOIN innotrue.plans p ON p.key = 'base';
INSERT INTO innotrue.capability_assessments (slug, name, assessment_category_id)
SELECT v.slug, v.name, c.id FROM (VALUES ('arch-check', 'Architecture Check'), ('lead-check', 'Leadership Check')) AS v (slug, name)
JOIN innotrue.assessment_categories c ON c.key = 'leadership';
INSERT INTO innotrue.capability_domains (assessment_id, name, order_index)
SELECT id, 'Domain of ' || slug, 0 FROM innotrue.capability_assessments;
INSERT INTO innotrue.capability_domain_questions (domain_id, assessment_id, question_text, order_index)
SELECT d.id, d.assessment_id, a.slug || ' q' || n, n FROM innotrue.capability_domains d
JOIN innotrue.capability_assessments a ON a.id = d.assessment_id CROSS JOIN generate_series(1, 2) AS n;
INSERT INTO innotrue.groups (user_id, name) VALUES (pg_temp.uid('carl'), 'Peers');

-- Capability snapshots: self (no evaluator) or rated by someone else
INSERT INTO innotrue.capability_snapshots (user_id, assessment_id, title)
SELECT pg_temp.uid('ann'), id, 'Ann self' FROM innotrue.capability_assessments WHERE slug = 'arch-check';
INSERT INTO innotrue.capability_snapshots (user_id, assessment_id, title, evaluator_id, is_self_assessment, status, completed_at, overall_score, passed)
SELECT pg_temp.uid('ann'), id, 'Ann by Carl', pg_temp.uid('carl'), false, 'completed', now(), 3.50, true
FROM innotrue.capability_assessments WHERE slug = 'arch-check';
INSERT INTO innotrue.capability_snapshots (user_id, assessment_id, title, evaluator_id)                   -- self with an evaluator
SELECT pg_temp.uid('ann'), id, 'Bad', pg_temp.uid('carl') FROM innotrue.capability_assessments WHERE slug = 'arch-check';
INSERT INTO innotrue.capability_snapshots (user_id, assessment_id, title, evaluator_id, is_self_assessment) -- rates herself as evaluator
SELECT pg_temp.uid('ann'), id, 'Bad', pg_temp.uid('ann'), false FROM innotrue.capability_assessments WHERE slug = 'arch-check';
INSERT INTO innotrue.capability_snapshots (user_id, assessment_id, title, status)                          -- completed without a time
SELECT pg_temp.uid('ann'), id, 'Bad', 'completed' FROM innotrue.capability_assessments WHERE slug = 'arch-check';
INSERT INTO innotrue.capability_snapshots (user_id, assessment_id, title, status)                          -- bad status
SELECT pg_temp.uid('ann'), id, 'Bad', 'archived' FROM innotrue.capability_assessments WHERE slug = 'arch-check';

-- Ratings: one per question, only questions and domains of the snapshot's assessment, the snapshot's user
INSERT INTO innotrue.snapshot_question_ratings (snapshot_id, user_id, assessment_id, question_id, rating)
SELECT s.id, s.user_id, s.assessment_id, q.id, 3 + q.order_index FROM innotrue.capability_snapshots s
JOIN innotrue.capability_domain_questions q ON q.assessment_id = s.assessment_id WHERE s.title = 'Ann self';
INSERT INTO innotrue.snapshot_question_ratings (snapshot_id, user_id, assessment_id, question_id, rating)  -- rated twice
SELECT s.id, s.user_id, s.assessment_id, pg_temp.question('arch-check q1'), 1 FROM innotrue.capability_snapshots s WHERE s.title = 'Ann self';
INSERT INTO innotrue.snapshot_question_ratings (snapshot_id, user_id, assessment_id, question_id, rating)  -- other assessment's question
SELECT s.id, s.user_id, s.assessment_id, pg_temp.question('lead-check q1'), 1 FROM innotrue.capability_snapshots s WHERE s.title = 'Ann self';
INSERT INTO innotrue.snapshot_question_ratings (snapshot_id, user_id, assessment_id, question_id, rating)  -- another user's row
SELECT s.id, pg_temp.uid('bob'), s.assessment_id, pg_temp.question('arch-check q1'), 1 FROM innotrue.capability_snapshots s WHERE s.title = 'Ann by Carl';
INSERT INTO innotrue.snapshot_domain_ratings (snapshot_id, user_id, assessment_id, domain_id, average_score)
SELECT s.id, s.user_id, s.assessment_id, d.id, 4.50 FROM innotrue.capability_snapshots s
JOIN innotrue.capability_domains d ON d.assessment_id = s.assessment_id WHERE s.title = 'Ann self';
INSERT INTO innotrue.snapshot_domain_ratings (snapshot_id, user_id, assessment_id, domain_id, average_score) -- other assessment's domain
SELECT s.id, s.user_id, s.assessment_id, d.id, 1 FROM innotrue.capability_snapshots s, innotrue.capability_domains d
WHERE s.title = 'Ann self' AND d.name = 'Domain of lead-check';
SELECT s.title, s.is_self_assessment, s.status, count(DISTINCT r.id) AS ratings, max(dr.average_score) AS domain_score
FROM innotrue.capability_snapshots s LEFT JOIN innotrue.snapshot_question_ratings r ON r.snapshot_id = s.id
LEFT JOIN innotrue.snapshot_domain_ratings dr ON dr.snapshot_id = s.id GROUP BY s.title, s.is_self_assessment, s.status ORDER BY s.title;

-- Group peer assessments: one row per group and assessment
INSERT INTO innotrue.group_peer_assessments (user_id, group_id, assessment_id)
SELECT pg_temp.uid('carl'), g.id, a.id FROM innotrue.groups g, innotrue.capability_assessments a WHERE a.slug = 'arch-check';
INSERT INTO innotrue.group_peer_assessments (user_id, group_id, assessment_id)                            -- configured twice
SELECT pg_temp.uid('ann'), g.id, a.id FROM innotrue.groups g, innotrue.capability_assessments a WHERE a.slug = 'arch-check';

-- Assessment responses: anonymous allowed; answers and scores are objects, interpretations an array
INSERT INTO innotrue.assessment_definitions (slug, name, assessment_category_id, is_public)
SELECT 'work-style', 'Work Style', id, true FROM innotrue.assessment_categories WHERE key = 'personality';
INSERT INTO innotrue.assessment_responses (definition_id, respondent_email, answers, dimension_scores, interpretations)
SELECT id, 'visitor@example.org', '{"q1": "o2"}', '{"analytical": 4}', '[{"title": "Analyst"}]' FROM innotrue.assessment_definitions;
INSERT INTO innotrue.assessment_responses (definition_id, user_id, answers, dimension_scores, interpretations)
SELECT id, pg_temp.uid('ann'), '{"q1": ["o1", "o3"]}', '{}', '[]' FROM innotrue.assessment_definitions;
INSERT INTO innotrue.assessment_responses (definition_id, answers, dimension_scores, interpretations)     -- answers not an object
SELECT id, '["o2"]', '{}', '[]' FROM innotrue.assessment_definitions;
INSERT INTO innotrue.assessment_responses (definition_id, answers, dimension_scores, interpretations)     -- interpretations not an array
SELECT id, '{}', '{}', '{"title": "x"}' FROM innotrue.assessment_definitions;
INSERT INTO innotrue.assessment_responses (definition_id, respondent_email, answers, dimension_scores, interpretations)
SELECT id, 'Visitor@Example.org', '{}', '{}', '[]' FROM innotrue.assessment_definitions;                   -- e-mail not lower case
SELECT user_id IS NULL AS anonymous, respondent_email, dimension_scores FROM innotrue.assessment_responses ORDER BY 1;

-- Psychometric interest (one open per user and assessment), uploads and shares
INSERT INTO innotrue.psychometric_assessments (slug, name, assessment_category_id)
SELECT 'disc', 'DISC', id FROM innotrue.assessment_categories WHERE key = 'personality';
INSERT INTO innotrue.assessment_interest_registrations (user_id, psychometric_assessment_id)
SELECT pg_temp.uid('ann'), id FROM innotrue.psychometric_assessments;
INSERT INTO innotrue.assessment_interest_registrations (user_id, psychometric_assessment_id)               -- second open one
SELECT pg_temp.uid('ann'), id FROM innotrue.psychometric_assessments;
UPDATE innotrue.assessment_interest_registrations SET status = 'contacted';                                -- contacted without a time
UPDATE innotrue.assessment_interest_registrations SET status = 'contacted', contacted_at = now();
UPDATE innotrue.assessment_interest_registrations SET status = 'declined';
INSERT INTO innotrue.assessment_interest_registrations (user_id, psychometric_assessment_id)               -- new after the declined one
SELECT pg_temp.uid('ann'), id FROM innotrue.psychometric_assessments;
UPDATE innotrue.assessment_interest_registrations SET status = 'lost', contacted_at = now() WHERE status = 'pending'; -- bad status
SELECT status, contacted_at IS NOT NULL AS contacted FROM innotrue.assessment_interest_registrations ORDER BY status;
INSERT INTO innotrue.user_assessments (user_id, psychometric_assessment_id, title, storage_path, completed_on)
SELECT pg_temp.uid('ann'), id, 'My DISC', 'ann/disc.pdf', '2026-01-15' FROM innotrue.psychometric_assessments;
INSERT INTO innotrue.user_assessments (user_id, title, storage_path) VALUES (pg_temp.uid('ann'), 'Abs', '/abs.pdf'); -- leading slash
INSERT INTO innotrue.user_assessment_shares (user_assessment_id, user_id, shared_with_id)
SELECT id, user_id, pg_temp.uid('carl') FROM innotrue.user_assessments;
INSERT INTO innotrue.user_assessment_shares (user_assessment_id, user_id, shared_with_id)                 -- shared twice
SELECT id, user_id, pg_temp.uid('carl') FROM innotrue.user_assessments;
INSERT INTO innotrue.user_assessment_shares (user_assessment_id, user_id, shared_with_id)                 -- shared with the owner
SELECT id, user_id, user_id FROM innotrue.user_assessments;
INSERT INTO innotrue.user_assessment_shares (user_assessment_id, user_id, shared_with_id)                 -- not Bob's result
SELECT id, pg_temp.uid('bob'), pg_temp.uid('ann') FROM innotrue.user_assessments;

-- Scenarios: attempts, responses within the template, evaluations
INSERT INTO innotrue.scenario_categories (key, name) VALUES ('leadership', 'Leadership Challenges');
INSERT INTO innotrue.scenario_templates (slug, title, category_id)
SELECT v.slug, v.title, c.id FROM (VALUES ('layoffs', 'Layoffs'), ('merger', 'Merger')) AS v (slug, title), innotrue.scenario_categories c;
INSERT INTO innotrue.scenario_sections (template_id, title, section_type, order_index) SELECT id, 'Task', 'task', 0 FROM innotrue.scenario_templates;
INSERT INTO innotrue.section_paragraphs (section_id, template_id, content, order_index)
SELECT id, template_id, 'What do you say first?', 0 FROM innotrue.scenario_sections;
INSERT INTO innotrue.scenario_assignments (user_id, template_id, assigned_by)
SELECT pg_temp.uid('ann'), id, pg_temp.uid('carl') FROM innotrue.scenario_templates WHERE slug = 'layoffs';
INSERT INTO innotrue.scenario_assignments (user_id, template_id)                                           -- same attempt again
SELECT pg_temp.uid('ann'), id FROM innotrue.scenario_templates WHERE slug = 'layoffs';
INSERT INTO innotrue.scenario_assignments (user_id, template_id, attempt)                                  -- attempt 0
SELECT pg_temp.uid('ann'), id, 0 FROM innotrue.scenario_templates WHERE slug = 'merger';
UPDATE innotrue.scenario_assignments SET status = 'submitted';                                             -- submitted without a time
UPDATE innotrue.scenario_assignments SET status = 'graded', submitted_at = now();                          -- bad status
INSERT INTO innotrue.scenario_responses (assignment_id, user_id, template_id, section_id, paragraph_id, response_text)
SELECT a.id, a.user_id, a.template_id, p.section_id, p.id, 'Be honest.' FROM innotrue.scenario_assignments a
JOIN innotrue.section_paragraphs p ON p.template_id = a.template_id;
INSERT INTO innotrue.scenario_responses (assignment_id, user_id, template_id, section_id, paragraph_id)   -- answered twice
SELECT a.id, a.user_id, a.template_id, p.section_id, p.id FROM innotrue.scenario_assignments a
JOIN innotrue.section_paragraphs p ON p.template_id = a.template_id;
INSERT INTO innotrue.scenario_responses (assignment_id, user_id, template_id, section_id)                -- other template's section
SELECT a.id, a.user_id, a.template_id, s.id FROM innotrue.scenario_assignments a, innotrue.scenario_sections s
JOIN innotrue.scenario_templates t ON t.id = s.template_id WHERE t.slug = 'merger';
INSERT INTO innotrue.paragraph_evaluations (response_id, user_id, evaluator_id, rating, comment)
SELECT id, user_id, pg_temp.uid('carl'), 4, 'Clear and kind' FROM innotrue.scenario_responses;
INSERT INTO innotrue.paragraph_evaluations (response_id, user_id, evaluator_id)                           -- neither rating nor comment
SELECT id, user_id, pg_temp.uid('bob') FROM innotrue.scenario_responses;
SELECT t.slug, a.attempt, a.status, r.response_text, e.rating, e.comment
FROM innotrue.scenario_assignments a JOIN innotrue.scenario_templates t ON t.id = a.template_id
JOIN innotrue.scenario_responses r ON r.assignment_id = a.id JOIN innotrue.paragraph_evaluations e ON e.response_id = r.id;

-- Resource usage: only an unlock charges credits, and a resource is unlocked once
INSERT INTO innotrue.resource_library (title, resource_type, url, created_by, is_consumable, credit_cost)
VALUES ('CTA cheat sheet', 'cheatsheet', 'https://example.com/cta.pdf', gen_random_uuid(), true, 5);
INSERT INTO innotrue.resource_usage_tracking (user_id, resource_id, action, credits_charged)
SELECT pg_temp.uid('ann'), id, v.action, v.credits FROM innotrue.resource_library, (VALUES ('unlock', 5), ('view', 0), ('download', 0)) AS v (action, credits);
INSERT INTO innotrue.resource_usage_tracking (user_id, resource_id, action, credits_charged)                 -- second unlock
SELECT pg_temp.uid('ann'), id, 'unlock', 5 FROM innotrue.resource_library;
INSERT INTO innotrue.resource_usage_tracking (user_id, resource_id, action, credits_charged)                 -- a charged view
SELECT pg_temp.uid('bob'), id, 'view', 5 FROM innotrue.resource_library;
INSERT INTO innotrue.resource_usage_tracking (user_id, resource_id, action, credits_charged)                 -- negative charge
SELECT pg_temp.uid('bob'), id, 'unlock', -5 FROM innotrue.resource_library;
INSERT INTO innotrue.resource_usage_tracking (user_id, resource_id, action)                                  -- bad action
SELECT pg_temp.uid('bob'), id, 'share' FROM innotrue.resource_library;
SELECT action, credits_charged FROM innotrue.resource_usage_tracking ORDER BY action;

-- Notifications and preferences
INSERT INTO innotrue.notifications (user_id, type_id, title, payload)
SELECT pg_temp.uid('ann'), id, 'Your balance is low', '{"available": 3}' FROM innotrue.notification_types WHERE key = 'credits_low';
INSERT INTO innotrue.notifications (user_id, type_id, title, payload)                                         -- payload not an object
SELECT pg_temp.uid('ann'), id, 'x', '[1]' FROM innotrue.notification_types WHERE key = 'credits_low';
INSERT INTO innotrue.notifications (user_id, type_id, title) VALUES (pg_temp.uid('ann'), gen_random_uuid(), 'x'); -- unknown type
INSERT INTO innotrue.notification_preferences (user_id, type_id, channel, enabled)
SELECT pg_temp.uid('ann'), id, 'email', false FROM innotrue.notification_types WHERE key = 'goal_reminder';
INSERT INTO innotrue.notification_preferences (user_id, type_id, channel, enabled)                             -- same channel twice
SELECT pg_temp.uid('ann'), id, 'email', true FROM innotrue.notification_types WHERE key = 'goal_reminder';
INSERT INTO innotrue.notification_preferences (user_id, type_id, channel)                                      -- bad channel
SELECT pg_temp.uid('ann'), id, 'sms' FROM innotrue.notification_types WHERE key = 'goal_reminder';
SELECT t.key, n.title, n.payload, n.read_at IS NULL AS unread FROM innotrue.notifications n JOIN innotrue.notification_types t ON t.id = n.type_id;

-- Erasing the evaluator keeps Ann's history; erasing Ann removes it (the anonymous response stays)
DELETE FROM innotrue.profiles WHERE email = 'carl@example.com';
SELECT title, evaluator_id IS NULL AS evaluator_gone FROM innotrue.capability_snapshots ORDER BY title;
SELECT (SELECT count(*) FROM innotrue.paragraph_evaluations WHERE evaluator_id IS NULL) AS evaluations_kept,
       (SELECT count(*) FROM innotrue.user_assessment_shares) AS shares;
DELETE FROM innotrue.profiles WHERE email = 'ann@example.com';
SELECT (SELECT count(*) FROM innotrue.capability_snapshots) AS snapshots,
       (SELECT count(*) FROM innotrue.snapshot_question_ratings) AS ratings,
       (SELECT count(*) FROM innotrue.scenario_responses) AS responses,
       (SELECT count(*) FROM innotrue.assessment_responses) AS assessment_responses;

ROLLBACK;
