-- innotrue layer 3E: teaching scenarios. Templates are split into ordered sections and paragraphs;
-- paragraphs can point at capability assessment questions for domain scoring. Assignments and
-- client responses are user data (layer 5). No reference data: configured per environment.

CREATE TABLE innotrue.scenario_categories (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key           text NOT NULL UNIQUE CONSTRAINT scenario_categories_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name          text NOT NULL CONSTRAINT scenario_categories_name_check CHECK (btrim(name) <> ''),
    description   text,
    color         text NOT NULL DEFAULT '#6b7280' CONSTRAINT scenario_categories_color_check CHECK (color ~ '^#[0-9a-fA-F]{6}$'),
    display_order integer NOT NULL DEFAULT 0 CONSTRAINT scenario_categories_display_order_check CHECK (display_order >= 0),
    is_active     boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('scenario_categories', '3E', 'configuration');
COMMENT ON TABLE innotrue.scenario_categories IS
    'Categories of teaching scenarios (e.g. Leadership Challenges), with a badge color and list position.';
COMMENT ON COLUMN innotrue.scenario_categories.color IS
    'Badge color as a hex RGB string, #rrggbb.';

CREATE TABLE innotrue.scenario_templates (
    id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug                     text NOT NULL UNIQUE CONSTRAINT scenario_templates_slug_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    title                    text NOT NULL CONSTRAINT scenario_templates_title_check CHECK (btrim(title) <> ''),
    description              text,
    category_id              uuid NOT NULL REFERENCES innotrue.scenario_categories (id),
    capability_assessment_id uuid REFERENCES innotrue.capability_assessments (id),
    is_locked                boolean NOT NULL DEFAULT false,
    is_protected             boolean NOT NULL DEFAULT true,
    is_active                boolean NOT NULL DEFAULT true,
    created_by               uuid,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('scenario_templates', '3E', 'configuration');
CREATE INDEX scenario_templates_category_id_idx ON innotrue.scenario_templates (category_id);
CREATE INDEX scenario_templates_capability_assessment_id_idx ON innotrue.scenario_templates (capability_assessment_id);
COMMENT ON TABLE innotrue.scenario_templates IS
    'Teaching scenarios written by instructors: ordered sections of paragraphs clients respond to; optionally linked to a capability assessment for scoring.';
COMMENT ON COLUMN innotrue.scenario_templates.capability_assessment_id IS
    'Optional capability assessment whose questions the paragraphs link to (paragraph_question_links) for domain scoring of responses.';
COMMENT ON COLUMN innotrue.scenario_templates.is_locked IS
    'Locked: sections and paragraphs can no longer change (assigned work stays consistent); enforced by a later trigger.';
COMMENT ON COLUMN innotrue.scenario_templates.is_protected IS
    'Protected templates cannot be deleted (default true); enforced by a later trigger.';
COMMENT ON COLUMN innotrue.scenario_templates.created_by IS
    'profiles.id of the instructor or admin who created the template. Plain uuid, not a foreign key: a configuration table never references a user table (it is dumped and replicated as reference data without users).';

CREATE TABLE innotrue.scenario_sections (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    template_id  uuid NOT NULL REFERENCES innotrue.scenario_templates (id) ON DELETE CASCADE,
    title        text NOT NULL CONSTRAINT scenario_sections_title_check CHECK (btrim(title) <> ''),
    section_type text NOT NULL DEFAULT 'other' CONSTRAINT scenario_sections_section_type_check CHECK (section_type IN ('context', 'task', 'reflection', 'other')),
    instructions text,
    order_index  integer NOT NULL CONSTRAINT scenario_sections_order_index_check CHECK (order_index >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT scenario_sections_template_order_key UNIQUE (template_id, order_index) DEFERRABLE,
    CONSTRAINT scenario_sections_id_template_key UNIQUE (id, template_id)
);
SELECT innotrue.register_table('scenario_sections', '3E', 'configuration');
COMMENT ON TABLE innotrue.scenario_sections IS
    'Ordered parts of a scenario template (context/background, task, reflection prompts, ...).';
COMMENT ON COLUMN innotrue.scenario_sections.section_type IS
    'context = background to read; task = what the client must do; reflection = reflection prompts; other.';
COMMENT ON COLUMN innotrue.scenario_sections.order_index IS
    'Position within the template, unique per template (0 = first); the constraint is DEFERRABLE so one UPDATE can reorder.';

CREATE TABLE innotrue.section_paragraphs (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    section_id  uuid NOT NULL,
    template_id uuid NOT NULL,
    content     text NOT NULL CONSTRAINT section_paragraphs_content_check CHECK (btrim(content) <> ''),
    order_index integer NOT NULL CONSTRAINT section_paragraphs_order_index_check CHECK (order_index >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT section_paragraphs_section_fkey FOREIGN KEY (section_id, template_id)
        REFERENCES innotrue.scenario_sections (id, template_id) ON DELETE CASCADE,
    CONSTRAINT section_paragraphs_section_order_key UNIQUE (section_id, order_index) DEFERRABLE,
    CONSTRAINT section_paragraphs_id_template_key UNIQUE (id, template_id)
);
SELECT innotrue.register_table('section_paragraphs', '3E', 'configuration');
CREATE INDEX section_paragraphs_template_id_idx ON innotrue.section_paragraphs (template_id);
COMMENT ON TABLE innotrue.section_paragraphs IS
    'Paragraphs of a scenario section, in order; clients write one response per paragraph.';
COMMENT ON COLUMN innotrue.section_paragraphs.template_id IS
    'The section''s template, repeated so paragraph responses can be checked against an assignment''s template; the composite foreign key (section_id, template_id) keeps it equal to the section''s.';

CREATE TABLE innotrue.paragraph_question_links (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    paragraph_id uuid NOT NULL REFERENCES innotrue.section_paragraphs (id) ON DELETE CASCADE,
    question_id  uuid NOT NULL REFERENCES innotrue.capability_domain_questions (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT paragraph_question_links_paragraph_question_key UNIQUE (paragraph_id, question_id)
);
SELECT innotrue.register_table('paragraph_question_links', '3E', 'configuration');
CREATE INDEX paragraph_question_links_question_id_idx ON innotrue.paragraph_question_links (question_id);
COMMENT ON TABLE innotrue.paragraph_question_links IS
    'Links a scenario paragraph to the capability assessment questions its response evidences, so an evaluation of the response can rate those questions (domain scoring reference).';
