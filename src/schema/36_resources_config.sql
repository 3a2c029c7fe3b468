-- innotrue layer 3F: the resource library (categories, skills, resources, collections) and the
-- coach feedback templates. Links from resources to programs and modules live in layer 4
-- (40_programs.sql); usage tracking is user data (layer 5).

-- Resource categories
CREATE TABLE innotrue.resource_categories (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key           text NOT NULL UNIQUE CONSTRAINT resource_categories_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name          text NOT NULL CONSTRAINT resource_categories_name_check CHECK (btrim(name) <> ''),
    description   text,
    display_order integer NOT NULL DEFAULT 0 CONSTRAINT resource_categories_display_order_check CHECK (display_order >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('resource_categories', '3F', 'configuration');
COMMENT ON TABLE innotrue.resource_categories IS
    'Categories of the resource library (a resource has at most one).';

-- Skills (tags for resources)
CREATE TABLE innotrue.skills (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key         text NOT NULL UNIQUE CONSTRAINT skills_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name        text NOT NULL CONSTRAINT skills_name_check CHECK (btrim(name) <> ''),
    description text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('skills', '3F', 'configuration');
COMMENT ON TABLE innotrue.skills IS
    'Skills that resources are tagged with (resource_library_skills).';

-- Resource library
CREATE TABLE innotrue.resource_library (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title           text NOT NULL CONSTRAINT resource_library_title_check CHECK (btrim(title) <> ''),
    description     text,
    resource_type   text NOT NULL
        CONSTRAINT resource_library_resource_type_check
        CHECK (resource_type IN ('document', 'link', 'video', 'image', 'template', 'cheatsheet', 'report')),
    url             text CONSTRAINT resource_library_url_check CHECK (url ~ '^https?://\S+$'),
    storage_path    text CONSTRAINT resource_library_storage_path_check CHECK (btrim(storage_path) <> '' AND storage_path !~ '^/'),
    category_id     uuid REFERENCES innotrue.resource_categories (id),
    visibility      text NOT NULL DEFAULT 'private'
        CONSTRAINT resource_library_visibility_check
        CHECK (visibility IN ('private', 'enrolled', 'public')),
    is_downloadable boolean NOT NULL DEFAULT false,
    is_consumable   boolean NOT NULL DEFAULT false,
    credit_cost     integer,
    feature_key     text REFERENCES innotrue.features (key) ON UPDATE CASCADE,
    min_plan_tier   integer CONSTRAINT resource_library_min_plan_tier_check CHECK (min_plan_tier >= 0),
    is_active       boolean NOT NULL DEFAULT true,
    created_by      uuid NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT resource_library_location_check
        CHECK ((url IS NULL) <> (storage_path IS NULL)),
    CONSTRAINT resource_library_link_url_check
        CHECK (resource_type <> 'link' OR url IS NOT NULL),
    CONSTRAINT resource_library_credit_cost_check
        CHECK (CASE WHEN is_consumable THEN coalesce(credit_cost > 0, false) ELSE credit_cost IS NULL END)
);
SELECT innotrue.register_table('resource_library', '3F', 'configuration');
CREATE INDEX resource_library_category_id_idx ON innotrue.resource_library (category_id);
CREATE INDEX resource_library_feature_key_idx ON innotrue.resource_library (feature_key);
-- The access check (can_access_resource, used in RLS) filters on visibility and, for private
-- resources, on the creator; the library page also filters on type.
CREATE INDEX resource_library_visibility_idx ON innotrue.resource_library (visibility);
CREATE INDEX resource_library_created_by_idx ON innotrue.resource_library (created_by);
CREATE INDEX resource_library_resource_type_idx ON innotrue.resource_library (resource_type);
COMMENT ON TABLE innotrue.resource_library IS
    'Learning materials (documents, links, videos, templates, ...) with visibility, optional feature and tier gates and optional credit cost. Access is decided by innotrue.can_access_resource().';
COMMENT ON COLUMN innotrue.resource_library.url IS
    'External address (http/https); exactly one of url and storage_path is set, and a link always has a url.';
COMMENT ON COLUMN innotrue.resource_library.storage_path IS
    'Object path inside the resource-library storage bucket (no leading slash); exactly one of url and storage_path is set.';
COMMENT ON COLUMN innotrue.resource_library.visibility IS
    'private = only its creator (and admins); enrolled = users with an active enrollment (or completed within the alumni grace period) in a program linked through resource_library_programs, restricted further by resource_library_program_tiers; public = any authenticated user.';
COMMENT ON COLUMN innotrue.resource_library.is_downloadable IS
    'true = clients may download the file; false = view only.';
COMMENT ON COLUMN innotrue.resource_library.is_consumable IS
    'true = a user unlocks the resource once by spending credit_cost credits (waived for enrollees of a linked program); false = free once visible.';
COMMENT ON COLUMN innotrue.resource_library.credit_cost IS
    'Credits spent to unlock a consumable resource: required and > 0 when is_consumable, NULL otherwise.';
COMMENT ON COLUMN innotrue.resource_library.feature_key IS
    'Feature the user''s resolved entitlements must grant to access the resource; NULL = no feature gate.';
COMMENT ON COLUMN innotrue.resource_library.min_plan_tier IS
    'Minimum effective plan tier (plans.tier_level) to access the resource; NULL = no tier gate.';
COMMENT ON COLUMN innotrue.resource_library.created_by IS
    'User who created the resource; for a private resource, the only user (besides admins) who can see it. A plain uuid, not a foreign key to profiles: configuration tables never reference user tables (they are reference tables on Citus and are dumped without user data).';

-- Resource collections
CREATE TABLE innotrue.resource_collections (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key         text NOT NULL UNIQUE CONSTRAINT resource_collections_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name        text NOT NULL CONSTRAINT resource_collections_name_check CHECK (btrim(name) <> ''),
    description text,
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('resource_collections', '3F', 'configuration');
COMMENT ON TABLE innotrue.resource_collections IS
    'Named, ordered groups of related resources. A collection does not widen access: each item is still checked by can_access_resource().';

CREATE TABLE innotrue.resource_collection_items (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    collection_id uuid NOT NULL REFERENCES innotrue.resource_collections (id) ON DELETE CASCADE,
    resource_id   uuid NOT NULL REFERENCES innotrue.resource_library (id) ON DELETE CASCADE,
    order_index   integer NOT NULL DEFAULT 0 CONSTRAINT resource_collection_items_order_index_check CHECK (order_index >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT resource_collection_items_collection_resource_key UNIQUE (collection_id, resource_id)
);
SELECT innotrue.register_table('resource_collection_items', '3F', 'configuration');
CREATE INDEX resource_collection_items_resource_id_idx ON innotrue.resource_collection_items (resource_id);
COMMENT ON TABLE innotrue.resource_collection_items IS
    'Resources of a collection, in order; a resource appears at most once per collection.';
COMMENT ON COLUMN innotrue.resource_collection_items.order_index IS
    'Position in the collection, ascending.';

CREATE TABLE innotrue.resource_library_skills (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    resource_id uuid NOT NULL REFERENCES innotrue.resource_library (id) ON DELETE CASCADE,
    skill_id    uuid NOT NULL REFERENCES innotrue.skills (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT resource_library_skills_resource_skill_key UNIQUE (resource_id, skill_id)
);
SELECT innotrue.register_table('resource_library_skills', '3F', 'configuration');
CREATE INDEX resource_library_skills_skill_id_idx ON innotrue.resource_library_skills (skill_id);
COMMENT ON TABLE innotrue.resource_library_skills IS
    'Skill tags of resources. A skill cannot be deleted while a resource is tagged with it.';

-- Coach feedback templates
CREATE TABLE innotrue.module_feedback_templates (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key         text NOT NULL UNIQUE CONSTRAINT module_feedback_templates_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name        text NOT NULL CONSTRAINT module_feedback_templates_name_check CHECK (btrim(name) <> ''),
    description text,
    structure   jsonb NOT NULL DEFAULT '{}'::jsonb
        CONSTRAINT module_feedback_templates_structure_check CHECK (jsonb_typeof(structure) = 'object'),
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('module_feedback_templates', '3F', 'configuration');
COMMENT ON TABLE innotrue.module_feedback_templates IS
    'Coach feedback templates: the structure a coach fills in when giving structured feedback on a client''s module (coach_module_feedback).';
COMMENT ON COLUMN innotrue.module_feedback_templates.structure IS
    'JSON object describing the feedback form (sections and fields the coach fills in).';
