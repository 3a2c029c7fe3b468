-- innotrue.configuration_report(): walks docs/configuration.md's "Order of set-up" step by step on top
-- of the installed reference data (step 1, the seed) and shows the report after each step.
-- Deferred layer rules are fired at the end of each step with SET CONSTRAINTS ALL IMMEDIATE,
-- so every step is also proven to pass them. Everything is rolled back.
\set VERBOSITY default
\set ON_ERROR_ROLLBACK on
SET search_path = innotrue, public;
BEGIN;

CREATE TEMPORARY VIEW open_items AS
    SELECT layer, item, status, found, detail FROM innotrue.configuration_report() WHERE status <> 'ok';
CREATE TEMPORARY VIEW summary AS
    SELECT status, count(*) FROM innotrue.configuration_report() GROUP BY status ORDER BY status;

-- Step 1: fresh install, reference data only: the full report -----------------------------------
SELECT layer, item, status, found, detail, what_breaks FROM configuration_report();

-- Step 2: external services: Stripe prices and Cal.com event types -----------------------------------
INSERT INTO plan_prices (plan_id, billing_interval, price_cents, stripe_price_id)
SELECT p.id, 'monthly', v.cents, 'price_demo_' || p.key FROM plans p
  JOIN (VALUES ('base', 2900), ('pro', 4900), ('advanced', 7900), ('elite', 12900)) AS v (key, cents) ON v.key = p.key;
INSERT INTO calcom_event_type_mappings (session_type_id, calcom_event_type_id)
SELECT id, 1000 + row_number() OVER (ORDER BY key) FROM session_types;
SET CONSTRAINTS ALL IMMEDIATE;
SET CONSTRAINTS ALL DEFERRED;
SELECT * FROM open_items;

-- Step 3: assessment configuration ------------------------------------------------------------------
-- Capability: family, assessment, domains, questions (activated in the same transaction).
INSERT INTO assessment_families (key, name, assessment_category_id)
SELECT 'architecture', 'Architecture', id FROM assessment_categories WHERE key = 'aptitude';
INSERT INTO capability_assessments (slug, name, assessment_category_id, family_id, is_active)
SELECT 'architecture-self-check', 'Architecture Self Knowledge Check', c.id, f.id, true
  FROM assessment_categories c, assessment_families f WHERE c.key = 'aptitude' AND f.key = 'architecture';
INSERT INTO capability_domains (assessment_id, name, order_index)
SELECT a.id, v.name, v.ord FROM capability_assessments a, (VALUES ('System Architecture', 1), ('Security & Identity', 2)) AS v (name, ord)
 WHERE a.slug = 'architecture-self-check';
INSERT INTO capability_domain_questions (domain_id, assessment_id, question_text, order_index)
SELECT d.id, d.assessment_id, 'How confident are you in ' || lower(d.name) || '?', 1 FROM capability_domains d;
-- Definition: dimensions, questions with options, scoring matrix, interpretations.
INSERT INTO assessment_definitions (slug, name, assessment_category_id, is_public, is_active)
SELECT 'decision-style', 'Decision Style', id, true, true FROM assessment_categories WHERE key = 'personality';
INSERT INTO assessment_dimensions (definition_id, key, name, order_index)
SELECT d.id, v.key, v.name, v.ord FROM assessment_definitions d, (VALUES ('analytical', 'Analytical', 1), ('intuitive', 'Intuitive', 2)) AS v (key, name, ord)
 WHERE d.slug = 'decision-style';
INSERT INTO assessment_questions (definition_id, key, question_text, order_index)
SELECT id, 'q1', 'How do you decide?', 1 FROM assessment_definitions WHERE slug = 'decision-style';
INSERT INTO assessment_question_options (question_id, definition_id, key, option_text, order_index)
SELECT q.id, q.definition_id, v.key, v.txt, v.ord FROM assessment_questions q, (VALUES ('data', 'With data', 1), ('gut', 'By gut', 2)) AS v (key, txt, ord)
 WHERE q.key = 'q1';
INSERT INTO assessment_option_scores (option_id, dimension_id, definition_id, score)
SELECT o.id, d.id, o.definition_id, CASE WHEN (o.key = 'data') = (d.key = 'analytical') THEN 3 ELSE 0 END
  FROM assessment_question_options o JOIN assessment_dimensions d ON d.definition_id = o.definition_id;
INSERT INTO assessment_interpretations (definition_id, key, title, body_text, conditions)
SELECT id, 'analyst', 'Analyst', 'You decide with data.', '{"analytical": {"min": 3}}' FROM assessment_definitions WHERE slug = 'decision-style';
-- Psychometric catalog.
INSERT INTO psychometric_assessments (slug, name, provider, assessment_category_id, external_url)
SELECT 'disc', 'DISC', 'Extended DISC', id, 'https://example.com/disc' FROM assessment_categories WHERE key = 'personality';
SET CONSTRAINTS ALL IMMEDIATE;
SET CONSTRAINTS ALL DEFERRED;
SELECT * FROM open_items;

-- Step 4: scenarios ------------------------------------------------------------------------------------
INSERT INTO scenario_categories (key, name) VALUES ('technical_decisions', 'Technical Decision-Making');
INSERT INTO scenario_templates (slug, title, category_id, capability_assessment_id)
SELECT 'migration-dilemma', 'The Migration Dilemma', c.id, a.id FROM scenario_categories c, capability_assessments a
 WHERE c.key = 'technical_decisions' AND a.slug = 'architecture-self-check';
INSERT INTO scenario_sections (template_id, title, section_type, order_index)
SELECT id, 'Context', 'context', 1 FROM scenario_templates WHERE slug = 'migration-dilemma';
INSERT INTO section_paragraphs (section_id, template_id, content, order_index)
SELECT id, template_id, 'Your client runs a monolith.', 1 FROM scenario_sections WHERE title = 'Context';
INSERT INTO paragraph_question_links (paragraph_id, question_id)
SELECT p.id, q.id FROM section_paragraphs p, capability_domain_questions q JOIN capability_domains d ON d.id = q.domain_id
 WHERE d.name = 'System Architecture';
UPDATE scenario_templates SET is_locked = true WHERE slug = 'migration-dilemma';
SET CONSTRAINTS ALL IMMEDIATE;
SET CONSTRAINTS ALL DEFERRED;
SELECT * FROM open_items;

-- Step 5: resource library -------------------------------------------------------------------------------
INSERT INTO resource_categories (key, name) VALUES ('architecture', 'Architecture');
INSERT INTO resource_library (title, resource_type, url, category_id, visibility, created_by)
SELECT v.title, 'link', v.url, c.id, 'enrolled', '00000000-0000-0000-0000-0000000000a9'
  FROM resource_categories c, (VALUES ('Pattern cheatsheet', 'https://example.com/patterns'),
                                      ('Reflection guide', 'https://example.com/reflect')) AS v (title, url)
 WHERE c.key = 'architecture';
INSERT INTO resource_collections (key, name) VALUES ('starter_pack', 'Starter pack');
INSERT INTO resource_collection_items (collection_id, resource_id, order_index)
SELECT c.id, r.id, 1 FROM resource_collections c, resource_library r WHERE c.key = 'starter_pack' AND r.title = 'Pattern cheatsheet';
INSERT INTO skills (key, name) VALUES ('system_design', 'System design');
INSERT INTO resource_library_skills (resource_id, skill_id)
SELECT r.id, s.id FROM resource_library r, skills s WHERE r.title = 'Pattern cheatsheet' AND s.key = 'system_design';
SET CONSTRAINTS ALL IMMEDIATE;
SET CONSTRAINTS ALL DEFERRED;
SELECT * FROM open_items;

-- Step 6: programs and modules -------------------------------------------------------------------------
INSERT INTO program_plans (key, name, tier_level, credit_allowance)
VALUES ('basic_access', 'Basic Access', 0, 0), ('premium_access', 'Premium Access', 2, 100);
INSERT INTO program_plan_features (program_plan_id, feature_id, limit_value)
SELECT pp.id, f.id, v.lim FROM program_plans pp
  JOIN (VALUES ('basic_access', 'ai_coach', 5), ('premium_access', 'ai_coach', 50), ('premium_access', 'session_coaching', 5)) AS v (plan, feature, lim)
    ON v.plan = pp.key
  JOIN features f ON f.key = v.feature;
INSERT INTO module_assignment_types (key, name, structure) VALUES ('architecture_essay', 'Architecture essay', '{"fields": [{"key": "answer"}]}');
-- One transaction: the program goes active together with its modules and their links.
INSERT INTO programs (slug, name, track_id, is_active, credit_cost, min_plan_tier, default_program_plan_id)
SELECT 'cta-immersion', 'CTA Immersion', t.id, true, 100, 2, pp.id FROM tracks t, program_plans pp WHERE t.key = 'cta' AND pp.key = 'basic_access';
INSERT INTO program_tier_plans (program_id, tier_name, program_plan_id, credit_cost)
SELECT p.id, v.tier, pp.id, v.cost FROM programs p, program_plans pp,
       (VALUES ('base', 'basic_access', 50), ('premium', 'premium_access', 100)) AS v (tier, plan, cost)
 WHERE p.slug = 'cta-immersion' AND pp.key = v.plan;
INSERT INTO program_modules (program_id, title, module_type, order_index, session_type_id, capability_assessment_id)
SELECT p.id, v.title, v.type, v.ord, st.id, ca.id
  FROM programs p
  CROSS JOIN (VALUES ('Kick-off coaching', 'session', 1, 'coaching', NULL),
                     ('Architecture essay', 'assignment', 2, NULL, 'architecture-self-check'),
                     ('Patterns reading', 'resource', 3, NULL, NULL),
                     ('Looking back', 'reflection', 4, NULL, NULL)) AS v (title, type, ord, session_type, assessment)
  LEFT JOIN session_types st ON st.key = v.session_type
  LEFT JOIN capability_assessments ca ON ca.slug = v.assessment
 WHERE p.slug = 'cta-immersion';
INSERT INTO module_assignment_configs (module_id, assignment_type_id)
SELECT m.id, t.id FROM program_modules m, module_assignment_types t WHERE m.title = 'Architecture essay' AND t.key = 'architecture_essay';
INSERT INTO module_client_content_resources (module_id, resource_id, section_type)
SELECT m.id, r.id, 'during' FROM program_modules m, resource_library r WHERE m.title = 'Patterns reading' AND r.title = 'Pattern cheatsheet';
INSERT INTO module_reflection_resources (module_id, resource_id, prompt)
SELECT m.id, r.id, 'What would you do differently?' FROM program_modules m, resource_library r WHERE m.title = 'Looking back' AND r.title = 'Reflection guide';
INSERT INTO resource_library_programs (resource_id, program_id)
SELECT r.id, p.id FROM resource_library r, programs p WHERE p.slug = 'cta-immersion';
SET CONSTRAINTS ALL IMMEDIATE;
SET CONSTRAINTS ALL DEFERRED;
SELECT * FROM open_items;

-- Step 7: coach feedback templates -------------------------------------------------------------------------
INSERT INTO module_feedback_templates (key, name, structure) VALUES ('module_review', 'Module review', '{"sections": ["strengths", "next steps"]}');
SELECT * FROM open_items;

-- Step 8: platform terms and demo users ----------------------------------------------------------------------
INSERT INTO platform_terms (version, title, content_html, is_current) VALUES ('1', 'Terms of Service', '<p>Terms</p>', true);
INSERT INTO profiles (id, email, plan_id)
SELECT v.id::uuid, v.email, p.id FROM plans p,
    (VALUES ('00000000-0000-0000-0000-0000000000a1', 'demo-admin@example.com'),
            ('00000000-0000-0000-0000-0000000000a2', 'demo-client@example.com')) AS v (id, email)
 WHERE p.key = 'pro';
INSERT INTO user_roles (user_id, role)
VALUES ('00000000-0000-0000-0000-0000000000a1', 'admin'), ('00000000-0000-0000-0000-0000000000a2', 'client');
SET CONSTRAINTS ALL IMMEDIATE;
SET CONSTRAINTS ALL DEFERRED;
SELECT * FROM open_items;
SELECT * FROM summary;

-- Drift no checklist catches -----------------------------------------------------------------------------------
-- a higher tier granting less than a lower one, a consumable feature without a credit service,
-- a notification type whose template is inactive
UPDATE plan_features SET limit_value = 10 WHERE plan_id = (SELECT id FROM plans WHERE key = 'elite')
   AND feature_id = (SELECT id FROM features WHERE key = 'ai_coach');
DELETE FROM plan_features WHERE plan_id = (SELECT id FROM plans WHERE key = 'pro')
   AND feature_id = (SELECT id FROM features WHERE key = 'assessments');
UPDATE credit_services SET is_active = false WHERE key = 'ai_insight';
UPDATE email_templates SET is_active = false WHERE key = 'welcome';
SELECT layer, item, status, found, detail FROM configuration_report() WHERE layer = 'drift';

-- Broken state (data written before the rules, e.g. restored over them) is reported as broken;
-- written here as a restore writes, in replica mode (no business trigger fires).
SET LOCAL session_replication_role = replica;
UPDATE programs SET default_program_plan_id = NULL WHERE slug = 'cta-immersion';
SET LOCAL session_replication_role = origin;
SELECT layer, item, status, found, detail FROM configuration_report() WHERE status = 'broken';

ROLLBACK;
