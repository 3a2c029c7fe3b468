-- innotrue layer 3B: credit system configuration. What actions cost (credit services and their
-- track prices), what can be bought (individual and organization credit packages) and the
-- organization platform tiers.

-- 3.4 Credit services
CREATE TABLE innotrue.credit_services (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key         text NOT NULL UNIQUE CONSTRAINT credit_services_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name        text NOT NULL CONSTRAINT credit_services_name_check CHECK (btrim(name) <> ''),
    description text,
    category    text NOT NULL
        CONSTRAINT credit_services_category_check
        CHECK (category IN ('ai', 'sessions', 'programs', 'goals', 'specialty', 'other')),
    credit_cost integer NOT NULL CONSTRAINT credit_services_credit_cost_check CHECK (credit_cost > 0),
    feature_id  uuid REFERENCES innotrue.features (id),
    track_id    uuid REFERENCES innotrue.tracks (id),
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('credit_services', '3B', 'configuration');
CREATE INDEX credit_services_feature_id_idx ON innotrue.credit_services (feature_id);
CREATE INDEX credit_services_track_id_idx ON innotrue.credit_services (track_id);
CREATE INDEX credit_services_category_idx ON innotrue.credit_services (category);
COMMENT ON TABLE innotrue.credit_services IS
    'Priced actions: deduct_credits takes the cost of an action from here (never from the caller).';
COMMENT ON COLUMN innotrue.credit_services.category IS
    'Service group; the sum of ai-category deductions in a month is capped by system_settings.ai_monthly_credit_limit.';
COMMENT ON COLUMN innotrue.credit_services.credit_cost IS
    'Standard price in credits, always > 0 (a free action is not a credit service); track members may pay a lower price from credit_service_track_prices.';
COMMENT ON COLUMN innotrue.credit_services.feature_id IS
    'Feature the action belongs to (the user must be granted it); NULL = not gated by a feature.';
COMMENT ON COLUMN innotrue.credit_services.track_id IS
    'Set for a track-specific service (offered to that track''s members); NULL = available to everyone.';

-- Track prices: the guide's "track-linked services can have different pricing for track members"
CREATE TABLE innotrue.credit_service_track_prices (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    credit_service_id uuid NOT NULL REFERENCES innotrue.credit_services (id) ON DELETE CASCADE,
    track_id          uuid NOT NULL REFERENCES innotrue.tracks (id),
    credit_cost       integer NOT NULL CONSTRAINT credit_service_track_prices_credit_cost_check CHECK (credit_cost >= 0),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT credit_service_track_prices_service_track_key UNIQUE (credit_service_id, track_id)
);
SELECT innotrue.register_table('credit_service_track_prices', '3B', 'configuration');
CREATE INDEX credit_service_track_prices_track_id_idx ON innotrue.credit_service_track_prices (track_id);
COMMENT ON TABLE innotrue.credit_service_track_prices IS
    'Discounted price of a credit service for active members of a track; the lowest applicable price (standard or any of the user''s tracks) wins.';
COMMENT ON COLUMN innotrue.credit_service_track_prices.credit_cost IS
    'Price in credits for the track''s members; 0 = free for them. A price above the standard cost never applies (lowest wins).';

-- 3.5 Credit packages: individual top-ups
CREATE TABLE innotrue.credit_topup_packages (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key             text NOT NULL UNIQUE CONSTRAINT credit_topup_packages_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name            text NOT NULL CONSTRAINT credit_topup_packages_name_check CHECK (btrim(name) <> ''),
    description     text,
    price_cents     integer NOT NULL CONSTRAINT credit_topup_packages_price_cents_check CHECK (price_cents >= 0),
    currency        text NOT NULL DEFAULT 'EUR' CONSTRAINT credit_topup_packages_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    credits         integer NOT NULL CONSTRAINT credit_topup_packages_credits_check CHECK (credits > 0),
    validity_months integer CONSTRAINT credit_topup_packages_validity_months_check CHECK (validity_months > 0),
    stripe_price_id text UNIQUE CONSTRAINT credit_topup_packages_stripe_price_id_check CHECK (stripe_price_id ~ '^price_[A-Za-z0-9_]+$'),
    is_active       boolean NOT NULL DEFAULT true,
    display_order   integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('credit_topup_packages', '3B', 'configuration');
COMMENT ON TABLE innotrue.credit_topup_packages IS
    'Credit packages a user can buy through Stripe checkout; a purchase creates a credit batch of `credits` expiring after validity_months.';
COMMENT ON COLUMN innotrue.credit_topup_packages.price_cents IS
    'Price in the smallest unit of currency (cents).';
COMMENT ON COLUMN innotrue.credit_topup_packages.validity_months IS
    'Months the purchased credits stay spendable; NULL = they never expire.';
COMMENT ON COLUMN innotrue.credit_topup_packages.stripe_price_id IS
    'Stripe price used by checkout; NULL until the price is created in Stripe (the package cannot be bought before).';

-- 3.5 Credit packages: organization pools
CREATE TABLE innotrue.org_credit_packages (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key             text NOT NULL UNIQUE CONSTRAINT org_credit_packages_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name            text NOT NULL CONSTRAINT org_credit_packages_name_check CHECK (btrim(name) <> ''),
    description     text,
    price_cents     integer NOT NULL CONSTRAINT org_credit_packages_price_cents_check CHECK (price_cents >= 0),
    currency        text NOT NULL DEFAULT 'EUR' CONSTRAINT org_credit_packages_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    credits         bigint NOT NULL CONSTRAINT org_credit_packages_credits_check CHECK (credits > 0),
    validity_months integer CONSTRAINT org_credit_packages_validity_months_check CHECK (validity_months > 0),
    stripe_price_id text UNIQUE CONSTRAINT org_credit_packages_stripe_price_id_check CHECK (stripe_price_id ~ '^price_[A-Za-z0-9_]+$'),
    is_active       boolean NOT NULL DEFAULT true,
    display_order   integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('org_credit_packages', '3B', 'configuration');
COMMENT ON TABLE innotrue.org_credit_packages IS
    'Credit packages an organization can buy for its pool (spent on org-paid actions such as sponsored enrollments).';
COMMENT ON COLUMN innotrue.org_credit_packages.price_cents IS
    'Price in the smallest unit of currency (cents).';
COMMENT ON COLUMN innotrue.org_credit_packages.credits IS
    'Credits added to the organization pool (bigint like every org pool amount).';
COMMENT ON COLUMN innotrue.org_credit_packages.validity_months IS
    'Months the purchased credits stay spendable; NULL = they never expire.';
COMMENT ON COLUMN innotrue.org_credit_packages.stripe_price_id IS
    'Stripe price used by checkout; NULL until the price is created in Stripe.';

-- Organization platform tiers
CREATE TABLE innotrue.org_platform_tiers (
    id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key                      text NOT NULL UNIQUE CONSTRAINT org_platform_tiers_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name                     text NOT NULL CONSTRAINT org_platform_tiers_name_check CHECK (btrim(name) <> ''),
    description              text,
    features                 text,
    monthly_price_cents      integer NOT NULL CONSTRAINT org_platform_tiers_monthly_price_cents_check CHECK (monthly_price_cents >= 0),
    annual_price_cents       integer CONSTRAINT org_platform_tiers_annual_price_cents_check CHECK (annual_price_cents >= 0),
    currency                 text NOT NULL DEFAULT 'EUR' CONSTRAINT org_platform_tiers_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    stripe_monthly_price_id  text UNIQUE CONSTRAINT org_platform_tiers_stripe_monthly_price_id_check CHECK (stripe_monthly_price_id ~ '^price_[A-Za-z0-9_]+$'),
    stripe_annual_price_id   text UNIQUE CONSTRAINT org_platform_tiers_stripe_annual_price_id_check CHECK (stripe_annual_price_id ~ '^price_[A-Za-z0-9_]+$'),
    is_active                boolean NOT NULL DEFAULT true,
    display_order            integer NOT NULL DEFAULT 0,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT org_platform_tiers_annual_price_check CHECK (stripe_annual_price_id IS NULL OR annual_price_cents IS NOT NULL)
);
SELECT innotrue.register_table('org_platform_tiers', '3B', 'configuration');
COMMENT ON TABLE innotrue.org_platform_tiers IS
    'Subscription tiers an organization pays for platform access (Essentials, Professional).';
COMMENT ON COLUMN innotrue.org_platform_tiers.features IS
    'Human-readable summary of what the tier includes, as shown at checkout (the guide names no feature keys).';
COMMENT ON COLUMN innotrue.org_platform_tiers.monthly_price_cents IS
    'Monthly price per organization, in cents.';
COMMENT ON COLUMN innotrue.org_platform_tiers.annual_price_cents IS
    'Annual price in cents; NULL = no annual billing offered.';

-- Reference data ------------------------------------------------------------------------------

-- The guide's 14 services. Its last row, "Track-specific services | discounted | CTA/Leadership",
-- gives no service or price: no credit_service_track_prices rows are seeded; admins add them.
INSERT INTO innotrue.credit_services (id, key, name, category, credit_cost, feature_id)
SELECT innotrue.seed_id('credit_services', v.key), v.key, v.name, v.category, v.cost, f.id
FROM (VALUES
    ('ai_coach_query', 'AI Coach Query', 'ai', 1, 'ai_coach'),
    ('ai_insight', 'AI Insight', 'ai', 1, 'ai_insights'),
    ('ai_recommendation', 'AI Recommendation', 'ai', 1, 'ai_recommendations'),
    ('coaching_session', 'Coaching Session', 'sessions', 10, 'session_coaching'),
    ('group_session', 'Group Session', 'sessions', 5, 'session_group'),
    ('workshop', 'Workshop', 'sessions', 3, 'session_workshop'),
    ('peer_coaching', 'Peer Coaching', 'sessions', 3, 'session_peer_coaching'),
    ('review_board_mock', 'Review Board Mock', 'sessions', 15, 'session_review_board'),
    ('program_enrollment_base', 'Program Enrollment (Base)', 'programs', 25, 'programs_base'),
    ('program_enrollment_pro', 'Program Enrollment (Pro)', 'programs', 50, 'programs_pro'),
    ('program_enrollment_advanced', 'Program Enrollment (Advanced)', 'programs', 100, 'programs_advanced'),
    ('goal_creation', 'Goal Creation', 'goals', 2, NULL),
    ('skills_assessment', 'Skills Assessment', 'specialty', 5, 'assessments'),
    ('decision_analysis', 'Decision Analysis', 'specialty', 3, 'decision_toolkit_basic')
) AS v (key, name, category, cost, feature_key)
LEFT JOIN innotrue.features f ON f.key = v.feature_key;

INSERT INTO innotrue.credit_topup_packages (id, key, name, price_cents, currency, credits, validity_months, display_order)
SELECT innotrue.seed_id('credit_topup_packages', v.key), v.key, v.name, v.price_cents, 'EUR', v.credits, v.validity, v.ord
FROM (VALUES
    ('starter', 'Starter', 5000, 55000, 6, 1),
    ('standard', 'Standard', 10000, 120000, 12, 2),
    ('premium', 'Premium', 20000, 260000, 12, 3)
) AS v (key, name, price_cents, credits, validity, ord);

INSERT INTO innotrue.org_credit_packages (id, key, name, price_cents, currency, credits, validity_months, display_order)
SELECT innotrue.seed_id('org_credit_packages', v.key), v.key, v.name, v.price_cents, 'EUR', v.credits, v.validity, v.ord
FROM (VALUES
    ('starter', 'Starter', 250000, 3000000::bigint, 12, 1),
    ('growth', 'Growth', 500000, 6500000, 12, 2),
    ('enterprise', 'Enterprise', 1000000, 14000000, 12, 3)
) AS v (key, name, price_cents, credits, validity, ord);

INSERT INTO innotrue.org_platform_tiers (id, key, name, monthly_price_cents, annual_price_cents, currency, features, display_order)
SELECT innotrue.seed_id('org_platform_tiers', v.key), v.key, v.name, v.monthly, NULL, 'EUR', v.features, v.ord
FROM (VALUES
    ('essentials', 'Essentials', 3000, 'Basic org features', 1),
    ('professional', 'Professional', 5000, 'Full org features', 2)
) AS v (key, name, monthly, features, ord);
