-- innotrue layer 2: plans and features, the core of the entitlement system. Also the two other
-- feature-granting catalogues the rules page adds (add-ons, track features).

-- 2.1 Features
CREATE TABLE innotrue.features (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key           text NOT NULL UNIQUE CONSTRAINT features_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name          text NOT NULL CONSTRAINT features_name_check CHECK (btrim(name) <> ''),
    description   text,
    is_consumable boolean NOT NULL DEFAULT false,
    is_active     boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('features', '2', 'configuration');
COMMENT ON TABLE innotrue.features IS
    'Every gatable capability of the platform; code refers to a feature by its key.';
COMMENT ON COLUMN innotrue.features.is_consumable IS
    'true = each use counts against a monthly limit and/or costs credits; false = binary access.';

-- 2.2 Plans
CREATE TABLE innotrue.plans (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key              text NOT NULL UNIQUE CONSTRAINT plans_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name             text NOT NULL CONSTRAINT plans_name_check CHECK (btrim(name) <> ''),
    description      text,
    tier_level       integer NOT NULL CONSTRAINT plans_tier_level_check CHECK (tier_level >= 0),
    credit_allowance integer NOT NULL DEFAULT 0 CONSTRAINT plans_credit_allowance_check CHECK (credit_allowance >= 0),
    is_purchasable   boolean NOT NULL DEFAULT false,
    is_default       boolean NOT NULL DEFAULT false,
    is_active        boolean NOT NULL DEFAULT true,
    display_order    integer NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('plans', '2', 'configuration');
CREATE UNIQUE INDEX plans_one_default_idx ON innotrue.plans (is_default) WHERE is_default;
COMMENT ON TABLE innotrue.plans IS
    'Subscription plans users are assigned to (profiles.plan_id).';
COMMENT ON COLUMN innotrue.plans.tier_level IS
    'Tier compared with programs.min_plan_tier and resource min_plan_tier; 0 = lowest.';
COMMENT ON COLUMN innotrue.plans.credit_allowance IS
    'Credits made available each calendar month (platform time zone); they expire at month end.';
COMMENT ON COLUMN innotrue.plans.is_purchasable IS
    'true = offered in Stripe checkout and needs a plan_prices row; false = admin-assigned only.';
COMMENT ON COLUMN innotrue.plans.is_default IS
    'The plan new users get; at most one plan is the default.';

-- 2.3 Plan features
CREATE TABLE innotrue.plan_features (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    plan_id        uuid NOT NULL REFERENCES innotrue.plans (id) ON DELETE CASCADE,
    feature_id     uuid NOT NULL REFERENCES innotrue.features (id),
    limit_value    integer CONSTRAINT plan_features_limit_value_check CHECK (limit_value >= 0),
    is_restrictive boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT plan_features_plan_feature_key UNIQUE (plan_id, feature_id)
);
SELECT innotrue.register_table('plan_features', '2', 'configuration');
CREATE INDEX plan_features_feature_id_idx ON innotrue.plan_features (feature_id);
COMMENT ON TABLE innotrue.plan_features IS
    'What each plan grants: one row per plan and feature with an optional monthly limit.';
COMMENT ON COLUMN innotrue.plan_features.limit_value IS
    'NULL = unlimited; 0 = not granted by this plan; n > 0 = n uses per calendar month.';
COMMENT ON COLUMN innotrue.plan_features.is_restrictive IS
    'Deny row: when this plan reaches a user as an organization-sponsored plan, the feature is blocked whatever other sources grant.';

-- 2.4 Plan prices
CREATE TABLE innotrue.plan_prices (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    plan_id         uuid NOT NULL REFERENCES innotrue.plans (id) ON DELETE CASCADE,
    billing_interval text NOT NULL CONSTRAINT plan_prices_billing_interval_check CHECK (billing_interval IN ('monthly', 'yearly')),
    price_cents     integer NOT NULL CONSTRAINT plan_prices_price_cents_check CHECK (price_cents >= 0),
    currency        text NOT NULL DEFAULT 'EUR' CONSTRAINT plan_prices_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    stripe_price_id text NOT NULL UNIQUE CONSTRAINT plan_prices_stripe_price_id_check CHECK (stripe_price_id ~ '^price_[A-Za-z0-9_]+$'),
    is_active       boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('plan_prices', '2', 'configuration');
CREATE UNIQUE INDEX plan_prices_active_interval_idx ON innotrue.plan_prices (plan_id, billing_interval, currency) WHERE is_active;
COMMENT ON TABLE innotrue.plan_prices IS
    'Stripe prices of purchasable plans; the subscription checkout reads stripe_price_id. Created in Stripe first, then entered here.';

-- Add-ons: feature bundles an admin grants to one user (user_add_ons, layer 5)
CREATE TABLE innotrue.add_ons (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key         text NOT NULL UNIQUE CONSTRAINT add_ons_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name        text NOT NULL CONSTRAINT add_ons_name_check CHECK (btrim(name) <> ''),
    description text,
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('add_ons', '2', 'configuration');
COMMENT ON TABLE innotrue.add_ons IS
    'Feature bundles an admin can grant to individual users on top of their plan (entitlement source "add_on").';

CREATE TABLE innotrue.add_on_features (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    add_on_id   uuid NOT NULL REFERENCES innotrue.add_ons (id) ON DELETE CASCADE,
    feature_id  uuid NOT NULL REFERENCES innotrue.features (id),
    limit_value integer CONSTRAINT add_on_features_limit_value_check CHECK (limit_value >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT add_on_features_add_on_feature_key UNIQUE (add_on_id, feature_id)
);
SELECT innotrue.register_table('add_on_features', '2', 'configuration');
CREATE INDEX add_on_features_feature_id_idx ON innotrue.add_on_features (feature_id);
COMMENT ON TABLE innotrue.add_on_features IS
    'Features an add-on grants, with limits as in plan_features.';
COMMENT ON COLUMN innotrue.add_on_features.limit_value IS
    'NULL = unlimited; 0 = not granted; n > 0 = n uses per calendar month.';

CREATE TABLE innotrue.track_features (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    track_id    uuid NOT NULL REFERENCES innotrue.tracks (id) ON DELETE CASCADE,
    feature_id  uuid NOT NULL REFERENCES innotrue.features (id),
    limit_value integer CONSTRAINT track_features_limit_value_check CHECK (limit_value >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT track_features_track_feature_key UNIQUE (track_id, feature_id)
);
SELECT innotrue.register_table('track_features', '2', 'configuration');
CREATE INDEX track_features_feature_id_idx ON innotrue.track_features (feature_id);
COMMENT ON TABLE innotrue.track_features IS
    'Features that active members of a track get (entitlement source "track").';
COMMENT ON COLUMN innotrue.track_features.limit_value IS
    'NULL = unlimited; 0 = not granted; n > 0 = n uses per calendar month.';

-- Reference data ------------------------------------------------------------------------------

-- The guide's 18 features plus the running platform's (platform-rules.md): 40 in all.
INSERT INTO innotrue.features (id, key, name, is_consumable, description)
SELECT innotrue.seed_id('features', v.key), v.key, v.name, v.consumable, v.description
FROM (VALUES
    ('ai_coach', 'AI Coach', true, 'AI coaching chat (costs credits per use)'),
    ('ai_insights', 'AI Insights', true, 'AI-generated insights'),
    ('ai_recommendations', 'AI Recommendations', true, 'AI course/action recommendations'),
    ('coach_dashboard', 'Coach Dashboard', false, 'Coach overview of assigned clients'),
    ('org_analytics', 'Organization Analytics', false, 'Analytics for organization admins'),
    ('decision_toolkit_basic', 'Basic Decision Toolkit', false, 'Access to basic decision tools'),
    ('decision_toolkit_advanced', 'Advanced Decision Toolkit', false, 'Access to advanced decision tools'),
    ('session_coaching', 'Coaching Sessions', true, '1:1 coaching sessions'),
    ('session_group', 'Group Sessions', true, 'Group coaching, mastermind, office hours'),
    ('session_workshop', 'Workshops', true, 'Workshops and webinars'),
    ('session_review_board', 'Review Board', true, 'Mock review board sessions'),
    ('session_peer_coaching', 'Peer Coaching', true, 'Peer-to-peer coaching'),
    ('programs_base', 'Base Programs', false, 'Access to tier 1 programs'),
    ('programs_pro', 'Pro Programs', false, 'Access to tier 2 programs'),
    ('programs_advanced', 'Advanced Programs', false, 'Access to tier 3+ programs'),
    ('courses', 'Courses', false, 'Access to TalentLMS courses'),
    ('courses_free', 'Free Courses', false, 'Access to free courses'),
    ('sf_cta_rbm_full_asynch', 'CTA Review Board Mock (async)', false, 'Full asynchronous CTA review board mock'),
    ('sf_cta_rbm_full_live', 'CTA Review Board Mock (live)', false, 'Full live CTA review board mock'),
    ('goals', 'Goals', false, 'Goal setting and tracking'),
    ('credits', 'Credits', false, 'Credit system access'),
    ('skills_map', 'Skills Map', false, 'Skills visualization feature'),
    ('services', 'Services', false, 'Service catalogue'),
    ('usage', 'Usage', false, 'Usage overview'),
    ('guided_paths', 'Guided Paths', false, 'Guided learning paths'),
    ('external_courses', 'External Courses', false, 'Tracking of external courses'),
    ('community', 'Community', false, 'Community (Circle) access'),
    ('wheel_of_life', 'Wheel of Life', false, 'Wheel of Life assessment'),
    ('assessments', 'Assessments', false, 'Capability assessments'),
    ('learning_analytics', 'Learning Analytics', false, 'Learning analytics'),
    ('programs', 'Programs', false, 'Program catalogue'),
    ('groups', 'Groups', false, 'Groups'),
    ('tasks', 'Tasks', false, 'Tasks'),
    ('development_items', 'Development Items', false, 'Development items'),
    ('development_timeline', 'Development Timeline', false, 'Development timeline'),
    ('resource_library', 'Resource Library', false, 'Resource library access'),
    ('feedback_reviews', 'Feedback Reviews', false, 'Feedback reviews'),
    ('development_profile', 'Development Profile', false, 'Development profile'),
    ('export_reports', 'Export Reports', false, 'Report exports'),
    ('certificates', 'Certificates', false, 'Certificates')
) AS v (key, name, consumable, description);

INSERT INTO innotrue.plans (id, key, name, tier_level, credit_allowance, is_purchasable, is_default, display_order, description)
SELECT innotrue.seed_id('plans', v.key), v.key, v.name, v.tier, v.credits, v.purchasable, v.key = 'free', v.ord, v.description
FROM (VALUES
    ('free', 'Free', 0, 20, false, 1, 'Default for new users'),
    ('base', 'Base', 1, 150, true, 2, 'Entry paid tier'),
    ('pro', 'Pro', 2, 250, true, 3, 'Mid tier'),
    ('advanced', 'Advanced', 3, 500, true, 4, 'High tier'),
    ('elite', 'Elite', 4, 750, true, 5, 'Top tier'),
    ('programs', 'Programs', 0, 0, false, 6, 'Admin-assigned, program-only access'),
    ('continuation', 'Continuation', 0, 0, false, 7, 'Admin-assigned, post-program access')
) AS v (key, name, tier, credits, purchasable, ord, description);

-- Plan features: the guide's limits and the rules page's "higher tiers get more" ladder.
-- A plan's grants are cumulative: "base and up" means base, pro, advanced, elite.
INSERT INTO innotrue.plan_features (id, plan_id, feature_id, limit_value)
SELECT innotrue.seed_id('plan_features', p.key || '/' || f.key), p.id, f.id, g.limit_value
FROM (VALUES
    ('free', 'ai_coach', 20), ('free', 'session_coaching', 1),
    ('base', 'ai_coach', 50), ('base', 'session_coaching', 3),
    ('pro', 'ai_coach', 100), ('pro', 'session_coaching', 5),
    ('advanced', 'ai_coach', 500), ('advanced', 'session_coaching', 10),
    ('elite', 'ai_coach', 1000), ('elite', 'session_coaching', 20)
) AS g (plan_key, feature_key, limit_value)
JOIN innotrue.plans p ON p.key = g.plan_key
JOIN innotrue.features f ON f.key = g.feature_key
UNION ALL
SELECT innotrue.seed_id('plan_features', p.key || '/' || f.key), p.id, f.id, NULL
FROM (VALUES
    (0, ARRAY['goals', 'tasks', 'credits', 'usage', 'wheel_of_life']),
    (1, ARRAY['assessments', 'skills_map', 'resource_library']),
    (2, ARRAY['programs_base', 'decision_toolkit_advanced']),
    (3, ARRAY['programs_pro', 'community', 'session_review_board']),
    (4, ARRAY['programs_advanced', 'org_analytics'])
) AS g (min_tier, feature_keys)
CROSS JOIN LATERAL unnest(g.feature_keys) AS k (feature_key)
JOIN innotrue.features f ON f.key = k.feature_key
JOIN innotrue.plans p ON p.tier_level >= g.min_tier;
