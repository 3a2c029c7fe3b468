-- The direct write path against every kind of alteration an admin or replication can make to the
-- credit tables (issue 18, item 4). One row of pg_temp.cases per alteration; for each, as the
-- superuser:
--   1. the alteration is applied (a DDL guard that refuses it counts as a pass: nothing changed);
--   2. a deduction is interrupted twice while the path is being judged: once by lock_timeout, once
--      by pg_cancel_backend from another connection, each waiting for a lock on credit_batches;
--   3. it is retried in READ COMMITTED (the direct path where the verdict allows it) for one user,
--      and in REPEATABLE READ (always the SQL statement) for a twin user with the same credits;
--   4. the two users' rows (every column, added ones too, ids replaced by what they point to), the
--      rows audit triggers and rules wrote, and the error, if any, must be the same, the path must be
--      the one the case expects, and amcheck must find every heap row in every index;
--   5. the alteration is undone.
-- In a database of its own, so the other suites neither see nor disturb what it does.
\set VERBOSITY terse
CREATE DATABASE innotrue_equivalence;
\c innotrue_equivalence
SET client_min_messages = warning;
CREATE EXTENSION innotrue CASCADE;
CREATE EXTENSION amcheck;
CREATE EXTENSION dblink;

-- What triggers and rules of the cases write, keyed by the user of the attempt (equiv.user).
CREATE TABLE public.equiv_audit (owner uuid, what text);
CREATE FUNCTION public.equiv_audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.equiv_audit VALUES (current_setting('equiv.user')::uuid,
                                           TG_TABLE_NAME || ' ' || TG_WHEN || ' ' || TG_OP || ' ' || TG_LEVEL);
    RETURN NEW;
END $$;
CREATE FUNCTION public.equiv_note_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.note := 'noted by trigger';
    RETURN NEW;
END $$;
CREATE ROLE equiv_owner;

-- path: the path the retried deduction takes ('direct' or 'statements'); error: the SQLSTATE both
-- attempts fail with, NULL when both write.
CREATE TABLE pg_temp.cases (n int PRIMARY KEY, name text, path text, apply text, undo text,
                            error text, quantity int DEFAULT 2, reference jsonb DEFAULT '{"equiv": true}');
INSERT INTO pg_temp.cases (n, name, path, apply, undo) VALUES
 (1, 'nothing changed', 'direct', 'SELECT', 'SELECT'),
 (2, 'AFTER INSERT row trigger on credit_ledger', 'statements',
  'CREATE TRIGGER equiv_t AFTER INSERT ON innotrue.credit_ledger FOR EACH ROW EXECUTE FUNCTION public.equiv_audit_row()',
  'DROP TRIGGER equiv_t ON innotrue.credit_ledger'),
 (3, 'BEFORE UPDATE trigger changing credit_batches rows', 'statements',
  'CREATE TRIGGER equiv_t BEFORE UPDATE ON innotrue.credit_batches FOR EACH ROW EXECUTE FUNCTION public.equiv_note_row()',
  'DROP TRIGGER equiv_t ON innotrue.credit_batches'),
 (4, 'statement trigger on credit_deductions', 'statements',
  'CREATE TRIGGER equiv_t AFTER INSERT ON innotrue.credit_deductions FOR EACH STATEMENT EXECUTE FUNCTION public.equiv_audit_row()',
  'DROP TRIGGER equiv_t ON innotrue.credit_deductions'),
 (5, 'DELETE trigger (does not fire on the writes)', 'direct',
  'CREATE TRIGGER equiv_t AFTER DELETE ON innotrue.credit_deductions FOR EACH ROW EXECUTE FUNCTION public.equiv_audit_row()',
  'DROP TRIGGER equiv_t ON innotrue.credit_deductions'),
 (6, 'extension trigger disabled', 'statements',
  'ALTER TABLE innotrue.credit_ledger DISABLE TRIGGER credit_ledger_fill_owner',
  'ALTER TABLE innotrue.credit_ledger ENABLE TRIGGER credit_ledger_fill_owner'),
 (7, 'extension trigger enabled for replica sessions only', 'statements',
  'ALTER TABLE innotrue.credit_batches ENABLE REPLICA TRIGGER touch_updated_at',
  'ALTER TABLE innotrue.credit_batches ENABLE TRIGGER touch_updated_at'),
 (8, 'CHECK on credit_ledger the entries violate', 'statements',
  'ALTER TABLE innotrue.credit_ledger ADD CONSTRAINT equiv_c CHECK (amount > -2) NOT VALID',
  'ALTER TABLE innotrue.credit_ledger DROP CONSTRAINT equiv_c'),
 (9, 'CHECK on credit_batches the update violates', 'statements',
  'ALTER TABLE innotrue.credit_batches ADD CONSTRAINT equiv_c CHECK (remaining > 97) NOT VALID',
  'ALTER TABLE innotrue.credit_batches DROP CONSTRAINT equiv_c'),
 (10, 'default of credit_ledger.created_at', 'statements',
  $$ALTER TABLE innotrue.credit_ledger ALTER COLUMN created_at SET DEFAULT '2001-01-01'$$,
  'ALTER TABLE innotrue.credit_ledger ALTER COLUMN created_at SET DEFAULT now()'),
 (11, 'default of credit_deductions.refunded_at', 'statements',
  'ALTER TABLE innotrue.credit_deductions ALTER COLUMN refunded_at SET DEFAULT now()',
  'ALTER TABLE innotrue.credit_deductions ALTER COLUMN refunded_at DROP DEFAULT'),
 (12, 'generated column on credit_ledger', 'statements',
  'ALTER TABLE innotrue.credit_ledger ADD COLUMN equiv_g bigint GENERATED ALWAYS AS (amount * 10) STORED',
  'ALTER TABLE innotrue.credit_ledger DROP COLUMN equiv_g'),
 (13, 'column with a default added to credit_deductions', 'statements',
  $$ALTER TABLE innotrue.credit_deductions ADD COLUMN equiv_note text DEFAULT 'app'$$,
  'ALTER TABLE innotrue.credit_deductions DROP COLUMN equiv_note'),
 (14, 'column added and dropped again', 'direct',
  'ALTER TABLE innotrue.credit_ledger ADD COLUMN equiv_x int; ALTER TABLE innotrue.credit_ledger DROP COLUMN equiv_x',
  'SELECT'),
 (15, 'extension column dropped and added back (new position)', 'direct',
  'ALTER TABLE innotrue.credit_deductions DROP COLUMN refunded_at; ALTER TABLE innotrue.credit_deductions ADD COLUMN refunded_at timestamptz',
  'SELECT'),
 (16, 'column type changed', 'statements',
  'ALTER TABLE innotrue.credit_batches ALTER COLUMN note TYPE varchar(200)',
  'ALTER TABLE innotrue.credit_batches ALTER COLUMN note TYPE text'),
 (17, 'identity column', 'statements',
  'ALTER TABLE innotrue.credit_deductions ALTER COLUMN cost ADD GENERATED BY DEFAULT AS IDENTITY',
  'ALTER TABLE innotrue.credit_deductions ALTER COLUMN cost DROP IDENTITY'),
 (18, 'foreign key of the admin''s the entries violate', 'statements',
  'ALTER TABLE innotrue.credit_ledger ADD CONSTRAINT equiv_fk FOREIGN KEY (deduction_id) REFERENCES innotrue.credit_holds (id) NOT VALID',
  'ALTER TABLE innotrue.credit_ledger DROP CONSTRAINT equiv_fk'),
 (19, 'row-level security enabled and forced', 'direct',
  'ALTER TABLE innotrue.credit_batches FORCE ROW LEVEL SECURITY; ALTER TABLE innotrue.credit_ledger FORCE ROW LEVEL SECURITY',
  'ALTER TABLE innotrue.credit_batches NO FORCE ROW LEVEL SECURITY; ALTER TABLE innotrue.credit_ledger NO FORCE ROW LEVEL SECURITY'),
 (20, 'restrictive policy for every role', 'direct',
  'CREATE POLICY equiv_p ON innotrue.credit_ledger AS RESTRICTIVE FOR INSERT WITH CHECK (amount > -2)',
  'DROP POLICY equiv_p ON innotrue.credit_ledger'),
 (21, 'rule on credit_deductions', 'statements',
  $$CREATE RULE equiv_r AS ON INSERT TO innotrue.credit_deductions DO ALSO INSERT INTO public.equiv_audit VALUES (current_setting('equiv.user')::uuid, 'rule ' || NEW.cost)$$,
  'DROP RULE equiv_r ON innotrue.credit_deductions'),
 (22, 'published for updates, replica identity nothing', 'direct',
  'CREATE PUBLICATION equiv_pub FOR TABLE innotrue.credit_batches; ALTER TABLE innotrue.credit_batches REPLICA IDENTITY NOTHING',
  'DROP PUBLICATION equiv_pub; ALTER TABLE innotrue.credit_batches REPLICA IDENTITY DEFAULT'),
 (23, 'published for updates, replica identity full', 'direct',
  'CREATE PUBLICATION equiv_pub FOR TABLE innotrue.credit_batches, innotrue.credit_ledger; ALTER TABLE innotrue.credit_batches REPLICA IDENTITY FULL',
  'DROP PUBLICATION equiv_pub; ALTER TABLE innotrue.credit_batches REPLICA IDENTITY DEFAULT'),
 (24, 'published with a row filter outside the replica identity', 'direct',
  'CREATE PUBLICATION equiv_pub FOR TABLE innotrue.credit_batches WHERE (remaining > 0)',
  'DROP PUBLICATION equiv_pub'),
 (25, 'published for inserts only, replica identity nothing', 'direct',
  $$CREATE PUBLICATION equiv_pub FOR TABLE innotrue.credit_batches WITH (publish = 'insert'); ALTER TABLE innotrue.credit_batches REPLICA IDENTITY NOTHING$$,
  'DROP PUBLICATION equiv_pub; ALTER TABLE innotrue.credit_batches REPLICA IDENTITY DEFAULT'),
 (26, 'credit_ledger attached as a partition', 'statements',
  $$CREATE TABLE public.equiv_parent (LIKE innotrue.credit_ledger) PARTITION BY RANGE (created_at); ALTER TABLE public.equiv_parent ATTACH PARTITION innotrue.credit_ledger FOR VALUES FROM (MINVALUE) TO ('2200-01-01')$$,
  'ALTER TABLE public.equiv_parent DETACH PARTITION innotrue.credit_ledger; DROP TABLE public.equiv_parent'),
 (27, 'inheritance child of credit_batches', 'statements',
  'CREATE TABLE public.equiv_child () INHERITS (innotrue.credit_batches)',
  'DROP TABLE public.equiv_child; ANALYZE innotrue.credit_batches'),
 (28, 'index added on the updated column', 'direct',
  'CREATE INDEX equiv_i ON innotrue.credit_batches (remaining, updated_at)',
  'DROP INDEX innotrue.equiv_i'),
 (29, 'partial expression index on credit_deductions', 'direct',
  $$CREATE INDEX equiv_i ON innotrue.credit_deductions ((reference->>'equiv')) WHERE cost > 0$$,
  'DROP INDEX innotrue.equiv_i'),
 (30, 'unique index the entries violate', 'direct',
  $$CREATE UNIQUE INDEX equiv_i ON innotrue.credit_ledger (deduction_id) WHERE reference @> '{"equiv": 30}'$$,
  'DROP INDEX innotrue.equiv_i'),
 (31, 'deferrable unique constraint', 'statements',
  'ALTER TABLE innotrue.credit_ledger ADD CONSTRAINT equiv_u UNIQUE (id) DEFERRABLE',
  'ALTER TABLE innotrue.credit_ledger DROP CONSTRAINT equiv_u'),
 (32, 'tables owned by a role without access to the schema', 'statements',
  'ALTER TABLE innotrue.credit_batches OWNER TO equiv_owner; ALTER TABLE innotrue.credit_ledger OWNER TO equiv_owner',
  'ALTER TABLE innotrue.credit_batches OWNER TO postgres; ALTER TABLE innotrue.credit_ledger OWNER TO postgres'),
 (33, 'privileges revoked from the owner', 'direct',
  'REVOKE ALL ON innotrue.credit_ledger, innotrue.credit_batches FROM postgres',
  'GRANT ALL ON innotrue.credit_ledger, innotrue.credit_batches TO postgres'),
 (34, 'session_replication_role = replica', 'statements',
  'SET session_replication_role = replica', 'RESET session_replication_role'),
 (36, 'tables owned by another role with access to the schema', 'direct',
  'GRANT USAGE ON SCHEMA innotrue TO equiv_owner; ALTER TABLE innotrue.credit_batches OWNER TO equiv_owner; ALTER TABLE innotrue.credit_ledger OWNER TO equiv_owner',
  'ALTER TABLE innotrue.credit_batches OWNER TO postgres; ALTER TABLE innotrue.credit_ledger OWNER TO postgres; REVOKE USAGE ON SCHEMA innotrue FROM equiv_owner');
-- A NOT NULL column the deduction leaves NULL (cases with a reference come first: SET NOT NULL checks
-- the rows already there).
INSERT INTO pg_temp.cases (n, name, path, apply, undo, reference) VALUES
 (35, 'NOT NULL on credit_deductions.reference, left NULL', 'direct',
  $$UPDATE innotrue.credit_deductions SET reference = '{}' WHERE reference IS NULL; ALTER TABLE innotrue.credit_deductions ALTER COLUMN reference SET NOT NULL$$,
  'ALTER TABLE innotrue.credit_deductions ALTER COLUMN reference DROP NOT NULL', NULL);

UPDATE pg_temp.cases SET reference = '{"equiv": 30}' WHERE n = 30;
UPDATE pg_temp.cases SET error = x.error
  FROM (VALUES (6, '23514'), (8, '23514'), (9, '23514'), (18, '23503'), (21, '0A000'), (22, '55000'),
               (24, '42P10'), (30, '23505'), (32, '42501'), (34, '23514'), (35, '23502')) AS x (n, error)
 WHERE cases.n = x.n;

-- Two users per case with the same credits: 3 expiring tomorrow (spent first), 100 without expiry.
INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT md5('equiv-' || m || n)::uuid, 'equiv-' || m || n || '@example.com', p.id
  FROM pg_temp.cases, (VALUES ('direct'), ('statement')) AS x (m), innotrue.plans p WHERE p.key = 'programs';
SELECT count(innotrue.grant_credits(md5('equiv-' || m || n)::uuid, 3, 'grant', now() + interval '1 day', 'equiv-soon-' || m || n))
     + count(innotrue.grant_credits(md5('equiv-' || m || n)::uuid, 100, 'grant', NULL, 'equiv-later-' || m || n)) AS grants
  FROM pg_temp.cases, (VALUES ('direct'), ('statement')) AS x (m);

-- Everything one attempt wrote, as comparable JSON: the user's batches, deductions and their ledger
-- entries (every column; ids and keys replaced by the batch's amount, times by "is now()"), and the
-- audit rows.
CREATE FUNCTION pg_temp.writes(u uuid) RETURNS jsonb LANGUAGE sql AS $$
SELECT jsonb_build_object(
  'batches', (SELECT jsonb_agg(to_jsonb(b) - '{id,user_id,idempotency_key,created_at,updated_at}'::text[]
                               || jsonb_build_object('updated_now', b.updated_at = now()) ORDER BY b.amount)
                FROM innotrue.credit_batches b WHERE b.user_id = u),
  'deductions', (SELECT jsonb_agg(to_jsonb(d) - '{id,user_id,created_at,updated_at,refunded_at,batches}'::text[]
                                  || jsonb_build_object('created_now', d.created_at = now(),
                                                        'refunded_now', d.refunded_at = now(),
                                                        'updated_now', d.updated_at = now(),
                                                        'batches', (SELECT jsonb_agg(jsonb_build_object(
                                                                       'batch', b.amount, 'amount', e->'amount'))
                                                                      FROM jsonb_array_elements(d.batches) e
                                                                      JOIN innotrue.credit_batches b ON b.id = (e->>'batch_id')::uuid)))
                   FROM innotrue.credit_deductions d WHERE d.user_id = u),
  'entries', (SELECT jsonb_agg(to_jsonb(l) - '{id,batch_id,user_id,deduction_id,created_at}'::text[]
                               || jsonb_build_object('batch', b.amount, 'owner_filled', l.user_id = u,
                                                     'deduction', l.deduction_id IN (SELECT id FROM innotrue.credit_deductions WHERE user_id = u),
                                                     'created_now', l.created_at = now())
                               ORDER BY b.amount)
                FROM innotrue.credit_ledger l JOIN innotrue.credit_batches b ON b.id = l.batch_id
               WHERE b.user_id = u AND l.entry_type = 'deduct'),
  'audit', (SELECT jsonb_agg(what ORDER BY what) FROM public.equiv_audit WHERE owner = u))
$$;

CREATE TABLE pg_temp.outcomes (n int, attempt text, path text, error text, writes jsonb, PRIMARY KEY (n, attempt));
CREATE TABLE pg_temp.applied (n int PRIMARY KEY, refused text);

-- Each alteration is made as a superuser would, past the guard on application DDL
-- (innotrue.allow_table_ddl, docs/operations.md "Application DDL").
CREATE FUNCTION pg_temp.apply(c int, what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM innotrue.allow_table_ddl();
    EXECUTE what;
    INSERT INTO pg_temp.applied VALUES (c, NULL) ON CONFLICT DO NOTHING;
EXCEPTION WHEN OTHERS THEN
    -- A guard refusing the alteration: the tables are as they were.
    INSERT INTO pg_temp.applied VALUES (c, SQLSTATE || ' ' || SQLERRM) ON CONFLICT DO NOTHING;
END $$;

-- One deduction by the case's user for this attempt; its path, error and writes are kept.
CREATE FUNCTION pg_temp.attempt(c int, who text, attempt text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    u uuid := md5('equiv-' || who || c)::uuid;
    q int := (SELECT quantity FROM pg_temp.cases WHERE n = c);
    r jsonb := (SELECT reference FROM pg_temp.cases WHERE n = c);
    p text;
    e text;
    w jsonb;
BEGIN
    PERFORM set_config('equiv.user', u::text, true);
    BEGIN
        p := innotrue.credit_write_path();
        PERFORM innotrue.deduct_credits(u, 'goal_creation', q, NULL, r);
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        e := SQLSTATE;
    END;
    IF attempt IN ('direct', 'statement') THEN
        w := pg_temp.writes(u);
    END IF;
    INSERT INTO pg_temp.outcomes VALUES (c, attempt, p, e, w);
END $$;

SELECT dblink_connect('locker', format('host=%s port=%s dbname=%s user=postgres',
                      split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port'), current_database())) AS locker,
       dblink_connect('canceller', format('host=%s port=%s dbname=%s user=postgres',
                      split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port'), current_database())) AS canceller;

-- Every case, as one run of statements (\gexec runs each cell as a statement), neither echoed nor
-- printed: the outcomes are kept in pg_temp.outcomes, an unexpected error would still show.
\set ECHO none
SET client_min_messages = error;
\o /dev/null
SELECT format('SELECT pg_temp.apply(%s, %L)', n, apply),
       -- interrupted while judging, by lock_timeout ...
       $$SELECT dblink_exec('locker', 'BEGIN'), dblink_exec('locker', 'LOCK TABLE innotrue.credit_batches IN ACCESS EXCLUSIVE MODE')$$,
       'SET lock_timeout = ''50ms''',
       format($$SELECT pg_temp.attempt(%s, 'direct', 'lock_timeout')$$, n),
       -- ... and by a cancel sent once the call waits for the lock
       'SET lock_timeout = ''20s''',
       format($$SELECT dblink_send_query('canceller', 'DO $d$ BEGIN WHILE NOT EXISTS (SELECT FROM pg_locks WHERE pid = %s AND NOT granted) LOOP PERFORM pg_sleep(0.01); END LOOP; PERFORM pg_cancel_backend(%s); END $d$')$$,
              pg_backend_pid(), pg_backend_pid()),
       format($$SELECT pg_temp.attempt(%s, 'direct', 'cancel')$$, n),
       $$SELECT * FROM dblink_get_result('canceller') AS t (status text)$$,
       $$SELECT * FROM dblink_get_result('canceller') AS t (status text)$$,
       $$SELECT dblink_exec('locker', 'ROLLBACK')$$,
       'RESET lock_timeout',
       -- retried: READ COMMITTED (direct where allowed), then the twin in REPEATABLE READ (statements)
       format($$SELECT pg_temp.attempt(%s, 'direct', 'direct')$$, n),
       'BEGIN ISOLATION LEVEL REPEATABLE READ',
       format($$SELECT pg_temp.attempt(%s, 'statement', 'statement')$$, n),
       'COMMIT',
       format('SELECT pg_temp.apply(-%s, %L)', n, undo)
  FROM pg_temp.cases ORDER BY n
\gexec
\o
\set ECHO all
SET client_min_messages = warning;

-- Each case: the interrupted attempts failed as interrupted, and then the alteration was refused by
-- a guard, or the direct attempt took the expected path and wrote exactly what the statement wrote.
SELECT c.n, c.name,
       a.refused IS NOT NULL
       OR (i.error = '55P03' AND k.error = '57014'
           AND split_part(d.path, ':', 1) = c.path AND s.path LIKE 'statements:%'
           AND d.error IS NOT DISTINCT FROM c.error AND s.error IS NOT DISTINCT FROM c.error
           AND d.writes = s.writes) AS passes
  FROM pg_temp.cases c
  JOIN pg_temp.applied a ON a.n = c.n
  JOIN pg_temp.outcomes i ON i.n = c.n AND i.attempt = 'lock_timeout'
  JOIN pg_temp.outcomes k ON k.n = c.n AND k.attempt = 'cancel'
  JOIN pg_temp.outcomes d ON d.n = c.n AND d.attempt = 'direct'
  JOIN pg_temp.outcomes s ON s.n = c.n AND s.attempt = 'statement'
 ORDER BY c.n;
-- What a failing case did (no row when every case passes).
SELECT d.n, c.error AS expected_error, i.error AS timeout, k.error AS cancel, d.path, d.error, s.error AS statement_error,
       d.writes AS direct_writes, s.writes AS statement_writes
  FROM pg_temp.outcomes d JOIN pg_temp.outcomes s ON s.n = d.n AND s.attempt = 'statement'
  JOIN pg_temp.outcomes i ON i.n = d.n AND i.attempt = 'lock_timeout'
  JOIN pg_temp.outcomes k ON k.n = d.n AND k.attempt = 'cancel'
  JOIN pg_temp.cases c ON c.n = d.n
 WHERE d.attempt = 'direct' AND NOT (i.error = '55P03' AND k.error = '57014'
       AND split_part(d.path, ':', 1) = c.path AND d.error IS NOT DISTINCT FROM c.error
       AND s.error IS NOT DISTINCT FROM c.error AND d.writes = s.writes)
   AND NOT EXISTS (SELECT FROM pg_temp.applied a WHERE a.n = d.n AND a.refused IS NOT NULL);
-- Undoing worked: the tables are back as the extension made them.
SELECT innotrue.credit_write_path();
SELECT -u.n AS undo_refused, u.refused
  FROM pg_temp.applied u JOIN pg_temp.applied a ON a.n = -u.n AND a.refused IS NULL
 WHERE u.refused IS NOT NULL;
-- Every heap row of the three tables is in every one of their indexes.
SELECT c.relname AS index_checked, bt_index_check(c.oid, true) AS heap_all_indexed
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE i.indrelid IN ('innotrue.credit_batches'::regclass, 'innotrue.credit_ledger'::regclass,
                      'innotrue.credit_deductions'::regclass)
 ORDER BY c.relname;
SELECT count(*) AS invariant_violations FROM innotrue.check_credit_invariants();
SELECT dblink_disconnect('locker'), dblink_disconnect('canceller');
\c contrib_regression
DROP DATABASE innotrue_equivalence;
DROP ROLE equiv_owner;
