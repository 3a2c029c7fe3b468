-- innotrue: layer dependencies and status flows enforced in the database (issue 4).
--
-- innotrue.layer_rules holds every dependency rule of the configuration guide as data: the
-- checklist lines, the key dependency chains, external mappings, drift checks, and the hard
-- rules a trigger enforces. Each rule has ONE check query, run
--   * by the generic C trigger innotrue.enforce_layer_rules() with $1 = the id of the object
--     the changed row points to (uuid) and $2 = the changed row (json), and
--   * by innotrue.configuration_report() with $1 and $2 NULL, meaning "every object".
-- A check query returns (object_key text, offender text) rows. For hard/required/advisory/guard
-- rules a row is an offence; for checklist/optional rules a row is one item found.
-- innotrue.layer_rule_watches says which table changes make the trigger evaluate which rule;
-- a loop at the end of this file attaches the trigger to exactly those tables.
-- innotrue.status_transitions holds the allowed status moves; innotrue.enforce_status_flow()
-- refuses any other move.

CREATE TABLE innotrue.layer_rules (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key          text NOT NULL UNIQUE CONSTRAINT layer_rules_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    layer        text NOT NULL
        CONSTRAINT layer_rules_layer_check
        CHECK (layer IN ('1', '2', '3A', '3B', '3C', '3D', '3E', '3F', '4', '5', 'external', 'drift')),
    ord          integer NOT NULL DEFAULT 0,
    item         text NOT NULL CONSTRAINT layer_rules_item_check CHECK (btrim(item) <> ''),
    kind         text NOT NULL
        CONSTRAINT layer_rules_kind_check
        CHECK (kind IN ('hard', 'guard', 'required', 'advisory', 'checklist', 'optional')),
    check_sql    text NOT NULL CONSTRAINT layer_rules_check_sql_check CHECK (btrim(check_sql) <> ''),
    min_count    integer CONSTRAINT layer_rules_min_count_check CHECK (min_count > 0),
    subject      text,
    message      text,
    detail_label text,
    hint         text,
    sqlstate     text CONSTRAINT layer_rules_sqlstate_check CHECK (sqlstate ~ '^[0-9A-Z]{5}$'),
    what_breaks  text NOT NULL CONSTRAINT layer_rules_what_breaks_check CHECK (btrim(what_breaks) <> ''),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT layer_rules_count_check CHECK ((kind IN ('checklist', 'optional')) = (min_count IS NOT NULL)),
    CONSTRAINT layer_rules_error_texts_check CHECK (
        kind NOT IN ('hard', 'guard')
        OR (subject IS NOT NULL AND message IS NOT NULL AND detail_label IS NOT NULL
            AND hint IS NOT NULL AND sqlstate IS NOT NULL))
);
SELECT innotrue.register_table('layer_rules', '5', 'extension');
COMMENT ON TABLE innotrue.layer_rules IS
    'Dependency rules of the configuration guide, as data: read by the C trigger innotrue.enforce_layer_rules() (hard and guard rules) and by innotrue.configuration_report() (all but guard rules). Column order is read by src/layers.c.';
COMMENT ON COLUMN innotrue.layer_rules.layer IS
    'Guide layer the rule belongs to; external = mappings to Stripe, Cal.com, storage; drift = inconsistencies no checklist line catches.';
COMMENT ON COLUMN innotrue.layer_rules.kind IS
    'hard = enforced by trigger and reported (broken); guard = enforced by trigger on a change, not a state, so not reported; required = reported as missing; advisory = reported as advisory; checklist = rows counted, missing below min_count; optional = as checklist but advisory.';
COMMENT ON COLUMN innotrue.layer_rules.check_sql IS
    'Query with $1 uuid (object id, NULL = all objects) and $2 json (the changed row, NULL in the report) returning (object_key text, offender text).';
COMMENT ON COLUMN innotrue.layer_rules.subject IS
    'Error message subject, e.g. program; the message reads: <subject> "<object_key>" <message>.';
COMMENT ON COLUMN innotrue.layer_rules.detail_label IS
    'Error detail prefix before the list of offenders.';
COMMENT ON COLUMN innotrue.layer_rules.sqlstate IS
    'SQLSTATE raised: 23514 check_violation for incomplete objects, 23503 foreign_key_violation for dependents still in use, 55000 object_not_in_prerequisite_state for locked or protected objects.';
COMMENT ON COLUMN innotrue.layer_rules.what_breaks IS
    'What breaks for users when the rule is not met, in the guide''s words where it has them.';

CREATE TABLE innotrue.layer_rule_watches (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    rule_id     uuid NOT NULL REFERENCES innotrue.layer_rules (id) ON DELETE CASCADE,
    table_name  text NOT NULL REFERENCES innotrue.schema_tables (table_name),
    on_insert   boolean NOT NULL,
    on_update   boolean NOT NULL,
    on_delete   boolean NOT NULL,
    key_column  text NOT NULL,
    parent_sql  text CONSTRAINT layer_rule_watches_parent_sql_check CHECK (btrim(parent_sql) <> ''),
    row_image   text NOT NULL DEFAULT 'both'
        CONSTRAINT layer_rule_watches_row_image_check CHECK (row_image IN ('new', 'old', 'both')),
    is_deferred boolean NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT layer_rule_watches_rule_table_key UNIQUE (rule_id, table_name),
    CONSTRAINT layer_rule_watches_event_check CHECK (on_insert OR on_update OR on_delete)
);
SELECT innotrue.register_table('layer_rule_watches', '5', 'extension');
CREATE INDEX layer_rule_watches_table_name_idx ON innotrue.layer_rule_watches (table_name, is_deferred);
COMMENT ON TABLE innotrue.layer_rule_watches IS
    'Which table changes make the trigger evaluate which layer rule. Column order is read by src/layers.c.';
COMMENT ON COLUMN innotrue.layer_rule_watches.key_column IS
    'uuid column of the changed row holding the id of the object the rule is about (id, program_id, ...).';
COMMENT ON COLUMN innotrue.layer_rule_watches.parent_sql IS
    'Optional query mapping the key column value ($1 uuid) to the object ids the rule is about.';
COMMENT ON COLUMN innotrue.layer_rule_watches.row_image IS
    'For UPDATE: check the object of the new row, the old row, or both (a row moved between parents).';
COMMENT ON COLUMN innotrue.layer_rule_watches.is_deferred IS
    'true = checked at commit (children may be added later in the transaction); false = at the end of the statement.';

CREATE TABLE innotrue.status_transitions (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    table_name  text NOT NULL REFERENCES innotrue.schema_tables (table_name),
    column_name text NOT NULL,
    from_status text NOT NULL,
    to_status   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT status_transitions_flow_key UNIQUE (table_name, column_name, from_status, to_status),
    CONSTRAINT status_transitions_change_check CHECK (from_status <> to_status)
);
SELECT innotrue.register_table('status_transitions', '5', 'extension');
COMMENT ON TABLE innotrue.status_transitions IS
    'Allowed status moves (platform-rules.md "Status flows"); innotrue.enforce_status_flow() refuses every other change of the column. Column order is read by src/layers.c.';

-- Trigger functions -------------------------------------------------------------------------

CREATE FUNCTION innotrue.enforce_layer_rules()
RETURNS trigger
LANGUAGE C
VOLATILE PARALLEL UNSAFE
SECURITY DEFINER SET search_path = pg_catalog, innotrue, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_enforce_layer_rules';
COMMENT ON FUNCTION innotrue.enforce_layer_rules() IS
    'Generic AFTER ROW trigger (argument immediate or deferred): evaluates the layer rules watching the table and refuses a change that leaves an offence. Runs as the owner so row-level security cannot hide dependents.';

CREATE FUNCTION innotrue.enforce_status_flow()
RETURNS trigger
LANGUAGE C
VOLATILE PARALLEL UNSAFE
SECURITY DEFINER SET search_path = pg_catalog, innotrue, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_enforce_status_flow';
COMMENT ON FUNCTION innotrue.enforce_status_flow() IS
    'AFTER UPDATE ROW trigger (argument: the status column): refuses a status change not listed in innotrue.status_transitions.';

-- Storage buckets exist only on Supabase (storage.buckets); the check must not fail elsewhere.
CREATE FUNCTION innotrue.missing_storage_buckets()
RETURNS SETOF text
LANGUAGE plpgsql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
BEGIN
    IF pg_catalog.to_regclass('storage.buckets') IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE
        'SELECT b.name FROM innotrue.storage_buckets b
          WHERE NOT EXISTS (SELECT FROM storage.buckets s WHERE s.id::text = b.name) ORDER BY b.name';
END
$$;
COMMENT ON FUNCTION innotrue.missing_storage_buckets() IS
    'Names of the registered buckets (innotrue.storage_buckets) missing from storage.buckets; none when there is no storage.buckets table (not on Supabase).';

-- The object a "still in use" rule is about: an inactive row of the table (or every inactive row
-- when the id is NULL), or, for a DELETE, the deleted row itself, which the table no longer holds.
CREATE FUNCTION innotrue.retired_objects(table_name text, object_id uuid, changed_row json)
RETURNS TABLE (id uuid, key text)
LANGUAGE plpgsql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
BEGIN
    RETURN QUERY EXECUTE format(
        'SELECT t.id, t.key FROM innotrue.%1$I t WHERE NOT t.is_active AND ($1 IS NULL OR t.id = $1)
         UNION ALL
         SELECT $1, $2->>''key'' WHERE $1 IS NOT NULL AND NOT EXISTS (SELECT FROM innotrue.%1$I t WHERE t.id = $1)',
        table_name)
      USING object_id, changed_row;
END
$$;
COMMENT ON FUNCTION innotrue.retired_objects(text, uuid, json) IS
    'Objects a "still in use" layer rule checks: inactive rows of an innotrue table with id and key columns (all when object_id is NULL), or the deleted row given as json.';

-- Rules ---------------------------------------------------------------------------------------
-- Columns: key, layer, ord, item, kind, min_count, what_breaks, check_sql,
--          subject, message, detail_label, hint, sqlstate.

INSERT INTO innotrue.layer_rules
    (key, layer, ord, item, kind, min_count, what_breaks, check_sql, subject, message, detail_label, hint, sqlstate)
VALUES
-- Layer 1 ---------------------------------------------------------------------------------------
('system_settings', '1', 10, 'System settings: AI limit, platform name, support e-mail, time zone', 'required', NULL,
 'AI edge functions, e-mail templates and scheduling lack their limit, name, address and time zone',
 $q$SELECT k, 'setting missing' FROM unnest(ARRAY['ai_monthly_credit_limit', 'platform_name', 'support_email', 'default_timezone']) AS k
     WHERE NOT EXISTS (SELECT FROM innotrue.system_settings s WHERE s.key = k) ORDER BY 1$q$,
 NULL, NULL, NULL, NULL, NULL),
('module_types', '1', 20, 'Module types: session, assignment, reflection, resource, content', 'required', NULL,
 'Program modules of a missing type cannot be created',
 $q$SELECT k, 'module type missing or inactive' FROM unnest(ARRAY['session', 'assignment', 'reflection', 'resource', 'content']) AS k
     WHERE NOT EXISTS (SELECT FROM innotrue.module_types t WHERE t.key = k AND t.is_active) ORDER BY 1$q$,
 NULL, NULL, NULL, NULL, NULL),
('module_type_in_use', '1', 25, 'Module types used by active modules stay active', 'hard', NULL,
 'Active modules of a deactivated type have no feature area to handle them',
 $q$SELECT o.key, format('module "%s" of program "%s"', m.title, p.slug)
      FROM innotrue.retired_objects('module_types', $1, $2) AS o
      JOIN innotrue.program_modules m ON m.module_type = o.key AND m.is_active
      JOIN innotrue.programs p ON p.id = m.program_id AND p.is_active
     ORDER BY 1, 2$q$,
 'module type', 'is still used by active modules', 'Active dependents',
 'Deactivate or retype the modules (or deactivate their programs) first.', '23503'),
('tracks', '1', 30, 'Tracks: CTA and Leadership', 'required', NULL,
 'Programs cannot be categorised by track; track-specific credit prices have no track',
 $q$SELECT k, 'track missing or inactive' FROM unnest(ARRAY['cta', 'leadership']) AS k
     WHERE NOT EXISTS (SELECT FROM innotrue.tracks t WHERE t.key = k AND t.is_active) ORDER BY 1$q$,
 NULL, NULL, NULL, NULL, NULL),
-- Layer 2 ---------------------------------------------------------------------------------------
('feature_in_use', '2', 15, 'Features granted or required by something active stay active', 'hard', NULL,
 'Active plans, session types, modules and services gate on a feature nobody can be granted any more',
 $q$SELECT o.key, d.what
      FROM innotrue.retired_objects('features', $1, $2) AS o
      CROSS JOIN LATERAL (
            SELECT format('plan "%s"', p.key) FROM innotrue.plan_features pf JOIN innotrue.plans p ON p.id = pf.plan_id
             WHERE pf.feature_id = o.id AND p.is_active AND coalesce(pf.limit_value, 1) > 0
            UNION ALL
            SELECT format('program plan "%s"', pp.key) FROM innotrue.program_plan_features ppf JOIN innotrue.program_plans pp ON pp.id = ppf.program_plan_id
             WHERE ppf.feature_id = o.id AND pp.is_active AND coalesce(ppf.limit_value, 1) > 0
            UNION ALL
            SELECT format('session type "%s"', st.key) FROM innotrue.session_types st WHERE st.feature_key = o.key AND st.is_active
            UNION ALL
            SELECT format('credit service "%s"', cs.key) FROM innotrue.credit_services cs WHERE cs.feature_id = o.id AND cs.is_active
            UNION ALL
            SELECT format('module "%s" of program "%s"', m.title, p.slug) FROM innotrue.program_modules m JOIN innotrue.programs p ON p.id = m.program_id
             WHERE m.feature_key = o.key AND m.is_active AND p.is_active
            UNION ALL
            SELECT format('add-on "%s"', a.key) FROM innotrue.add_on_features af JOIN innotrue.add_ons a ON a.id = af.add_on_id
             WHERE af.feature_id = o.id AND a.is_active AND coalesce(af.limit_value, 1) > 0
            UNION ALL
            SELECT format('track "%s"', t.key) FROM innotrue.track_features tf JOIN innotrue.tracks t ON t.id = tf.track_id
             WHERE tf.feature_id = o.id AND t.is_active AND coalesce(tf.limit_value, 1) > 0
            UNION ALL
            SELECT format('psychometric assessment "%s"', pa.slug) FROM innotrue.psychometric_assessments pa WHERE pa.feature_key = o.key AND pa.is_active
            UNION ALL
            SELECT format('resource "%s"', r.title) FROM innotrue.resource_library r WHERE r.feature_key = o.key AND r.is_active
      ) AS d (what)
     ORDER BY 1, 2$q$,
 'feature', 'is still used by active configuration', 'Active dependents',
 'Remove the feature from these plans, session types, services and modules (or deactivate them) first.', '23503'),
('plan_in_use', '2', 25, 'Plans held by active users or sponsored memberships stay active', 'hard', NULL,
 'Users on a deactivated plan lose their tier and features',
 $q$SELECT o.key, d.what
      FROM innotrue.retired_objects('plans', $1, $2) AS o
      CROSS JOIN LATERAL (
            SELECT format('active users: %s', count(*)) FROM innotrue.profiles u WHERE u.plan_id = o.id AND u.is_active HAVING count(*) > 0
            UNION ALL
            SELECT format('sponsored memberships: %s', count(*)) FROM innotrue.organization_members om
             WHERE om.sponsored_plan_id = o.id AND om.status = 'active' HAVING count(*) > 0
      ) AS d (what)
     ORDER BY 1, 2$q$,
 'plan', 'is still held by active users', 'Active dependents',
 'Move the users and organization memberships to another plan first.', '23503'),
('plan_features', '2', 30, 'Plan features: every plan has feature mappings', 'required', NULL,
 'Missing plan_features → Users have plans but no feature limits → Everything blocked',
 $q$SELECT p.key, 'grants no feature' FROM innotrue.plans p
     WHERE p.is_active AND NOT EXISTS (SELECT FROM innotrue.plan_features pf WHERE pf.plan_id = p.id AND coalesce(pf.limit_value, 1) > 0 AND NOT pf.is_restrictive)
     ORDER BY 1$q$,
 NULL, NULL, NULL, NULL, NULL),
-- Layer 3A --------------------------------------------------------------------------------------
('session_type_in_use', '3A', 15, 'Session types used by active modules or open sessions stay active', 'hard', NULL,
 'Active session modules and open sessions point to a type nobody can book',
 $q$SELECT o.key, d.what
      FROM innotrue.retired_objects('session_types', $1, $2) AS o
      CROSS JOIN LATERAL (
            SELECT format('module "%s" of program "%s"', m.title, p.slug) FROM innotrue.program_modules m JOIN innotrue.programs p ON p.id = m.program_id
             WHERE m.session_type_id = o.id AND m.is_active AND p.is_active
            UNION ALL
            SELECT format('open sessions: %s', count(*))
              FROM (SELECT status FROM innotrue.sessions s WHERE s.session_type_id = o.id
                    UNION ALL SELECT status FROM innotrue.group_sessions g WHERE g.session_type_id = o.id) AS s
             WHERE s.status NOT IN ('completed', 'cancelled') HAVING count(*) > 0
      ) AS d (what)
     ORDER BY 1, 2$q$,
 'session type', 'is still used by active modules or open sessions', 'Active dependents',
 'Relink the session modules and complete or cancel the open sessions first.', '23503'),
('session_type_roles', '3A', 20, 'Session type roles for review board, workshop, mastermind, peer coaching, webinar', 'required', NULL,
 'Role-based sessions cannot assign presenters, evaluators or facilitators at registration',
 $q$SELECT k, 'no roles defined' FROM unnest(ARRAY['mastermind', 'peer_coaching', 'review_board_mock', 'webinar', 'workshop']) AS k
     WHERE NOT EXISTS (SELECT FROM innotrue.session_type_roles r JOIN innotrue.session_types t ON t.id = r.session_type_id WHERE t.key = k)
     ORDER BY 1$q$,
 NULL, NULL, NULL, NULL, NULL),
-- Layer 3B --------------------------------------------------------------------------------------
-- Layer 3C --------------------------------------------------------------------------------------
-- Layer 3D --------------------------------------------------------------------------------------
('capability_assessment_complete', '3D', 35, 'Active capability assessments have domains, each with questions', 'hard', NULL,
 'Missing capability_domains → Capability assessment has no questions to rate → Empty form',
 $q$SELECT a.slug, x.problem
      FROM innotrue.capability_assessments a
      CROSS JOIN LATERAL (
            SELECT 'no domain' WHERE NOT EXISTS (SELECT FROM innotrue.capability_domains d WHERE d.assessment_id = a.id)
            UNION ALL
            SELECT format('domain "%s" has no question', d.name) FROM innotrue.capability_domains d
             WHERE d.assessment_id = a.id AND NOT EXISTS (SELECT FROM innotrue.capability_domain_questions q WHERE q.domain_id = d.id)
      ) AS x (problem)
     WHERE a.is_active AND ($1 IS NULL OR a.id = $1)
     ORDER BY 1, 2$q$,
 'capability assessment', 'cannot be active while incomplete', 'Missing',
 'Add at least one domain, and at least one question to every domain, before activating (in the same transaction is fine).', '23514'),
('capability_assessment_locked', '3D', 36, 'Locked capability assessments keep their domains and questions', 'guard', NULL,
 'Snapshots taken against the assessment would no longer match its questions',
 $q$SELECT a.slug, coalesce($2->>'question_text', $2->>'name') FROM innotrue.capability_assessments a WHERE a.id = $1 AND a.is_locked$q$,
 'capability assessment', 'is locked: its domains and questions cannot be changed', 'Refused change to',
 'Unlock the assessment (is_locked = false) first, or create a new version.', '55000'),
('assessment_definition_complete', '3D', 45, 'Active assessment definitions have dimensions, questions with options, a score for every option and interpretations', 'hard', NULL,
 'Missing scoring_matrix → compute-assessment-scores returns empty results (assessment_definitions only)',
 $q$SELECT d.slug, x.problem
      FROM innotrue.assessment_definitions d
      CROSS JOIN LATERAL (
            SELECT 'no dimension' WHERE NOT EXISTS (SELECT FROM innotrue.assessment_dimensions x WHERE x.definition_id = d.id)
            UNION ALL
            SELECT 'no question' WHERE NOT EXISTS (SELECT FROM innotrue.assessment_questions x WHERE x.definition_id = d.id)
            UNION ALL
            SELECT format('question "%s" has no option', q.key) FROM innotrue.assessment_questions q
             WHERE q.definition_id = d.id AND NOT EXISTS (SELECT FROM innotrue.assessment_question_options o WHERE o.question_id = q.id)
            UNION ALL
            SELECT format('option "%s/%s" has no score', q.key, o.key) FROM innotrue.assessment_question_options o
              JOIN innotrue.assessment_questions q ON q.id = o.question_id
             WHERE o.definition_id = d.id AND NOT EXISTS (SELECT FROM innotrue.assessment_option_scores s WHERE s.option_id = o.id)
            UNION ALL
            SELECT 'no interpretation' WHERE NOT EXISTS (SELECT FROM innotrue.assessment_interpretations x WHERE x.definition_id = d.id)
      ) AS x (problem)
     WHERE d.is_active AND ($1 IS NULL OR d.id = $1)
     ORDER BY 1, 2$q$,
 'assessment definition', 'cannot be active while incomplete', 'Missing',
 'Add dimensions, questions with options, a score row for every option and at least one interpretation before activating.', '23514'),
('assessment_definition_locked', '3D', 46, 'Locked assessment definitions keep their questions and options', 'guard', NULL,
 'Stored responses would no longer match the questions they answered',
 $q$SELECT d.slug, coalesce($2->>'question_text', $2->>'option_text', $2->>'key') FROM innotrue.assessment_definitions d WHERE d.id = $1 AND d.is_locked$q$,
 'assessment definition', 'is locked: its questions and options cannot be changed', 'Refused change to',
 'Unlock the definition (is_locked = false) first, or create a new version.', '55000'),
-- Layer 3E --------------------------------------------------------------------------------------
('scenario_template_locked', '3E', 40, 'Locked scenario templates keep their sections and paragraphs', 'guard', NULL,
 'Responses already written would no longer match the sections they answer',
 $q$SELECT t.slug, coalesce($2->>'title', $2->>'content') FROM innotrue.scenario_templates t WHERE t.id = $1 AND t.is_locked$q$,
 'scenario template', 'is locked: its sections and paragraphs cannot be changed', 'Refused change to',
 'Unlock the template (is_locked = false) first, or copy it.', '55000'),
('scenario_template_protected', '3E', 41, 'Protected scenario templates cannot be deleted', 'guard', NULL,
 'Scenario assignments and their history lose their template',
 $q$SELECT $2->>'slug', 'is_protected = true' WHERE ($2->>'is_protected')::boolean$q$,
 'scenario template', 'is protected and cannot be deleted', 'Protection',
 'Set is_protected = false first if the template really must go.', '55000'),
-- Layer 3F --------------------------------------------------------------------------------------
-- Layer 4 ---------------------------------------------------------------------------------------
('program_plan_features', '4', 20, 'Program plan features for each program plan', 'required', NULL,
 'Enrollees on the program plan get no in-program features',
 $q$SELECT pp.key, 'grants no feature' FROM innotrue.program_plans pp
     WHERE pp.is_active AND NOT EXISTS (SELECT FROM innotrue.program_plan_features f WHERE f.program_plan_id = pp.id AND coalesce(f.limit_value, 1) > 0)
     ORDER BY 1$q$,
 NULL, NULL, NULL, NULL, NULL),
('program_plan_in_use', '4', 25, 'Program plans used by active programs or enrollments stay active', 'hard', NULL,
 'Enrollees resolve their in-program features from a deactivated plan',
 $q$SELECT o.key, d.what
      FROM innotrue.retired_objects('program_plans', $1, $2) AS o
      CROSS JOIN LATERAL (
            SELECT format('default plan of program "%s"', p.slug) FROM innotrue.programs p WHERE p.default_program_plan_id = o.id AND p.is_active
            UNION ALL
            SELECT format('tier "%s" of program "%s"', t.tier_name, p.slug) FROM innotrue.program_tier_plans t JOIN innotrue.programs p ON p.id = t.program_id
             WHERE t.program_plan_id = o.id AND p.is_active
            UNION ALL
            SELECT format('open enrollments: %s', count(*)) FROM innotrue.client_enrollments e
             WHERE e.program_plan_id = o.id AND e.status IN ('active', 'paused') HAVING count(*) > 0
      ) AS d (what)
     ORDER BY 1, 2$q$,
 'program plan', 'is still used by active programs or enrollments', 'Active dependents',
 'Point the programs, tier plans and enrollments at another program plan first.', '23503'),
('program_complete', '4', 35, 'Active programs have a default program plan and modules; assignment modules a config, session modules a session type', 'hard', NULL,
 'Missing program_plans → Programs have no in-program feature gating; Missing assignment_configs → No assignments created; Missing module_sessions → Nothing to book',
 $q$SELECT p.slug, x.problem
      FROM innotrue.programs p
      CROSS JOIN LATERAL (
            SELECT 'no default program plan' WHERE p.default_program_plan_id IS NULL
            UNION ALL
            SELECT format('default program plan "%s" is inactive', pp.key) FROM innotrue.program_plans pp
             WHERE pp.id = p.default_program_plan_id AND NOT pp.is_active
            UNION ALL
            SELECT 'no active module' WHERE NOT EXISTS (SELECT FROM innotrue.program_modules m WHERE m.program_id = p.id AND m.is_active)
            UNION ALL
            SELECT format('assignment module "%s" has no assignment config', m.title) FROM innotrue.program_modules m
             WHERE m.program_id = p.id AND m.is_active AND m.module_type = 'assignment'
               AND NOT EXISTS (SELECT FROM innotrue.module_assignment_configs c WHERE c.module_id = m.id)
            UNION ALL
            SELECT format('session module "%s" has no session type', m.title) FROM innotrue.program_modules m
             WHERE m.program_id = p.id AND m.is_active AND m.module_type = 'session' AND m.session_type_id IS NULL
      ) AS x (problem)
     WHERE p.is_active AND ($1 IS NULL OR p.id = $1)
     ORDER BY 1, 2$q$,
 'program', 'cannot be active while incomplete', 'Missing',
 'Set a default program plan, add at least one module, link assignment modules to an assignment type (module_assignment_configs) and session modules to a session type; in the same transaction is fine.', '23514'),
('module_assignment_configs', '4', 70, 'Module assignment configs for assignment modules', 'required', NULL,
 'Missing assignment_configs → Assignment types not linked to modules → No assignments created',
 $q$SELECT p.slug || '/' || m.title, 'assignment module without assignment config' FROM innotrue.program_modules m JOIN innotrue.programs p ON p.id = m.program_id
     WHERE m.is_active AND m.module_type = 'assignment' AND NOT EXISTS (SELECT FROM innotrue.module_assignment_configs c WHERE c.module_id = m.id)
     ORDER BY 1$q$,
 NULL, NULL, NULL, NULL, NULL),
('module_sessions', '4', 80, 'Session modules linked to session types', 'required', NULL,
 'Missing module_sessions → Session modules have no linked session → Nothing to book',
 $q$SELECT p.slug || '/' || m.title, 'session module without session type' FROM innotrue.program_modules m JOIN innotrue.programs p ON p.id = m.program_id
     WHERE m.is_active AND m.module_type = 'session' AND m.session_type_id IS NULL
     ORDER BY 1$q$,
 NULL, NULL, NULL, NULL, NULL),
('module_resources', '4', 90, 'Module resources for resource and reflection modules', 'required', NULL,
 'Missing module_resources → Resource modules have no content to display',
 $q$SELECT p.slug || '/' || m.title, format('%s module without resources', m.module_type) FROM innotrue.program_modules m JOIN innotrue.programs p ON p.id = m.program_id
     WHERE m.is_active AND m.module_type IN ('resource', 'reflection')
       AND NOT EXISTS (SELECT FROM innotrue.module_client_content_resources r WHERE r.module_id = m.id)
       AND NOT EXISTS (SELECT FROM innotrue.module_reflection_resources r WHERE r.module_id = m.id)
     ORDER BY 1$q$,
 NULL, NULL, NULL, NULL, NULL),
-- Layer 5 ---------------------------------------------------------------------------------------
('platform_terms_current', '5', 15, 'Once terms exist, one version is current', 'hard', NULL,
 'Missing platform_terms → ToS gate blocks ALL users from dashboard',
 $q$SELECT coalesce($2->>'version', 'platform_terms'), string_agg(t.version, ', ' ORDER BY t.version)
      FROM innotrue.platform_terms t
    HAVING count(*) > 0 AND NOT bool_or(t.is_current)$q$,
 'platform terms', 'change leaves no current version', 'Versions, none current',
 'Mark the new version current (is_current = true) in the same transaction.', '23514'),
('session_roles_within_max', '5', 40, 'Session participants respect the roles of the session type', 'hard', NULL,
 'Role-based sessions get more presenters or evaluators than the format allows',
 $q$SELECT s.title, x.problem
      FROM (SELECT id, title, session_type_id FROM innotrue.sessions
            UNION ALL SELECT id, title, session_type_id FROM innotrue.group_sessions) AS s
      CROSS JOIN LATERAL (
            SELECT format('role "%s": %s participants, at most %s', r.role_key, count(*), r.max_count)
              FROM (SELECT role_key FROM innotrue.session_participants p WHERE p.session_id = s.id AND p.status <> 'cancelled'
                    UNION ALL
                    SELECT role_key FROM innotrue.group_session_participants p WHERE p.group_session_id = s.id AND p.status <> 'cancelled') AS p
              JOIN innotrue.session_type_roles r ON r.session_type_id = s.session_type_id AND r.role_key = p.role_key
             GROUP BY r.role_key, r.max_count HAVING count(*) > r.max_count
            UNION ALL
            SELECT format('role "%s" is not a role of this session type', p.role_key)
              FROM (SELECT role_key FROM innotrue.session_participants p WHERE p.session_id = s.id
                    UNION ALL
                    SELECT role_key FROM innotrue.group_session_participants p WHERE p.group_session_id = s.id) AS p
             WHERE p.role_key IS NOT NULL
               AND EXISTS (SELECT FROM innotrue.session_type_roles r WHERE r.session_type_id = s.session_type_id)
               AND NOT EXISTS (SELECT FROM innotrue.session_type_roles r WHERE r.session_type_id = s.session_type_id AND r.role_key = p.role_key)
      ) AS x (problem)
     WHERE $1 IS NULL OR s.id = $1
     ORDER BY 1, 2$q$,
 'session', 'has participants its session type does not allow', 'Roles',
 'Give the participant another role of the session type, or cancel a participant of that role first.', '23514'),
('session_required_roles', '5', 45, 'Sessions in progress or completed have every required role', 'hard', NULL,
 'A review board without evaluators or a peer session without a coachee cannot run',
 $q$SELECT s.title, format('required role "%s" has no participant', r.role_key)
      FROM (SELECT id, title, session_type_id, status FROM innotrue.sessions
            UNION ALL SELECT id, title, session_type_id, status FROM innotrue.group_sessions) AS s
      JOIN innotrue.session_type_roles r ON r.session_type_id = s.session_type_id AND r.is_required
     WHERE s.status IN ('in_progress', 'completed') AND ($1 IS NULL OR s.id = $1)
       AND NOT EXISTS (SELECT FROM innotrue.session_participants p
                        WHERE p.session_id = s.id AND p.role_key = r.role_key AND p.status NOT IN ('cancelled', 'no_show'))
       AND NOT EXISTS (SELECT FROM innotrue.group_session_participants p
                        WHERE p.group_session_id = s.id AND p.role_key = r.role_key AND p.status NOT IN ('cancelled', 'no_show'))
     ORDER BY 1, 2$q$,
 'session', 'cannot start without its required roles', 'Missing',
 'Register a participant for every required role of the session type before starting the session.', '23514'),
-- External mappings -------------------------------------------------------------------------------
('plan_prices', 'external', 10, 'Plan prices: purchasable plans have Stripe price IDs', 'required', NULL,
 'Missing plan_prices → Subscription checkout fails (no Stripe price to charge)',
 $q$SELECT p.key, 'purchasable plan without an active Stripe price' FROM innotrue.plans p
     WHERE p.is_active AND p.is_purchasable AND NOT EXISTS (SELECT FROM innotrue.plan_prices pr WHERE pr.plan_id = p.id AND pr.is_active)
     ORDER BY 1$q$,
 NULL, NULL, NULL, NULL, NULL),
('calcom_mappings', 'external', 20, 'Cal.com mappings: each session type mapped to an event type', 'required', NULL,
 'Missing Cal.com mapping → Session types exist but can''t book → "No event type" error',
 $q$SELECT t.key, 'session type without an active Cal.com event type' FROM innotrue.session_types t
     WHERE t.is_active AND NOT EXISTS (SELECT FROM innotrue.calcom_event_type_mappings m WHERE m.session_type_id = t.id AND m.is_active)
     ORDER BY 1$q$,
 NULL, NULL, NULL, NULL, NULL),
('storage_buckets_exist', 'external', 30, 'Storage buckets exist in storage.buckets (Supabase only)', 'required', NULL,
 'Uploads to a missing bucket fail',
 $q$SELECT b, 'bucket missing from storage.buckets' FROM innotrue.missing_storage_buckets() AS b$q$,
 NULL, NULL, NULL, NULL, NULL),
-- Drift -------------------------------------------------------------------------------------------
('plan_tier_ladder', 'drift', 10, 'Higher-tier plans grant at least what lower tiers grant', 'advisory', NULL,
 'Upgrading loses a feature or lowers a limit',
 $q$WITH g AS (
        SELECT p.key, p.tier_level, pf.feature_id, pf.limit_value
          FROM innotrue.plans p JOIN innotrue.plan_features pf ON pf.plan_id = p.id
         WHERE p.is_active AND NOT pf.is_restrictive AND coalesce(pf.limit_value, 1) > 0)
    SELECT hi.key, format('%s: tier %s plan "%s" grants %s, this plan %s', f.key, lo.tier_level, lo.key,
                          coalesce(lo.limit_value::text, 'unlimited'),
                          CASE WHEN hg.feature_id IS NULL THEN 'nothing' ELSE coalesce(hg.limit_value::text, 'unlimited') END)
      FROM g AS lo
      JOIN innotrue.plans hi ON hi.is_active AND hi.tier_level > lo.tier_level
      JOIN innotrue.features f ON f.id = lo.feature_id
      LEFT JOIN g AS hg ON hg.key = hi.key AND hg.feature_id = lo.feature_id
     WHERE hg.feature_id IS NULL
        OR (hg.limit_value IS NOT NULL AND (lo.limit_value IS NULL OR hg.limit_value < lo.limit_value))
     ORDER BY 1, 2$q$,
 NULL, NULL, NULL, NULL, NULL),
('consumable_without_service', 'drift', 20, 'Consumable features have a credit service', 'advisory', NULL,
 'Missing credit_services → Actions don''t know their credit cost → Deductions fail',
 $q$SELECT f.key, 'consumable feature without an active credit service' FROM innotrue.features f
     WHERE f.is_active AND f.is_consumable AND NOT EXISTS (SELECT FROM innotrue.credit_services cs WHERE cs.feature_id = f.id AND cs.is_active)
     ORDER BY 1$q$,
 NULL, NULL, NULL, NULL, NULL),
('notification_without_template', 'drift', 30, 'Notification types have an active e-mail template', 'advisory', NULL,
 'The notification is in-app only; its e-mail is never sent',
 $q$SELECT n.key, CASE WHEN n.email_template_key IS NULL THEN 'no email_template_key' ELSE format('template "%s" is inactive', n.email_template_key) END
      FROM innotrue.notification_types n
     WHERE n.is_active AND NOT EXISTS (SELECT FROM innotrue.email_templates e WHERE e.key = n.email_template_key AND e.is_active)
     ORDER BY 1$q$,
 NULL, NULL, NULL, NULL, NULL),
('feature_never_granted', 'drift', 40, 'Every active feature is granted by some plan, program plan, add-on or track', 'advisory', NULL,
 'Nobody can use the feature: resolve_entitlements never enables it',
 $q$SELECT f.key, 'granted by no plan, program plan, add-on or track' FROM innotrue.features f
     WHERE f.is_active
       AND NOT EXISTS (SELECT FROM innotrue.plan_features x JOIN innotrue.plans p ON p.id = x.plan_id
                        WHERE x.feature_id = f.id AND p.is_active AND NOT x.is_restrictive AND coalesce(x.limit_value, 1) > 0)
       AND NOT EXISTS (SELECT FROM innotrue.program_plan_features x JOIN innotrue.program_plans p ON p.id = x.program_plan_id
                        WHERE x.feature_id = f.id AND p.is_active AND coalesce(x.limit_value, 1) > 0)
       AND NOT EXISTS (SELECT FROM innotrue.add_on_features x JOIN innotrue.add_ons a ON a.id = x.add_on_id
                        WHERE x.feature_id = f.id AND a.is_active AND coalesce(x.limit_value, 1) > 0)
       AND NOT EXISTS (SELECT FROM innotrue.track_features x JOIN innotrue.tracks t ON t.id = x.track_id
                        WHERE x.feature_id = f.id AND t.is_active AND coalesce(x.limit_value, 1) > 0)
     ORDER BY 1$q$,
 NULL, NULL, NULL, NULL, NULL);

-- Counted checklist lines: check_sql = SELECT <item key>, NULL FROM <source>; the report counts the
-- rows against min_count.
INSERT INTO innotrue.layer_rules (key, layer, ord, item, kind, min_count, what_breaks, check_sql)
SELECT v.key, v.layer, v.ord, v.item, v.kind, v.min_count, v.what_breaks,
       format('SELECT %s, NULL::text FROM %s', v.item_key, v.source)
FROM (VALUES
('wheel_categories', '1', 40, 'Wheel of Life categories (10)', 'checklist', 10,
 'The Wheel of Life assessment has nothing to rate',
 'key', 'innotrue.wheel_categories WHERE is_active'),
('assessment_categories', '1', 50, 'Assessment categories (6)', 'checklist', 6,
 'Capability assessments, assessment definitions and psychometric entries cannot be categorised',
 'key', 'innotrue.assessment_categories'),
('features', '2', 10, 'Features (34)', 'checklist', 34,
 'Missing features → Plan features can''t be mapped → Entitlements empty',
 'key', 'innotrue.features WHERE is_active'),
('plans', '2', 20, 'Plans (7) with tier levels and credit allowances', 'checklist', 7,
 'Missing plans → Users can''t be assigned a tier → No feature access',
 'key', 'innotrue.plans WHERE is_active'),
('session_types', '3A', 10, 'Session types (8) with feature_key links', 'checklist', 8,
 'Missing session_types → Can''t create sessions → Scheduling broken',
 'key', 'innotrue.session_types WHERE is_active'),
('credit_services', '3B', 10, 'Credit services (14) with costs and feature links', 'checklist', 14,
 'Missing credit_services → Actions don''t know their credit cost → Deductions fail',
 'key', 'innotrue.credit_services WHERE is_active'),
('credit_topup_packages', '3B', 20, 'Individual credit packages (3)', 'checklist', 3,
 'Users cannot buy credit top-ups',
 'key', 'innotrue.credit_topup_packages WHERE is_active'),
('org_credit_packages', '3B', 30, 'Organization credit packages (3)', 'checklist', 3,
 'Organizations cannot buy credit pools',
 'key', 'innotrue.org_credit_packages WHERE is_active'),
('notification_categories', '3C', 10, 'Notification categories (8)', 'checklist', 8,
 'Notification types have no category; users cannot set preferences',
 'key', 'innotrue.notification_categories'),
('notification_types', '3C', 20, 'Notification types (31) with email_template_key links', 'checklist', 31,
 'Edge functions cannot send the notification; users cannot set preferences for it',
 'key', 'innotrue.notification_types WHERE is_active'),
('assessment_families', '3D', 10, 'Assessment families (optional but recommended)', 'optional', 1,
 'Missing assessment_families → Capability assessments ungrouped (non-breaking, just UI organization)',
 'key', 'innotrue.assessment_families'),
('capability_assessments', '3D', 20, 'Capability assessments: at least one active', 'checklist', 1,
 'Clients have no capability assessment to take (self, module-linked, evaluator and peer paths)',
 'slug', 'innotrue.capability_assessments WHERE is_active'),
('capability_domains', '3D', 30, 'Capability domains and domain questions', 'checklist', 1,
 'Missing capability_domains → Capability assessment has no questions to rate → Empty form',
 $q$a.slug || '/' || d.name$q$,
 $q$innotrue.capability_domains d JOIN innotrue.capability_assessments a ON a.id = d.assessment_id
        WHERE EXISTS (SELECT FROM innotrue.capability_domain_questions q WHERE q.domain_id = d.id)$q$),
('assessment_definitions', '3D', 40, 'Assessment definitions: at least one active', 'checklist', 1,
 'Public assessment pages and scored self-assessments have nothing to show',
 'slug', 'innotrue.assessment_definitions WHERE is_active'),
('assessment_dimensions', '3D', 41, 'Assessment dimensions', 'checklist', 1,
 'Missing assessment_dimensions → Assessment definition has no scoring dimensions → No scores computed',
 'key', 'innotrue.assessment_dimensions'),
('assessment_questions', '3D', 42, 'Assessment questions with options', 'checklist', 1,
 'Assessment definitions have no questions to answer',
 $q$q.key$q$,
 $q$innotrue.assessment_questions q
        WHERE EXISTS (SELECT FROM innotrue.assessment_question_options o WHERE o.question_id = q.id)$q$),
('assessment_option_scores', '3D', 43, 'Scoring matrix (assessment_option_scores)', 'checklist', 1,
 'Missing scoring_matrix → compute-assessment-scores returns empty results (assessment_definitions only)',
 'id::text', 'innotrue.assessment_option_scores'),
('assessment_interpretations', '3D', 44, 'Assessment interpretations', 'checklist', 1,
 'Scored assessments return no result text',
 'key', 'innotrue.assessment_interpretations'),
('psychometric_assessments', '3D', 50, 'Psychometric catalog entries', 'checklist', 1,
 'Missing psychometric catalog → Clients see empty Explore Assessments page',
 'slug', 'innotrue.psychometric_assessments WHERE is_active'),
('scenario_categories', '3E', 10, 'Scenario categories', 'checklist', 1,
 'Missing scenario_categories → Can''t create scenario templates',
 'key', 'innotrue.scenario_categories WHERE is_active'),
('scenario_templates', '3E', 20, 'Scenario templates with sections and paragraphs', 'checklist', 1,
 'Missing scenario_templates → Instructors can''t assign scenarios to students',
 $q$t.slug$q$,
 $q$innotrue.scenario_templates t
        WHERE t.is_active AND EXISTS (SELECT FROM innotrue.section_paragraphs p WHERE p.template_id = t.id)$q$),
('paragraph_question_links', '3E', 30, 'Paragraph question links (for scoring)', 'optional', 1,
 'Scenario paragraphs have no capability question to score against',
 'id::text', 'innotrue.paragraph_question_links'),
('resource_categories', '3F', 10, 'Resource categories', 'checklist', 1,
 'Missing resource_categories → Resources have no categorization',
 'key', 'innotrue.resource_categories'),
('resource_library', '3F', 20, 'Resource library entries', 'checklist', 1,
 'Resource and reflection modules have nothing to attach; My Resources is empty',
 'title', 'innotrue.resource_library WHERE is_active'),
('resource_collections', '3F', 30, 'Resource collections (optional)', 'optional', 1,
 'Resources cannot be browsed as grouped collections',
 'key', 'innotrue.resource_collections WHERE is_active'),
('module_feedback_templates', '3F', 40, 'Coach feedback templates', 'checklist', 1,
 'Coaches give module feedback without structure',
 'key', 'innotrue.module_feedback_templates WHERE is_active'),
('program_plans', '4', 10, 'Program plans with features', 'checklist', 1,
 'Missing program_plans → Programs have no in-program feature gating',
 $q$pp.key$q$,
 $q$innotrue.program_plans pp
        WHERE pp.is_active AND EXISTS (SELECT FROM innotrue.program_plan_features f WHERE f.program_plan_id = pp.id)$q$),
('programs', '4', 30, 'Programs with min_plan_tier and default program plan', 'checklist', 1,
 'Clients have no program to browse or enroll in',
 'slug', 'innotrue.programs WHERE is_active'),
('program_tier_plans', '4', 40, 'Program tier plans (if multiple tiers are offered)', 'optional', 1,
 'Programs offer a single access level',
 'id::text', 'innotrue.program_tier_plans'),
('program_modules', '4', 50, 'Program modules with types and feature keys', 'checklist', 1,
 'Programs have nothing to work through',
 'm.title', 'innotrue.program_modules m JOIN innotrue.programs p ON p.id = m.program_id WHERE m.is_active AND p.is_active'),
('module_assignment_types', '4', 60, 'Assignment types with JSON structure', 'checklist', 1,
 'Missing assignment_types → Assignment modules have no form structure → Clients can''t submit',
 'key', 'innotrue.module_assignment_types WHERE is_active'),
('platform_terms', '5', 10, 'Platform terms: current terms exist', 'checklist', 1,
 'Missing platform_terms → ToS gate blocks ALL users from dashboard',
 'version', 'innotrue.platform_terms WHERE is_current'),
('demo_users', '5', 20, 'Users with roles and plan assignments', 'checklist', 1,
 'Nobody can log in to verify the configuration end to end',
 $q$u.email$q$,
 $q$innotrue.profiles u
        WHERE u.is_active AND u.plan_id IS NOT NULL AND EXISTS (SELECT FROM innotrue.user_roles r WHERE r.user_id = u.id)$q$),
('storage_buckets', '5', 30, 'Storage buckets registered (15)', 'checklist', 15,
 'Uploads to an unregistered bucket fail',
 'name', 'innotrue.storage_buckets')
) AS v (key, layer, ord, item, kind, min_count, what_breaks, item_key, source);

-- Watches: which changes make the trigger evaluate which rule ------------------------------------
-- Columns: rule, table, on insert/update/delete, key column, parent query, row image, deferred.

INSERT INTO innotrue.layer_rule_watches
    (rule_id, table_name, on_insert, on_update, on_delete, key_column, parent_sql, row_image, is_deferred)
SELECT r.id, w.table_name, w.ins, w.upd, w.del, w.key_column, w.parent_sql, w.row_image, w.deferred
FROM (VALUES
    -- Dependents still in use: checked at the end of the statement, before the foreign keys.
    ('module_type_in_use',  'module_types',  false, true, true, 'id', NULL, 'new', false),
    ('feature_in_use',      'features',      false, true, true, 'id', NULL, 'new', false),
    ('plan_in_use',         'plans',         false, true, true, 'id', NULL, 'new', false),
    ('session_type_in_use', 'session_types', false, true, true, 'id', NULL, 'new', false),
    ('program_plan_in_use', 'program_plans', false, true, true, 'id', NULL, 'new', false),
    -- Objects going live: checked at commit, so children can follow in the same transaction.
    ('program_complete', 'programs',                  true,  true, false, 'id',         NULL, 'new',  true),
    ('program_complete', 'program_modules',           true,  true, true,  'program_id', NULL, 'both', true),
    ('program_complete', 'module_assignment_configs', false, true, true,  'module_id',
        'SELECT program_id FROM innotrue.program_modules WHERE id = $1', 'both', true),
    ('capability_assessment_complete', 'capability_assessments',      true, true, false, 'id',            NULL, 'new',  true),
    ('capability_assessment_complete', 'capability_domains',          true, true, true,  'assessment_id', NULL, 'both', true),
    ('capability_assessment_complete', 'capability_domain_questions', false, true, true, 'assessment_id', NULL, 'both', true),
    ('assessment_definition_complete', 'assessment_definitions',      true, true, false, 'id',            NULL, 'new',  true),
    ('assessment_definition_complete', 'assessment_dimensions',       false, true, true, 'definition_id', NULL, 'both', true),
    ('assessment_definition_complete', 'assessment_questions',        true, true, true,  'definition_id', NULL, 'both', true),
    ('assessment_definition_complete', 'assessment_question_options', true, true, true,  'definition_id', NULL, 'both', true),
    ('assessment_definition_complete', 'assessment_option_scores',    false, true, true, 'definition_id', NULL, 'both', true),
    ('assessment_definition_complete', 'assessment_interpretations',  false, true, true, 'definition_id', NULL, 'both', true),
    ('platform_terms_current', 'platform_terms', true, true, true, 'id', NULL, 'new', true),
    -- Locks and protection: the change itself is refused at once.
    ('capability_assessment_locked', 'capability_domains',          true, true, true, 'assessment_id', NULL, 'both', false),
    ('capability_assessment_locked', 'capability_domain_questions', true, true, true, 'assessment_id', NULL, 'both', false),
    ('assessment_definition_locked', 'assessment_questions',        true, true, true, 'definition_id', NULL, 'both', false),
    ('assessment_definition_locked', 'assessment_question_options', true, true, true, 'definition_id', NULL, 'both', false),
    ('scenario_template_locked',     'scenario_sections',           true, true, true, 'template_id',   NULL, 'both', false),
    ('scenario_template_locked',     'section_paragraphs',          true, true, true, 'template_id',   NULL, 'both', false),
    ('scenario_template_protected',  'scenario_templates',          false, false, true, 'id',          NULL, 'old',  false),
    -- Session roles.
    ('session_roles_within_max', 'session_participants',       true, true, false, 'session_id',       NULL, 'new', false),
    ('session_roles_within_max', 'group_session_participants', true, true, false, 'group_session_id', NULL, 'new', false),
    ('session_required_roles',   'sessions',                   false, true, false, 'id',              NULL, 'new', false),
    ('session_required_roles',   'group_sessions',             false, true, false, 'id',              NULL, 'new', false)
) AS w (rule_key, table_name, ins, upd, del, key_column, parent_sql, row_image, deferred)
JOIN innotrue.layer_rules r ON r.key = w.rule_key;

-- Status flows (platform-rules.md) ---------------------------------------------------------------

INSERT INTO innotrue.status_transitions (table_name, column_name, from_status, to_status)
SELECT f.table_name, 'status', f.from_status, f.to_status
FROM (VALUES
    ('module_assignments', 'draft', 'submitted'),
    ('module_assignments', 'submitted', 'reviewed'),
    ('module_assignments', 'reviewed', 'completed'),
    ('scenario_assignments', 'draft', 'submitted'),
    ('scenario_assignments', 'submitted', 'in_review'),
    ('scenario_assignments', 'in_review', 'evaluated'),
    ('client_enrollments', 'active', 'paused'),
    ('client_enrollments', 'paused', 'active'),
    ('client_enrollments', 'active', 'completed'),
    ('client_enrollments', 'active', 'withdrawn'),
    ('client_enrollments', 'paused', 'withdrawn'),
    ('org_invitations', 'pending', 'accepted'),
    ('org_invitations', 'pending', 'expired'),
    ('org_invitations', 'pending', 'revoked'),
    ('assessment_interest_registrations', 'pending', 'contacted'),
    ('assessment_interest_registrations', 'contacted', 'completed'),
    ('assessment_interest_registrations', 'contacted', 'declined')
) AS f (table_name, from_status, to_status)
UNION ALL
-- Sessions, individual and group: the main line, and cancelled/rescheduled from every open state.
SELECT t.table_name, 'status', f.from_status, f.to_status
FROM (VALUES ('sessions'), ('group_sessions')) AS t (table_name)
CROSS JOIN (VALUES
    ('draft', 'scheduled'), ('scheduled', 'requested'), ('requested', 'confirmed'),
    ('confirmed', 'in_progress'), ('in_progress', 'completed'),
    ('draft', 'cancelled'), ('scheduled', 'cancelled'), ('requested', 'cancelled'), ('confirmed', 'cancelled'),
    ('rescheduled', 'cancelled'),
    ('scheduled', 'rescheduled'), ('requested', 'rescheduled'), ('confirmed', 'rescheduled'),
    ('rescheduled', 'scheduled'), ('rescheduled', 'requested'), ('rescheduled', 'confirmed')
) AS f (from_status, to_status)
UNION ALL
-- Participants: invited → registered → confirmed → attended | no_show | cancelled; a participant
-- may also cancel before confirming.
SELECT t.table_name, 'status', f.from_status, f.to_status
FROM (VALUES ('session_participants'), ('group_session_participants')) AS t (table_name)
CROSS JOIN (VALUES
    ('invited', 'registered'), ('registered', 'confirmed'),
    ('confirmed', 'attended'), ('confirmed', 'no_show'), ('confirmed', 'cancelled'),
    ('invited', 'cancelled'), ('registered', 'cancelled')
) AS f (from_status, to_status);

-- Attach the triggers to exactly the tables the data names -----------------------------------------
-- The immediate trigger's name starts with a capital letter so that it fires before the foreign
-- key triggers ("RI_ConstraintTrigger_..."; same-event triggers fire in name order): a refused
-- delete then names every active dependent instead of the first referencing row.

DO $attach$
DECLARE
    w record;
BEGIN
    FOR w IN SELECT DISTINCT table_name, is_deferred FROM innotrue.layer_rule_watches ORDER BY 1, 2
    LOOP
        IF w.is_deferred THEN
            EXECUTE format('CREATE CONSTRAINT TRIGGER layer_rules_deferred AFTER INSERT OR UPDATE OR DELETE ON innotrue.%I
                            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                            EXECUTE FUNCTION innotrue.enforce_layer_rules(%L)', w.table_name, 'deferred');
        ELSE
            EXECUTE format('CREATE TRIGGER "Layer_rules" AFTER INSERT OR UPDATE OR DELETE ON innotrue.%I
                            FOR EACH ROW EXECUTE FUNCTION innotrue.enforce_layer_rules(%L)', w.table_name, 'immediate');
        END IF;
    END LOOP;
    FOR w IN SELECT DISTINCT table_name, column_name FROM innotrue.status_transitions ORDER BY 1, 2
    LOOP
        EXECUTE format('CREATE TRIGGER status_flow AFTER UPDATE OF %I ON innotrue.%I FOR EACH ROW
                        WHEN (OLD.%I IS DISTINCT FROM NEW.%I)
                        EXECUTE FUNCTION innotrue.enforce_status_flow(%L)',
                       w.column_name, w.table_name, w.column_name, w.column_name, w.column_name);
    END LOOP;
END
$attach$;

-- The report ------------------------------------------------------------------------------------------

CREATE FUNCTION innotrue.configuration_report()
RETURNS TABLE (layer text, item text, status text, found bigint, detail text, what_breaks text)
LANGUAGE plpgsql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
DECLARE
    r record;
    n bigint;
    listed text[];
BEGIN
    FOR r IN SELECT * FROM innotrue.layer_rules lr
              WHERE lr.kind <> 'guard'
              ORDER BY array_position(ARRAY['1', '2', '3A', '3B', '3C', '3D', '3E', '3F', '4', '5', 'external', 'drift'], lr.layer),
                       lr.ord, lr.key
    LOOP
        EXECUTE format('SELECT count(*), (array_agg(concat_ws(%L, o.object_key, o.offender) ORDER BY o.object_key, o.offender))[1:10]
                          FROM (%s) AS o (object_key, offender)', ': ', r.check_sql)
           INTO n, listed
          USING NULL::uuid, NULL::json;
        -- RETURN QUERY rather than assignments: an OUT column named "found" is PL/pgSQL's FOUND.
        RETURN QUERY SELECT
            r.layer,
            r.item,
            CASE WHEN r.kind IN ('checklist', 'optional') THEN
                     CASE WHEN n >= r.min_count THEN 'ok' WHEN r.kind = 'optional' THEN 'advisory' ELSE 'missing' END
                 WHEN n = 0 THEN 'ok'
                 WHEN r.kind = 'hard' THEN 'broken'
                 WHEN r.kind = 'required' THEN 'missing'
                 ELSE 'advisory' END,
            n,
            CASE WHEN r.kind IN ('checklist', 'optional') THEN format('%s found, %s expected', n, r.min_count)
                 WHEN n = 0 THEN NULL
                 ELSE array_to_string(listed, '; ') || CASE WHEN n > 10 THEN format(' and %s more', n - 10) ELSE '' END END,
            r.what_breaks;
    END LOOP;
END
$$;
COMMENT ON FUNCTION innotrue.configuration_report() IS
    'One row per configuration check (innotrue.layer_rules): the guide''s checklist, dependency chains, external mappings and drift, with status ok, missing, broken or advisory, the count found, the offending objects and what breaks.';
