-- innotrue layer 1: foundations. No foreign keys to other configuration tables; everything else
-- references these.

-- 1.1 System settings
CREATE TABLE innotrue.system_settings (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key         text NOT NULL UNIQUE CONSTRAINT system_settings_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    value       jsonb NOT NULL,
    description text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('system_settings', '1', 'configuration');
COMMENT ON TABLE innotrue.system_settings IS
    'Platform-wide settings as key/value pairs (AI credit cap, platform name, support e-mail, time zone, grace periods).';
COMMENT ON COLUMN innotrue.system_settings.value IS
    'JSON value: a number for limits and day counts, a string for names, e-mails and time zone names.';

-- 1.2 Module types
CREATE TABLE innotrue.module_types (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key         text NOT NULL UNIQUE CONSTRAINT module_types_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name        text NOT NULL CONSTRAINT module_types_name_check CHECK (btrim(name) <> ''),
    description text,
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('module_types', '1', 'configuration');
COMMENT ON TABLE innotrue.module_types IS
    'Kinds of program module content; a module''s type decides which feature area handles it (sessions, assignments, resources, ...).';

-- 1.3 Tracks
CREATE TABLE innotrue.tracks (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key         text NOT NULL UNIQUE CONSTRAINT tracks_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name        text NOT NULL CONSTRAINT tracks_name_check CHECK (btrim(name) <> ''),
    description text,
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('tracks', '1', 'configuration');
COMMENT ON TABLE innotrue.tracks IS
    'Certification or learning paths; programs belong to a track and track members can get discounted credit prices and extra features.';

-- 1.4 Wheel of Life categories
CREATE TABLE innotrue.wheel_categories (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key         text NOT NULL UNIQUE CONSTRAINT wheel_categories_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name        text NOT NULL CONSTRAINT wheel_categories_name_check CHECK (btrim(name) <> ''),
    order_index integer NOT NULL CONSTRAINT wheel_categories_order_index_check CHECK (order_index >= 0),
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('wheel_categories', '1', 'configuration');
COMMENT ON TABLE innotrue.wheel_categories IS
    'Life areas rated in the Wheel of Life self-assessment.';

-- 1.5 Assessment categories
CREATE TABLE innotrue.assessment_categories (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key         text NOT NULL UNIQUE CONSTRAINT assessment_categories_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name        text NOT NULL CONSTRAINT assessment_categories_name_check CHECK (btrim(name) <> ''),
    description text,
    order_index integer NOT NULL DEFAULT 0 CONSTRAINT assessment_categories_order_index_check CHECK (order_index >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('assessment_categories', '1', 'configuration');
COMMENT ON TABLE innotrue.assessment_categories IS
    'Top-level groupings shared by all three assessment systems (capability, definitions, psychometric).';

-- Reference data ------------------------------------------------------------------------------

INSERT INTO innotrue.system_settings (id, key, value, description)
SELECT innotrue.seed_id('system_settings', v.key), v.key, v.value, v.description
FROM (VALUES
    ('ai_monthly_credit_limit', '1000'::jsonb, 'Max AI credits across the platform per month'),
    ('platform_name', '"InnoTrue Hub"', 'Displayed in emails and the UI'),
    ('support_email', '"support@innotrue.com"', 'Shown in error pages and emails'),
    ('default_timezone', '"Europe/Berlin"', 'Default for scheduling; usage and allowance periods are calendar months in this zone'),
    ('alumni_grace_days', '90', 'Days after completing a program during which enrolled-only resources stay visible'),
    ('credits_low_threshold', '10', 'A credits_low notification is queued once when a balance falls below this many credits'),
    ('org_invitation_expiry_days', '7', 'Days an organization invitation stays valid')
) AS v (key, value, description);

INSERT INTO innotrue.module_types (id, key, name, description)
SELECT innotrue.seed_id('module_types', v.key), v.key, v.name, v.description
FROM (VALUES
    ('session', 'Session', 'Live scheduled session (coaching, workshop, etc.)'),
    ('assignment', 'Assignment', 'Async work the client submits for grading'),
    ('reflection', 'Reflection', 'Self-guided journaling / reflection exercise'),
    ('resource', 'Resource', 'Static learning material (PDF, video, link)'),
    ('content', 'Content', 'Generic content module')
) AS v (key, name, description);

INSERT INTO innotrue.tracks (id, key, name, description)
SELECT innotrue.seed_id('tracks', v.key), v.key, v.name, v.description
FROM (VALUES
    ('cta', 'CTA Track', 'Certified Technology Architect certification path'),
    ('leadership', 'Leadership Track', 'Leadership development path')
) AS v (key, name, description);

INSERT INTO innotrue.wheel_categories (id, key, name, order_index)
SELECT innotrue.seed_id('wheel_categories', v.key), v.key, v.name, v.order_index
FROM (VALUES
    ('career', 'Career', 1),
    ('finances', 'Finances', 2),
    ('health', 'Health', 3),
    ('relationships', 'Relationships', 4),
    ('personal_growth', 'Personal Growth', 5),
    ('fun_recreation', 'Fun & Recreation', 6),
    ('physical_environment', 'Physical Environment', 7),
    ('family', 'Family', 8),
    ('romance', 'Romance', 9),
    ('contribution', 'Contribution', 10)
) AS v (key, name, order_index);

INSERT INTO innotrue.assessment_categories (id, key, name, order_index)
SELECT innotrue.seed_id('assessment_categories', v.key), v.key, v.name, v.order_index
FROM (VALUES
    ('personality', 'Personality', 1),
    ('aptitude', 'Aptitude', 2),
    ('career', 'Career', 3),
    ('emotional_intelligence', 'Emotional Intelligence', 4),
    ('leadership', 'Leadership', 5),
    ('other', 'Other', 6)
) AS v (key, name, order_index);
