-- innotrue layer 3D: the three assessment systems, which share assessment_categories.
--   A. capability assessments: slider ratings per question, grouped in domains (scored by mean);
--   B. assessment definitions: multiple choice scored server-side through a confidential matrix;
--   C. psychometric assessments: a catalog of external assessments (no in-app scoring).
-- No reference data: these are configured per environment; demo content is in load_demo_data().
--
-- Child rows that repeat their root's id (assessment_id, definition_id) reference the parent through
-- a composite foreign key on (id, <root>_id), so a question can never sit under a domain of another
-- assessment, and a score can never link an option and a dimension of different definitions.
-- Per-parent order_index uniqueness is DEFERRABLE (checked at statement end, or at commit after
-- SET CONSTRAINTS ... DEFERRED) so that a single UPDATE can reorder rows.

-- A. Capability assessments ---------------------------------------------------------------------

CREATE TABLE innotrue.assessment_families (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key                    text NOT NULL UNIQUE CONSTRAINT assessment_families_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name                   text NOT NULL CONSTRAINT assessment_families_name_check CHECK (btrim(name) <> ''),
    description            text,
    assessment_category_id uuid REFERENCES innotrue.assessment_categories (id),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('assessment_families', '3D', 'configuration');
CREATE INDEX assessment_families_assessment_category_id_idx ON innotrue.assessment_families (assessment_category_id);
COMMENT ON TABLE innotrue.assessment_families IS
    'Groups of related capability assessments (e.g. successive versions or levels of one competency check).';

CREATE TABLE innotrue.capability_assessments (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug                   text NOT NULL UNIQUE CONSTRAINT capability_assessments_slug_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name                   text NOT NULL CONSTRAINT capability_assessments_name_check CHECK (btrim(name) <> ''),
    description            text,
    instructions           text,
    assessment_category_id uuid NOT NULL REFERENCES innotrue.assessment_categories (id),
    family_id              uuid REFERENCES innotrue.assessment_families (id),
    mode                   text NOT NULL DEFAULT 'self' CONSTRAINT capability_assessments_mode_check CHECK (mode IN ('self', 'evaluator', 'both')),
    scale_min              integer NOT NULL DEFAULT 1,
    scale_max              integer NOT NULL DEFAULT 5,
    pass_fail_enabled      boolean NOT NULL DEFAULT false,
    pass_fail_mode         text CONSTRAINT capability_assessments_pass_fail_mode_check CHECK (pass_fail_mode IN ('overall', 'per_domain')),
    pass_fail_threshold    integer CONSTRAINT capability_assessments_pass_fail_threshold_check CHECK (pass_fail_threshold BETWEEN 0 AND 100),
    is_active              boolean NOT NULL DEFAULT false,
    is_locked              boolean NOT NULL DEFAULT false,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT capability_assessments_scale_check CHECK (scale_max > scale_min),
    CONSTRAINT capability_assessments_pass_fail_check CHECK (
        CASE WHEN pass_fail_enabled THEN pass_fail_mode IS NOT NULL AND pass_fail_threshold IS NOT NULL
             ELSE pass_fail_mode IS NULL AND pass_fail_threshold IS NULL END)
);
SELECT innotrue.register_table('capability_assessments', '3D', 'configuration');
CREATE INDEX capability_assessments_assessment_category_id_idx ON innotrue.capability_assessments (assessment_category_id);
CREATE INDEX capability_assessments_family_id_idx ON innotrue.capability_assessments (family_id);
COMMENT ON TABLE innotrue.capability_assessments IS
    'System A: slider-rated competency assessments (self, evaluator or both), organised in domains of questions. Scored by means of ratings; no scoring matrix. Referenced by program modules, scenario templates and assignment types.';
COMMENT ON COLUMN innotrue.capability_assessments.mode IS
    'self = the client rates themselves; evaluator = an instructor or coach rates the client; both = both, for comparison.';
COMMENT ON COLUMN innotrue.capability_assessments.scale_min IS
    'Lowest slider value of every question (inclusive).';
COMMENT ON COLUMN innotrue.capability_assessments.scale_max IS
    'Highest slider value of every question (inclusive); greater than scale_min.';
COMMENT ON COLUMN innotrue.capability_assessments.pass_fail_mode IS
    'overall = the mean of all ratings must reach the threshold; per_domain = every domain mean must. NULL exactly when pass/fail is disabled.';
COMMENT ON COLUMN innotrue.capability_assessments.pass_fail_threshold IS
    'Pass mark in percent (0-100) of the scale: a score s passes when (s - scale_min) / (scale_max - scale_min) * 100 >= threshold. NULL exactly when pass/fail is disabled.';
COMMENT ON COLUMN innotrue.capability_assessments.is_active IS
    'Shown to clients and usable for new snapshots; new assessments start inactive (draft).';
COMMENT ON COLUMN innotrue.capability_assessments.is_locked IS
    'Locked: domains and questions can no longer change (existing snapshots stay comparable); enforced by a later trigger.';

CREATE TABLE innotrue.capability_domains (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    assessment_id uuid NOT NULL REFERENCES innotrue.capability_assessments (id) ON DELETE CASCADE,
    name          text NOT NULL CONSTRAINT capability_domains_name_check CHECK (btrim(name) <> ''),
    description   text,
    order_index   integer NOT NULL CONSTRAINT capability_domains_order_index_check CHECK (order_index >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT capability_domains_assessment_name_key UNIQUE (assessment_id, name),
    CONSTRAINT capability_domains_assessment_order_key UNIQUE (assessment_id, order_index) DEFERRABLE,
    CONSTRAINT capability_domains_id_assessment_key UNIQUE (id, assessment_id)
);
SELECT innotrue.register_table('capability_domains', '3D', 'configuration');
COMMENT ON TABLE innotrue.capability_domains IS
    'Competency areas of a capability assessment, in display order; a domain''s score is the (weighted) mean of its question ratings.';
COMMENT ON COLUMN innotrue.capability_domains.order_index IS
    'Position within the assessment, unique per assessment (0 = first).';

CREATE TABLE innotrue.capability_domain_questions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    domain_id     uuid NOT NULL,
    assessment_id uuid NOT NULL,
    question_text text NOT NULL CONSTRAINT capability_domain_questions_question_text_check CHECK (btrim(question_text) <> ''),
    question_type text CONSTRAINT capability_domain_questions_question_type_check CHECK (question_type ~ '^[a-z][a-z0-9_]*$'),
    order_index   integer NOT NULL CONSTRAINT capability_domain_questions_order_index_check CHECK (order_index >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT capability_domain_questions_domain_fkey FOREIGN KEY (domain_id, assessment_id)
        REFERENCES innotrue.capability_domains (id, assessment_id) ON DELETE CASCADE,
    CONSTRAINT capability_domain_questions_domain_order_key UNIQUE (domain_id, order_index) DEFERRABLE,
    CONSTRAINT capability_domain_questions_id_assessment_key UNIQUE (id, assessment_id)
);
SELECT innotrue.register_table('capability_domain_questions', '3D', 'configuration');
CREATE INDEX capability_domain_questions_assessment_id_idx ON innotrue.capability_domain_questions (assessment_id);
COMMENT ON TABLE innotrue.capability_domain_questions IS
    'Questions of a capability domain, each rated on the assessment''s slider scale.';
COMMENT ON COLUMN innotrue.capability_domain_questions.assessment_id IS
    'The domain''s assessment, repeated so ratings can be checked against a snapshot''s assessment; the composite foreign key (domain_id, assessment_id) keeps it equal to the domain''s.';
COMMENT ON COLUMN innotrue.capability_domain_questions.question_type IS
    'Optional type key (e.g. knowledge, practice); when capability_question_type_weights has a row for the assessment and type, the rating counts with that weight in the domain mean, otherwise with weight 1.';
COMMENT ON COLUMN innotrue.capability_domain_questions.order_index IS
    'Position within the domain, unique per domain (0 = first).';

CREATE TABLE innotrue.capability_question_type_weights (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    assessment_id uuid NOT NULL REFERENCES innotrue.capability_assessments (id) ON DELETE CASCADE,
    question_type text NOT NULL CONSTRAINT capability_question_type_weights_question_type_check CHECK (question_type ~ '^[a-z][a-z0-9_]*$'),
    weight        integer NOT NULL CONSTRAINT capability_question_type_weights_weight_check CHECK (weight > 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT capability_question_type_weights_assessment_type_key UNIQUE (assessment_id, question_type)
);
SELECT innotrue.register_table('capability_question_type_weights', '3D', 'configuration');
COMMENT ON TABLE innotrue.capability_question_type_weights IS
    'Optional per-assessment weights of question types in domain means; a type without a row weighs 1.';
COMMENT ON COLUMN innotrue.capability_question_type_weights.weight IS
    'Relative integer weight (> 0) of ratings of questions of this type.';

-- B. Assessment definitions (public / scored self-assessments) ---------------------------------

CREATE TABLE innotrue.assessment_definitions (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug                   text NOT NULL UNIQUE CONSTRAINT assessment_definitions_slug_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name                   text NOT NULL CONSTRAINT assessment_definitions_name_check CHECK (btrim(name) <> ''),
    description            text,
    instructions           text,
    assessment_category_id uuid NOT NULL REFERENCES innotrue.assessment_categories (id),
    is_public              boolean NOT NULL DEFAULT false,
    requires_email         boolean NOT NULL DEFAULT true,
    is_active              boolean NOT NULL DEFAULT false,
    is_locked              boolean NOT NULL DEFAULT false,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('assessment_definitions', '3D', 'configuration');
CREATE INDEX assessment_definitions_assessment_category_id_idx ON innotrue.assessment_definitions (assessment_category_id);
COMMENT ON TABLE innotrue.assessment_definitions IS
    'System B: multiple-choice assessments scored server-side (compute_assessment_scores) through the confidential matrix assessment_option_scores; public ones are served unauthenticated at /public-assessment/<slug>.';
COMMENT ON COLUMN innotrue.assessment_definitions.is_public IS
    'true = can be taken without an account at /public-assessment/<slug>.';
COMMENT ON COLUMN innotrue.assessment_definitions.requires_email IS
    'Public taking: an e-mail address must be captured before results (and the PDF) are shown.';
COMMENT ON COLUMN innotrue.assessment_definitions.is_active IS
    'Can be taken; new definitions start inactive (draft).';
COMMENT ON COLUMN innotrue.assessment_definitions.is_locked IS
    'Locked: questions, options, dimensions and the scoring matrix can no longer change; enforced by a later trigger.';

CREATE TABLE innotrue.assessment_dimensions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    definition_id uuid NOT NULL REFERENCES innotrue.assessment_definitions (id) ON DELETE CASCADE,
    key           text NOT NULL CONSTRAINT assessment_dimensions_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name          text NOT NULL CONSTRAINT assessment_dimensions_name_check CHECK (btrim(name) <> ''),
    description   text,
    order_index   integer NOT NULL CONSTRAINT assessment_dimensions_order_index_check CHECK (order_index >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT assessment_dimensions_definition_key_key UNIQUE (definition_id, key),
    CONSTRAINT assessment_dimensions_definition_order_key UNIQUE (definition_id, order_index) DEFERRABLE,
    CONSTRAINT assessment_dimensions_id_definition_key UNIQUE (id, definition_id)
);
SELECT innotrue.register_table('assessment_dimensions', '3D', 'configuration');
COMMENT ON TABLE innotrue.assessment_dimensions IS
    'What a definition measures (e.g. Analytical Thinking); a dimension''s score is the sum of the matrix scores of the chosen options.';
COMMENT ON COLUMN innotrue.assessment_dimensions.key IS
    'Key used in assessment_interpretations.conditions and in computed dimension_scores.';

CREATE TABLE innotrue.assessment_questions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    definition_id   uuid NOT NULL REFERENCES innotrue.assessment_definitions (id) ON DELETE CASCADE,
    key             text NOT NULL CONSTRAINT assessment_questions_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    question_text   text NOT NULL CONSTRAINT assessment_questions_question_text_check CHECK (btrim(question_text) <> ''),
    is_required     boolean NOT NULL DEFAULT true,
    allows_multiple boolean NOT NULL DEFAULT false,
    order_index     integer NOT NULL CONSTRAINT assessment_questions_order_index_check CHECK (order_index >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT assessment_questions_definition_key_key UNIQUE (definition_id, key),
    CONSTRAINT assessment_questions_definition_order_key UNIQUE (definition_id, order_index) DEFERRABLE,
    CONSTRAINT assessment_questions_id_definition_key UNIQUE (id, definition_id)
);
SELECT innotrue.register_table('assessment_questions', '3D', 'configuration');
COMMENT ON TABLE innotrue.assessment_questions IS
    'Multiple-choice questions of an assessment definition, in display order.';
COMMENT ON COLUMN innotrue.assessment_questions.is_required IS
    'Scoring refuses an answer set that leaves a required question unanswered.';
COMMENT ON COLUMN innotrue.assessment_questions.allows_multiple IS
    'true = several options may be chosen (their scores add up); false = exactly one.';

CREATE TABLE innotrue.assessment_question_options (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    question_id   uuid NOT NULL,
    definition_id uuid NOT NULL,
    key           text NOT NULL CONSTRAINT assessment_question_options_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    option_text   text NOT NULL CONSTRAINT assessment_question_options_option_text_check CHECK (btrim(option_text) <> ''),
    order_index   integer NOT NULL CONSTRAINT assessment_question_options_order_index_check CHECK (order_index >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT assessment_question_options_question_fkey FOREIGN KEY (question_id, definition_id)
        REFERENCES innotrue.assessment_questions (id, definition_id) ON DELETE CASCADE,
    CONSTRAINT assessment_question_options_question_key_key UNIQUE (question_id, key),
    CONSTRAINT assessment_question_options_question_order_key UNIQUE (question_id, order_index) DEFERRABLE,
    CONSTRAINT assessment_question_options_id_definition_key UNIQUE (id, definition_id)
);
SELECT innotrue.register_table('assessment_question_options', '3D', 'configuration');
CREATE INDEX assessment_question_options_definition_id_idx ON innotrue.assessment_question_options (definition_id);
COMMENT ON TABLE innotrue.assessment_question_options IS
    'Answer options of a definition''s question. The option text is public; its scores are in the confidential assessment_option_scores.';
COMMENT ON COLUMN innotrue.assessment_question_options.definition_id IS
    'The question''s definition, repeated so the scoring matrix can check that an option and a dimension belong to the same definition; the composite foreign key keeps it equal to the question''s.';

CREATE TABLE innotrue.assessment_option_scores (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    option_id     uuid NOT NULL,
    dimension_id  uuid NOT NULL,
    definition_id uuid NOT NULL,
    score         integer NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT assessment_option_scores_option_fkey FOREIGN KEY (option_id, definition_id)
        REFERENCES innotrue.assessment_question_options (id, definition_id) ON DELETE CASCADE,
    CONSTRAINT assessment_option_scores_dimension_fkey FOREIGN KEY (dimension_id, definition_id)
        REFERENCES innotrue.assessment_dimensions (id, definition_id) ON DELETE CASCADE,
    CONSTRAINT assessment_option_scores_option_dimension_key UNIQUE (option_id, dimension_id)
);
SELECT innotrue.register_table('assessment_option_scores', '3D', 'configuration');
CREATE INDEX assessment_option_scores_dimension_id_idx ON innotrue.assessment_option_scores (dimension_id);
CREATE INDEX assessment_option_scores_definition_id_idx ON innotrue.assessment_option_scores (definition_id);
COMMENT ON TABLE innotrue.assessment_option_scores IS
    'CONFIDENTIAL scoring matrix: points an answer option adds to a dimension. Readable only by the extension owner and admins; clients get computed scores and interpretation text, never this table. A missing cell counts 0.';
COMMENT ON COLUMN innotrue.assessment_option_scores.definition_id IS
    'Definition of both the option and the dimension; the two composite foreign keys make them belong to the same definition.';
COMMENT ON COLUMN innotrue.assessment_option_scores.score IS
    'Points added to the dimension when the option is chosen; may be negative.';

CREATE TABLE innotrue.assessment_interpretations (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    definition_id uuid NOT NULL REFERENCES innotrue.assessment_definitions (id) ON DELETE CASCADE,
    key           text NOT NULL CONSTRAINT assessment_interpretations_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    title         text NOT NULL CONSTRAINT assessment_interpretations_title_check CHECK (btrim(title) <> ''),
    body_text     text NOT NULL CONSTRAINT assessment_interpretations_body_text_check CHECK (btrim(body_text) <> ''),
    conditions    jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT assessment_interpretations_conditions_check CHECK (
            jsonb_typeof(conditions) = 'object'
            AND NOT jsonb_path_exists(conditions, '$.keyvalue() ? (!(@.key like_regex "^[a-z][a-z0-9_]*$"))', '{}', true)
            AND NOT jsonb_path_exists(conditions, '$.* ? (@.type() != "object")', '{}', true)
            AND NOT jsonb_path_exists(conditions, '$.*.keyvalue() ? ((@.key != "min" && @.key != "max") || @.value.type() != "number")', '{}', true)
            AND NOT jsonb_path_exists(conditions, '$.* ? (@.min > @.max)', '{}', true)),
    priority      integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT assessment_interpretations_definition_key_key UNIQUE (definition_id, key)
);
SELECT innotrue.register_table('assessment_interpretations', '3D', 'configuration');
COMMENT ON TABLE innotrue.assessment_interpretations IS
    'Result texts of a definition, each shown when its score conditions hold; all matches are returned, highest priority first.';
COMMENT ON COLUMN innotrue.assessment_interpretations.conditions IS
    'JSON object keyed by dimension key: {"<dimension_key>": {"min": x, "max": y}}; numeric bounds, inclusive, either optional, min <= max. Every listed dimension must hold; an empty object never matches.';
COMMENT ON COLUMN innotrue.assessment_interpretations.priority IS
    'Order of matched interpretations in the result: higher first.';

-- C. Psychometric assessments (external catalog) ------------------------------------------------

CREATE TABLE innotrue.psychometric_assessments (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug                   text NOT NULL UNIQUE CONSTRAINT psychometric_assessments_slug_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name                   text NOT NULL CONSTRAINT psychometric_assessments_name_check CHECK (btrim(name) <> ''),
    provider               text CONSTRAINT psychometric_assessments_provider_check CHECK (btrim(provider) <> ''),
    description            text,
    assessment_category_id uuid NOT NULL REFERENCES innotrue.assessment_categories (id),
    cost_cents             integer CONSTRAINT psychometric_assessments_cost_cents_check CHECK (cost_cents >= 0),
    currency               text NOT NULL DEFAULT 'EUR' CONSTRAINT psychometric_assessments_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    external_url           text CONSTRAINT psychometric_assessments_external_url_check CHECK (external_url ~ '^https?://[^\s]+$'),
    feature_key            text REFERENCES innotrue.features (key) ON UPDATE CASCADE,
    is_active              boolean NOT NULL DEFAULT true,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('psychometric_assessments', '3D', 'configuration');
CREATE INDEX psychometric_assessments_assessment_category_id_idx ON innotrue.psychometric_assessments (assessment_category_id);
CREATE INDEX psychometric_assessments_feature_key_idx ON innotrue.psychometric_assessments (feature_key);
COMMENT ON TABLE innotrue.psychometric_assessments IS
    'System C: catalog of external psychometric assessments clients can browse, register interest in, and upload result PDFs for; no in-app taking or scoring.';
COMMENT ON COLUMN innotrue.psychometric_assessments.provider IS
    'Publisher of the external assessment (e.g. the test vendor).';
COMMENT ON COLUMN innotrue.psychometric_assessments.cost_cents IS
    'Indicative price of the external assessment in cents of currency; NULL = not stated (price on request).';
COMMENT ON COLUMN innotrue.psychometric_assessments.external_url IS
    'Provider page where the assessment is taken or described (http/https).';
COMMENT ON COLUMN innotrue.psychometric_assessments.feature_key IS
    'Optional plan gating: the entry is visible only to users whose resolved entitlements grant this feature; NULL = visible to all.';
