-- Credit ledger stress step, run by bench/credits-stress (not timed by bench/run: no ratio of
-- bench/ratios names it). One random operation per transaction over 200 users and 20
-- organizations: grants (some expiring within seconds), deductions (some with reused
-- idempotency keys, some on ai services against a low platform cap), refunds, holds with short
-- timeouts, captures, releases, the expiry sweep, balances and org-sponsored enrollments.
-- Expected refusals (shortfall, reused key, already refunded, expired hold, AI cap) are counted
-- by public.credits_stress_step, not failures; anything else fails the run.
\set op random(1, 100)
\set n random(1, 200)
\set m random(1, 20)
\set q random(1, 3)
\set k random(1, 400)
SELECT public.credits_stress_step(:op, :n, :m, :q, :k);
