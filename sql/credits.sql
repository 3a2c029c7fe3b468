-- Credit operations (src/credits.c): grants, consumption order, all or nothing, idempotency,
-- track prices, plan allowance, refunds, AI cap, low-balance notification, bad input.
-- Holds and enrollment are in credits_holds.sql and credits_enroll.sql.
\set ON_ERROR_ROLLBACK on
BEGIN;
\i sql/credits_helpers.psql

CREATE FUNCTION pg_temp.ledger_rows() RETURNS bigint LANGUAGE sql STABLE
AS $$ SELECT count(*) FROM innotrue.credit_ledger $$;

-- Fixtures: a1 on free (20 credits a month), a2 on programs (no allowance), an organization.
INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT v.id::uuid, v.email, p.id
  FROM (VALUES ('00000000-0000-0000-0000-0000000000a1', 'a1@example.com', 'free'),
               ('00000000-0000-0000-0000-0000000000a2', 'a2@example.com', 'programs')) AS v (id, email, plan_key)
  JOIN innotrue.plans p ON p.key = v.plan_key;
INSERT INTO innotrue.organizations (id, name, slug) VALUES ('00000000-0000-0000-0000-0000000000b1', 'Acme', 'acme');

-- The plan allowance appears on first use in a month, once, for the month in the platform time zone.
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000a1');
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000a1');
SELECT source, amount, remaining,
       period_start = date_trunc('month', now() AT TIME ZONE 'Europe/Berlin')::date AS this_month,
       expires_at = (period_start + interval '1 month')::timestamp AT TIME ZONE 'Europe/Berlin' AS ends_at_month_end
  FROM innotrue.credit_batches WHERE user_id = '00000000-0000-0000-0000-0000000000a1';
SELECT entry_type, amount FROM innotrue.credit_ledger WHERE user_id = '00000000-0000-0000-0000-0000000000a1';
-- No allowance, no batch.
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000a2');

-- Grants: users and organizations; a repeated key returns the first batch; another request is refused.
SELECT pg_temp.lbl(innotrue.grant_credits('00000000-0000-0000-0000-0000000000a1', 30, 'purchase', now() + interval '60 days', 'buy_late'));
SELECT pg_temp.lbl(innotrue.grant_credits('00000000-0000-0000-0000-0000000000a1', 10, 'purchase', now() + interval '10 days', 'buy_soon'));
SELECT pg_temp.lbl(innotrue.grant_credits('00000000-0000-0000-0000-0000000000a1', 50, 'grant', NULL, 'gift_forever'));
SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000a1', 30, 'purchase', now() + interval '60 days', 'buy_late')
     = (SELECT id FROM innotrue.credit_batches WHERE idempotency_key = 'buy_late') AS same_batch;
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000a1', 31, 'purchase', now() + interval '60 days', 'buy_late')$$);
SELECT pg_temp.lbl(innotrue.grant_credits('00000000-0000-0000-0000-0000000000b1', 1000, 'org_purchase', NULL, 'acme_pool'));
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000b1');
-- Bad grants.
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000ff', 10, 'grant')$$);
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000a1', 0, 'grant')$$);
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000a1', 10, 'gift')$$);
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000a1', 10, 'plan_allowance')$$);
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000a1', 10, 'grant', now() - interval '1 day')$$);
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000b1', 10, 'purchase')$$);
SELECT pg_temp.err($$SELECT innotrue.grant_credits(NULL, 10, 'grant')$$);
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000a1');

-- Consumption order: plan allowance, then the earliest expiry, no expiry last.
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'workshop', 5));    -- 15
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'workshop', 2));    -- 6
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'coaching_session', 4)); -- 40
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000a1');
-- Then oldest first at equal expiry (direct inserts: grant_credits stamps now()).
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, idempotency_key, created_at)
VALUES ('00000000-0000-0000-0000-0000000000a2', 'grant', 5, 5, 'newer', now() - interval '1 day'),
       ('00000000-0000-0000-0000-0000000000a2', 'grant', 5, 5, 'older', now() - interval '2 days'),
       ('00000000-0000-0000-0000-0000000000a2', 'grant', 5, 5, 'gone', now() - interval '3 days');
INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount)
SELECT id, 'grant', amount FROM innotrue.credit_batches WHERE user_id = '00000000-0000-0000-0000-0000000000a2';
-- An expired batch is never spent (its expiry passed before this transaction).
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, idempotency_key, created_at, expires_at)
VALUES ('00000000-0000-0000-0000-0000000000a2', 'grant', 50, 50, 'expired', now() - interval '3 days', now() - interval '1 day');
INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount)
SELECT id, 'grant', amount FROM innotrue.credit_batches WHERE idempotency_key = 'expired';
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a2', 'goal_creation', 4));  -- 8 of 15
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000a2');

-- All or nothing: a shortfall names available and needed and changes nothing.
SELECT pg_temp.ledger_rows() AS ledger_before \gset
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a2', 'coaching_session')$$);
SELECT pg_temp.ledger_rows() = :ledger_before AS ledger_unchanged, pg_temp.bal('00000000-0000-0000-0000-0000000000a2');

-- Bad input: clear errors, nothing changed.
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'no_such_service')$$);
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'workshop', 0)$$);
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'workshop', -3)$$);
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000ff', 'workshop')$$);
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', NULL)$$);
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'workshop', 1, NULL, '[1]')$$);
UPDATE innotrue.credit_services SET is_active = false WHERE key = 'peer_coaching';
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'peer_coaching')$$);
SELECT pg_temp.ledger_rows() = :ledger_before AS ledger_unchanged;

-- Idempotency: the same key and request returns the first result and spends nothing more;
-- the same key with another request is refused.
SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'workshop', 1, 'req-1', '{"session": "s1"}') AS first \gset
SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'workshop', 1, 'req-1', '{"session": "s1"}') = :'first'::jsonb AS same_result;
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'workshop', 2, 'req-1', '{"session": "s1"}')$$);
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'workshop', 1, 'req-1', '{"session": "s2"}')$$);
SELECT count(*) AS deductions_with_key FROM innotrue.credit_ledger WHERE deduction_id = (:'first'::jsonb->>'deduction_id')::uuid;
-- Keys are per user: another user may use the same key.
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a2', 'workshop', 1, 'req-1'));
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000a1');

-- Track prices: members of an active track pay the lowest applicable price.
INSERT INTO innotrue.credit_service_track_prices (credit_service_id, track_id, credit_cost)
SELECT s.id, t.id, v.cost FROM (VALUES ('cta', 7), ('leadership', 4)) AS v (track, cost)
  JOIN innotrue.tracks t ON t.key = v.track JOIN innotrue.credit_services s ON s.key = 'coaching_session';
INSERT INTO innotrue.user_tracks (user_id, track_id)
SELECT '00000000-0000-0000-0000-0000000000a1', id FROM innotrue.tracks WHERE key = 'cta';
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'coaching_session', 2)); -- 2 x 7
INSERT INTO innotrue.user_tracks (user_id, track_id, is_active)
SELECT '00000000-0000-0000-0000-0000000000a1', id, false FROM innotrue.tracks WHERE key = 'leadership';
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'coaching_session'));    -- inactive membership: 7
UPDATE innotrue.user_tracks SET is_active = true WHERE track_id = (SELECT id FROM innotrue.tracks WHERE key = 'leadership');
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'coaching_session'));    -- lowest: 4
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000a1');

-- Refunds: exact reversal to the original batches, once.
SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'workshop', 4) AS d \gset
SELECT pg_temp.show(:'d');
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000a1');
SELECT (innotrue.refund_credits((:'d'::jsonb->>'deduction_id')::uuid))->>'refunded' AS refunded;
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000a1');
SELECT pg_temp.lbl(batch_id), entry_type, amount FROM innotrue.credit_ledger
 WHERE deduction_id = (:'d'::jsonb->>'deduction_id')::uuid ORDER BY entry_type, 1;
SELECT pg_temp.err(format('SELECT innotrue.refund_credits(%L)', :'d'::jsonb->>'deduction_id'));
SELECT pg_temp.err($$SELECT innotrue.refund_credits('00000000-0000-0000-0000-0000000000ff')$$);

-- Platform AI cap: the month's ai-category spend stays within ai_monthly_credit_limit.
UPDATE innotrue.system_settings SET value = '3' WHERE key = 'ai_monthly_credit_limit';
SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'ai_coach_query', 2) AS ai \gset
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'ai_insight', 2)$$);
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'ai_insight', 5)$$);
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a2', 'ai_insight', 1));
SELECT used FROM innotrue.credit_ai_usage WHERE period_start = date_trunc('month', now() AT TIME ZONE 'Europe/Berlin')::date;
SELECT innotrue.refund_credits((:'ai'::jsonb->>'deduction_id')::uuid) IS NOT NULL AS refunded;
SELECT used FROM innotrue.credit_ai_usage WHERE period_start = date_trunc('month', now() AT TIME ZONE 'Europe/Berlin')::date;
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'ai_insight', 2));
-- Non-AI services do not count.
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'goal_creation'));

-- Low balance: one credits_low notification per crossing below credits_low_threshold (10). The
-- refund test above crossed once already (21 -> 9, then back to 21).
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000a1');
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'workshop', 2));     -- 17 -> 11
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'goal_creation'));   -- 11 -> 9: crossing
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'goal_creation'));   -- 9 -> 7: no new one
SELECT pg_temp.lbl(innotrue.grant_credits('00000000-0000-0000-0000-0000000000a1', 20, 'grant', now() + interval '100 days', 'top_up'));
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000a1', 'coaching_session', 5)); -- 27 -> 7: crossing
SELECT n.payload FROM innotrue.notifications n JOIN innotrue.notification_types t ON t.id = n.type_id
 WHERE t.key = 'credits_low' AND n.user_id = '00000000-0000-0000-0000-0000000000a1' ORDER BY n.payload->>'available';

-- Application roles cannot write the credit tables.
CREATE ROLE credits_test_app;
GRANT USAGE ON SCHEMA innotrue TO credits_test_app;
SET ROLE credits_test_app;
SELECT pg_temp.err($$INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining) VALUES ('00000000-0000-0000-0000-0000000000a1', 'grant', 5, 5)$$);
SELECT pg_temp.err($$UPDATE innotrue.credit_batches SET remaining = 1000$$);
SELECT pg_temp.err($$INSERT INTO innotrue.credit_deductions (user_id, kind, quantity, cost, batches) VALUES ('00000000-0000-0000-0000-0000000000a1', 'service', 1, 0, '[]')$$);
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000a1', 10, 'grant')$$);
RESET ROLE;

-- Every batch still satisfies remaining = sum(ledger) and the other rules.
SELECT count(*) AS invariant_violations FROM innotrue.check_credit_invariants();
ROLLBACK;
