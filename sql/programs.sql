-- Layer 4: program plans, programs, tier plans, modules, assignment types, resource links.
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;

-- Program plans with features (a three-tier example)
INSERT INTO innotrue.program_plans (key, name, tier_level, credit_allowance)
VALUES ('basic_access', 'Basic Access', 0, 0), ('standard_access', 'Standard Access', 1, 50),
       ('premium_access', 'Premium Access', 2, 100);
INSERT INTO innotrue.program_plans (key, name, tier_level) VALUES ('basic_access', 'Again', 0);          -- duplicate key
INSERT INTO innotrue.program_plans (key, name, tier_level) VALUES ('neg_tier', 'Neg', -1);              -- negative tier
INSERT INTO innotrue.program_plans (key, name, tier_level, credit_allowance) VALUES ('neg_cr', 'Neg', 0, -5);
INSERT INTO innotrue.program_plan_features (program_plan_id, feature_id, limit_value)
SELECT pp.id, f.id, v.limit_value
FROM (VALUES ('basic_access', 'ai_coach', 5), ('basic_access', 'session_coaching', 0),
             ('standard_access', 'ai_coach', 20), ('standard_access', 'session_coaching', 2),
             ('premium_access', 'ai_coach', 50), ('premium_access', 'session_coaching', 5),
             ('premium_access', 'community', NULL)) AS v (plan_key, feature_key, limit_value)
JOIN innotrue.program_plans pp ON pp.key = v.plan_key
JOIN innotrue.features f ON f.key = v.feature_key;
INSERT INTO innotrue.program_plan_features (program_plan_id, feature_id, limit_value)                  -- duplicate pair
SELECT pp.id, f.id, 9 FROM innotrue.program_plans pp, innotrue.features f
WHERE pp.key = 'basic_access' AND f.key = 'ai_coach';
INSERT INTO innotrue.program_plan_features (program_plan_id, feature_id, limit_value)                  -- negative limit
SELECT pp.id, f.id, -1 FROM innotrue.program_plans pp, innotrue.features f
WHERE pp.key = 'basic_access' AND f.key = 'goals';
SELECT pp.key, f.key AS feature, coalesce(ppf.limit_value::text, 'unlimited') AS lim
FROM innotrue.program_plan_features ppf
JOIN innotrue.program_plans pp ON pp.id = ppf.program_plan_id
JOIN innotrue.features f ON f.id = ppf.feature_id
ORDER BY pp.tier_level, f.key;

-- Programs
INSERT INTO innotrue.programs (slug, name, track_id, credit_cost, min_plan_tier, default_program_plan_id, logo_path)
SELECT 'cta-immersion', 'CTA Immersion', t.id, 100, 2, pp.id, 'cta/immersion.png'
FROM innotrue.tracks t, innotrue.program_plans pp WHERE t.key = 'cta' AND pp.key = 'basic_access';
INSERT INTO innotrue.programs (slug, name) VALUES ('leadership-basics', 'Leadership Basics');
INSERT INTO innotrue.programs (slug, name) VALUES ('cta-immersion', 'Duplicate');                    -- duplicate slug
INSERT INTO innotrue.programs (slug, name) VALUES ('CTA Immersion', 'Bad slug');                     -- slug format
INSERT INTO innotrue.programs (slug, name, credit_cost) VALUES ('neg-cost', 'Neg', -10);             -- negative credit cost
INSERT INTO innotrue.programs (slug, name, min_plan_tier) VALUES ('neg-tier', 'Neg', -1);            -- negative tier
INSERT INTO innotrue.programs (slug, name, track_id) VALUES ('no-track', 'No track', gen_random_uuid());  -- unknown track
INSERT INTO innotrue.programs (slug, name) VALUES ('empty-name', ' ');                               -- empty name
DELETE FROM innotrue.program_plans WHERE key = 'basic_access';                                       -- still a default: refused
SELECT p.slug, p.name, t.key AS track, p.is_active, p.credit_cost, p.min_plan_tier, pp.key AS default_plan
FROM innotrue.programs p
LEFT JOIN innotrue.tracks t ON t.id = p.track_id
LEFT JOIN innotrue.program_plans pp ON pp.id = p.default_program_plan_id
ORDER BY p.slug;

-- Tier plans
INSERT INTO innotrue.program_tier_plans (program_id, tier_name, program_plan_id, credit_cost)
SELECT p.id, v.tier, pp.id, v.cost
FROM (VALUES ('base', 'basic_access', 50), ('pro', 'standard_access', 75), ('premium', 'premium_access', 100))
     AS v (tier, plan_key, cost)
JOIN innotrue.program_plans pp ON pp.key = v.plan_key
CROSS JOIN innotrue.programs p WHERE p.slug = 'cta-immersion';
INSERT INTO innotrue.program_tier_plans (program_id, tier_name, program_plan_id, credit_cost)        -- duplicate tier
SELECT p.id, 'pro', pp.id, 80 FROM innotrue.programs p, innotrue.program_plans pp
WHERE p.slug = 'cta-immersion' AND pp.key = 'premium_access';
INSERT INTO innotrue.program_tier_plans (program_id, tier_name, program_plan_id, credit_cost)        -- negative cost
SELECT p.id, 'cheap', pp.id, -1 FROM innotrue.programs p, innotrue.program_plans pp
WHERE p.slug = 'cta-immersion' AND pp.key = 'basic_access';
INSERT INTO innotrue.program_tier_plans (program_id, tier_name, program_plan_id)                    -- tier name format
SELECT p.id, 'Gold Tier', pp.id FROM innotrue.programs p, innotrue.program_plans pp
WHERE p.slug = 'cta-immersion' AND pp.key = 'basic_access';
SELECT p.slug, tp.tier_name, pp.key AS program_plan, tp.credit_cost
FROM innotrue.program_tier_plans tp
JOIN innotrue.programs p ON p.id = tp.program_id
JOIN innotrue.program_plans pp ON pp.id = tp.program_plan_id
ORDER BY p.slug, tp.credit_cost;

-- A capability assessment for the module and assignment-type links
INSERT INTO innotrue.capability_assessments (slug, name, assessment_category_id)
SELECT 'cta-architecture', 'CTA Architecture', c.id FROM innotrue.assessment_categories c WHERE c.key = 'aptitude';

-- Modules, one of each type
INSERT INTO innotrue.program_modules (program_id, title, module_type, order_index, estimated_minutes,
                                      feature_key, min_plan_tier, session_type_id, capability_assessment_id)
SELECT p.id, v.title, v.module_type, v.ord, v.minutes, v.feature_key, v.tier,
       (SELECT st.id FROM innotrue.session_types st WHERE st.key = v.session_type),
       (SELECT ca.id FROM innotrue.capability_assessments ca WHERE ca.slug = v.assessment)
FROM (VALUES
    ('Welcome', 'content', 1, 15, NULL, NULL, NULL, NULL),
    ('Architecture Deep Dive', 'session', 2, 90, 'session_coaching', 2, 'coaching', NULL),
    ('Design exercise', 'assignment', 3, 120, NULL, NULL, NULL, 'cta-architecture'),
    ('Reading list', 'resource', 4, NULL, NULL, NULL, NULL, NULL),
    ('Looking back', 'reflection', 5, 30, NULL, NULL, NULL, NULL)
) AS v (title, module_type, ord, minutes, feature_key, tier, session_type, assessment)
CROSS JOIN innotrue.programs p WHERE p.slug = 'cta-immersion';
INSERT INTO innotrue.program_modules (program_id, title, module_type, order_index)                  -- unknown module type
SELECT id, 'Quiz', 'quiz', 6 FROM innotrue.programs WHERE slug = 'cta-immersion';
INSERT INTO innotrue.program_modules (program_id, title, module_type, order_index, feature_key)     -- unknown feature key
SELECT id, 'Gated', 'content', 6, 'no_such_feature' FROM innotrue.programs WHERE slug = 'cta-immersion';
INSERT INTO innotrue.program_modules (program_id, title, module_type, order_index)                  -- order clash
SELECT id, 'Clash', 'content', 3 FROM innotrue.programs WHERE slug = 'cta-immersion';
INSERT INTO innotrue.program_modules (program_id, title, module_type, order_index, estimated_minutes)  -- zero minutes
SELECT id, 'Instant', 'content', 6, 0 FROM innotrue.programs WHERE slug = 'cta-immersion';
INSERT INTO innotrue.program_modules (program_id, title, module_type, order_index, session_type_id)    -- session type on a non-session module
SELECT p.id, 'Odd', 'content', 6, st.id FROM innotrue.programs p, innotrue.session_types st
WHERE p.slug = 'cta-immersion' AND st.key = 'workshop';
INSERT INTO innotrue.program_modules (program_id, title, module_type, order_index)                  -- same order, other program: fine
SELECT id, 'Intro', 'content', 1 FROM innotrue.programs WHERE slug = 'leadership-basics';
UPDATE innotrue.program_modules SET order_index = order_index + 1                                    -- renumber in one statement
WHERE program_id = (SELECT id FROM innotrue.programs WHERE slug = 'cta-immersion');
SELECT p.slug, m.order_index, m.title, m.module_type, m.estimated_minutes, m.feature_key, m.min_plan_tier,
       st.key AS session_type, ca.slug AS assessment
FROM innotrue.program_modules m
JOIN innotrue.programs p ON p.id = m.program_id
LEFT JOIN innotrue.session_types st ON st.id = m.session_type_id
LEFT JOIN innotrue.capability_assessments ca ON ca.id = m.capability_assessment_id
ORDER BY p.slug, m.order_index;

-- Assignment types and configs
INSERT INTO innotrue.module_assignment_types (key, name, structure, scoring_assessment_id)
SELECT 'design_doc', 'Design document', '{"fields": [{"key": "summary", "type": "textarea"}]}', ca.id
FROM innotrue.capability_assessments ca WHERE ca.slug = 'cta-architecture';
INSERT INTO innotrue.module_assignment_types (key, name, structure) VALUES ('bad_form', 'Bad', '"text"');  -- not an object
INSERT INTO innotrue.module_assignment_types (key, name) VALUES ('no_form', 'No form');                   -- no structure
INSERT INTO innotrue.module_assignment_configs (module_id, assignment_type_id)
SELECT m.id, t.id FROM innotrue.program_modules m, innotrue.module_assignment_types t
WHERE m.title = 'Design exercise' AND t.key = 'design_doc';
INSERT INTO innotrue.module_assignment_configs (module_id, assignment_type_id, is_required)          -- duplicate pair
SELECT m.id, t.id, false FROM innotrue.program_modules m, innotrue.module_assignment_types t
WHERE m.title = 'Design exercise' AND t.key = 'design_doc';
SELECT m.title, t.key, c.is_required, ca.slug AS scoring_assessment
FROM innotrue.module_assignment_configs c
JOIN innotrue.program_modules m ON m.id = c.module_id
JOIN innotrue.module_assignment_types t ON t.id = c.assignment_type_id
LEFT JOIN innotrue.capability_assessments ca ON ca.id = t.scoring_assessment_id;

-- Resources linked to programs, tiers and modules
INSERT INTO innotrue.resource_library (title, resource_type, storage_path, visibility, created_by)
VALUES ('Premium playbook', 'document', 'cta/playbook.pdf', 'enrolled', '00000000-0000-0000-0000-000000000001'),
       ('Journal template', 'template', 'cta/journal.docx', 'enrolled', '00000000-0000-0000-0000-000000000001');
INSERT INTO innotrue.resource_library_programs (resource_id, program_id)
SELECT r.id, p.id FROM innotrue.resource_library r, innotrue.programs p
WHERE r.title IN ('Premium playbook', 'Journal template') AND p.slug = 'cta-immersion';
INSERT INTO innotrue.resource_library_programs (resource_id, program_id)                            -- duplicate link
SELECT r.id, p.id FROM innotrue.resource_library r, innotrue.programs p
WHERE r.title = 'Premium playbook' AND p.slug = 'cta-immersion';
-- The tier check is deferred to commit (see 40_programs.sql); make it immediate to see refusals here.
SET CONSTRAINTS innotrue.resource_library_program_tiers_program_tier_fkey IMMEDIATE;
INSERT INTO innotrue.resource_library_program_tiers (resource_id, program_id, tier_name)
SELECT r.id, p.id, v.tier FROM innotrue.resource_library r, innotrue.programs p, (VALUES ('pro'), ('premium')) AS v (tier)
WHERE r.title = 'Premium playbook' AND p.slug = 'cta-immersion';
INSERT INTO innotrue.resource_library_program_tiers (resource_id, program_id, tier_name)            -- tier the program does not offer
SELECT r.id, p.id, 'gold' FROM innotrue.resource_library r, innotrue.programs p
WHERE r.title = 'Journal template' AND p.slug = 'cta-immersion';
INSERT INTO innotrue.resource_library_program_tiers (resource_id, program_id, tier_name)            -- program not linked
SELECT r.id, p.id, 'base' FROM innotrue.resource_library r, innotrue.programs p
WHERE r.title = 'Premium playbook' AND p.slug = 'leadership-basics';
DELETE FROM innotrue.program_tier_plans WHERE tier_name = 'premium';                                -- a resource is restricted to it
UPDATE innotrue.program_tier_plans SET tier_name = 'platinum' WHERE tier_name = 'premium';          -- rename follows
SELECT r.title, p.slug, t.tier_name
FROM innotrue.resource_library_program_tiers t
JOIN innotrue.resource_library r ON r.id = t.resource_id
JOIN innotrue.programs p ON p.id = t.program_id
ORDER BY r.title, t.tier_name;

INSERT INTO innotrue.module_client_content_resources (module_id, resource_id, section_type, order_index)
SELECT m.id, r.id, v.section, v.ord
FROM (VALUES ('Reading list', 'Premium playbook', 'context', 1), ('Reading list', 'Journal template', 'during', 1))
     AS v (module, resource, section, ord)
JOIN innotrue.program_modules m ON m.title = v.module
JOIN innotrue.resource_library r ON r.title = v.resource;
INSERT INTO innotrue.module_client_content_resources (module_id, resource_id, section_type)          -- bad section type
SELECT m.id, r.id, 'after' FROM innotrue.program_modules m, innotrue.resource_library r
WHERE m.title = 'Reading list' AND r.title = 'Premium playbook';
INSERT INTO innotrue.module_reflection_resources (module_id, resource_id, prompt, order_index)
SELECT m.id, r.id, 'What would you design differently now?', 1
FROM innotrue.program_modules m, innotrue.resource_library r
WHERE m.title = 'Looking back' AND r.title = 'Journal template';
INSERT INTO innotrue.module_reflection_resources (module_id, resource_id, prompt)                     -- empty prompt
SELECT m.id, r.id, '' FROM innotrue.program_modules m, innotrue.resource_library r
WHERE m.title = 'Looking back' AND r.title = 'Premium playbook';
DELETE FROM innotrue.resource_library WHERE title = 'Journal template';                             -- used by modules: refused
SELECT m.title, s.section_type, s.order_index, r.title AS resource
FROM innotrue.module_client_content_resources s
JOIN innotrue.program_modules m ON m.id = s.module_id
JOIN innotrue.resource_library r ON r.id = s.resource_id
ORDER BY m.title, s.section_type;

-- Deleting a program removes its tiers, modules and links (and their tier restrictions)
SET CONSTRAINTS innotrue.resource_library_program_tiers_program_tier_fkey DEFERRED;
DELETE FROM innotrue.programs WHERE slug = 'cta-immersion';
SET CONSTRAINTS ALL IMMEDIATE;                                                                       -- deferred checks pass
SELECT (SELECT count(*) FROM innotrue.program_tier_plans) AS tier_plans,
       (SELECT count(*) FROM innotrue.program_modules) AS modules,
       (SELECT count(*) FROM innotrue.module_assignment_configs) AS assignment_configs,
       (SELECT count(*) FROM innotrue.resource_library_programs) AS resource_links,
       (SELECT count(*) FROM innotrue.resource_library_program_tiers) AS tier_restrictions,
       (SELECT count(*) FROM innotrue.module_client_content_resources) AS module_resources,
       (SELECT count(*) FROM innotrue.resource_library) AS resources;

ROLLBACK;
