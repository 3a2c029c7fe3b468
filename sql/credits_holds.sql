-- Credit holds (src/credits.c): reserve_credits, capture_hold, release_hold, expiry (lazy and
-- by release_expired_holds), refunds of captured holds, idempotent reservations.
\set ON_ERROR_ROLLBACK on
BEGIN;
\i sql/credits_helpers.psql

-- h1 has no plan allowance; 12 credits expiring in 2 hours and 20 that never expire.
INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT '00000000-0000-0000-0000-0000000000c1', 'c1@example.com', id FROM innotrue.plans WHERE key = 'programs';
SELECT pg_temp.lbl(innotrue.grant_credits('00000000-0000-0000-0000-0000000000c1', 12, 'grant', now() + interval '2 hours', 'short'));
SELECT pg_temp.lbl(innotrue.grant_credits('00000000-0000-0000-0000-0000000000c1', 20, 'grant', NULL, 'forever'));

-- A hold takes the credits out of the batches (available drops, held rises).
SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000c1', 'coaching_session', 1, '30 minutes', 'book-1',
                                '{"session": "s1"}') AS h1 \gset
SELECT status, cost, pg_temp.show(jsonb_build_object('cost', cost, 'batches', batches)) FROM innotrue.credit_holds WHERE id = :'h1';
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000c1');
-- Held credits cannot be spent again.
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000c1', 'review_board_mock', 2)$$);
-- The same key and request returns the same hold; another request with the key is refused.
SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000c1', 'coaching_session', 1, '30 minutes', 'book-1',
                                '{"session": "s1"}') = :'h1' AS same_hold;
SELECT pg_temp.err($$SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000c1', 'coaching_session', 1, '45 minutes', 'book-1', '{"session": "s1"}')$$);
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000c1');

-- Capture: the hold becomes the deduction with the same id; a second capture or a release is refused.
SELECT innotrue.capture_hold(:'h1') AS d1 \gset
SELECT (:'d1'::jsonb->>'deduction_id')::uuid = :'h1' AS same_id, pg_temp.show(:'d1');
SELECT status FROM innotrue.credit_holds WHERE id = :'h1';
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000c1');
SELECT pg_temp.err(format('SELECT innotrue.capture_hold(%L)', :'h1'));
SELECT pg_temp.err(format('SELECT innotrue.release_hold(%L)', :'h1'));
SELECT pg_temp.lbl(batch_id), entry_type, amount FROM innotrue.credit_ledger WHERE deduction_id = :'h1'
 ORDER BY entry_type, 1;
-- Refunding a captured hold gives the credits back to where they were held from.
SELECT (innotrue.refund_credits(:'h1'))->>'refunded' AS refunded;
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000c1');

-- Release: the credits come back; releasing twice is refused.
SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000c1', 'workshop', 2) AS h2 \gset
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000c1');
SELECT innotrue.release_hold(:'h2');
SELECT status FROM innotrue.credit_holds WHERE id = :'h2';
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000c1');
SELECT pg_temp.err(format('SELECT innotrue.release_hold(%L)', :'h2'));
SELECT pg_temp.err(format('SELECT innotrue.refund_credits(%L)', :'h2'));

-- A hold draws only from batches that outlive it: a 3-hour hold skips the batch expiring in 2 hours.
SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000c1', 'workshop', 1, '3 hours') AS h3 \gset
SELECT pg_temp.show(jsonb_build_object('cost', cost, 'batches', batches)) FROM innotrue.credit_holds WHERE id = :'h3';
SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000c1', 'workshop', 1, '1 hour') AS h4 \gset
SELECT pg_temp.show(jsonb_build_object('cost', cost, 'batches', batches)) FROM innotrue.credit_holds WHERE id = :'h4';
SELECT pg_temp.err($$SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000c1', 'workshop', 6, '3 hours')$$);

-- Bad input.
SELECT pg_temp.err($$SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000c1', 'workshop', 1, '0 seconds')$$);
SELECT pg_temp.err($$SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000c1', 'workshop', 1, '-5 minutes')$$);
SELECT pg_temp.err($$SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000c1', 'no_such_service')$$);
SELECT pg_temp.err($$SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000c1', 'workshop', 0)$$);
SELECT pg_temp.err($$SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000ff', 'workshop')$$);
SELECT pg_temp.err($$SELECT innotrue.capture_hold('00000000-0000-0000-0000-0000000000ff')$$);
SELECT pg_temp.err($$SELECT innotrue.release_hold('00000000-0000-0000-0000-0000000000ff')$$);
SELECT count(*) AS invariant_violations FROM innotrue.check_credit_invariants();
ROLLBACK;

-- Expiry needs the clock to move, so this part commits and removes its user at the end.
INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT '00000000-0000-0000-0000-0000000000c9', 'c9@example.com', id FROM innotrue.plans WHERE key = 'programs';
SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000c9', 10, 'grant') IS NOT NULL AS granted;
SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000c9', 'workshop', 2, '300 milliseconds') AS x1 \gset
SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000c9', 'workshop', 1, '300 milliseconds') AS x2 \gset
SELECT pg_sleep(0.4);
-- An expired hold cannot be captured or released (and the failed attempt changes nothing).
\set VERBOSITY sqlstate
SELECT innotrue.capture_hold(:'x1');
SELECT innotrue.release_hold(:'x1');
\set VERBOSITY default
SELECT status FROM innotrue.credit_holds WHERE id = :'x1';
-- The sweep returns expired holds (here the user's two).
SELECT innotrue.release_expired_holds() AS swept;
SELECT status, count(*) FROM innotrue.credit_holds WHERE user_id = '00000000-0000-0000-0000-0000000000c9' GROUP BY 1;
SELECT available, held FROM innotrue.credit_balance('00000000-0000-0000-0000-0000000000c9');
-- Lazily: the next operation on the user's credits returns an expired hold.
SELECT innotrue.reserve_credits('00000000-0000-0000-0000-0000000000c9', 'workshop', 3, '300 milliseconds') AS x3 \gset
SELECT available, held FROM innotrue.credit_balance('00000000-0000-0000-0000-0000000000c9');
SELECT pg_sleep(0.4);
SELECT available, held FROM innotrue.credit_balance('00000000-0000-0000-0000-0000000000c9');
SELECT status FROM innotrue.credit_holds WHERE id = :'x3';
SELECT entry_type, sum(amount) FROM innotrue.credit_ledger WHERE user_id = '00000000-0000-0000-0000-0000000000c9'
 GROUP BY 1 ORDER BY 1;
SELECT count(*) AS invariant_violations FROM innotrue.check_credit_invariants();
DELETE FROM innotrue.credit_idempotency_keys WHERE owner_id = '00000000-0000-0000-0000-0000000000c9';
DELETE FROM innotrue.profiles WHERE id = '00000000-0000-0000-0000-0000000000c9';
