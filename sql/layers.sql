-- Layer dependency rules (issue 4): every hard rule refuses a bad configuration with SQLSTATE,
-- message, detail and hint, and accepts it once the dependency exists, including children added
-- in the same transaction. Deferred rules fire at COMMIT, so the cases run as real transactions;
-- everything created here is deleted at the end.
\set VERBOSITY default
\set ON_ERROR_ROLLBACK on
SET search_path = innotrue, public;

-- Program: active only with a default program plan and at least one module -------------------
INSERT INTO program_plans (key, name, tier_level) VALUES ('lyr_basic', 'Basic Access', 0);
INSERT INTO program_plan_features (program_plan_id, feature_id, limit_value)
SELECT pp.id, f.id, 5 FROM program_plans pp, features f WHERE pp.key = 'lyr_basic' AND f.key = 'ai_coach';
INSERT INTO module_assignment_types (key, name, structure) VALUES ('lyr_essay', 'Essay', '{"fields": []}');

-- refused: active, no plan, no module
INSERT INTO programs (slug, name, is_active) VALUES ('lyr-prog', 'Layer Program', true);
\echo :LAST_ERROR_SQLSTATE

-- created inactive, then activated without modules: refused at commit
INSERT INTO programs (slug, name, default_program_plan_id)
SELECT 'lyr-prog', 'Layer Program', id FROM program_plans WHERE key = 'lyr_basic';
BEGIN;
UPDATE programs SET is_active = true WHERE slug = 'lyr-prog';
COMMIT;
\echo :LAST_ERROR_SQLSTATE

-- an assignment module without config and a session module without session type: refused
BEGIN;
INSERT INTO program_modules (program_id, title, module_type, order_index)
SELECT id, 'Essay one', 'assignment', 1 FROM programs WHERE slug = 'lyr-prog';
INSERT INTO program_modules (program_id, title, module_type, order_index)
SELECT id, 'Coaching call', 'session', 2 FROM programs WHERE slug = 'lyr-prog';
UPDATE programs SET is_active = true WHERE slug = 'lyr-prog';
COMMIT;
\echo :LAST_ERROR_SQLSTATE

-- accepted: program, modules, config and session type added and activated in one transaction
BEGIN;
INSERT INTO program_modules (program_id, title, module_type, order_index)
SELECT id, 'Essay one', 'assignment', 1 FROM programs WHERE slug = 'lyr-prog';
INSERT INTO module_assignment_configs (module_id, assignment_type_id)
SELECT m.id, t.id FROM program_modules m, module_assignment_types t WHERE m.title = 'Essay one' AND t.key = 'lyr_essay';
INSERT INTO program_modules (program_id, title, module_type, order_index, session_type_id)
SELECT p.id, 'Coaching call', 'session', 2, t.id FROM programs p, session_types t WHERE p.slug = 'lyr-prog' AND t.key = 'coaching';
UPDATE programs SET is_active = true WHERE slug = 'lyr-prog';
COMMIT;
SELECT slug, is_active FROM programs WHERE slug = 'lyr-prog';

-- removing the assignment config of an active program's module: refused at commit
DELETE FROM module_assignment_configs WHERE module_id = (SELECT id FROM program_modules WHERE title = 'Essay one');
\echo :LAST_ERROR_SQLSTATE
-- deleting every module of the active program: refused
DELETE FROM program_modules WHERE program_id = (SELECT id FROM programs WHERE slug = 'lyr-prog');
\echo :LAST_ERROR_SQLSTATE

-- Dependents: what an active program uses cannot be deactivated or deleted ---------------------
UPDATE program_plans SET is_active = false WHERE key = 'lyr_basic';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM program_plans WHERE key = 'lyr_basic';
\echo :LAST_ERROR_SQLSTATE
UPDATE session_types SET is_active = false WHERE key = 'coaching';
\echo :LAST_ERROR_SQLSTATE
UPDATE module_types SET is_active = false WHERE key = 'assignment';
\echo :LAST_ERROR_SQLSTATE
UPDATE features SET is_active = false WHERE key = 'ai_coach';
\echo :LAST_ERROR_SQLSTATE
-- a delete is refused by the rule (naming every active dependent) before the foreign keys run
DELETE FROM features WHERE key = 'session_coaching';
\echo :LAST_ERROR_SQLSTATE
-- a feature nothing active uses can be deactivated (and back)
UPDATE features SET is_active = false WHERE key = 'certificates';
UPDATE features SET is_active = true WHERE key = 'certificates';
-- a plan held by an active user
INSERT INTO profiles (id, email, plan_id)
SELECT '00000000-0000-0000-0000-0000000000a1', 'lyr-user@example.com', id FROM plans WHERE key = 'pro';
UPDATE plans SET is_active = false WHERE key = 'pro';
\echo :LAST_ERROR_SQLSTATE
-- once the program is inactive, its plan and session type are free again
UPDATE programs SET is_active = false WHERE slug = 'lyr-prog';
BEGIN;
UPDATE session_types SET is_active = false WHERE key = 'coaching';
UPDATE program_plans SET is_active = false WHERE key = 'lyr_basic';
ROLLBACK;

-- Capability assessment: active only with domains, each with a question ------------------------
INSERT INTO capability_assessments (slug, name, assessment_category_id, is_active)
SELECT 'lyr-cap', 'Layer Capability', id, true FROM assessment_categories WHERE key = 'leadership';
\echo :LAST_ERROR_SQLSTATE
BEGIN;
INSERT INTO capability_assessments (slug, name, assessment_category_id, is_active)
SELECT 'lyr-cap', 'Layer Capability', id, true FROM assessment_categories WHERE key = 'leadership';
INSERT INTO capability_domains (assessment_id, name, order_index)
SELECT id, 'Architecture', 1 FROM capability_assessments WHERE slug = 'lyr-cap';
INSERT INTO capability_domains (assessment_id, name, order_index)
SELECT id, 'Security', 2 FROM capability_assessments WHERE slug = 'lyr-cap';
INSERT INTO capability_domain_questions (domain_id, assessment_id, question_text, order_index)
SELECT d.id, d.assessment_id, 'Rate your system design', 1 FROM capability_domains d WHERE d.name = 'Architecture';
COMMIT;
\echo :LAST_ERROR_SQLSTATE
-- accepted once every domain has a question, all in one transaction
BEGIN;
INSERT INTO capability_assessments (slug, name, assessment_category_id, is_active)
SELECT 'lyr-cap', 'Layer Capability', id, true FROM assessment_categories WHERE key = 'leadership';
INSERT INTO capability_domains (assessment_id, name, order_index)
SELECT id, 'Architecture', 1 FROM capability_assessments WHERE slug = 'lyr-cap';
INSERT INTO capability_domain_questions (domain_id, assessment_id, question_text, order_index)
SELECT d.id, d.assessment_id, 'Rate your system design', 1 FROM capability_domains d WHERE d.name = 'Architecture';
COMMIT;
SELECT slug, is_active FROM capability_assessments WHERE slug = 'lyr-cap';

-- Locked: questions and domains cannot change --------------------------------------------------
UPDATE capability_assessments SET is_locked = true WHERE slug = 'lyr-cap';
INSERT INTO capability_domain_questions (domain_id, assessment_id, question_text, order_index)
SELECT d.id, d.assessment_id, 'Rate your cloud skills', 2 FROM capability_domains d WHERE d.name = 'Architecture';
\echo :LAST_ERROR_SQLSTATE
UPDATE capability_domains SET name = 'Systems' WHERE name = 'Architecture';
\echo :LAST_ERROR_SQLSTATE
UPDATE capability_assessments SET is_locked = false WHERE slug = 'lyr-cap';
UPDATE capability_domains SET name = 'Systems' WHERE name = 'Architecture';
-- removing the only question of an active assessment: refused at commit
DELETE FROM capability_domain_questions WHERE question_text = 'Rate your system design';
\echo :LAST_ERROR_SQLSTATE

-- Assessment definition: dimensions, questions with options, a score per option, interpretations
INSERT INTO assessment_definitions (slug, name, assessment_category_id)
SELECT 'lyr-def', 'Layer Definition', id FROM assessment_categories WHERE key = 'career';
INSERT INTO assessment_dimensions (definition_id, key, name, order_index)
SELECT id, 'analytical', 'Analytical', 1 FROM assessment_definitions WHERE slug = 'lyr-def';
INSERT INTO assessment_questions (definition_id, key, question_text, order_index)
SELECT id, 'q1', 'How do you decide?', 1 FROM assessment_definitions WHERE slug = 'lyr-def';
INSERT INTO assessment_question_options (question_id, definition_id, key, option_text, order_index)
SELECT q.id, q.definition_id, v.key, v.txt, v.ord FROM assessment_questions q,
    (VALUES ('data', 'With data', 1), ('gut', 'By gut', 2)) AS v (key, txt, ord) WHERE q.key = 'q1';
INSERT INTO assessment_option_scores (option_id, dimension_id, definition_id, score)
SELECT o.id, d.id, o.definition_id, 3 FROM assessment_question_options o JOIN assessment_dimensions d ON d.definition_id = o.definition_id
 WHERE o.key = 'data';
-- refused: option "gut" has no score, no interpretation
UPDATE assessment_definitions SET is_active = true WHERE slug = 'lyr-def';
\echo :LAST_ERROR_SQLSTATE
-- accepted with the missing pieces in the same transaction
BEGIN;
UPDATE assessment_definitions SET is_active = true WHERE slug = 'lyr-def';
INSERT INTO assessment_option_scores (option_id, dimension_id, definition_id, score)
SELECT o.id, d.id, o.definition_id, 0 FROM assessment_question_options o JOIN assessment_dimensions d ON d.definition_id = o.definition_id
 WHERE o.key = 'gut';
INSERT INTO assessment_interpretations (definition_id, key, title, body_text, conditions)
SELECT id, 'analyst', 'Analyst', 'You decide with data.', '{"analytical": {"min": 3}}' FROM assessment_definitions WHERE slug = 'lyr-def';
COMMIT;
SELECT slug, is_active FROM assessment_definitions WHERE slug = 'lyr-def';
-- a new question without options on the active definition: refused at commit
INSERT INTO assessment_questions (definition_id, key, question_text, order_index)
SELECT id, 'q2', 'And then?', 2 FROM assessment_definitions WHERE slug = 'lyr-def';
\echo :LAST_ERROR_SQLSTATE
-- locked definitions keep their questions and options
UPDATE assessment_definitions SET is_locked = true WHERE slug = 'lyr-def';
UPDATE assessment_question_options SET option_text = 'Using data' WHERE key = 'data';
\echo :LAST_ERROR_SQLSTATE
UPDATE assessment_definitions SET is_locked = false WHERE slug = 'lyr-def';

-- Scenario templates: locked sections, protected templates ---------------------------------------
INSERT INTO scenario_categories (key, name) VALUES ('lyr_leadership', 'Leadership Challenges');
INSERT INTO scenario_templates (slug, title, category_id)
SELECT 'lyr-scenario', 'Layer Scenario', id FROM scenario_categories WHERE key = 'lyr_leadership';
INSERT INTO scenario_sections (template_id, title, order_index)
SELECT id, 'Context', 1 FROM scenario_templates WHERE slug = 'lyr-scenario';
UPDATE scenario_templates SET is_locked = true WHERE slug = 'lyr-scenario';
INSERT INTO scenario_sections (template_id, title, order_index)
SELECT id, 'Task', 2 FROM scenario_templates WHERE slug = 'lyr-scenario';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM scenario_sections WHERE title = 'Context';
\echo :LAST_ERROR_SQLSTATE
UPDATE scenario_templates SET is_locked = false WHERE slug = 'lyr-scenario';
INSERT INTO scenario_sections (template_id, title, order_index)
SELECT id, 'Task', 2 FROM scenario_templates WHERE slug = 'lyr-scenario';
DELETE FROM scenario_templates WHERE slug = 'lyr-scenario';
\echo :LAST_ERROR_SQLSTATE
UPDATE scenario_templates SET is_protected = false WHERE slug = 'lyr-scenario';
DELETE FROM scenario_templates WHERE slug = 'lyr-scenario';
SELECT count(*) AS scenario_templates_left FROM scenario_templates WHERE slug = 'lyr-scenario';

-- Platform terms: once terms exist, one version stays current ---------------------------------
INSERT INTO platform_terms (version, title, content_html, is_current) VALUES ('lyr-1', 'Terms', '<p>v1</p>', true);
UPDATE platform_terms SET is_current = false WHERE version = 'lyr-1';
\echo :LAST_ERROR_SQLSTATE
-- switching to a new version in one transaction is accepted
BEGIN;
UPDATE platform_terms SET is_current = false WHERE version = 'lyr-1';
INSERT INTO platform_terms (version, title, content_html, is_current) VALUES ('lyr-2', 'Terms', '<p>v2</p>', true);
COMMIT;
SELECT version, is_current FROM platform_terms WHERE version LIKE 'lyr-%' ORDER BY version;
DELETE FROM platform_terms WHERE version = 'lyr-2';
\echo :LAST_ERROR_SQLSTATE
-- deleting every version is allowed (nothing exists, nothing is current)
DELETE FROM platform_terms WHERE version LIKE 'lyr-%';

-- The rules are data ------------------------------------------------------------------------------
SELECT kind, count(*) FROM layer_rules GROUP BY kind ORDER BY kind;
SELECT r.key, w.table_name, w.is_deferred
  FROM layer_rule_watches w JOIN layer_rules r ON r.id = w.rule_id
 WHERE r.kind IN ('hard', 'guard') ORDER BY r.key, w.table_name;

-- Clean up ------------------------------------------------------------------------------------------
DELETE FROM programs WHERE slug = 'lyr-prog';
DELETE FROM program_plans WHERE key = 'lyr_basic';
DELETE FROM module_assignment_types WHERE key = 'lyr_essay';
DELETE FROM profiles WHERE id = '00000000-0000-0000-0000-0000000000a1';
DELETE FROM capability_assessments WHERE slug = 'lyr-cap';
DELETE FROM assessment_definitions WHERE slug = 'lyr-def';
DELETE FROM scenario_categories WHERE key = 'lyr_leadership';
SELECT (SELECT count(*) FROM programs WHERE slug LIKE 'lyr-%') + (SELECT count(*) FROM program_plans WHERE key LIKE 'lyr_%')
     + (SELECT count(*) FROM capability_assessments WHERE slug LIKE 'lyr-%') + (SELECT count(*) FROM platform_terms WHERE version LIKE 'lyr-%')
       AS rows_left;
