-- The two write paths of a deduction (docs/credits.md "Write paths"): the direct path writes the
-- same rows and index entries as the SQL statement; anything on the credit tables the direct path
-- does not know sends deductions through the statement, which enforces it.
\set VERBOSITY terse
\i sql/credits_helpers.psql
CREATE EXTENSION amcheck;

INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT '00000000-0000-0000-0000-0000000000c1', 'paths@example.com', id FROM innotrue.plans WHERE key = 'free';
SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000c1', 1000, 'grant', NULL, 'paths-big') IS NOT NULL AS granted;
SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000c1', 3, 'grant', now() + interval '1 day', 'paths-soon') IS NOT NULL AS granted;

-- As installed, deductions are written directly.
SELECT innotrue.credit_write_path();
BEGIN;
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000c1', 'goal_creation', 11, NULL, '{"via": "direct"}'));
-- The rows are those the statement writes: the deduction, one entry per batch with the owner filled
-- in, the batches' remaining and updated_at, all stamped now().
SELECT d.kind, d.quantity, d.cost, jsonb_array_length(d.batches) AS batches, d.reference, d.refunded_at,
       d.created_at = now() AS created_now, d.updated_at = now() AS updated_now, s.key AS service
  FROM innotrue.credit_deductions d JOIN innotrue.credit_services s ON s.id = d.credit_service_id
 WHERE d.user_id = '00000000-0000-0000-0000-0000000000c1';
SELECT pg_temp.lbl(l.batch_id) AS batch, l.entry_type, l.amount, l.user_id IS NOT NULL AS owner_filled,
       l.organization_id, l.deduction_id = d.id AS same_deduction, l.reference, l.created_at = now() AS created_now
  FROM innotrue.credit_ledger l JOIN innotrue.credit_deductions d ON d.id = l.deduction_id
 WHERE l.user_id = '00000000-0000-0000-0000-0000000000c1' ORDER BY l.amount;
SELECT pg_temp.lbl(id) AS batch, remaining, updated_at = now() AS updated_now
  FROM innotrue.credit_batches WHERE user_id = '00000000-0000-0000-0000-0000000000c1' ORDER BY amount;
-- Their ids are time-ordered (version 7: Unix milliseconds first), so they append to their indexes.
CREATE FUNCTION pg_temp.uuid_ms(u uuid) RETURNS bigint LANGUAGE sql IMMUTABLE
AS $$ SELECT ('x' || lpad(substr(replace(u::text, '-', ''), 1, 12), 16, '0'))::bit(64)::bigint $$;
SELECT 'deduction' AS row, substr(id::text, 15, 1) AS version,
       abs(pg_temp.uuid_ms(id) - (extract(epoch FROM clock_timestamp()) * 1000)::bigint) < 60000 AS time_now
  FROM innotrue.credit_deductions WHERE user_id = '00000000-0000-0000-0000-0000000000c1'
UNION ALL
SELECT 'ledger ' || entry_type, substr(id::text, 15, 1),
       abs(pg_temp.uuid_ms(id) - (extract(epoch FROM clock_timestamp()) * 1000)::bigint) < 60000
  FROM innotrue.credit_ledger WHERE user_id = '00000000-0000-0000-0000-0000000000c1' AND entry_type = 'deduct'
 ORDER BY 1;
COMMIT;

-- Many spends from one batch: its page fills, updates stop being HOT and the direct path adds the
-- index entries itself. amcheck then finds every heap row in every index of the three tables.
SELECT pg_stat_force_next_flush();
SELECT n_tup_upd - n_tup_hot_upd AS cold_updates_before
  FROM pg_stat_user_tables WHERE relid = 'innotrue.credit_batches'::regclass \gset
DO $$
BEGIN
    FOR i IN 1..400 LOOP
        PERFORM innotrue.deduct_credits('00000000-0000-0000-0000-0000000000c1', 'goal_creation');
    END LOOP;
END
$$;
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000c1');
-- 800 ids, their random bits drawn from a 512-byte pool refilled every 51 ids: all version 7 with
-- the RFC variant, and no two share their 74 random bits.
SELECT count(*) AS ids, count(*) FILTER (WHERE substr(id::text, 15, 1) = '7'
                                          AND substr(id::text, 20, 1) IN ('8', '9', 'a', 'b')) AS v7_variant_ok,
       count(DISTINCT substr(replace(id::text, '-', ''), 14)) AS distinct_random_parts
  FROM (SELECT id FROM innotrue.credit_deductions WHERE user_id = '00000000-0000-0000-0000-0000000000c1'
        UNION ALL
        SELECT id FROM innotrue.credit_ledger WHERE user_id = '00000000-0000-0000-0000-0000000000c1'
                                               AND entry_type = 'deduct') AS x;
SELECT c.relname AS index_checked, bt_index_check(c.oid, true) AS heap_all_indexed
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE i.indrelid IN ('innotrue.credit_batches'::regclass, 'innotrue.credit_ledger'::regclass,
                      'innotrue.credit_deductions'::regclass)
 ORDER BY c.relname;
SELECT pg_stat_force_next_flush();
SELECT n_tup_upd - n_tup_hot_upd > :cold_updates_before AS some_updates_not_hot
  FROM pg_stat_user_tables WHERE relid = 'innotrue.credit_batches'::regclass;
SET enable_seqscan = off;
SELECT count(*) AS batches_by_index FROM innotrue.credit_batches WHERE user_id = '00000000-0000-0000-0000-0000000000c1';
RESET enable_seqscan;
SELECT count(*) AS invariant_violations FROM innotrue.check_credit_invariants();

-- A CHECK constraint added by an admin: deductions go through the statement, which enforces it.
CREATE FUNCTION pg_temp.refusal(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN st || ': ' || msg;
END $$;
-- The tables are changed as an admin would, with the DDL guard's permission for the transaction.
BEGIN;
SELECT innotrue.allow_table_ddl();
ALTER TABLE innotrue.credit_ledger ADD CONSTRAINT paths_small_entries CHECK (amount > -5) NOT VALID;
SELECT innotrue.credit_write_path();
SELECT pg_temp.refusal($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000c1', 'goal_creation', 3)$$);
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000c1', 'goal_creation', 2));
ALTER TABLE innotrue.credit_ledger DROP CONSTRAINT paths_small_entries;
SELECT innotrue.credit_write_path();

-- A trigger of the admin's that fires on the writes: it fires, through the statement.
CREATE TABLE pg_temp.audit (entry_type text, amount bigint);
CREATE FUNCTION pg_temp.audit_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pg_temp.audit VALUES (NEW.entry_type, NEW.amount);
    RETURN NULL;
END $$;
CREATE TRIGGER paths_audit AFTER INSERT ON innotrue.credit_ledger FOR EACH ROW EXECUTE FUNCTION pg_temp.audit_entry();
SELECT innotrue.credit_write_path();
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000c1', 'goal_creation'));
SELECT * FROM pg_temp.audit;
DROP TRIGGER paths_audit ON innotrue.credit_ledger;
-- Triggers that do not fire on the direct path's writes leave it alone.
CREATE TRIGGER paths_audit AFTER DELETE ON innotrue.credit_deductions FOR EACH ROW EXECUTE FUNCTION pg_temp.audit_entry();
SELECT innotrue.credit_write_path();
DROP TRIGGER paths_audit ON innotrue.credit_deductions;

-- A column added, then dropped: refused while it is there; a dropped column is no obstacle.
ALTER TABLE innotrue.credit_deductions ADD COLUMN paths_note text;
SELECT innotrue.credit_write_path();
ALTER TABLE innotrue.credit_deductions DROP COLUMN paths_note;
SELECT innotrue.credit_write_path();
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000c1', 'goal_creation'));

-- A foreign key of the admin's refuses the direct path. Row-level security, even forced, does not:
-- it does not apply to the functions' owner, a superuser (the extension is not trusted).
ALTER TABLE innotrue.credit_deductions ADD CONSTRAINT paths_fk FOREIGN KEY (user_id) REFERENCES innotrue.profiles (id);
SELECT innotrue.credit_write_path();
ALTER TABLE innotrue.credit_deductions DROP CONSTRAINT paths_fk;
ALTER TABLE innotrue.credit_batches ENABLE ROW LEVEL SECURITY;
ALTER TABLE innotrue.credit_batches FORCE ROW LEVEL SECURITY;
SELECT innotrue.credit_write_path();
ALTER TABLE innotrue.credit_batches NO FORCE ROW LEVEL SECURITY;
ALTER TABLE innotrue.credit_batches DISABLE ROW LEVEL SECURITY;
SELECT innotrue.credit_write_path();
COMMIT;

-- Stricter isolation keeps the statement (and its serialization checks).
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT innotrue.credit_write_path();
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000c1', 'goal_creation'));
COMMIT;

-- A spend reads the owner's batches from the owner index, ordered by expiry, and stops at the first
-- expired one. Rebuilt without that order by an admin, the index is read to its end instead.
INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT '00000000-0000-0000-0000-0000000000c2', 'order@example.com', id FROM innotrue.plans WHERE key = 'programs';
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, expires_at, created_at, idempotency_key)
VALUES ('00000000-0000-0000-0000-0000000000c2', 'grant', 5, 5, now() - interval '1 day', now() - interval '2 days', 'order-expired'),
       ('00000000-0000-0000-0000-0000000000c2', 'grant', 5, 5, now() + interval '1 day', now() - interval '2 days', 'order-live'),
       ('00000000-0000-0000-0000-0000000000c2', 'grant', 5, 5, NULL, now() - interval '2 days', 'order-forever');
INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount)
SELECT id, 'grant', amount FROM innotrue.credit_batches WHERE user_id = '00000000-0000-0000-0000-0000000000c2';
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000c2', 'goal_creation', 3));
BEGIN;
SELECT innotrue.allow_table_ddl();
DROP INDEX innotrue.credit_batches_user_id_idx;
CREATE INDEX credit_batches_user_id_idx ON innotrue.credit_batches (user_id);
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000c2', 'goal_creation', 2));
DROP INDEX innotrue.credit_batches_user_id_idx;
CREATE INDEX credit_batches_user_id_idx ON innotrue.credit_batches (user_id, expires_at DESC NULLS FIRST);
COMMIT;
SELECT pg_temp.err($$SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000000c2', 'goal_creation')$$);
DELETE FROM innotrue.profiles WHERE id = '00000000-0000-0000-0000-0000000000c2';

-- Both paths leave the ledger whole.
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000c1');
SELECT count(*) AS invariant_violations FROM innotrue.check_credit_invariants();
SELECT count(*) AS deductions, sum(cost) AS spent FROM innotrue.credit_deductions
 WHERE user_id = '00000000-0000-0000-0000-0000000000c1';

DELETE FROM innotrue.credit_idempotency_keys WHERE owner_id = '00000000-0000-0000-0000-0000000000c1';
DELETE FROM innotrue.profiles WHERE id = '00000000-0000-0000-0000-0000000000c1';
DROP EXTENSION amcheck;
