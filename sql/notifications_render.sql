-- innotrue.render_template: escaping, paths, sections, lists, missing/strict, malformed templates.
\set ON_ERROR_ROLLBACK on
BEGIN;

-- Escaping: {{x}} escapes & < > " ', {{{x}}} and {{&x}} do not; plain-text mode (html => false)
-- escapes nothing; dotted paths; numbers and booleans as JSON.
SELECT innotrue.render_template('{{x}} | {{{x}}} | {{&x}}', '{"x": "<a href=\"/\">Tom & Jerry''s</a>"}');
SELECT innotrue.render_template('{{x}} | {{{x}}}', '{"x": "Tom & Jerry''s <b>"}', html => false);
SELECT innotrue.render_template('{{user.name}} / {{ user.address.city }} / {{items.1}}',
                                '{"user": {"name": "Ann", "address": {"city": "Köln"}}, "items": ["a", "b"]}');
SELECT innotrue.render_template('{{n}} {{f}} {{t}} {{b}} [{{z}}] {{o}}',
                                '{"n": 42, "f": 1.50, "t": true, "b": false, "z": null, "o": {"k": [1, "<"]}}');
-- Missing variables render empty; strict mode names the variable (22023) with its position.
SELECT innotrue.render_template('Hi {{name}}!{{a.b.c}}', '{"a": {"b": 1}}');
SELECT innotrue.render_template(E'Hi {{name}},\n{{missing.deep}}', '{"name": "Ann"}', true);
SELECT innotrue.render_template('{{#opt}}[{{opt}}]{{/opt}}ok', '{}', true);

-- Sections: falsy values skip, truthy scalars show (0 included), objects push a context,
-- arrays repeat with {{.}} for scalars, outer variables stay visible, inverted sections.
SELECT v.vars, innotrue.render_template('{{#x}}yes{{/x}}{{^x}}no{{/x}}', v.vars::jsonb) AS rendered
  FROM (VALUES ('{}'), ('{"x": null}'), ('{"x": false}'), ('{"x": ""}'), ('{"x": []}'), ('{"x": {}}'),
               ('{"x": 0}'), ('{"x": true}'), ('{"x": "s"}'), ('{"x": [1]}'), ('{"x": {"k": 1}}')) AS v (vars);
SELECT innotrue.render_template('{{#user}}{{name}} ({{role}}){{/user}}',
                                '{"user": {"name": "Ann"}, "role": "coach"}');
SELECT innotrue.render_template('<ul>{{#items}}<li>{{.}}</li>{{/items}}</ul>', '{"items": ["a", "<b>", 3, true]}');
SELECT innotrue.render_template('{{#modules}}{{title}}: {{#lessons}}{{name}}{{^done}}*{{/done}} {{/lessons}}/ {{/modules}}{{program}}',
                                '{"program": "P", "modules": [{"title": "M1", "lessons": [{"name": "L1", "done": true}, {"name": "L2"}]},
                                                              {"title": "M2", "lessons": []}]}');
SELECT innotrue.render_template('a{{! a comment,
   over two lines }}b', '{}');
SELECT innotrue.render_template('', '{}') = '' AS empty_template;
SELECT innotrue.render_template('{{.}}', '"scalar"');
SELECT innotrue.render_template('{{x}}', NULL) IS NULL AS null_vars_gives_null;
-- A long template with many sections (the node list grows while open sections refer into it).
SELECT length(innotrue.render_template(repeat('{{#a}}<{{b}}>{{/a}}{{^a}}no{{/a}}', 500), '{"a": [1, 2], "b": "&"}')) AS rendered_length;

-- Malformed templates: 42601 with line, column, character and byte.
\set VERBOSITY default
SELECT innotrue.render_template('Hello {{name', '{}');
SELECT innotrue.render_template('{{{raw}}', '{}');
SELECT innotrue.render_template(E'line one\n  {{#a}}x{{/b}}', '{}');
SELECT innotrue.render_template(E'äöü\n{{#a}}open', '{}');
SELECT innotrue.render_template('x{{/a}}', '{}');
SELECT innotrue.render_template('{{}}', '{}');
SELECT innotrue.render_template('{{#  }}{{/}}', '{}');
SELECT innotrue.render_template('{{a..b}}', '{}');
SELECT innotrue.render_template('{{a b}}', '{}');
SELECT innotrue.render_template('{{> partial}}', '{}');
SELECT innotrue.render_template('{{=<% %>=}}', '{}');
-- Runaway sections end in a clean limit error (54000).
SELECT innotrue.render_template(repeat('{{#a}}', 8) || 'x' || repeat('{{/a}}', 8), '{"a": [1,2,3,4,5,6,7,8,9,10]}');
SELECT length(innotrue.render_template('{{#a}}{{#a}}{{#a}}{{#a}}{{x}}{{/a}}{{/a}}{{/a}}{{/a}}',
                                       jsonb_build_object('a', (SELECT jsonb_agg(i) FROM generate_series(1, 30) i),
                                                          'x', repeat('y', 50))));
\set VERBOSITY terse

-- Every installed e-mail template renders (strictly, with all its variables set) and escapes its values.
SELECT e.key
  FROM innotrue.email_templates e
 CROSS JOIN LATERAL (SELECT jsonb_object_agg(v, '<' || v || '>') AS vars FROM jsonb_array_elements_text(e.variables) v) x
 WHERE innotrue.render_template(e.subject || e.body_html || e.body_text, x.vars, true) IS NULL
    OR innotrue.render_template(e.body_html, x.vars, true) LIKE '%{{%'
    OR innotrue.render_template(e.body_html, x.vars, true) LIKE '%<program_name>%';
SELECT count(*) AS templates_rendered
  FROM innotrue.email_templates e
 CROSS JOIN LATERAL (SELECT jsonb_object_agg(v, v) AS vars FROM jsonb_array_elements_text(e.variables) v) x
 WHERE innotrue.render_template(e.subject || e.body_html || e.body_text, x.vars, true) IS NOT NULL;
SELECT innotrue.render_template(body_text, '{"user_name": "Ann", "program_name": "Leadership <101>", "start_date": "2026-01-05",
                                            "platform_name": "InnoTrue Hub", "support_email": "support@innotrue.com"}')
  FROM innotrue.email_templates WHERE key = 'program_enrolled';
SELECT innotrue.render_template(body_html, '{"user_name": "Ann", "program_name": "Leadership <101>",
                                            "platform_name": "InnoTrue Hub", "support_email": "support@innotrue.com"}')
  FROM innotrue.email_templates WHERE key = 'program_enrolled';

ROLLBACK;
