-- unlock_resource (src/access.c): a consumable resource is charged once through the credit ledger
-- (deduct_credits, service resource_unlock), waived for enrollees of a linked program, recorded in
-- resource_usage_tracking; refusals change nothing.
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;
\set ECHO none
\i test/access_fixture.sql
\set ECHO all
CREATE FUNCTION pg_temp.available(uuid) RETURNS bigint LANGUAGE sql
AS $$ SELECT available FROM innotrue.credit_balance($1) $$;
CREATE FUNCTION pg_temp.usage() RETURNS TABLE (user_name text, resource text, action text, credits_charged integer)
LANGUAGE sql VOLATILE
AS $$ SELECT u.name, r.name, t.action, t.credits_charged FROM innotrue.resource_usage_tracking t
        JOIN fx_user u ON u.id = t.user_id JOIN fx_resource r ON r.id = t.resource_id ORDER BY 1, 2, 3 $$;

SELECT key, category, credit_cost FROM innotrue.credit_services WHERE key = 'resource_unlock';
SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000c4', 12, 'grant') IS NOT NULL AS granted;

-- c4 pays 5 for public_paid; the repeat costs nothing more and records nothing more.
SELECT innotrue.unlock_resource('00000000-0000-0000-0000-0000000000c4', '00000000-0000-0000-0000-0000000000f9');
SELECT pg_temp.available('00000000-0000-0000-0000-0000000000c4') AS c4_available;
SELECT innotrue.unlock_resource('00000000-0000-0000-0000-0000000000c4', '00000000-0000-0000-0000-0000000000f9');
SELECT pg_temp.available('00000000-0000-0000-0000-0000000000c4') AS c4_available;
-- the ledger shows one deduction of 5 through service resource_unlock
SELECT s.key, d.cost, d.quantity FROM innotrue.credit_deductions d JOIN innotrue.credit_services s ON s.id = d.credit_service_id
 WHERE d.user_id = '00000000-0000-0000-0000-0000000000c4';

-- c1 is enrolled in P1, which public_paid_p1 is linked to: waived, recorded with 0 credits.
SELECT innotrue.unlock_resource('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000fa');
SELECT innotrue.unlock_resource('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000fa');

-- A free resource is recorded as a view each time.
SELECT innotrue.unlock_resource('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000f2');

-- Refusals: no access (42501), unknown resource (42704), NULL (22004), shortfall (c2 has no
-- credits for a price of 100000: deduct_credits' error); none records usage or spends credits.
SELECT innotrue.unlock_resource('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000f1');
SELECT innotrue.unlock_resource('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-00000000ffff');
SELECT innotrue.unlock_resource(NULL, '00000000-0000-0000-0000-0000000000f9');
UPDATE innotrue.resource_library SET credit_cost = 100000 WHERE id = '00000000-0000-0000-0000-0000000000f9';
SELECT pg_temp.available('00000000-0000-0000-0000-0000000000c2') AS c2_available;
SELECT innotrue.unlock_resource('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000f9');
SELECT pg_temp.available('00000000-0000-0000-0000-0000000000c2') AS c2_available;
-- c4 already paid the old price: a price change does not charge again
SELECT innotrue.unlock_resource('00000000-0000-0000-0000-0000000000c4', '00000000-0000-0000-0000-0000000000f9') ->> 'credits_charged' AS c4_charged;
SELECT * FROM pg_temp.usage();

-- The current-user variant; an anonymous caller is refused.
SELECT innotrue.unlock_resource('00000000-0000-0000-0000-0000000000f2'::uuid);
SET LOCAL innotrue.user_id = '00000000-0000-0000-0000-0000000000c3';
SELECT innotrue.unlock_resource('00000000-0000-0000-0000-0000000000f2'::uuid) ->> 'consumable' AS consumable;
SELECT count(*) AS c3_views FROM innotrue.resource_usage_tracking WHERE user_id = '00000000-0000-0000-0000-0000000000c3';

-- Only trusted callers may charge another user: PUBLIC cannot execute the two-argument form.
SELECT has_function_privilege('public', 'innotrue.unlock_resource(uuid, uuid)', 'EXECUTE') AS public_two_arg,
       has_function_privilege('public', 'innotrue.unlock_resource(uuid)', 'EXECUTE') AS public_current_user;
ROLLBACK;
