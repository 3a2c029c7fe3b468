-- enroll_in_program and sponsor_enrollment (src/credits.c): the access gating chain in one
-- transaction, program allowances, organization pools.
\set ON_ERROR_ROLLBACK on
BEGIN;
\i sql/credits_helpers.psql

CREATE FUNCTION pg_temp.enrollments(uuid) RETURNS TABLE (program text, tier text, program_plan text, status text)
LANGUAGE sql VOLATILE
AS $$ SELECT p.slug, e.tier_name, pp.key, e.status FROM innotrue.client_enrollments e
        JOIN innotrue.programs p ON p.id = e.program_id LEFT JOIN innotrue.program_plans pp ON pp.id = e.program_plan_id
       WHERE e.user_id = $1 ORDER BY 1 $$;

-- Program plans and programs: cta (tier >= 1, 25 credits, default plan std; tier pro = prem for 40),
-- intro (open to all, free, plan prem without allowance), closed (inactive), pricey (tier >= 1,
-- 400 credits). An active program needs a default plan and a module (68_layers.sql).
INSERT INTO innotrue.program_plans (key, name, tier_level, credit_allowance)
VALUES ('std', 'Standard Access', 1, 30), ('prem', 'Premium Access', 2, 0);
INSERT INTO innotrue.programs (id, slug, name, is_active, credit_cost, min_plan_tier, default_program_plan_id)
SELECT v.id::uuid, v.slug, v.name, v.active, v.cost, v.min_tier, pp.id
  FROM (VALUES ('00000000-0000-0000-0000-0000000000e1', 'cta', 'CTA', true, 25, 1, 'std'),
               ('00000000-0000-0000-0000-0000000000e2', 'intro', 'Intro', true, 0, 0, 'prem'),
               ('00000000-0000-0000-0000-0000000000e3', 'closed', 'Closed', false, 5, 0, NULL),
               ('00000000-0000-0000-0000-0000000000e4', 'pricey', 'Pricey', true, 400, 1, 'std'))
       AS v (id, slug, name, active, cost, min_tier, plan_key)
  LEFT JOIN innotrue.program_plans pp ON pp.key = v.plan_key;
INSERT INTO innotrue.program_modules (program_id, title, module_type, order_index)
SELECT id, 'Welcome', 'content', 0 FROM innotrue.programs WHERE slug IN ('cta', 'intro', 'pricey');
INSERT INTO innotrue.program_tier_plans (program_id, tier_name, program_plan_id, credit_cost)
SELECT '00000000-0000-0000-0000-0000000000e1', 'pro', id, 40 FROM innotrue.program_plans WHERE key = 'prem';

-- Users: f1 on free (tier 0, 20/month), f2 and f3 on base (tier 1, 150/month), an organization.
INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT v.id::uuid, v.email, p.id
  FROM (VALUES ('00000000-0000-0000-0000-0000000000f1', 'f1@example.com', 'free'),
               ('00000000-0000-0000-0000-0000000000f2', 'f2@example.com', 'base'),
               ('00000000-0000-0000-0000-0000000000f3', 'f3@example.com', 'base')) AS v (id, email, plan_key)
  JOIN innotrue.plans p ON p.key = v.plan_key;
INSERT INTO innotrue.organizations (id, name, slug) VALUES ('00000000-0000-0000-0000-0000000000b2', 'Globex', 'globex');

-- Tier gate: free (0) < 1.
SELECT pg_temp.err($$SELECT innotrue.enroll_in_program('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000e1')$$);
-- Free program: enrollment without a deduction; a plan without allowance adds no batch.
SELECT innotrue.enroll_in_program('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000e2') IS NOT NULL AS enrolled;
SELECT * FROM pg_temp.enrollments('00000000-0000-0000-0000-0000000000f1');
SELECT count(*) AS deductions FROM innotrue.credit_deductions WHERE user_id = '00000000-0000-0000-0000-0000000000f1';

-- Paid enrollment: 25 from the plan allowance, the default program plan, its allowance of 30.
SELECT innotrue.enroll_in_program('00000000-0000-0000-0000-0000000000f2', '00000000-0000-0000-0000-0000000000e1') AS en \gset
SELECT * FROM pg_temp.enrollments('00000000-0000-0000-0000-0000000000f2');
SELECT kind, cost, reference->>'enrollment_id' = :'en' AS refers_to_enrollment
  FROM innotrue.credit_deductions WHERE user_id = '00000000-0000-0000-0000-0000000000f2';
SELECT source, amount, remaining, enrollment_id = :'en' AS for_enrollment, expires_at IS NULL AS no_expiry
  FROM innotrue.credit_batches WHERE user_id = '00000000-0000-0000-0000-0000000000f2' ORDER BY source;
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000f2');
-- The program allowance is spent after the plan allowance.
SELECT (SELECT string_agg(b.source || ' ' || (x.e->>'amount'), ', ' ORDER BY x.o)
          FROM jsonb_array_elements(d->'batches') WITH ORDINALITY AS x (e, o)
          JOIN innotrue.credit_batches b ON b.id = (x.e->>'batch_id')::uuid) AS spent
  FROM innotrue.deduct_credits('00000000-0000-0000-0000-0000000000f2', 'review_board_mock', 9) AS d;
-- Enrolling twice is refused.
SELECT pg_temp.err($$SELECT innotrue.enroll_in_program('00000000-0000-0000-0000-0000000000f2', '00000000-0000-0000-0000-0000000000e1')$$);

-- A tier: its plan and its price.
SELECT innotrue.enroll_in_program('00000000-0000-0000-0000-0000000000f3', '00000000-0000-0000-0000-0000000000e1', 'pro') IS NOT NULL AS enrolled;
SELECT * FROM pg_temp.enrollments('00000000-0000-0000-0000-0000000000f3');
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000f3');

-- Failures leave nothing behind: shortfall, unknown tier, program or user, closed program.
SELECT pg_temp.err($$SELECT innotrue.enroll_in_program('00000000-0000-0000-0000-0000000000f3', '00000000-0000-0000-0000-0000000000e4')$$);
SELECT pg_temp.err($$SELECT innotrue.enroll_in_program('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000e1', 'gold')$$);
SELECT pg_temp.err($$SELECT innotrue.enroll_in_program('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000ff')$$);
SELECT pg_temp.err($$SELECT innotrue.enroll_in_program('00000000-0000-0000-0000-0000000000ff', '00000000-0000-0000-0000-0000000000e2')$$);
SELECT pg_temp.err($$SELECT innotrue.enroll_in_program('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000e3')$$);
SELECT * FROM pg_temp.enrollments('00000000-0000-0000-0000-0000000000f3');
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000f3');

-- Organization sponsorship: paid from the organization's pool for an active member.
SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000b2', 100, 'org_purchase', NULL, 'globex_pool') IS NOT NULL AS granted;
SELECT pg_temp.err($$SELECT innotrue.sponsor_enrollment('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000f3', '00000000-0000-0000-0000-0000000000e2')$$);
INSERT INTO innotrue.organization_members (organization_id, user_id, sponsored_plan_id)
SELECT '00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000f1', id FROM innotrue.plans WHERE key = 'pro';
-- f1 (free) now has effective tier 2 through the sponsored plan and passes the cta gate.
SELECT innotrue.sponsor_enrollment('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000e1') IS NOT NULL AS sponsored;
SELECT * FROM pg_temp.enrollments('00000000-0000-0000-0000-0000000000f1');
SELECT credits_charged FROM innotrue.org_sponsored_enrollments WHERE user_id = '00000000-0000-0000-0000-0000000000f1';
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000b2');
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000f1');
-- The pool cannot cover 400.
SELECT pg_temp.err($$SELECT innotrue.sponsor_enrollment('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000e4')$$);
SELECT pg_temp.err($$SELECT innotrue.sponsor_enrollment('00000000-0000-0000-0000-0000000000f2', '00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000e2')$$);
-- Org deductions are refundable like any other.
SELECT innotrue.refund_credits(id)->>'refunded' AS refunded FROM innotrue.credit_deductions
 WHERE organization_id = '00000000-0000-0000-0000-0000000000b2';
SELECT pg_temp.bal('00000000-0000-0000-0000-0000000000b2');
SELECT count(*) AS invariant_violations FROM innotrue.check_credit_invariants();
ROLLBACK;
