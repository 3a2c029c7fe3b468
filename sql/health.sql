-- innotrue.health() (docs/operations.md "Monitoring"): one row per check, ok / warning / error.
-- Run in a database of its own, so that what the other suites leave behind does not count.
\set VERBOSITY terse
CREATE DATABASE innotrue_health;
\c innotrue_health
SET client_min_messages = warning;
CREATE EXTENSION innotrue CASCADE;
RESET client_min_messages;

-- A fresh install: nothing wrong but the configuration an admin still has to fill in.
-- (library_preloaded depends on the server's settings: tested by test/preload-settings.)
SELECT check_name, status, CASE WHEN check_name = 'configuration' THEN left(detail, 20) ELSE detail END AS detail
  FROM innotrue.health() WHERE check_name <> 'library_preloaded';
SELECT status IN ('ok', 'warning') AS preload_reported FROM innotrue.health() WHERE check_name = 'library_preloaded';

-- Some traffic: a user with credits, one batch expiring in 3 days, one in 20, an open hold.
INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT '00000000-0000-0000-0000-00000000ae01', 'health@example.com', id FROM innotrue.plans WHERE key = 'programs';
SELECT innotrue.grant_credits('00000000-0000-0000-0000-00000000ae01', 10, 'grant', now() + interval '3 days') IS NOT NULL AS granted,
       innotrue.grant_credits('00000000-0000-0000-0000-00000000ae01', 7, 'grant', now() + interval '20 days') IS NOT NULL AS granted,
       innotrue.grant_credits('00000000-0000-0000-0000-00000000ae01', 50, 'grant') IS NOT NULL AS granted;
SELECT innotrue.reserve_credits('00000000-0000-0000-0000-00000000ae01', 'ai_coach_query', 2, interval '1 hour') IS NOT NULL AS held;
SELECT innotrue.deduct_credits('00000000-0000-0000-0000-00000000ae01', 'goal_creation')->>'cost' AS cost;
-- The entitlement cache of this connection counts a miss, then a hit.
SELECT innotrue.has_feature('00000000-0000-0000-0000-00000000ae01', 'ai_coach') IS NOT NULL AS checked,
       innotrue.has_feature('00000000-0000-0000-0000-00000000ae01', 'ai_coach') IS NOT NULL AS checked;
SELECT check_name, status, detail FROM innotrue.health()
 WHERE check_name IN ('ledger_invariants', 'ai_counter', 'expired_holds_open', 'credits_expiring', 'entitlement_cache');
-- The horizon of credits_expiring is the argument, in days.
SELECT d, (SELECT detail FROM innotrue.health(d) WHERE check_name = 'credits_expiring') FROM unnest(ARRAY[0, 3, 30]) AS d;

-- Now things go wrong. The hold expired two hours ago and nobody released it.
UPDATE innotrue.credit_holds SET created_at = now() - interval '3 hours', expires_at = now() - interval '2 hours'
 WHERE user_id = '00000000-0000-0000-0000-00000000ae01';
-- The sender stopped: a row due for two hours, one due for 20 minutes, a claim past its lease, a dead row.
INSERT INTO innotrue.email_outbox (kind, to_email, template_key, subject, body_html, body_text, status, attempts,
                                   next_attempt_at, claimed_by, lease_until)
SELECT 'address', 'x@example.com', (SELECT key FROM innotrue.email_templates ORDER BY key LIMIT 1), 's', 'h', 't',
       status, attempts, now() - due, worker, now() - lease
  FROM (VALUES ('pending', 0, interval '2 hours', NULL, NULL::interval),
               ('failed', 1, interval '20 minutes', NULL, NULL),
               ('claimed', 1, interval '1 hour', 'worker-7', interval '10 minutes'),
               ('dead', 5, interval '1 day', NULL, NULL)) AS x (status, attempts, due, worker, lease);
SELECT check_name, status, detail FROM innotrue.health() WHERE check_name LIKE 'outbox%' OR check_name = 'expired_holds_open';
-- Only 20 minutes overdue: a warning rather than an error.
DELETE FROM innotrue.email_outbox WHERE status = 'pending';
SELECT check_name, status, detail FROM innotrue.health() WHERE check_name = 'outbox_backlog';
-- Released, the hold is no longer reported, and the AI counter still agrees.
SELECT innotrue.release_expired_holds() AS released;
SELECT check_name, status, detail FROM innotrue.health() WHERE check_name IN ('expired_holds_open', 'ai_counter');

-- The books disagree: a batch changed behind the ledger's back (triggers off, as a faulty restore
-- would), an AI counter off by 5, a column an admin added to a credit table.
SET session_replication_role = replica;
UPDATE innotrue.credit_batches SET remaining = remaining - 4 WHERE amount = 50;
RESET session_replication_role;
UPDATE innotrue.credit_ai_usage SET used = used + 5;
BEGIN;
SELECT innotrue.allow_table_ddl();
ALTER TABLE innotrue.credit_batches ADD COLUMN health_note text;
COMMIT;
SELECT check_name, status, detail FROM innotrue.health()
 WHERE check_name IN ('ledger_invariants', 'negative_remaining', 'ai_counter', 'credit_write_path');
BEGIN;
SELECT innotrue.allow_table_ddl();
ALTER TABLE innotrue.credit_batches DROP COLUMN health_note;
COMMIT;

-- Bad input: a negative horizon is an error, NULL gives no rows (STRICT).
SELECT * FROM innotrue.health(-1);
SELECT count(*) AS rows_for_null FROM innotrue.health(NULL);
-- Administrators only: nobody else may run it.
SELECT has_function_privilege('public', 'innotrue.health(integer)', 'EXECUTE') AS public_may_run;
SELECT p.prosecdef AS security_definer, p.proconfig AS settings
  FROM pg_proc p WHERE p.oid = 'innotrue.health(integer)'::regprocedure;

\c contrib_regression
DROP DATABASE innotrue_health;
