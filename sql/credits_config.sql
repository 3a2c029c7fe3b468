-- Layer 3B: credit services, track prices, credit packages, organization platform tiers.
\set ON_ERROR_ROLLBACK on
-- Terse errors: the DETAIL of a refused row shows its random id and now().
\set VERBOSITY terse
BEGIN;

-- Seeds: 14 services, 3 individual and 3 organization packages, 2 org tiers, no track prices.
SELECT count(*) AS credit_services FROM innotrue.credit_services;
SELECT count(*) AS credit_topup_packages FROM innotrue.credit_topup_packages;
SELECT count(*) AS org_credit_packages FROM innotrue.org_credit_packages;
SELECT count(*) AS org_platform_tiers FROM innotrue.org_platform_tiers;
SELECT count(*) AS track_prices FROM innotrue.credit_service_track_prices;
SELECT s.key, s.category, s.credit_cost, coalesce(f.key, '-') AS feature, coalesce(t.key, '-') AS track
  FROM innotrue.credit_services s
  LEFT JOIN innotrue.features f ON f.id = s.feature_id
  LEFT JOIN innotrue.tracks t ON t.id = s.track_id
 ORDER BY s.category, s.credit_cost, s.key;
SELECT category, count(*) AS services, sum(credit_cost) AS total_cost
  FROM innotrue.credit_services GROUP BY category ORDER BY category;
SELECT 'individual' AS kind, key, name, price_cents, currency, credits, validity_months, stripe_price_id IS NULL AS no_stripe_price
  FROM innotrue.credit_topup_packages
UNION ALL
SELECT 'organization', key, name, price_cents, currency, credits, validity_months, stripe_price_id IS NULL
  FROM innotrue.org_credit_packages
 ORDER BY 1 DESC, 4;
SELECT key, name, monthly_price_cents, annual_price_cents, currency, features
  FROM innotrue.org_platform_tiers ORDER BY display_order;

-- Credit services: good input accepted (track-specific service, no feature).
INSERT INTO innotrue.credit_services (key, name, category, credit_cost, track_id)
SELECT 'cta_architecture_review', 'CTA Architecture Review', 'specialty', 20, id FROM innotrue.tracks WHERE key = 'cta';
-- Negative cost refused.
INSERT INTO innotrue.credit_services (key, name, category, credit_cost)
VALUES ('negative_cost', 'Negative Cost', 'other', -5);
-- Zero cost refused (a free action is not a credit service).
INSERT INTO innotrue.credit_services (key, name, category, credit_cost)
VALUES ('free_action', 'Free Action', 'other', 0);
-- Unknown category refused.
INSERT INTO innotrue.credit_services (key, name, category, credit_cost)
VALUES ('bad_category', 'Bad Category', 'marketing', 5);
-- Unknown feature refused.
INSERT INTO innotrue.credit_services (key, name, category, credit_cost, feature_id)
VALUES ('bad_feature', 'Bad Feature', 'ai', 1, innotrue.seed_id('features', 'no_such_feature'));
-- Unknown track refused.
INSERT INTO innotrue.credit_services (key, name, category, credit_cost, track_id)
VALUES ('bad_track', 'Bad Track', 'other', 1, innotrue.seed_id('tracks', 'no_such_track'));
-- Duplicate key refused.
INSERT INTO innotrue.credit_services (key, name, category, credit_cost)
VALUES ('ai_coach_query', 'AI Coach Query again', 'ai', 2);
-- Empty name refused.
INSERT INTO innotrue.credit_services (key, name, category, credit_cost)
VALUES ('blank_name', '', 'other', 1);
-- Raising a price to a negative value refused.
UPDATE innotrue.credit_services SET credit_cost = -1 WHERE key = 'coaching_session';
-- A feature used by a credit service cannot be deleted.
DELETE FROM innotrue.features WHERE key = 'ai_insights';
SELECT key, category, credit_cost FROM innotrue.credit_services
 WHERE key IN ('cta_architecture_review', 'coaching_session') ORDER BY key;

-- Track prices: discounts for track members.
INSERT INTO innotrue.credit_service_track_prices (credit_service_id, track_id, credit_cost)
SELECT s.id, t.id, 10 FROM innotrue.credit_services s, innotrue.tracks t
 WHERE s.key = 'review_board_mock' AND t.key = 'cta';
-- Zero = free for that track's members.
INSERT INTO innotrue.credit_service_track_prices (credit_service_id, track_id, credit_cost)
SELECT s.id, t.id, 0 FROM innotrue.credit_services s, innotrue.tracks t
 WHERE s.key = 'coaching_session' AND t.key = 'leadership';
-- Duplicate service/track pair refused.
INSERT INTO innotrue.credit_service_track_prices (credit_service_id, track_id, credit_cost)
SELECT s.id, t.id, 8 FROM innotrue.credit_services s, innotrue.tracks t
 WHERE s.key = 'review_board_mock' AND t.key = 'cta';
-- Negative track price refused.
INSERT INTO innotrue.credit_service_track_prices (credit_service_id, track_id, credit_cost)
SELECT s.id, t.id, -3 FROM innotrue.credit_services s, innotrue.tracks t
 WHERE s.key = 'workshop' AND t.key = 'cta';
-- Unknown track refused.
INSERT INTO innotrue.credit_service_track_prices (credit_service_id, track_id, credit_cost)
SELECT s.id, innotrue.seed_id('tracks', 'no_such_track'), 1 FROM innotrue.credit_services s
 WHERE s.key = 'workshop';
-- A track used by a service or a track price cannot be deleted.
DELETE FROM innotrue.tracks WHERE key = 'cta';
-- Lowest applicable price for a member of the CTA track (standard or track price).
SELECT s.key, s.credit_cost AS standard_cost,
       least(s.credit_cost, min(p.credit_cost)) AS cta_member_cost
  FROM innotrue.credit_services s
  LEFT JOIN innotrue.credit_service_track_prices p
         ON p.credit_service_id = s.id AND p.track_id = (SELECT id FROM innotrue.tracks WHERE key = 'cta')
 WHERE s.category = 'sessions'
 GROUP BY s.key, s.credit_cost ORDER BY s.key;

-- Individual packages: good input accepted, with a Stripe price.
INSERT INTO innotrue.credit_topup_packages (key, name, price_cents, currency, credits, validity_months, stripe_price_id)
VALUES ('mini', 'Mini', 1000, 'USD', 10000, 3, 'price_1MiniAbc');
-- NULL validity = credits never expire.
INSERT INTO innotrue.credit_topup_packages (key, name, price_cents, credits, validity_months)
VALUES ('forever', 'Forever', 3000, 30000, NULL);
-- Lower-case currency refused.
INSERT INTO innotrue.credit_topup_packages (key, name, price_cents, currency, credits, validity_months)
VALUES ('bad_currency', 'Bad Currency', 1000, 'eur', 10000, 6);
-- Four-letter currency refused.
INSERT INTO innotrue.credit_topup_packages (key, name, price_cents, currency, credits, validity_months)
VALUES ('long_currency', 'Long Currency', 1000, 'EURO', 10000, 6);
-- Negative price refused.
INSERT INTO innotrue.credit_topup_packages (key, name, price_cents, credits, validity_months)
VALUES ('negative_price', 'Negative Price', -100, 10000, 6);
-- Zero credits refused.
INSERT INTO innotrue.credit_topup_packages (key, name, price_cents, credits, validity_months)
VALUES ('no_credits', 'No Credits', 1000, 0, 6);
-- Zero validity refused.
INSERT INTO innotrue.credit_topup_packages (key, name, price_cents, credits, validity_months)
VALUES ('no_validity', 'No Validity', 1000, 10000, 0);
-- Duplicate key refused.
INSERT INTO innotrue.credit_topup_packages (key, name, price_cents, credits, validity_months)
VALUES ('starter', 'Starter again', 5000, 55000, 6);
-- Malformed Stripe price id refused.
INSERT INTO innotrue.credit_topup_packages (key, name, price_cents, credits, validity_months, stripe_price_id)
VALUES ('bad_stripe', 'Bad Stripe', 1000, 10000, 6, 'prod_123');
-- Stripe price id already used refused.
INSERT INTO innotrue.credit_topup_packages (key, name, price_cents, credits, validity_months, stripe_price_id)
VALUES ('dup_stripe', 'Duplicate Stripe', 1000, 10000, 6, 'price_1MiniAbc');
SELECT key, price_cents, currency, credits, coalesce(validity_months::text, 'never') AS validity
  FROM innotrue.credit_topup_packages ORDER BY display_order, key;

-- Organization packages: credits are bigint.
INSERT INTO innotrue.org_credit_packages (key, name, price_cents, credits, validity_months)
VALUES ('global', 'Global', 10000000, 20000000000, 24);
-- Bad currency refused.
INSERT INTO innotrue.org_credit_packages (key, name, price_cents, currency, credits, validity_months)
VALUES ('bad_currency', 'Bad Currency', 1000, 'E1R', 10000, 12);
-- Negative credits refused.
INSERT INTO innotrue.org_credit_packages (key, name, price_cents, credits, validity_months)
VALUES ('negative_credits', 'Negative Credits', 1000, -10000, 12);
-- Duplicate key refused.
INSERT INTO innotrue.org_credit_packages (key, name, price_cents, credits, validity_months)
VALUES ('growth', 'Growth again', 500000, 6500000, 12);
SELECT key, price_cents, credits FROM innotrue.org_credit_packages ORDER BY credits;

-- Organization platform tiers.
UPDATE innotrue.org_platform_tiers SET annual_price_cents = 30000, stripe_annual_price_id = 'price_EssYear'
 WHERE key = 'essentials';
-- An annual Stripe price without an annual price refused.
UPDATE innotrue.org_platform_tiers SET stripe_annual_price_id = 'price_ProYear' WHERE key = 'professional';
-- Negative monthly price refused.
INSERT INTO innotrue.org_platform_tiers (key, name, monthly_price_cents)
VALUES ('discount', 'Discount', -1);
-- Bad currency refused.
INSERT INTO innotrue.org_platform_tiers (key, name, monthly_price_cents, currency)
VALUES ('dollar', 'Dollar', 100, 'usd');
-- Duplicate key refused.
INSERT INTO innotrue.org_platform_tiers (key, name, monthly_price_cents)
VALUES ('professional', 'Professional again', 5000);
SELECT key, monthly_price_cents, annual_price_cents, stripe_annual_price_id
  FROM innotrue.org_platform_tiers ORDER BY display_order;

ROLLBACK;
