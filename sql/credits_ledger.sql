-- Layer 5: credit batches, the append-only credit ledger, the invariant check, balances, feature usage.
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;

-- Fixtures: two users, an organization, an enrollment
CREATE FUNCTION pg_temp.uid(text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM innotrue.profiles WHERE email = $1 || '@example.com' $$;
CREATE FUNCTION pg_temp.batch(text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM innotrue.credit_batches WHERE note = $1 $$;
CREATE FUNCTION pg_temp.invariants() RETURNS TABLE (batch text, problem text) LANGUAGE sql STABLE
AS $$ SELECT b.note, c.problem FROM innotrue.check_credit_invariants() c JOIN innotrue.credit_batches b ON b.id = c.batch_id ORDER BY 1, 2 $$;
INSERT INTO innotrue.profiles (email, plan_id)
SELECT v.name || '@example.com', p.id FROM (VALUES ('ann', 'base'), ('bob', 'free')) AS v (name, plan_key) JOIN innotrue.plans p ON p.key = v.plan_key;
INSERT INTO innotrue.organizations (name, slug) VALUES ('Acme', 'acme');
INSERT INTO innotrue.programs (slug, name) VALUES ('cta-bootcamp', 'CTA Bootcamp');
INSERT INTO innotrue.client_enrollments (user_id, program_id) SELECT pg_temp.uid('ann'), id FROM innotrue.programs;

-- Batches: one owner, a known source, 0 <= remaining <= amount, allowances per month
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, period_start, expires_at, note)
VALUES (pg_temp.uid('ann'), 'plan_allowance', 150, 150, date_trunc('month', now())::date, now() + interval '1 month', 'ann plan');
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, topup_package_id, idempotency_key, expires_at, note)
SELECT pg_temp.uid('ann'), 'purchase', 500, 500, id, 'cs_test_1', now() + interval '6 months', 'ann topup'
FROM innotrue.credit_topup_packages WHERE key = 'starter';
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, enrollment_id, note)
SELECT pg_temp.uid('ann'), 'program_allowance', 40, 40, id, 'ann program' FROM innotrue.client_enrollments;
INSERT INTO innotrue.credit_batches (organization_id, source, amount, remaining, org_package_id, note)
SELECT o.id, 'org_purchase', 3000000, 3000000, p.id, 'acme pool' FROM innotrue.organizations o, innotrue.org_credit_packages p WHERE p.key = 'starter';
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, note) VALUES (pg_temp.uid('bob'), 'grant', 25, 25, 'bob grant');
INSERT INTO innotrue.credit_batches (user_id, organization_id, source, amount, remaining)                -- two owners
SELECT pg_temp.uid('ann'), id, 'grant', 10, 10 FROM innotrue.organizations;
INSERT INTO innotrue.credit_batches (source, amount, remaining) VALUES ('grant', 10, 10);                -- no owner
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining) VALUES (pg_temp.uid('ann'), 'grant', 10, 11); -- remaining > amount
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining) VALUES (pg_temp.uid('ann'), 'grant', 10, -1); -- negative remaining
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining) VALUES (pg_temp.uid('ann'), 'grant', 0, 0);   -- empty batch
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining) VALUES (pg_temp.uid('ann'), 'gift', 10, 10);  -- bad source
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining)                                 -- allowance without month
VALUES (pg_temp.uid('ann'), 'plan_allowance', 10, 10);
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, period_start)                   -- not a month start
VALUES (pg_temp.uid('ann'), 'plan_allowance', 10, 10, '2026-03-15');
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, period_start)                   -- same month twice
VALUES (pg_temp.uid('ann'), 'plan_allowance', 10, 10, date_trunc('month', now())::date);
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining)                                 -- org purchase for a user
VALUES (pg_temp.uid('ann'), 'org_purchase', 10, 10);
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, idempotency_key)                 -- replayed purchase
VALUES (pg_temp.uid('ann'), 'purchase', 500, 500, 'cs_test_1');
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, enrollment_id, period_start)     -- Ann's enrollment, Bob's batch
SELECT pg_temp.uid('bob'), 'program_allowance', 10, 10, id, '2026-03-01' FROM innotrue.client_enrollments;
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, expires_at)                     -- already expired
VALUES (pg_temp.uid('ann'), 'grant', 10, 10, now() - interval '1 day');

-- Ledger: every batch starts with its grant; the owner is copied from the batch
INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount) SELECT id, 'grant', amount FROM innotrue.credit_batches;
-- A coaching session (10) from the plan allowance, refunded; a hold of 15 on the top-up, then captured
INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount, deduction_id, idempotency_key)
VALUES (pg_temp.batch('ann plan'), 'deduct', -10, '00000000-0000-0000-0000-00000000d001', 'book-1');
UPDATE innotrue.credit_batches SET remaining = remaining - 10 WHERE note = 'ann plan';
INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount, deduction_id, idempotency_key)         -- same key, same batch
VALUES (pg_temp.batch('ann plan'), 'deduct', -10, '00000000-0000-0000-0000-00000000d009', 'book-1');
INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount, deduction_id)
VALUES (pg_temp.batch('ann plan'), 'refund', 10, '00000000-0000-0000-0000-00000000d001'),
       (pg_temp.batch('ann plan'), 'deduct', -30, '00000000-0000-0000-0000-00000000d002');
UPDATE innotrue.credit_batches SET remaining = remaining + 10 - 30 WHERE note = 'ann plan';
INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount, deduction_id)
VALUES (pg_temp.batch('ann topup'), 'hold', -15, '00000000-0000-0000-0000-00000000d003'),
       (pg_temp.batch('ann topup'), 'release', 15, '00000000-0000-0000-0000-00000000d003'),
       (pg_temp.batch('ann topup'), 'capture', -15, '00000000-0000-0000-0000-00000000d003');
UPDATE innotrue.credit_batches SET remaining = remaining - 15 WHERE note = 'ann topup';
INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount, deduction_id)                          -- a positive deduction
VALUES (pg_temp.batch('ann plan'), 'deduct', 5, '00000000-0000-0000-0000-00000000d004');
INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount) VALUES (pg_temp.batch('ann plan'), 'adjust', 0); -- zero amount
INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount) VALUES (pg_temp.batch('ann plan'), 'deduct', -5); -- no deduction id
INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount) VALUES (pg_temp.batch('ann plan'), 'bonus', 5);   -- bad entry type
INSERT INTO innotrue.credit_ledger (batch_id, user_id, entry_type, amount)                               -- another owner
VALUES (pg_temp.batch('ann plan'), pg_temp.uid('bob'), 'adjust', 5);
INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount) VALUES (gen_random_uuid(), 'adjust', 5); -- unknown batch
INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount, reference)                             -- reference not an object
VALUES (pg_temp.batch('ann plan'), 'adjust', 5, '"note"');
SELECT b.note, l.entry_type, l.amount, l.user_id = pg_temp.uid('ann') AS ann_owns, l.organization_id IS NOT NULL AS org_owns
FROM innotrue.credit_ledger l JOIN innotrue.credit_batches b ON b.id = l.batch_id ORDER BY b.note, l.entry_type, l.amount;

-- The ledger is append-only; a batch keeps everything but remaining (full error text shown)
\set VERBOSITY default
UPDATE innotrue.credit_ledger SET amount = -1 WHERE entry_type = 'deduct' AND amount = -10;              -- change an entry
DELETE FROM innotrue.credit_ledger WHERE entry_type = 'refund';                                          -- remove an entry
TRUNCATE innotrue.credit_ledger;                                                                         -- wipe the ledger
UPDATE innotrue.credit_batches SET amount = 1000 WHERE note = 'bob grant';                               -- change the amount
DELETE FROM innotrue.credit_batches WHERE note = 'bob grant';                                            -- remove a batch
\set VERBOSITY terse
UPDATE innotrue.credit_batches SET remaining = remaining + 1 WHERE note = 'bob grant';                  -- over the amount
SELECT count(*) AS ledger_entries, sum(amount) AS ledger_sum FROM innotrue.credit_ledger;

-- Invariants hold; balances are derived
SELECT * FROM pg_temp.invariants();
SELECT pr.email, b.available_credits, b.total_credits, b.consumed_credits, b.held_credits, b.expired_credits, b.adjusted_credits
FROM innotrue.user_credit_balances b JOIN innotrue.profiles pr ON pr.id = b.user_id ORDER BY pr.email;
SELECT o.slug, b.available_credits, b.total_credits, b.consumed_credits
FROM innotrue.org_credit_balances b JOIN innotrue.organizations o ON o.id = b.organization_id;

-- Broken on purpose: remaining changed without a ledger entry, an entry without its batch update,
-- a batch without a grant, an expire that left credits
UPDATE innotrue.credit_batches SET remaining = remaining - 5 WHERE note = 'ann program';
INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount, deduction_id)
VALUES (pg_temp.batch('bob grant'), 'deduct', -5, '00000000-0000-0000-0000-00000000d005');
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, note) VALUES (pg_temp.uid('bob'), 'grant', 7, 7, 'bob ungranted');
INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount) VALUES (pg_temp.batch('acme pool'), 'expire', -1);
UPDATE innotrue.credit_batches SET remaining = remaining - 1 WHERE note = 'acme pool';
SELECT * FROM pg_temp.invariants();

-- Feature usage: one counter per user, feature and month, never negative
INSERT INTO innotrue.feature_usage (user_id, feature_id, period_start, used)
SELECT pg_temp.uid('ann'), id, '2026-03-01', 3 FROM innotrue.features WHERE key = 'ai_coach';
INSERT INTO innotrue.feature_usage (user_id, feature_id, period_start, used)                              -- negative usage
SELECT pg_temp.uid('bob'), id, '2026-03-01', -1 FROM innotrue.features WHERE key = 'ai_coach';
INSERT INTO innotrue.feature_usage (user_id, feature_id, period_start)                                    -- not a month start
SELECT pg_temp.uid('bob'), id, '2026-03-15' FROM innotrue.features WHERE key = 'ai_coach';
INSERT INTO innotrue.feature_usage (user_id, feature_id, period_start)                                    -- same month twice
SELECT pg_temp.uid('ann'), id, '2026-03-01' FROM innotrue.features WHERE key = 'ai_coach';
UPDATE innotrue.feature_usage SET used = used + 1;
SELECT f.key, u.period_start, u.used FROM innotrue.feature_usage u JOIN innotrue.features f ON f.id = u.feature_id;

-- Erasing a user removes their batches and ledger entries (the only deletion the ledger allows)
DELETE FROM innotrue.profiles WHERE email = 'bob@example.com';
SELECT (SELECT count(*) FROM innotrue.credit_batches) AS batches, (SELECT count(*) FROM innotrue.credit_ledger) AS entries;

ROLLBACK;
