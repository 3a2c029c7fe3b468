-- Layer 3C: notification categories, e-mail templates, notification types.
\set ON_ERROR_ROLLBACK on
-- Terse errors: the DETAIL of a refused row shows its random id and now().
\set VERBOSITY terse
BEGIN;

-- Seeds: 8 categories, 31 types (3 critical), 31 templates.
SELECT count(*) AS categories FROM innotrue.notification_categories;
SELECT count(*) AS notification_types FROM innotrue.notification_types;
SELECT count(*) AS email_templates FROM innotrue.email_templates;
SELECT key FROM innotrue.notification_types WHERE is_critical ORDER BY key;
SELECT c.key AS category, count(t.id) AS types, string_agg(t.key, ', ' ORDER BY t.order_index) AS type_keys
  FROM innotrue.notification_categories c
  LEFT JOIN innotrue.notification_types t ON t.category_id = c.id
 GROUP BY c.key, c.order_index ORDER BY c.order_index;
-- Every type has the template of the same key, active, on in both channels by default.
SELECT count(*) AS types_with_own_template
  FROM innotrue.notification_types t JOIN innotrue.email_templates e ON e.key = t.email_template_key
 WHERE e.key = t.key AND t.is_active AND t.default_in_app AND t.default_email;

-- Templates: each lists exactly the top-level variables its subject and bodies use ...
SELECT e.key AS template_with_wrong_variables
  FROM innotrue.email_templates e
 WHERE (SELECT array_agg(DISTINCT m[1] ORDER BY m[1])
          FROM regexp_matches(e.subject || e.body_html || e.body_text,
                              '\{\{\s*[#^/{&]?\s*([A-Za-z_][A-Za-z0-9_]*)', 'g') AS m)
       IS DISTINCT FROM
       (SELECT array_agg(v ORDER BY v) FROM jsonb_array_elements_text(e.variables) AS v)
 ORDER BY 1;
-- ... greets the user and carries the footer in both bodies, with balanced sections and no #if.
SELECT count(*) FILTER (WHERE body_html LIKE '%{{user_name}}%' AND body_text LIKE '%{{user_name}}%') AS greet,
       count(*) FILTER (WHERE body_html LIKE '%{{platform_name}}%{{support_email}}%</html>'
                          AND body_text LIKE '%{{platform_name}}%{{support_email}}') AS footer,
       count(*) FILTER (WHERE variables ? 'platform_name' AND variables ? 'support_email') AS footer_vars,
       count(*) FILTER (WHERE body_html LIKE '%{{#if%' OR body_text LIKE '%{{#if%') AS uses_if,
       count(*) FILTER (WHERE (SELECT count(*) FROM regexp_matches(body_html, '\{\{#', 'g'))
                            = (SELECT count(*) FROM regexp_matches(body_html, '\{\{/', 'g'))) AS balanced
  FROM innotrue.email_templates;
SELECT key, subject, variables FROM innotrue.email_templates
 WHERE key IN ('program_enrolled', 'session_reminder', 'credits_low', 'platform_announcement')
 ORDER BY key;
SELECT body_text FROM innotrue.email_templates WHERE key = 'assignment_due_soon';

-- Categories: good input accepted; bad key, empty name and duplicate key refused.
INSERT INTO innotrue.notification_categories (key, name, order_index) VALUES ('community', 'Community', 9);
INSERT INTO innotrue.notification_categories (key, name, order_index) VALUES ('Community Posts', 'Community Posts', 10);
INSERT INTO innotrue.notification_categories (key, name, order_index) VALUES ('forum', ' ', 10);
INSERT INTO innotrue.notification_categories (key, name, order_index) VALUES ('system', 'System again', 10);
INSERT INTO innotrue.notification_categories (key, name, order_index) VALUES ('negative', 'Negative', -1);

-- Templates: good input accepted.
INSERT INTO innotrue.email_templates (key, name, subject, body_html, body_text, variables)
VALUES ('community_reply', 'Community reply', 'New reply from {{author_name}}',
        '<p>Hi {{user_name}}, {{author_name}} replied.</p>', 'Hi {{user_name}}, {{author_name}} replied.',
        '["author_name", "user_name"]');
-- Duplicate template key refused.
INSERT INTO innotrue.email_templates (key, name, subject, body_html, body_text)
VALUES ('welcome', 'Welcome again', 'Hi', '<p>Hi</p>', 'Hi');
-- Empty subject refused.
INSERT INTO innotrue.email_templates (key, name, subject, body_html, body_text)
VALUES ('no_subject', 'No subject', '', '<p>Hi</p>', 'Hi');
-- variables must be a JSON array.
INSERT INTO innotrue.email_templates (key, name, subject, body_html, body_text, variables)
VALUES ('object_vars', 'Object variables', 'Hi', '<p>Hi</p>', 'Hi', '{"user_name": true}');

-- Types: good input accepted (with a template; in-app only without one).
INSERT INTO innotrue.notification_types (key, category_id, name, email_template_key)
SELECT 'community_reply', id, 'Community reply', 'community_reply'
  FROM innotrue.notification_categories WHERE key = 'community';
INSERT INTO innotrue.notification_types (key, category_id, name, default_email)
SELECT 'community_like', id, 'Community like', false
  FROM innotrue.notification_categories WHERE key = 'community';
-- Unknown template key refused.
INSERT INTO innotrue.notification_types (key, category_id, name, email_template_key)
SELECT 'community_mention', id, 'Community mention', 'no_such_template'
  FROM innotrue.notification_categories WHERE key = 'community';
-- Unknown category refused.
INSERT INTO innotrue.notification_types (key, category_id, name, default_email)
VALUES ('orphan', innotrue.seed_id('notification_categories', 'no_such_category'), 'Orphan', false);
-- Duplicate type key refused.
INSERT INTO innotrue.notification_types (key, category_id, name, email_template_key)
SELECT 'welcome', id, 'Welcome again', 'welcome'
  FROM innotrue.notification_categories WHERE key = 'system';
-- E-mail by default without a template refused.
INSERT INTO innotrue.notification_types (key, category_id, name)
SELECT 'community_digest', id, 'Community digest'
  FROM innotrue.notification_categories WHERE key = 'community';
-- A critical type that is off by default refused.
INSERT INTO innotrue.notification_types (key, category_id, name, is_critical, default_in_app, email_template_key)
SELECT 'silent_alert', id, 'Silent alert', true, false, 'security_alert'
  FROM innotrue.notification_categories WHERE key = 'system';
-- Turning e-mail off by default for a critical type refused.
UPDATE innotrue.notification_types SET default_email = false WHERE key = 'terms_updated';
-- A non-critical type may be e-mail off by default.
UPDATE innotrue.notification_types SET default_email = false WHERE key = 'group_message';
SELECT t.key, c.key AS category, t.is_critical, t.default_in_app, t.default_email,
       coalesce(t.email_template_key, '-') AS template
  FROM innotrue.notification_types t JOIN innotrue.notification_categories c ON c.id = t.category_id
 WHERE c.key = 'community' OR t.key IN ('group_message', 'terms_updated')
 ORDER BY t.key;

-- Renaming a template key follows into the types (ON UPDATE CASCADE) ...
UPDATE innotrue.email_templates SET key = 'welcome_v2' WHERE key = 'welcome';
SELECT key, email_template_key FROM innotrue.notification_types WHERE key = 'welcome';
-- ... but a template or category in use cannot be deleted.
DELETE FROM innotrue.email_templates WHERE key = 'credits_low';
DELETE FROM innotrue.notification_categories WHERE key = 'credits';
SELECT count(*) AS categories, (SELECT count(*) FROM innotrue.email_templates) AS templates,
       (SELECT count(*) FROM innotrue.notification_types) AS types
  FROM innotrue.notification_categories;

ROLLBACK;
