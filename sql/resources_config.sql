-- Layer 3F: resource library, categories, skills, collections, coach feedback templates.
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;

-- Categories and skills
INSERT INTO innotrue.resource_categories (key, name, display_order)
VALUES ('architecture', 'Architecture', 1), ('leadership', 'Leadership', 2);
INSERT INTO innotrue.resource_categories (key, name) VALUES ('architecture', 'Duplicate');  -- duplicate key
INSERT INTO innotrue.resource_categories (key, name) VALUES ('Bad Key', 'Bad');             -- key format
INSERT INTO innotrue.resource_categories (key, name) VALUES ('empty', '  ');                -- empty name
INSERT INTO innotrue.resource_categories (key, name, display_order) VALUES ('neg', 'Neg', -1);
INSERT INTO innotrue.skills (key, name)
VALUES ('system_design', 'System Design'), ('communication', 'Communication');
INSERT INTO innotrue.skills (key, name) VALUES ('system_design', 'Again');                  -- duplicate key

-- Resources: good ones
INSERT INTO innotrue.resource_library (title, resource_type, url, visibility, category_id, created_by)
SELECT 'Integration patterns', 'link', 'https://example.com/patterns', 'public', c.id,
       '00000000-0000-0000-0000-000000000001'
FROM innotrue.resource_categories c WHERE c.key = 'architecture';
INSERT INTO innotrue.resource_library (title, resource_type, storage_path, visibility, is_downloadable,
                                       is_consumable, credit_cost, feature_key, min_plan_tier, created_by)
VALUES ('CTA cheatsheet', 'cheatsheet', 'cta/cheatsheet.pdf', 'enrolled', true,
        true, 5, 'resource_library', 1, '00000000-0000-0000-0000-000000000001');
INSERT INTO innotrue.resource_library (title, resource_type, storage_path, created_by)
VALUES ('My notes', 'document', 'notes/mine.docx', '00000000-0000-0000-0000-000000000002');

-- Resources: refused
INSERT INTO innotrue.resource_library (title, resource_type, url, is_consumable, created_by)       -- consumable without cost
VALUES ('No cost', 'video', 'https://example.com/v', true, '00000000-0000-0000-0000-000000000001');
INSERT INTO innotrue.resource_library (title, resource_type, url, is_consumable, credit_cost, created_by)  -- zero cost
VALUES ('Zero cost', 'video', 'https://example.com/v', true, 0, '00000000-0000-0000-0000-000000000001');
INSERT INTO innotrue.resource_library (title, resource_type, url, is_consumable, credit_cost, created_by)  -- negative cost
VALUES ('Negative cost', 'video', 'https://example.com/v', true, -3, '00000000-0000-0000-0000-000000000001');
INSERT INTO innotrue.resource_library (title, resource_type, url, credit_cost, created_by)         -- cost on a free resource
VALUES ('Free with cost', 'video', 'https://example.com/v', 5, '00000000-0000-0000-0000-000000000001');
INSERT INTO innotrue.resource_library (title, resource_type, url, visibility, created_by)          -- bad visibility
VALUES ('Bad visibility', 'video', 'https://example.com/v', 'everyone', '00000000-0000-0000-0000-000000000001');
INSERT INTO innotrue.resource_library (title, resource_type, url, created_by)                      -- bad type
VALUES ('Bad type', 'podcast', 'https://example.com/v', '00000000-0000-0000-0000-000000000001');
INSERT INTO innotrue.resource_library (title, resource_type, url, storage_path, created_by)        -- both locations
VALUES ('Both', 'video', 'https://example.com/v', 'v.mp4', '00000000-0000-0000-0000-000000000001');
INSERT INTO innotrue.resource_library (title, resource_type, created_by)                           -- no location
VALUES ('Nowhere', 'video', '00000000-0000-0000-0000-000000000001');
INSERT INTO innotrue.resource_library (title, resource_type, storage_path, created_by)             -- link without url
VALUES ('Stored link', 'link', 'links/x.txt', '00000000-0000-0000-0000-000000000001');
INSERT INTO innotrue.resource_library (title, resource_type, url, created_by)                      -- not an http url
VALUES ('Bad url', 'link', 'ftp://example.com/x', '00000000-0000-0000-0000-000000000001');
INSERT INTO innotrue.resource_library (title, resource_type, url, feature_key, created_by)         -- unknown feature key
VALUES ('Unknown feature', 'video', 'https://example.com/v', 'no_such_feature', '00000000-0000-0000-0000-000000000001');
INSERT INTO innotrue.resource_library (title, resource_type, url, min_plan_tier, created_by)       -- negative tier
VALUES ('Negative tier', 'video', 'https://example.com/v', -1, '00000000-0000-0000-0000-000000000001');
INSERT INTO innotrue.resource_library (title, resource_type, url, category_id, created_by)         -- unknown category
VALUES ('Unknown category', 'video', 'https://example.com/v', gen_random_uuid(), '00000000-0000-0000-0000-000000000001');
INSERT INTO innotrue.resource_library (title, resource_type, url, created_by)                      -- empty title
VALUES ('', 'video', 'https://example.com/v', '00000000-0000-0000-0000-000000000001');
INSERT INTO innotrue.resource_library (title, resource_type, url)                                  -- no creator
VALUES ('Anonymous', 'video', 'https://example.com/v');
UPDATE innotrue.resource_library SET is_consumable = false WHERE title = 'CTA cheatsheet';        -- cost left behind

-- Renaming a feature key follows into the resource
UPDATE innotrue.features SET key = 'resource_library_v2' WHERE key = 'resource_library';
SELECT title, resource_type, visibility, is_downloadable, is_consumable, credit_cost, feature_key,
       min_plan_tier, url IS NOT NULL AS has_url, storage_path IS NOT NULL AS stored
FROM innotrue.resource_library ORDER BY title;
UPDATE innotrue.features SET key = 'resource_library' WHERE key = 'resource_library_v2';

-- Skill tags
INSERT INTO innotrue.resource_library_skills (resource_id, skill_id)
SELECT r.id, s.id FROM innotrue.resource_library r, innotrue.skills s
WHERE r.title = 'Integration patterns';
INSERT INTO innotrue.resource_library_skills (resource_id, skill_id)                               -- duplicate tag
SELECT r.id, s.id FROM innotrue.resource_library r, innotrue.skills s
WHERE r.title = 'Integration patterns' AND s.key = 'communication';
DELETE FROM innotrue.skills WHERE key = 'communication';                                           -- still tagged: refused

-- Collections
INSERT INTO innotrue.resource_collections (key, name, description)
VALUES ('cta_starter', 'CTA starter kit', 'Everything to begin the CTA track');
INSERT INTO innotrue.resource_collection_items (collection_id, resource_id, order_index)
SELECT c.id, r.id, v.ord
FROM (VALUES ('CTA cheatsheet', 1), ('Integration patterns', 2)) AS v (title, ord)
JOIN innotrue.resource_library r ON r.title = v.title
CROSS JOIN innotrue.resource_collections c WHERE c.key = 'cta_starter';
INSERT INTO innotrue.resource_collection_items (collection_id, resource_id, order_index)           -- duplicate item
SELECT c.id, r.id, 3 FROM innotrue.resource_collections c, innotrue.resource_library r
WHERE c.key = 'cta_starter' AND r.title = 'CTA cheatsheet';
INSERT INTO innotrue.resource_collection_items (collection_id, resource_id, order_index)           -- negative order
SELECT c.id, r.id, -1 FROM innotrue.resource_collections c, innotrue.resource_library r
WHERE c.key = 'cta_starter' AND r.title = 'My notes';

SELECT c.key, i.order_index, r.title
FROM innotrue.resource_collection_items i
JOIN innotrue.resource_collections c ON c.id = i.collection_id
JOIN innotrue.resource_library r ON r.id = i.resource_id
ORDER BY c.key, i.order_index;

-- Deleting a resource removes its collection items and skill tags
DELETE FROM innotrue.resource_library WHERE title = 'Integration patterns';
SELECT (SELECT count(*) FROM innotrue.resource_collection_items) AS collection_items,
       (SELECT count(*) FROM innotrue.resource_library_skills) AS skill_tags;
DELETE FROM innotrue.skills WHERE key = 'communication';                                           -- untagged now: allowed

-- Coach feedback templates
INSERT INTO innotrue.module_feedback_templates (key, name, structure)
VALUES ('module_review', 'Module review',
        '{"sections": [{"key": "strengths", "label": "Strengths"}, {"key": "next_steps", "label": "Next steps"}]}');
INSERT INTO innotrue.module_feedback_templates (key, name, structure)                              -- not an object
VALUES ('list_form', 'List form', '[1, 2]');
INSERT INTO innotrue.module_feedback_templates (key, name) VALUES ('module_review', 'Again');      -- duplicate key
SELECT key, name, jsonb_array_length(structure -> 'sections') AS sections, is_active
FROM innotrue.module_feedback_templates ORDER BY key;

ROLLBACK;
