-- Input limits (src/input_limits.h, docs/input-limits.md): every refused input is an error
-- naming the argument (22023, 22003 or 22008), names no internal table or row, and changes nothing
-- (pg_temp.state() before and after). Each bound is also shown accepted at its edge.
\set ON_ERROR_ROLLBACK on
BEGIN;
SET LOCAL TimeZone = 'UTC';
\i sql/credits_helpers.psql

-- Fixtures: u1 on advanced (session_review_board unlimited), an organization.
INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT v.id::uuid, v.email, p.id
  FROM (VALUES ('00000000-0000-0000-0000-0000000000e1', 'e1@example.com', 'advanced'),
               ('00000000-0000-0000-0000-0000000000e2', 'e2@example.com', 'free')) AS v (id, email, plan_key)
  JOIN innotrue.plans p ON p.key = v.plan_key;
INSERT INTO innotrue.organizations (id, name, slug) VALUES ('00000000-0000-0000-0000-0000000000e9', 'Limits', 'limits');

-- Everything a refused call could have touched, in one line.
CREATE FUNCTION pg_temp.state() RETURNS text LANGUAGE sql VOLATILE AS $$
SELECT format('batches %s/%s ledger %s deductions %s holds %s keys %s usage %s notifications %s outbox %s interest %s enrollments %s notices %s',
    (SELECT count(*) FROM innotrue.credit_batches), (SELECT coalesce(sum(remaining), 0) FROM innotrue.credit_batches),
    (SELECT count(*) FROM innotrue.credit_ledger), (SELECT count(*) FROM innotrue.credit_deductions),
    (SELECT count(*) FROM innotrue.credit_holds), (SELECT count(*) FROM innotrue.credit_idempotency_keys),
    (SELECT coalesce(sum(used), 0) FROM innotrue.feature_usage), (SELECT count(*) FROM innotrue.notifications),
    (SELECT count(*) FROM innotrue.email_outbox),
    (SELECT coalesce(string_agg(status || coalesce(contacted_at::text, '-'), ','), '-') FROM innotrue.assessment_interest_registrations),
    (SELECT count(*) FROM innotrue.client_enrollments), (SELECT count(*) FROM innotrue.credit_expiry_notices))
$$;
-- A key or name of n characters.
CREATE FUNCTION pg_temp.k(n integer, c text DEFAULT 'k') RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT repeat(c, n) $$;
-- A JSON object taking exactly n bytes as JSON text ({"k": "xx...x"} is 9 bytes plus the x's).
CREATE FUNCTION pg_temp.obj(n integer) RETURNS jsonb LANGUAGE sql IMMUTABLE
AS $$ SELECT jsonb_build_object('k', repeat('x', n - 9)) $$;
SELECT octet_length(pg_temp.obj(8192)::text) AS obj_8192, octet_length(pg_temp.obj(8193)::text) AS obj_8193;

SELECT pg_temp.lbl(innotrue.grant_credits('00000000-0000-0000-0000-0000000000e1', 1000, 'purchase', NULL, 'start'));
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000e1');   -- also makes this month's plan allowance
SELECT pg_temp.state() AS before \gset

-- 1. Credit amounts. 2^63-1 used to be stored and then broke credit_balance (22003) and made
-- deduct_credits report a negative available total.
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000e1', 9223372036854775807, 'grant')$$);
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000e1', 1000000000001, 'grant')$$);
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000e9', 1000000000001, 'org_purchase')$$);
SELECT pg_temp.state() = :'before' AS nothing_changed;
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000e1');

-- 2. Idempotency keys: 1 to 200 characters, in grant, deduct and reserve. The empty key used to fail
-- inside an internal table's CHECK with the row in the detail; a 12 KB key failed with 54000.
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000e1', 5, 'grant', NULL, '')$$);
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000e1', 5, 'grant', NULL, pg_temp.k(201))$$);
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000e1', 'goal_creation', 1, '')$$);
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000e1', 'goal_creation', 1, pg_temp.k(12288))$$);
SELECT pg_temp.err($$SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000e1', 'goal_creation', 1, '15 minutes', '')$$);
SELECT pg_temp.err($$SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000e1', 'goal_creation', 1, '15 minutes', pg_temp.k(201, 'é'))$$);
-- service keys, sources, feature keys and tiers are names of the same bound
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000e1', pg_temp.k(10000))$$);
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000e1', 5, pg_temp.k(100000))$$);
SELECT pg_temp.err($$SELECT innotrue.record_feature_usage('00000000-0000-0000-0000-0000000000e1', pg_temp.k(100000))$$);
SELECT pg_temp.err($$SELECT innotrue.enroll_in_program('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-0000000000ff', '')$$);
SELECT pg_temp.err($$SELECT innotrue.sponsor_enrollment('00000000-0000-0000-0000-0000000000e9', '00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-0000000000ff', pg_temp.k(201))$$);
SELECT pg_temp.state() = :'before' AS nothing_changed;
-- at the edge: 200 characters (also of two bytes each) are accepted
SELECT pg_temp.lbl(innotrue.grant_credits('00000000-0000-0000-0000-0000000000e1', 5, 'grant', NULL, pg_temp.k(200))) = pg_temp.k(200) AS key_200;
SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000e1', 'goal_creation', 1, pg_temp.k(200, 'é')) ->> 'cost' AS cost_key_200_multibyte;

-- 3. Quantities: at most 1,000,000 units per call (deduct, reserve, record_feature_usage).
SELECT pg_temp.state() AS before \gset
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000e1', 'goal_creation', 1000001)$$);
SELECT pg_temp.err($$SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000e1', 'goal_creation', 2147483647)$$);
SELECT pg_temp.err($$SELECT innotrue.record_feature_usage('00000000-0000-0000-0000-0000000000e1', 'session_review_board', 1000001)$$);
SELECT pg_temp.state() = :'before' AS nothing_changed;
-- at the edge the quantity passes the check and meets the balance
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000e1', 'goal_creation', 1000000)$$);

-- 4. References and payloads: at most 8192 bytes as JSON text.
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000e1', 'goal_creation', 1, NULL, pg_temp.obj(8193))$$);
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000e1', 'goal_creation', 1, NULL,
                                                    jsonb_build_object('k', repeat('x', 10 * 1024 * 1024)))$$);
SELECT pg_temp.err($$SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000e1', 'goal_creation', 1, '15 minutes', NULL, pg_temp.obj(8193))$$);
SELECT pg_temp.err($$SELECT innotrue.notify('00000000-0000-0000-0000-0000000000e1', 'credits_expiring', pg_temp.obj(8193))$$);
SELECT pg_temp.err($$SELECT innotrue.queue_email('00000000-0000-0000-0000-0000000000e1', NULL, 'credits_expiring', pg_temp.obj(8193))$$);
SELECT pg_temp.state() = :'before' AS nothing_changed;
SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000e1', 'goal_creation', 1, NULL, pg_temp.obj(8192)) ->> 'cost' AS cost_reference_8192;
SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000e1', 'goal_creation', 1, '15 minutes', NULL, pg_temp.obj(8192)) IS NOT NULL AS held_reference_8192;
SELECT innotrue.notify('00000000-0000-0000-0000-0000000000e1', 'credits_expiring', pg_temp.obj(8192)) IS NOT NULL AS notified_8192;
SELECT innotrue.queue_email('00000000-0000-0000-0000-0000000000e1', NULL, 'credits_expiring', pg_temp.obj(8192)) IS NOT NULL AS queued_8192;

-- 5. Timestamps: finite, from 1900-01-01 to before 3000-01-01 (UTC).
SELECT pg_temp.state() AS before \gset
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000e1', 5, 'purchase', 'infinity')$$);
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000e1', 5, 'purchase', '3000-01-01 00:00+00')$$);
SELECT pg_temp.err($$SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000e1', 'goal_creation', 1, '2000 years')$$);
SELECT pg_temp.err($$SELECT innotrue.record_feature_usage('00000000-0000-0000-0000-0000000000e1', 'session_review_board', 1, 'infinity')$$);
SELECT pg_temp.err($$SELECT innotrue.record_feature_usage('00000000-0000-0000-0000-0000000000e1', 'session_review_board', 1, '-infinity')$$);
SELECT pg_temp.err($$SELECT innotrue.record_feature_usage('00000000-0000-0000-0000-0000000000e1', 'session_review_board', 1, '1899-12-31 23:59:59+00')$$);
SELECT pg_temp.err($$SELECT * FROM innotrue.usage_period('infinity')$$);
SELECT pg_temp.err($$SELECT * FROM innotrue.resolve_entitlements('00000000-0000-0000-0000-0000000000e1', 'infinity')$$);
SELECT pg_temp.err($$SELECT innotrue.explain_entitlement('00000000-0000-0000-0000-0000000000e1', 'goals', '50000-01-01')$$);
SELECT pg_temp.err($$SELECT innotrue.set_assessment_interest_status('00000000-0000-0000-0000-0000000000ff', 'contacted', NULL, 'infinity')$$);
SELECT pg_temp.err($$SELECT innotrue.queue_credit_expiry_notices('7 days', 'infinity')$$);
SELECT pg_temp.err($$SELECT innotrue.queue_credit_expiry_notices('7 days', '0001-01-01 00:00+00')$$);
SELECT pg_temp.state() = :'before' AS nothing_changed;
-- the edges
SELECT pg_temp.lbl(innotrue.grant_credits('00000000-0000-0000-0000-0000000000e1', 5, 'purchase', '2999-12-31 23:59:59+00', 'late')) AS grant_2999;
SELECT * FROM innotrue.usage_period('1900-01-01 00:00+00');
SELECT innotrue.record_feature_usage('00000000-0000-0000-0000-0000000000e1', 'session_review_board', 1, '2999-12-31 12:00+00') IS NULL AS unlimited_in_2999;

-- 6. An unlimited usage counter stops at the largest integer with a clear error (it used to fail in
-- the internal upsert), and records nothing.
UPDATE innotrue.feature_usage SET used = 2147483000
 WHERE user_id = '00000000-0000-0000-0000-0000000000e1' AND period_start = '2999-12-01';
SELECT pg_temp.state() AS before \gset
SELECT pg_temp.err($$SELECT innotrue.record_feature_usage('00000000-0000-0000-0000-0000000000e1', 'session_review_board', 1000, '2999-12-31 12:00+00')$$);
SELECT pg_temp.state() = :'before' AS nothing_changed;
SELECT innotrue.record_feature_usage('00000000-0000-0000-0000-0000000000e1', 'session_review_board', 647, '2999-12-31 12:00+00') IS NULL AS to_the_last;

-- 7. An owner's unspent credits stop at 10^15: the largest grants add up to exactly that, one more
-- credit is refused (and the refused grant leaves nothing), and every sum stays exact.
SELECT count(innotrue.grant_credits('00000000-0000-0000-0000-0000000000e9', 1000000000000, 'org_purchase'))
  FROM generate_series(1, 1000) AS big_grants;
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000e9');
SELECT pg_temp.state() AS before \gset
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000e9', 1, 'org_purchase')$$);
SELECT pg_temp.err($$SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000e9', 1, 'org_purchase', NULL, 'one_more')$$);
SELECT pg_temp.state() = :'before' AS nothing_changed;

-- 8. Checked sums in C: batches written around the functions (a restore, a manual fix) whose total
-- passes a bigint give a clear 22003, never a negative total.
SET session_replication_role = replica;   -- as a restore writes: the ledger's triggers do not fire
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining)
SELECT '00000000-0000-0000-0000-0000000000e2', 'grant', 4611686018427387904, 4611686018427387904
  FROM generate_series(1, 2);
RESET session_replication_role;
SELECT pg_temp.state() AS before \gset
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000e2', 'goal_creation')$$);
SELECT pg_temp.state() = :'before' AS nothing_changed;

ROLLBACK;
