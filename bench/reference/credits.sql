-- Plain SQL / PL/pgSQL reference of the credit rules implemented in C by src/credits.c
-- (docs/credits.md). It works on the same innotrue tables and follows the same rules:
--   cost = lowest of the standard and the user's active-track prices x quantity;
--   order = plan allowance, program allowance, the rest; earliest expiry first (none last);
--           oldest first; then batch id; expired batches never;
--   all or nothing; idempotency keys; lazy monthly plan allowance; lazy hold expiry;
--   AI monthly cap; one credits_low notification per crossing.
-- Used by test/differential/credits (identical batch choices) and by the bench scripts
-- (bench/scripts/credits_deduct_ref.sql). Not part of the extension: load it with
--   psql -f bench/reference/credits.sql
-- into a database where the extension is installed.

-- The schema is shared with the other references: create it if needed, replace only our functions.
CREATE SCHEMA IF NOT EXISTS innotrue_ref;
DROP FUNCTION IF EXISTS innotrue_ref.deduct_credits(uuid, text, integer, text, jsonb);
DROP FUNCTION IF EXISTS innotrue_ref.credit_balance(uuid);

CREATE FUNCTION innotrue_ref.deduct_credits(p_user uuid, p_service text, p_quantity integer DEFAULT 1,
                                            p_key text DEFAULT NULL, p_reference jsonb DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
DECLARE
    tz text := coalesce((SELECT value #>> '{}' FROM innotrue.system_settings WHERE key = 'default_timezone'), 'UTC');
    ai_limit bigint := coalesce((SELECT (value #>> '{}')::bigint FROM innotrue.system_settings WHERE key = 'ai_monthly_credit_limit'), -1);
    low bigint := coalesce((SELECT (value #>> '{}')::bigint FROM innotrue.system_settings WHERE key = 'credits_low_threshold'), -1);
    allowance integer;
    svc record;
    unit bigint;
    v_cost bigint;
    v_request jsonb;
    stored record;
    avail bigint;
    need bigint;
    b record;
    take bigint;
    ids uuid[] := '{}';
    amts bigint[] := '{}';
    v_ai_period date;
    h record;
    d_id uuid;
    v_result jsonb;
BEGIN
    SELECT pl.credit_allowance INTO allowance
      FROM innotrue.profiles p JOIN innotrue.plans pl ON pl.id = p.plan_id WHERE p.id = p_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown user %', p_user USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF p_key IS NOT NULL THEN
        v_request := jsonb_build_object('service', p_service, 'quantity', p_quantity, 'reference', p_reference);
        INSERT INTO innotrue.credit_idempotency_keys (operation, owner_id, idempotency_key, request)
        VALUES ('deduct', p_user, p_key, v_request) ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            SELECT k.request = v_request AS same, k.result INTO stored
              FROM innotrue.credit_idempotency_keys k
             WHERE k.operation = 'deduct' AND k.owner_id = p_user AND k.idempotency_key = p_key;
            IF NOT stored.same THEN
                RAISE EXCEPTION 'idempotency key % was already used for another request', p_key
                    USING ERRCODE = 'unique_violation';
            END IF;
            RETURN stored.result;
        END IF;
    END IF;

    -- Lazy plan allowance for this month in the platform time zone.
    IF allowance > 0 THEN
        WITH per AS (SELECT date_trunc('month', now() AT TIME ZONE tz)::date AS ps),
        nb AS (INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, period_start, expires_at)
               SELECT p_user, 'plan_allowance', allowance, allowance, ps, (ps + interval '1 month')::timestamp AT TIME ZONE tz FROM per
               ON CONFLICT (user_id, period_start) WHERE source = 'plan_allowance' DO NOTHING RETURNING id, amount)
        INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount) SELECT id, 'grant', amount FROM nb;
    END IF;

    -- Lazy hold expiry.
    FOR h IN SELECT ch.id, ch.batches, ch.ai_period, ch.cost FROM innotrue.credit_holds ch
              WHERE ch.user_id = p_user AND ch.status = 'held' AND ch.expires_at <= now() ORDER BY ch.id FOR UPDATE
    LOOP
        PERFORM 1 FROM innotrue.credit_batches
          WHERE id IN (SELECT (e->>'batch_id')::uuid FROM jsonb_array_elements(h.batches) e) ORDER BY id FOR UPDATE;
        UPDATE innotrue.credit_batches cb SET remaining = cb.remaining + (e->>'amount')::bigint
          FROM jsonb_array_elements(h.batches) e WHERE cb.id = (e->>'batch_id')::uuid;
        INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount, deduction_id)
        SELECT (e->>'batch_id')::uuid, 'release', (e->>'amount')::bigint, h.id FROM jsonb_array_elements(h.batches) e;
        IF h.ai_period IS NOT NULL THEN
            UPDATE innotrue.credit_ai_usage SET used = greatest(used - h.cost, 0) WHERE period_start = h.ai_period;
        END IF;
        UPDATE innotrue.credit_holds SET status = 'expired' WHERE id = h.id;
    END LOOP;

    IF p_quantity <= 0 THEN
        RAISE EXCEPTION 'quantity of service % must be positive', p_service USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT s.id, s.category, s.is_active, s.credit_cost INTO svc FROM innotrue.credit_services s WHERE s.key = p_service;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown credit service %', p_service USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF NOT svc.is_active THEN
        RAISE EXCEPTION 'credit service % is not active', p_service USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT LEAST(svc.credit_cost, min(tp.credit_cost)) INTO unit
      FROM innotrue.credit_service_track_prices tp
      JOIN innotrue.user_tracks ut ON ut.track_id = tp.track_id
      JOIN innotrue.tracks t ON t.id = tp.track_id
     WHERE tp.credit_service_id = svc.id AND ut.user_id = p_user AND ut.is_active AND t.is_active;
    v_cost := unit * p_quantity;

    -- Lock the spendable batches in id order, then walk them in consumption order.
    PERFORM 1 FROM innotrue.credit_batches
      WHERE user_id = p_user AND remaining > 0 AND (expires_at IS NULL OR expires_at > now())
      ORDER BY id FOR UPDATE;
    SELECT coalesce(sum(remaining), 0) INTO avail FROM innotrue.credit_batches
     WHERE user_id = p_user AND remaining > 0 AND (expires_at IS NULL OR expires_at > now());
    IF avail < v_cost THEN
        RAISE EXCEPTION 'insufficient credits for %', p_service USING ERRCODE = 'check_violation',
            DETAIL = format('Available %s, needed %s, short by %s.', avail, v_cost, v_cost - avail);
    END IF;
    need := v_cost;
    FOR b IN SELECT id, remaining FROM innotrue.credit_batches
              WHERE user_id = p_user AND remaining > 0 AND (expires_at IS NULL OR expires_at > now())
              ORDER BY CASE source WHEN 'plan_allowance' THEN 0 WHEN 'program_allowance' THEN 1 ELSE 2 END,
                       expires_at NULLS LAST, created_at, id
    LOOP
        EXIT WHEN need = 0;
        take := least(b.remaining, need);
        ids := ids || b.id;
        amts := amts || take;
        need := need - take;
    END LOOP;

    IF svc.category = 'ai' THEN
        IF ai_limit >= 0 AND v_cost > ai_limit THEN
            RAISE EXCEPTION 'platform monthly AI credit limit reached' USING ERRCODE = 'configuration_limit_exceeded';
        END IF;
        INSERT INTO innotrue.credit_ai_usage AS x (period_start, used)
        VALUES (date_trunc('month', now() AT TIME ZONE tz)::date, v_cost)
        ON CONFLICT (period_start) DO UPDATE SET used = x.used + EXCLUDED.used
         WHERE ai_limit < 0 OR x.used + EXCLUDED.used <= ai_limit
        RETURNING period_start INTO v_ai_period;
        IF v_ai_period IS NULL THEN
            RAISE EXCEPTION 'platform monthly AI credit limit reached' USING ERRCODE = 'configuration_limit_exceeded';
        END IF;
    END IF;

    INSERT INTO innotrue.credit_deductions (user_id, kind, credit_service_id, quantity, cost, batches, ai_period, reference)
    VALUES (p_user, 'service', svc.id, p_quantity, v_cost,
            coalesce((SELECT jsonb_agg(jsonb_build_object('batch_id', t.i, 'amount', t.a) ORDER BY t.o)
                        FROM unnest(ids, amts) WITH ORDINALITY AS t (i, a, o)), '[]'),
            v_ai_period, p_reference)
    RETURNING id, jsonb_build_object('deduction_id', id, 'cost', v_cost, 'batches', batches) INTO d_id, v_result;
    UPDATE innotrue.credit_batches cb SET remaining = cb.remaining - t.a
      FROM unnest(ids, amts) AS t (i, a) WHERE cb.id = t.i;
    INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount, deduction_id, reference)
    SELECT t.i, 'deduct', -t.a, d_id, p_reference FROM unnest(ids, amts) AS t (i, a);

    IF low >= 0 AND avail >= low AND avail - v_cost < low THEN
        PERFORM innotrue.notify(p_user, 'credits_low', jsonb_build_object('available', avail - v_cost, 'threshold', low));
    END IF;
    IF p_key IS NOT NULL THEN
        UPDATE innotrue.credit_idempotency_keys SET result = v_result
         WHERE operation = 'deduct' AND owner_id = p_user AND idempotency_key = p_key;
    END IF;
    RETURN v_result;
END
$$;
COMMENT ON FUNCTION innotrue_ref.deduct_credits(uuid, text, integer, text, jsonb) IS
    'PL/pgSQL reference of innotrue.deduct_credits (same rules, same tables); for differential tests and benchmarks.';

CREATE FUNCTION innotrue_ref.credit_balance(p_user uuid)
RETURNS TABLE (available bigint, held bigint)
LANGUAGE sql STABLE
AS $$
    SELECT (SELECT coalesce(sum(remaining), 0)::bigint FROM innotrue.credit_batches
             WHERE user_id = p_user AND remaining > 0 AND (expires_at IS NULL OR expires_at > now())),
           (SELECT coalesce(sum(cost), 0)::bigint FROM innotrue.credit_holds WHERE user_id = p_user AND status = 'held')
$$;
COMMENT ON FUNCTION innotrue_ref.credit_balance(uuid) IS
    'Reference balance: live batches and open holds (no lazy allowance or hold expiry).';
