-- Credits benchmark setup (bench/run runs every *_setup.sql once after bench/generate).
-- Loads the PL/pgSQL reference (innotrue_ref.deduct_credits) again, because other setup files may
-- recreate the shared innotrue_ref schema, and prepares:
--   * every generated user: one non-expiring grant of 1,000,000,000 credits, so no timed run
--     ever runs out (the scripts spend goal_creation, 2 credits, not an ai service: the platform
--     AI cap is one counter row all AI spends queue on, measured separately if at all);
--   * public.bench_credit_users(role, id): 'hot' = user n = 1 (every client spends from it),
--     'history' = user n = 2 with 50,000 deductions this month (50,000 ledger rows and
--     deduction rows);
--   * public.bench_credit_fresh(n, id): n = 1..users, each mapped to one of the other users on
--     user 2's plan (same allowance work) with no history beyond its grant. The fresh scripts pick
--     one at random, so each stays nearly fresh: a single fresh user would collect more deductions
--     during the timed samples (about 10,000 a second) than the history user was given.
\ir ../reference/credits.sql
SELECT count(innotrue.grant_credits(id, 1000000000, 'grant', NULL, 'bench-credits-' || n)) AS granted
  FROM public.bench_users;
CREATE TABLE public.bench_credit_users (role text PRIMARY KEY, id uuid NOT NULL);
INSERT INTO public.bench_credit_users
SELECT v.role, u.id FROM (VALUES ('hot', 1), ('history', 2)) AS v (role, n)
  JOIN public.bench_users u ON u.n = v.n;
CREATE TABLE public.bench_credit_fresh (n integer PRIMARY KEY, id uuid NOT NULL);
WITH fresh AS (
    SELECT row_number() OVER (ORDER BY u.n) - 1 AS k, u.id
      FROM public.bench_users u JOIN innotrue.profiles p ON p.id = u.id
     WHERE u.n > 2
       AND p.plan_id = (SELECT p2.plan_id FROM innotrue.profiles p2 JOIN public.bench_users u2 ON u2.id = p2.id WHERE u2.n = 2))
INSERT INTO public.bench_credit_fresh
SELECT b.n, f.id FROM public.bench_users b JOIN fresh f ON f.k = (b.n - 1) % (SELECT count(*) FROM fresh);
-- In transactions of 500: many updates of one row in one transaction leave a long chain of row
-- versions no one may prune yet, which would make this setup (not the timed runs) quadratic.
DO $$
DECLARE
    u uuid := (SELECT id FROM public.bench_credit_users WHERE role = 'history');
BEGIN
    FOR i IN 1..50000 LOOP
        PERFORM innotrue.deduct_credits(u, 'goal_creation');
        IF i % 500 = 0 THEN
            COMMIT;
        END IF;
    END LOOP;
END
$$;
SELECT r.role, (SELECT count(*) FROM innotrue.credit_ledger l WHERE l.user_id = r.id) AS ledger_rows
  FROM public.bench_credit_users r ORDER BY r.role;
SELECT count(DISTINCT id) AS fresh_users FROM public.bench_credit_fresh;
