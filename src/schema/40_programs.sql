-- innotrue layer 4: program plans, programs, their tier plans and modules, assignment types, and
-- the links from modules and programs to the resource library. No reference data here: programs,
-- program plans and modules are demo or admin content (innotrue.load_demo_data()).

-- 4.1 Program plans
CREATE TABLE innotrue.program_plans (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key              text NOT NULL UNIQUE CONSTRAINT program_plans_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name             text NOT NULL CONSTRAINT program_plans_name_check CHECK (btrim(name) <> ''),
    description      text,
    tier_level       integer NOT NULL CONSTRAINT program_plans_tier_level_check CHECK (tier_level >= 0),
    credit_allowance integer NOT NULL DEFAULT 0 CONSTRAINT program_plans_credit_allowance_check CHECK (credit_allowance >= 0),
    is_active        boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('program_plans', '4', 'configuration');
COMMENT ON TABLE innotrue.program_plans IS
    'Feature access levels within a program, separate from subscription plans (entitlement source "program_plan").';
COMMENT ON COLUMN innotrue.program_plans.tier_level IS
    'Rank of the program plan among program plans; 0 = lowest. Not compared with subscription plan tiers.';
COMMENT ON COLUMN innotrue.program_plans.credit_allowance IS
    'Credits each active enrollment on this plan adds to the enrollee (program allowance, spent after the personal plan allowance).';

-- 4.2 Program plan features
CREATE TABLE innotrue.program_plan_features (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    program_plan_id uuid NOT NULL REFERENCES innotrue.program_plans (id) ON DELETE CASCADE,
    feature_id      uuid NOT NULL REFERENCES innotrue.features (id),
    limit_value     integer CONSTRAINT program_plan_features_limit_value_check CHECK (limit_value >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT program_plan_features_program_plan_feature_key UNIQUE (program_plan_id, feature_id)
);
SELECT innotrue.register_table('program_plan_features', '4', 'configuration');
CREATE INDEX program_plan_features_feature_id_idx ON innotrue.program_plan_features (feature_id);
COMMENT ON TABLE innotrue.program_plan_features IS
    'What each program plan grants to enrollees: one row per program plan and feature, with an optional monthly limit (same pattern as plan_features).';
COMMENT ON COLUMN innotrue.program_plan_features.limit_value IS
    'NULL = unlimited; 0 = not granted by this program plan; n > 0 = n uses per calendar month.';

-- 4.3 Programs
CREATE TABLE innotrue.programs (
    id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug                    text NOT NULL UNIQUE CONSTRAINT programs_slug_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name                    text NOT NULL CONSTRAINT programs_name_check CHECK (btrim(name) <> ''),
    description             text,
    track_id                uuid REFERENCES innotrue.tracks (id),
    is_active               boolean NOT NULL DEFAULT false,
    credit_cost             integer NOT NULL DEFAULT 0 CONSTRAINT programs_credit_cost_check CHECK (credit_cost >= 0),
    min_plan_tier           integer NOT NULL DEFAULT 0 CONSTRAINT programs_min_plan_tier_check CHECK (min_plan_tier >= 0),
    default_program_plan_id uuid REFERENCES innotrue.program_plans (id),
    logo_path               text CONSTRAINT programs_logo_path_check CHECK (btrim(logo_path) <> '' AND logo_path !~ '^/'),
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('programs', '4', 'configuration');
CREATE INDEX programs_track_id_idx ON innotrue.programs (track_id);
CREATE INDEX programs_default_program_plan_id_idx ON innotrue.programs (default_program_plan_id);
COMMENT ON TABLE innotrue.programs IS
    'Learning programs users enroll in. Access chain: effective plan tier >= min_plan_tier, then credit_cost (or the tier''s cost) to enroll, then features from the enrollment''s program plan.';
COMMENT ON COLUMN innotrue.programs.track_id IS
    'Track the program belongs to (the guide''s "category"); NULL = no track.';
COMMENT ON COLUMN innotrue.programs.is_active IS
    'true = visible to users and open for enrollment; new programs start hidden.';
COMMENT ON COLUMN innotrue.programs.credit_cost IS
    'Credits spent to enroll when no tier is chosen (program_tier_plans.credit_cost applies per tier).';
COMMENT ON COLUMN innotrue.programs.min_plan_tier IS
    'Minimum effective subscription plan tier (plans.tier_level) to access the program; 0 = everyone.';
COMMENT ON COLUMN innotrue.programs.default_program_plan_id IS
    'Program plan of enrollments that have neither an explicit program plan nor a tier mapped in program_tier_plans.';
COMMENT ON COLUMN innotrue.programs.logo_path IS
    'Object path inside the program-logos storage bucket (no leading slash).';

-- 4.4 Program tier plans
CREATE TABLE innotrue.program_tier_plans (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    program_id      uuid NOT NULL REFERENCES innotrue.programs (id) ON DELETE CASCADE,
    tier_name       text NOT NULL CONSTRAINT program_tier_plans_tier_name_check CHECK (tier_name ~ '^[a-z][a-z0-9_]*$'),
    program_plan_id uuid NOT NULL REFERENCES innotrue.program_plans (id),
    credit_cost     integer NOT NULL DEFAULT 0 CONSTRAINT program_tier_plans_credit_cost_check CHECK (credit_cost >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT program_tier_plans_program_tier_key UNIQUE (program_id, tier_name)
);
SELECT innotrue.register_table('program_tier_plans', '4', 'configuration');
CREATE INDEX program_tier_plans_program_plan_id_idx ON innotrue.program_tier_plans (program_plan_id);
COMMENT ON TABLE innotrue.program_tier_plans IS
    'Tiers a program offers (e.g. base, pro, premium), each with its program plan and enrollment price.';
COMMENT ON COLUMN innotrue.program_tier_plans.tier_name IS
    'Tier key, unique within the program; an enrollment''s tier refers to it.';
COMMENT ON COLUMN innotrue.program_tier_plans.credit_cost IS
    'Credits spent to enroll in the program at this tier.';

-- 4.5 Program modules
CREATE TABLE innotrue.program_modules (
    id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    program_id               uuid NOT NULL REFERENCES innotrue.programs (id) ON DELETE CASCADE,
    title                    text NOT NULL CONSTRAINT program_modules_title_check CHECK (btrim(title) <> ''),
    description              text,
    module_type              text NOT NULL REFERENCES innotrue.module_types (key) ON UPDATE CASCADE,
    order_index              integer NOT NULL CONSTRAINT program_modules_order_index_check CHECK (order_index >= 0),
    estimated_minutes        integer CONSTRAINT program_modules_estimated_minutes_check CHECK (estimated_minutes > 0),
    feature_key              text REFERENCES innotrue.features (key) ON UPDATE CASCADE,
    min_plan_tier            integer CONSTRAINT program_modules_min_plan_tier_check CHECK (min_plan_tier >= 0),
    capability_assessment_id uuid REFERENCES innotrue.capability_assessments (id),
    session_type_id          uuid REFERENCES innotrue.session_types (id),
    is_active                boolean NOT NULL DEFAULT true,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    -- Deferrable to the end of each statement so modules can be renumbered in one UPDATE.
    CONSTRAINT program_modules_program_order_key UNIQUE (program_id, order_index) DEFERRABLE INITIALLY IMMEDIATE,
    CONSTRAINT program_modules_session_type_id_check CHECK (session_type_id IS NULL OR module_type = 'session')
);
SELECT innotrue.register_table('program_modules', '4', 'configuration');
CREATE INDEX program_modules_module_type_idx ON innotrue.program_modules (module_type);
CREATE INDEX program_modules_feature_key_idx ON innotrue.program_modules (feature_key);
CREATE INDEX program_modules_capability_assessment_id_idx ON innotrue.program_modules (capability_assessment_id);
CREATE INDEX program_modules_session_type_id_idx ON innotrue.program_modules (session_type_id);
COMMENT ON TABLE innotrue.program_modules IS
    'Learning units of a program, in order; module_type decides which feature area handles the module (sessions, assignments, reflections, resources, content).';
COMMENT ON COLUMN innotrue.program_modules.order_index IS
    'Position in the program, ascending; unique within the program.';
COMMENT ON COLUMN innotrue.program_modules.estimated_minutes IS
    'Estimated duration in minutes; NULL = not estimated.';
COMMENT ON COLUMN innotrue.program_modules.feature_key IS
    'Feature the enrollee''s resolved entitlements must grant to open the module; NULL = no feature gate.';
COMMENT ON COLUMN innotrue.program_modules.min_plan_tier IS
    'Minimum effective plan tier (plans.tier_level) to open the module; NULL = the program''s gate only.';
COMMENT ON COLUMN innotrue.program_modules.capability_assessment_id IS
    'Capability assessment taken as part of the module; NULL = none.';
COMMENT ON COLUMN innotrue.program_modules.session_type_id IS
    'Session type booked for a session module; only a module of type session may have one.';

-- Assignment types (reusable assignment forms)
CREATE TABLE innotrue.module_assignment_types (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key                   text NOT NULL UNIQUE CONSTRAINT module_assignment_types_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name                  text NOT NULL CONSTRAINT module_assignment_types_name_check CHECK (btrim(name) <> ''),
    description           text,
    structure             jsonb NOT NULL
        CONSTRAINT module_assignment_types_structure_check CHECK (jsonb_typeof(structure) = 'object'),
    scoring_assessment_id uuid REFERENCES innotrue.capability_assessments (id),
    is_active             boolean NOT NULL DEFAULT true,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('module_assignment_types', '4', 'configuration');
CREATE INDEX module_assignment_types_scoring_assessment_id_idx ON innotrue.module_assignment_types (scoring_assessment_id);
COMMENT ON TABLE innotrue.module_assignment_types IS
    'Reusable assignment templates: the form a client fills in and submits for grading.';
COMMENT ON COLUMN innotrue.module_assignment_types.structure IS
    'JSON object defining the assignment form (its fields); client responses are stored against it.';
COMMENT ON COLUMN innotrue.module_assignment_types.scoring_assessment_id IS
    'Capability assessment used to score submissions of this type; NULL = scored by the instructor only.';

CREATE TABLE innotrue.module_assignment_configs (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    module_id          uuid NOT NULL REFERENCES innotrue.program_modules (id) ON DELETE CASCADE,
    assignment_type_id uuid NOT NULL REFERENCES innotrue.module_assignment_types (id),
    is_required        boolean NOT NULL DEFAULT true,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT module_assignment_configs_module_assignment_type_key UNIQUE (module_id, assignment_type_id)
);
SELECT innotrue.register_table('module_assignment_configs', '4', 'configuration');
CREATE INDEX module_assignment_configs_assignment_type_id_idx ON innotrue.module_assignment_configs (assignment_type_id);
COMMENT ON TABLE innotrue.module_assignment_configs IS
    'Assignment types attached to a (assignment) module; starting the module creates one module_assignments row per config.';
COMMENT ON COLUMN innotrue.module_assignment_configs.is_required IS
    'true = the assignment must be completed to complete the module.';

-- Resources linked to programs
CREATE TABLE innotrue.resource_library_programs (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    resource_id uuid NOT NULL REFERENCES innotrue.resource_library (id) ON DELETE CASCADE,
    program_id  uuid NOT NULL REFERENCES innotrue.programs (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT resource_library_programs_resource_program_key UNIQUE (resource_id, program_id)
);
SELECT innotrue.register_table('resource_library_programs', '4', 'configuration');
CREATE INDEX resource_library_programs_program_id_idx ON innotrue.resource_library_programs (program_id);
COMMENT ON TABLE innotrue.resource_library_programs IS
    'Programs a resource is linked to: enrollees of a linked program may see an enrolled-visibility resource, and do not pay a consumable resource''s credit cost.';

CREATE TABLE innotrue.resource_library_program_tiers (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    resource_id uuid NOT NULL,
    program_id  uuid NOT NULL,
    tier_name   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT resource_library_program_tiers_resource_program_tier_key UNIQUE (resource_id, program_id, tier_name),
    -- A tier restriction only exists for a program the resource is linked to; unlinking removes it.
    CONSTRAINT resource_library_program_tiers_resource_program_fkey
        FOREIGN KEY (resource_id, program_id)
        REFERENCES innotrue.resource_library_programs (resource_id, program_id) ON DELETE CASCADE,
    -- The tier must be one the program offers; removing that tier is refused while a resource is
    -- restricted to it (silently dropping the restriction would widen access). Checked at commit:
    -- deleting a program removes its tier plans and, through resource_library_programs, these
    -- rows, but a non-deferred check would run between the two cascades and refuse the delete.
    CONSTRAINT resource_library_program_tiers_program_tier_fkey
        FOREIGN KEY (program_id, tier_name)
        REFERENCES innotrue.program_tier_plans (program_id, tier_name) ON UPDATE CASCADE
        DEFERRABLE INITIALLY DEFERRED
);
SELECT innotrue.register_table('resource_library_program_tiers', '4', 'configuration');
CREATE INDEX resource_library_program_tiers_program_id_tier_name_idx ON innotrue.resource_library_program_tiers (program_id, tier_name);
COMMENT ON TABLE innotrue.resource_library_program_tiers IS
    'Restricts a program-linked resource to enrollees of the listed tiers of that program. No row for a resource and program = every enrollee of the program; several rows = any of those tiers.';

-- Resources attached to modules
CREATE TABLE innotrue.module_client_content_resources (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    module_id    uuid NOT NULL REFERENCES innotrue.program_modules (id) ON DELETE CASCADE,
    resource_id  uuid NOT NULL REFERENCES innotrue.resource_library (id),
    section_type text NOT NULL
        CONSTRAINT module_client_content_resources_section_type_check
        CHECK (section_type IN ('context', 'during', 'reflection')),
    order_index  integer NOT NULL DEFAULT 0 CONSTRAINT module_client_content_resources_order_index_check CHECK (order_index >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT module_client_content_resources_module_section_resource_key UNIQUE (module_id, section_type, resource_id)
);
SELECT innotrue.register_table('module_client_content_resources', '4', 'configuration');
CREATE INDEX module_client_content_resources_resource_id_idx ON innotrue.module_client_content_resources (resource_id);
COMMENT ON TABLE innotrue.module_client_content_resources IS
    'Resources shown in a module, by section. A resource cannot be deleted while a module uses it. Attaching does not grant access: can_access_resource() still applies.';
COMMENT ON COLUMN innotrue.module_client_content_resources.section_type IS
    'context = background before the module; during = reference while doing it; reflection = after it.';
COMMENT ON COLUMN innotrue.module_client_content_resources.order_index IS
    'Position within the module section, ascending.';

CREATE TABLE innotrue.module_reflection_resources (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    module_id   uuid NOT NULL REFERENCES innotrue.program_modules (id) ON DELETE CASCADE,
    resource_id uuid NOT NULL REFERENCES innotrue.resource_library (id),
    prompt      text CONSTRAINT module_reflection_resources_prompt_check CHECK (btrim(prompt) <> ''),
    order_index integer NOT NULL DEFAULT 0 CONSTRAINT module_reflection_resources_order_index_check CHECK (order_index >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT module_reflection_resources_module_resource_key UNIQUE (module_id, resource_id)
);
SELECT innotrue.register_table('module_reflection_resources', '4', 'configuration');
CREATE INDEX module_reflection_resources_resource_id_idx ON innotrue.module_reflection_resources (resource_id);
COMMENT ON TABLE innotrue.module_reflection_resources IS
    'Resources of a reflection module, each with the reflection prompt the client answers. A resource cannot be deleted while a module uses it.';
COMMENT ON COLUMN innotrue.module_reflection_resources.prompt IS
    'Reflection question shown with the resource; NULL = no prompt.';
COMMENT ON COLUMN innotrue.module_reflection_resources.order_index IS
    'Position within the module, ascending.';
