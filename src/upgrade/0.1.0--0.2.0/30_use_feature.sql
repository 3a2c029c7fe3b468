-- innotrue 0.2.0, issue 20 item 1: use_feature, one call that meters and charges a use of a feature
-- (src/feature_use.c; rule and examples in docs/entitlements.md "Using a feature" and docs/credits.md).

-- A keyed use_feature keeps its request and result with the credit operations' keys.
ALTER TABLE innotrue.credit_idempotency_keys
    DROP CONSTRAINT credit_idempotency_keys_operation_check;
ALTER TABLE innotrue.credit_idempotency_keys
    ADD CONSTRAINT credit_idempotency_keys_operation_check CHECK (operation IN ('deduct', 'reserve', 'use_feature'));
COMMENT ON TABLE innotrue.credit_idempotency_keys IS
    'The request and outcome of each deduct_credits / reserve_credits / use_feature call made with an idempotency key: a repeat with the same request returns the stored outcome, a repeat with another request is refused. The row is written in the same transaction as the spend, so a rolled-back spend leaves no key behind.';

CREATE FUNCTION innotrue.use_feature(user_id uuid, feature_key text, quantity integer DEFAULT 1,
                                     idempotency_key text DEFAULT NULL, reference text DEFAULT NULL)
RETURNS jsonb
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_use_feature';
COMMENT ON FUNCTION innotrue.use_feature(uuid, text, integer, text, text) IS
    'Uses quantity units of a feature the user is granted, all or nothing: uses within the month''s limit are counted in feature_usage (no credits); uses beyond it, or every use of a feature granted without a limit whose credit service is active, are charged through that service (deduct_credits'' price and spend, reference {"use_feature", "reference"}). Returns {feature_key, quantity, included, charged, service_key, cost, deduction_id, limit, used, remaining, period_start}. Same idempotency_key and request = the first result. Errors: NULL argument 22004, quantity <= 0 22023, unknown feature 42704, not granted or denied 42501, uses to charge but no credit service 54000, two credit services 55000, another request under the key 23505, shortfall 23514, AI cap 53400.';

CREATE FUNCTION innotrue.my_use_feature(feature_key text, quantity integer DEFAULT 1,
                                        idempotency_key text DEFAULT NULL, reference text DEFAULT NULL)
RETURNS jsonb
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_my_use_feature';
COMMENT ON FUNCTION innotrue.my_use_feature(text, integer, text, text) IS
    'use_feature for innotrue.current_user_id(): the signed-in user uses a feature she is granted, paying with her own credits. Errors as use_feature; anonymous caller 42501.';

CREATE FUNCTION innotrue.feature_use_quote(user_id uuid, feature_key text, quantity integer DEFAULT 1,
                                           at timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE C STABLE PARALLEL RESTRICTED STRICT
AS 'MODULE_PATHNAME', 'innotrue_feature_use_quote';
COMMENT ON FUNCTION innotrue.feature_use_quote(uuid, text, integer, timestamptz) IS
    'What use_feature would do for quantity uses as of at, changing nothing: {feature_key, granted} and, when granted, {quantity, included, charged, service_key, unit_cost (the user''s price, track prices applied), cost, refused (uses to charge but no service, or two services: then also problem), included_remaining (NULL = every use included)}. Errors: quantity <= 0 22023, unknown feature 42704.';

REVOKE ALL ON FUNCTION innotrue.use_feature(uuid, text, integer, text, text),
                       innotrue.my_use_feature(text, integer, text, text),
                       innotrue.feature_use_quote(uuid, text, integer, timestamptz) FROM PUBLIC;

-- explain_entitlement gains two keys (the others are unchanged): included_remaining and next_use,
-- feature_use_quote's answer for one use.
CREATE OR REPLACE FUNCTION innotrue.explain_entitlement(user_id uuid, feature_key text, at timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE sql
STABLE PARALLEL RESTRICTED STRICT
AS $$
    SELECT jsonb_build_object(
        'user_id', explain_entitlement.user_id,
        'feature_key', explain_entitlement.feature_key,
        'feature_active', (SELECT f.is_active FROM innotrue.features f WHERE f.key = explain_entitlement.feature_key),
        'enabled', coalesce(r.enabled, false),
        'limit', CASE WHEN r.denied OR r.enabled IS NULL THEN to_jsonb(0) ELSE to_jsonb(r.limit_value) END,
        'unlimited', coalesce(r.enabled AND r.limit_value IS NULL, false),
        'winner', r.source,
        'denied', coalesce(r.denied, false),
        'deny', (SELECT jsonb_agg(jsonb_build_object('source', s.source, 'via', s.via, 'via_key', s.via_key,
                                                     'detail', s.detail)
                                  ORDER BY s.source, s.via_key)
                   FROM innotrue.entitlement_sources(explain_entitlement.user_id, explain_entitlement.feature_key,
                                                     explain_entitlement.at) s
                  WHERE s.effect = 'deny' AND s.ignored_reason IS NULL),
        'sources', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                        'source', s.source, 'via', s.via, 'via_key', s.via_key, 'detail', s.detail,
                                        'limit', s.limit_value, 'effect', s.effect,
                                        'counted', s.ignored_reason IS NULL, 'ignored_reason', s.ignored_reason)
                                    ORDER BY s.source, s.via_key, s.detail)
                               FROM innotrue.entitlement_sources(explain_entitlement.user_id,
                                                                 explain_entitlement.feature_key,
                                                                 explain_entitlement.at) s), '[]'::jsonb),
        'used', coalesce(r.used, 0),
        'remaining', CASE WHEN r.denied OR r.enabled IS NULL THEN to_jsonb(0) ELSE to_jsonb(r.remaining) END,
        'period_start', p.period_start,
        'next_reset', p.next_reset,
        'included_remaining', CASE WHEN q.granted THEN q.quote -> 'included_remaining' ELSE to_jsonb(0) END,
        'next_use', CASE WHEN q.granted THEN q.quote - 'feature_key' - 'granted' - 'quantity' - 'included_remaining'
                    ELSE 'null'::jsonb END)
      FROM innotrue.usage_period(explain_entitlement.at) p
      LEFT JOIN innotrue.resolve_entitlement(explain_entitlement.user_id, explain_entitlement.feature_key,
                                             explain_entitlement.at) r ON true
      CROSS JOIN LATERAL (SELECT x.quote, (x.quote ->> 'granted')::boolean AS granted
                            FROM innotrue.feature_use_quote(explain_entitlement.user_id, explain_entitlement.feature_key,
                                                            1, explain_entitlement.at) AS x (quote)) q
$$;
COMMENT ON FUNCTION innotrue.explain_entitlement(uuid, text, timestamptz) IS
    'Why a user has or lacks a feature, as JSON: every source considered (what it grants, its limit, whether it counted and why not), the deny if any, the winner, the merged limit, usage this month and the next reset; included_remaining (uses use_feature would still count without credits, NULL = all) and next_use (feature_use_quote for one use: included, charged, service_key, unit_cost, cost, refused; null when not granted). Unknown feature key: error 42704.';
ALTER FUNCTION innotrue.explain_entitlement(text) PARALLEL RESTRICTED;

-- Who may call them (docs/security.md). The quote is decided like explain_entitlement's service
-- form, which shows it; the user forms of explain run as the owner.
INSERT INTO innotrue.privilege_decisions (object_type, object_name, user_may, service_may, administrator_may, doc, reason)
VALUES ('function', 'use_feature(uuid, text, integer, text, text)', '{}', '{execute}', '{}', 'docs/entitlements.md',
        'counts and charges any user''s use: the backend that delivers the feature'),
       ('function', 'my_use_feature(text, integer, text, text)', '{execute}', '{}', '{}', 'docs/entitlements.md',
        'current user only'),
       ('function', 'feature_use_quote(uuid, text, integer, timestamp with time zone)', '{}', '{execute}', '{execute}',
        'docs/entitlements.md', 'answers for any user');
