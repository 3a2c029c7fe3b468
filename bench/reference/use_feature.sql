-- Plain PL/pgSQL reference of use_feature (src/feature_use.c, docs/entitlements.md "Using a
-- feature"), written from the rule, not from the C code:
--   granted (innotrue_ref.resolve_entitlements: deny wins) else 42501;
--   the feature's service = its one active credit service linked to no track (two: 55000);
--   limit L, U counted this month: included = least(q, greatest(L - U, 0)), the rest charged;
--   no limit: everything charged when there is a service, else everything included;
--   uses to charge without a service: 54000; the charge is innotrue_ref.deduct_credits;
--   an idempotency key covers the whole call.
-- Used by test/differential/use_feature and by bench/scripts/use_feature_*.sql. Not part of the
-- extension: load it after bench/reference/entitlements.sql and bench/reference/credits.sql.

CREATE SCHEMA IF NOT EXISTS innotrue_ref;
DROP FUNCTION IF EXISTS innotrue_ref.use_feature(uuid, text, integer, text, text);

CREATE FUNCTION innotrue_ref.use_feature(p_user uuid, p_feature text, p_quantity integer DEFAULT 1,
                                         p_key text DEFAULT NULL, p_reference text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
DECLARE
    v_request jsonb;
    stored record;
    fid uuid;
    ent record;
    services text[];
    svc text;
    ps date;
    v_used integer;
    inc integer;
    chg integer;
    d jsonb;
    v_result jsonb;
BEGIN
    IF p_user IS NULL OR p_feature IS NULL OR p_quantity IS NULL THEN
        RAISE EXCEPTION 'argument must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_key IS NOT NULL THEN
        v_request := jsonb_build_object('feature', p_feature, 'quantity', p_quantity, 'reference', p_reference);
        INSERT INTO innotrue.credit_idempotency_keys (operation, owner_id, idempotency_key, request)
        VALUES ('use_feature', p_user, p_key, v_request) ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            SELECT k.request = v_request AS same, k.result INTO stored
              FROM innotrue.credit_idempotency_keys k
             WHERE k.operation = 'use_feature' AND k.owner_id = p_user AND k.idempotency_key = p_key;
            IF NOT stored.same THEN
                RAISE EXCEPTION 'idempotency key % was already used for another request', p_key
                    USING ERRCODE = 'unique_violation';
            END IF;
            RETURN stored.result;
        END IF;
    END IF;
    fid := innotrue_ref.feature_id(p_feature);
    IF p_quantity <= 0 THEN
        RAISE EXCEPTION 'quantity must be positive' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO ent FROM innotrue_ref.resolve_entitlements(p_user, now(), fid) r WHERE r.feature_key = p_feature;
    IF NOT FOUND OR NOT ent.enabled THEN
        RAISE EXCEPTION 'feature "%" is not granted', p_feature USING ERRCODE = 'insufficient_privilege';
    END IF;
    services := ARRAY(SELECT s.key FROM innotrue.credit_services s
                       WHERE s.feature_id = fid AND s.track_id IS NULL AND s.is_active ORDER BY s.key);
    IF cardinality(services) > 1 THEN
        RAISE EXCEPTION 'feature "%" has more than one active credit service', p_feature
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    svc := services[1];
    ps := innotrue_ref.period_start(now());
    v_used := coalesce((SELECT u.used FROM innotrue.feature_usage u
                         WHERE u.user_id = p_user AND u.feature_id = fid AND u.period_start = ps), 0);
    IF ent.limit_value IS NULL THEN
        inc := CASE WHEN svc IS NULL THEN p_quantity ELSE 0 END;
    ELSE
        inc := least(p_quantity, greatest(ent.limit_value - v_used, 0));
    END IF;
    chg := p_quantity - inc;
    IF chg > 0 AND svc IS NULL THEN
        RAISE EXCEPTION 'monthly limit of feature "%" would be exceeded', p_feature
            USING ERRCODE = 'program_limit_exceeded';
    END IF;
    IF inc > 0 THEN
        INSERT INTO innotrue.feature_usage AS u (user_id, feature_id, period_start, used)
        VALUES (p_user, fid, ps, inc)
        ON CONFLICT (user_id, feature_id, period_start) DO UPDATE SET used = u.used + excluded.used
        RETURNING u.used INTO v_used;
    END IF;
    IF chg > 0 THEN
        d := innotrue_ref.deduct_credits(p_user, svc, chg, NULL,
                                         jsonb_build_object('use_feature', p_feature)
                                         || CASE WHEN p_reference IS NULL THEN '{}'::jsonb
                                                 ELSE jsonb_build_object('reference', p_reference) END);
    END IF;
    v_result := jsonb_build_object(
        'feature_key', p_feature, 'quantity', p_quantity, 'included', inc, 'charged', chg,
        'service_key', CASE WHEN chg > 0 THEN svc END, 'cost', coalesce((d ->> 'cost')::bigint, 0),
        'deduction_id', d -> 'deduction_id', 'limit', ent.limit_value, 'used', v_used,
        'remaining', CASE WHEN ent.limit_value IS NOT NULL THEN greatest(ent.limit_value - v_used, 0) END,
        'period_start', ps);
    IF p_key IS NOT NULL THEN
        UPDATE innotrue.credit_idempotency_keys SET result = v_result
         WHERE operation = 'use_feature' AND owner_id = p_user AND idempotency_key = p_key;
    END IF;
    RETURN v_result;
END
$$;
