-- innotrue.current_user_id(): its four sources and their order, malformed values, a hijack attempt
-- through a planted auth.uid(), a trusted auth.uid(), and a PostgREST-shaped set of roles.
-- Everything happens in one transaction that is rolled back (roles included).
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;

INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT v.id::uuid, v.email, p.id
  FROM (VALUES ('00000000-0000-0000-0000-0000000000d1', 'd1@example.com', 'advanced'),
               ('00000000-0000-0000-0000-0000000000d2', 'd2@example.com', 'free'),
               ('00000000-0000-0000-0000-0000000000d3', 'd3@example.com', 'free')) v (id, email, plan_key)
  JOIN innotrue.plans p ON p.key = v.plan_key;
INSERT INTO innotrue.user_roles (user_id, role) VALUES ('00000000-0000-0000-0000-0000000000d3', 'admin');

-- 1. Sources, lowest first: each one present overrides the ones below it.
SELECT innotrue.current_user_id() IS NULL AS no_source_anonymous;
SET LOCAL innotrue.user_id = '00000000-0000-0000-0000-0000000000d1';
SELECT innotrue.current_user_id() AS from_user_id;
SET LOCAL request.jwt.claim.sub = '00000000-0000-0000-0000-0000000000d2';
SELECT innotrue.current_user_id() AS from_legacy_claim_sub;
SET LOCAL request.jwt.claims = '{"sub": "00000000-0000-0000-0000-0000000000d3", "role": "authenticated"}';
SELECT innotrue.current_user_id() AS from_claims_json;
-- the parse is kept per value: a different value is read afresh, the same value again gives the same
SET LOCAL request.jwt.claims = '{"role": "authenticated", "sub": "00000000-0000-0000-0000-0000000000d1"}';
SELECT innotrue.current_user_id() AS claims_changed;
SET LOCAL request.jwt.claims = '{"sub": "00000000-0000-0000-0000-0000000000d3", "role": "authenticated"}';
SELECT innotrue.current_user_id() AS claims_back;
-- claims without a sub (an anonymous PostgREST request) mean anonymous, although lower sources are set
SET LOCAL request.jwt.claims = '{"role": "anon"}';
SELECT innotrue.current_user_id() IS NULL AS claims_without_sub_anonymous;
SET LOCAL request.jwt.claims = '{"role": "anon", "sub": null}';
SELECT innotrue.current_user_id() IS NULL AS claims_null_sub_anonymous;
-- an empty setting counts as absent
SET LOCAL request.jwt.claims = '';
SELECT innotrue.current_user_id() AS empty_claims_fall_through;
SET LOCAL request.jwt.claim.sub = '';
SELECT innotrue.current_user_id() AS empty_claim_sub_falls_through;

-- 2. Malformed values are errors naming the setting (22P02 / 22023), whichever source they are in.
SET LOCAL request.jwt.claims = '{"sub": "00000000-0000-0000-0000-0000000000d3"';
SELECT innotrue.current_user_id();
\echo :LAST_ERROR_SQLSTATE
SET LOCAL request.jwt.claims = '["00000000-0000-0000-0000-0000000000d3"]';
SELECT innotrue.current_user_id();
\echo :LAST_ERROR_SQLSTATE
SET LOCAL request.jwt.claims = '{"sub": 42}';
SELECT innotrue.current_user_id();
\echo :LAST_ERROR_SQLSTATE
SET LOCAL request.jwt.claims = '{"sub": "user-42"}';
SELECT innotrue.current_user_id();
\echo :LAST_ERROR_SQLSTATE
SET LOCAL request.jwt.claims = '{"sub": ""}';
SELECT innotrue.current_user_id();
\echo :LAST_ERROR_SQLSTATE
SET LOCAL request.jwt.claims = '';
SET LOCAL request.jwt.claim.sub = 'not-a-uuid';
SELECT innotrue.current_user_id();
\echo :LAST_ERROR_SQLSTATE
SET LOCAL request.jwt.claim.sub = '';
SET LOCAL innotrue.user_id = '12345';
SELECT innotrue.current_user_id();
\echo :LAST_ERROR_SQLSTATE
SET LOCAL innotrue.user_id = '00000000-0000-0000-0000-0000000000d1';
-- a bad value does not stick: the next good one is read
SELECT innotrue.current_user_id() AS good_again;

-- 3. The hijack: a role with only LOGIN and CREATE on the database plants schema auth with a uid()
-- that would make it superuser and decide every session's user id. It is never called: not by a
-- superuser, not by the SECURITY DEFINER policy helpers, not through a policy.
CREATE ROLE regress_identity_mallory LOGIN;
DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO regress_identity_mallory', current_database()); END $$;
CREATE ROLE regress_identity_app NOLOGIN;
SELECT innotrue.enable_row_level_security('regress_identity_app') > 0 AS policies_made;
GRANT USAGE ON SCHEMA innotrue TO regress_identity_app;
GRANT EXECUTE ON FUNCTION innotrue.current_user_id(), innotrue.is_admin(), innotrue.my_client_ids()
    TO regress_identity_app;
SET LOCAL SESSION AUTHORIZATION regress_identity_mallory;
CREATE SCHEMA auth;
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'planted auth.uid() runs as %', current_user;
    EXECUTE 'ALTER ROLE regress_identity_mallory SUPERUSER';
    RETURN '00000000-0000-0000-0000-0000000000d3';   -- the admin
END $$;
GRANT USAGE ON SCHEMA auth TO PUBLIC;
RESET SESSION AUTHORIZATION;
SELECT innotrue.current_user_id() AS superuser_asks;
SET LOCAL ROLE regress_identity_app;
SELECT innotrue.current_user_id() AS app_asks, innotrue.is_admin() AS app_is_admin,
       cardinality(innotrue.my_client_ids()) AS app_clients;
SELECT count(*) >= 0 AS goals_read_under_rls FROM innotrue.goals;
RESET ROLE;
SELECT rolsuper AS mallory_became_superuser FROM pg_roles WHERE rolname = 'regress_identity_mallory';
-- A uid() owned by a superuser in a schema the attacker owns is not trusted either (she could drop
-- and replace it); nor one she creates in a superuser's schema she may create in.
SET LOCAL SESSION AUTHORIZATION regress_identity_mallory;
DROP FUNCTION auth.uid();
RESET SESSION AUTHORIZATION;
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT '00000000-0000-0000-0000-0000000000d3'::uuid $$;
SELECT innotrue.current_user_id() AS superuser_function_in_untrusted_schema;
DROP SCHEMA auth CASCADE;
CREATE SCHEMA auth;
GRANT USAGE, CREATE ON SCHEMA auth TO regress_identity_mallory;
SET LOCAL SESSION AUTHORIZATION regress_identity_mallory;
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT '00000000-0000-0000-0000-0000000000d3'::uuid $$;
RESET SESSION AUTHORIZATION;
SELECT innotrue.current_user_id() AS untrusted_function_in_trusted_schema;
-- once a superuser owns it, it is trusted (and decides alone, even when it says NULL)
ALTER FUNCTION auth.uid() OWNER TO CURRENT_USER;
SELECT innotrue.current_user_id() AS trusted_auth_uid;
CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT NULL::uuid $$;
SELECT innotrue.current_user_id() IS NULL AS trusted_null_is_anonymous;
-- a trusted uid() returning another type, or taking arguments, is not the one asked
DROP FUNCTION auth.uid();
CREATE FUNCTION auth.uid() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'x' $$;
SELECT innotrue.current_user_id() AS text_uid_ignored;
DROP FUNCTION auth.uid();

-- 4. A trusted auth.uid() runs as the session's role, even from a SECURITY DEFINER policy helper,
-- and with search_path pg_catalog, pg_temp (nothing the caller plants in her path is found).
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE plpgsql STABLE AS $$
BEGIN
    RAISE NOTICE 'trusted auth.uid() runs as %, search_path %', current_user, current_setting('search_path');
    RETURN nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub';
END $$;
GRANT USAGE ON SCHEMA auth TO regress_identity_app;
CREATE SCHEMA regress_identity_evil;
GRANT USAGE ON SCHEMA regress_identity_evil TO regress_identity_app;
CREATE FUNCTION regress_identity_evil.current_setting(text, boolean) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'planted current_setting() called';
    RETURN '{"sub": "00000000-0000-0000-0000-0000000000d2"}';
END $$;
SET LOCAL ROLE regress_identity_app;
SET LOCAL request.jwt.claims = '{"sub": "00000000-0000-0000-0000-0000000000d3"}';
SET LOCAL search_path = regress_identity_evil, pg_catalog;
SELECT innotrue.current_user_id() AS via_trusted_auth_uid;
SELECT auth.uid() AS direct_call_finds_her_function;   -- the control: called directly, it would
RESET search_path;
SELECT innotrue.is_admin() AS admin_via_helper;
RESET ROLE;
DROP SCHEMA auth CASCADE;
SET LOCAL request.jwt.claims = '';

-- 5. PostgREST-shaped: anon / authenticated / service_role (NOLOGIN), an authenticator that logs in
-- and switches role per request, the claims JSON set per transaction.
CREATE ROLE regress_identity_authenticator LOGIN NOINHERIT;
-- (made here unless another suite left them; the transaction's rollback drops what it made)
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN; END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN; END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN CREATE ROLE service_role NOLOGIN; END IF;
END $$;
GRANT anon, authenticated, service_role TO regress_identity_authenticator;
GRANT USAGE ON SCHEMA innotrue TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION innotrue.current_user_id(), innotrue.is_admin(), innotrue.has_feature(text)
    TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION innotrue.has_feature(uuid, text) TO anon, authenticated, service_role;
SET LOCAL SESSION AUTHORIZATION regress_identity_authenticator;
SET LOCAL innotrue.user_id = '';
-- a signed-in request
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"00000000-0000-0000-0000-0000000000d1","role":"authenticated"}', true) IS NOT NULL AS claims_set;
SELECT current_user, innotrue.current_user_id(), innotrue.has_feature('community') AS has_community,
       innotrue.is_admin() AS is_admin;
-- the next request on the same connection, another user
SELECT set_config('request.jwt.claims', '{"sub":"00000000-0000-0000-0000-0000000000d3","role":"authenticated"}', true) IS NOT NULL AS claims_set;
SELECT current_user, innotrue.current_user_id(), innotrue.is_admin() AS is_admin;
-- an anonymous request: no sub, so anonymous, whatever a lower source holds
RESET ROLE;
SET LOCAL ROLE anon;
SELECT set_config('request.jwt.claims', '{"role":"anon"}', true) IS NOT NULL AS claims_set;
SET LOCAL innotrue.user_id = '00000000-0000-0000-0000-0000000000d3';
SELECT current_user, innotrue.current_user_id() IS NULL AS anonymous, innotrue.has_feature('community') AS has_community,
       innotrue.is_admin() AS is_admin;
-- the service role's token carries no user: it acts for users through the functions taking a user id
RESET ROLE;
SET LOCAL ROLE service_role;
SELECT set_config('request.jwt.claims', '{"role":"service_role"}', true) IS NOT NULL AS claims_set;
SELECT current_user, innotrue.current_user_id() IS NULL AS no_user,
       innotrue.has_feature('00000000-0000-0000-0000-0000000000d1', 'community') AS d1_has_community;
RESET ROLE;
RESET SESSION AUTHORIZATION;

ROLLBACK;
