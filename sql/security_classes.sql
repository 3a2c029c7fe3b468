-- The privilege classes at work (issue 16, docs/security.md): ordinary non-superuser LOGIN roles of
-- each class, and a PostgREST-shaped set (anon, authenticated, service_role NOLOGIN, entered by
-- SET ROLE from a LOGIN authenticator), try each forbidden action of the issue and its allowed
-- counterpart on the demo platform, in a database of their own. sec_try reports "ok: <first value>"
-- or "ok, <n> rows", else "error <SQLSTATE>"; sec_try_undo does the same and rolls the action back.
-- After every class, sec_state() (a digest of balances, ledgers, scores, grades, memberships,
-- comments, usage and the outbox) must be what it was before: nothing forbidden changed anything.
\set origdb :DBNAME
SET client_min_messages = warning;
DROP DATABASE IF EXISTS innotrue_security_classes;
DROP ROLE IF EXISTS sec_anonymous, sec_user, sec_service, sec_administrator, sec_sender, anon, authenticated, service_role, authenticator;
CREATE DATABASE innotrue_security_classes;
RESET client_min_messages;
\c innotrue_security_classes
SET client_min_messages = warning;
CREATE EXTENSION innotrue;
SELECT innotrue.load_demo_data();
RESET client_min_messages;

CREATE ROLE sec_anonymous LOGIN;
CREATE ROLE sec_user LOGIN;
CREATE ROLE sec_service LOGIN BYPASSRLS;
CREATE ROLE sec_administrator LOGIN BYPASSRLS;
CREATE ROLE anon NOLOGIN;
CREATE ROLE authenticated NOLOGIN;
CREATE ROLE service_role NOLOGIN BYPASSRLS;
CREATE ROLE authenticator LOGIN NOINHERIT;
GRANT anon, authenticated, service_role TO authenticator;

-- The one grant call per role; the class's prerequisites are checked.
SELECT innotrue.grant_access('sec_anonymous', 'anonymous') > 0 AS anonymous,
       innotrue.grant_access('sec_user', 'user') > 0 AS "user",
       innotrue.grant_access('sec_service', 'service') > 0 AS service,
       innotrue.grant_access('sec_administrator', 'administrator') > 0 AS administrator,
       innotrue.grant_access('anon', 'anonymous') > 0 AS anon,
       innotrue.grant_access('authenticated', 'user') > 0 AS authenticated,
       innotrue.grant_access('service_role', 'service') > 0 AS service_role;
\set VERBOSITY terse
SELECT innotrue.grant_access('sec_user', 'service');
SELECT innotrue.grant_access('sec_service', 'user');
SELECT innotrue.grant_access('sec_user', 'root');
SELECT innotrue.grant_access('no_such_role', 'user');
\set VERBOSITY default
SELECT role_name, privilege_class FROM innotrue.rls_app_roles ORDER BY role_name;

CREATE FUNCTION public.sec_try(statement text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v text;
    n bigint;
BEGIN
    IF statement ~* '^\s*(select|with)\M' THEN
        EXECUTE statement INTO v;
        RETURN 'ok: ' || coalesce(v, 'NULL');
    END IF;
    EXECUTE statement;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN 'ok, ' || n || ' rows';
EXCEPTION WHEN OTHERS THEN
    RETURN 'error ' || SQLSTATE;
END
$$;
CREATE FUNCTION public.sec_try_undo(statement text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    result text;
BEGIN
    BEGIN
        result := public.sec_try(statement);
        RAISE EXCEPTION USING ERRCODE = 'SECOK';
    EXCEPTION WHEN SQLSTATE 'SECOK' THEN
        NULL;
    END;
    RETURN result;
END
$$;
CREATE FUNCTION public.sec_state() RETURNS text LANGUAGE sql AS $$
    SELECT concat_ws(' | ',
        (SELECT string_agg(format('%s:%s', p.full_name, (innotrue.credit_balance(p.id)).available), ',' ORDER BY p.full_name)
           FROM innotrue.profiles p),
        (SELECT count(*) FROM innotrue.credit_batches), (SELECT sum(remaining) FROM innotrue.credit_batches),
        (SELECT count(*) FROM innotrue.credit_ledger), (SELECT count(*) FROM innotrue.credit_deductions),
        (SELECT count(*) FROM innotrue.credit_holds), (SELECT count(*) FROM innotrue.client_enrollments),
        (SELECT string_agg(format('%s/%s/%s', overall_score, passed, notes), ',') FROM innotrue.capability_snapshots),
        (SELECT string_agg(format('%s/%s/%s', overall_score, status, overall_comments), ',') FROM innotrue.module_assignments),
        (SELECT string_agg(format('%s/%s/%s', user_id, role, sponsored_plan_id), ',' ORDER BY user_id) FROM innotrue.organization_members),
        (SELECT string_agg(format('%s/%s/%s', slug, platform_tier_id, is_active), ',') FROM innotrue.organizations),
        (SELECT string_agg(status, ',' ORDER BY id) FROM innotrue.coach_instructor_requests),
        (SELECT count(*) FROM innotrue.goal_comments), (SELECT count(*) FROM innotrue.coach_module_feedback),
        (SELECT count(*) FROM innotrue.paragraph_evaluations), (SELECT coalesce(sum(used), 0) FROM innotrue.feature_usage),
        (SELECT string_agg(format('%s:%s', status, attempts), ',' ORDER BY id) FROM innotrue.email_outbox),
        (SELECT count(*) FROM innotrue.system_settings))
$$;
SELECT public.sec_state() IS NOT NULL AS warmed_up;   -- the month's plan allowances appear on first use
SELECT public.sec_state() AS before \gset

SELECT innotrue.seed_id('demo', 'user/alice') AS alice, innotrue.seed_id('demo', 'user/bob') AS bob,
       innotrue.seed_id('demo', 'user/carlos') AS carlos, innotrue.seed_id('demo', 'user/irene') AS irene,
       innotrue.seed_id('demo', 'user/olivia') AS olivia, innotrue.seed_id('demo', 'user/dana') AS dana,
       innotrue.seed_id('demo', 'user/ada') AS ada \gset
SELECT (SELECT id FROM innotrue.plans WHERE key = 'elite') AS elite,
       (SELECT id FROM innotrue.organizations WHERE slug = 'acme-consulting') AS acme,
       (SELECT id FROM innotrue.capability_snapshots WHERE user_id = :'alice') AS alice_snapshot,
       (SELECT id FROM innotrue.module_assignments WHERE user_id = :'alice') AS alice_assignment,
       (SELECT id FROM innotrue.goals WHERE user_id = :'alice' LIMIT 1) AS alice_goal,
       (SELECT module_progress_id FROM innotrue.module_assignments WHERE user_id = :'alice') AS alice_progress,
       (SELECT min(id::text) FROM innotrue.scenario_responses WHERE user_id = :'alice') AS alice_response,
       (SELECT id FROM innotrue.credit_batches WHERE user_id = :'alice' ORDER BY created_at, id LIMIT 1) AS alice_batch,
       (SELECT id FROM innotrue.profiles WHERE id NOT IN (SELECT user_id FROM innotrue.organization_members) AND id <> :'olivia' ORDER BY id LIMIT 1) AS non_member,
       (SELECT min(r.id::text) FROM innotrue.scenario_responses r WHERE r.user_id = :'alice'
           AND NOT EXISTS (SELECT 1 FROM innotrue.paragraph_evaluations e WHERE e.response_id = r.id AND e.evaluator_id = :'irene')) AS unevaluated_response,
       innotrue.seed_id('demo', 'program/leadership-foundations') AS leadership,
       (SELECT id FROM innotrue.psychometric_assessments WHERE slug = 'disc-profile') AS disc,
       (SELECT jsonb_object_agg(q.key, (SELECT o.key FROM innotrue.assessment_question_options o WHERE o.question_id = q.id ORDER BY o.key LIMIT 1))
          FROM innotrue.assessment_questions q
          JOIN innotrue.assessment_definitions d ON d.id = q.definition_id AND d.slug = 'leadership-style-snapshot') AS answers
\gset

-- anonymous: a visitor ----------------------------------------------------------------------------
\c - sec_anonymous
SELECT current_user, pg_has_role('sec_anonymous', 'pg_read_all_data', 'member') AS reads_all;
SELECT public.sec_try('SELECT count(*) FROM innotrue.profiles') AS read_profiles,
       public.sec_try('SELECT count(*) FROM innotrue.plans') AS read_plans,
       public.sec_try(format('SELECT innotrue.deduct_credits(%L, ''coaching_session'', 1)', :'alice')) AS spend_for_alice,
       public.sec_try(format('SELECT (innotrue.credit_balance(%L)).available', :'alice')) AS alice_balance,
       public.sec_try('SELECT innotrue.my_credit_balance()') AS my_balance,
       public.sec_try('SELECT innotrue.has_feature(''goals'')') AS has_feature;
-- allowed: a public assessment
SELECT public.sec_try_undo(format('SELECT jsonb_typeof(innotrue.compute_assessment_scores(''leadership-style-snapshot'', %L, ''visitor@example.com'', true))',
                                  :'answers')) AS score_public_assessment;
SELECT public.sec_try_undo($$SELECT innotrue.compute_assessment_scores('leadership-style-snapshot', '{}', NULL, false) IS NOT NULL$$) AS incomplete_answers;
SELECT innotrue.current_user_id() AS me;

-- user: Alice, a client ----------------------------------------------------------------------------
\c - sec_user
SET innotrue.user_id = :'alice';
-- acting for another user: every service form is closed
SELECT public.sec_try(format('SELECT innotrue.deduct_credits(%L, ''coaching_session'', 1)', :'bob')) AS deduct_for_bob,
       public.sec_try(format('SELECT innotrue.deduct_credits(%L, ''coaching_session'', 1)', :'alice')) AS deduct_for_herself,
       public.sec_try(format('SELECT innotrue.reserve_credits(%L, ''coaching_session'', 1)', :'bob')) AS reserve_for_bob,
       public.sec_try(format('SELECT innotrue.capture_hold(%L)', :'alice_batch')) AS capture,
       public.sec_try(format('SELECT innotrue.release_hold(%L)', :'alice_batch')) AS release;
SELECT public.sec_try(format('SELECT innotrue.enroll_in_program(%L, %L)', :'bob', :'leadership')) AS enroll_bob,
       public.sec_try(format('SELECT (innotrue.credit_balance(%L)).available', :'bob')) AS bob_balance,
       public.sec_try(format('SELECT count(*) FROM innotrue.resolve_entitlements(%L, now())', :'bob')) AS bob_entitlements,
       public.sec_try(format('SELECT innotrue.explain_entitlement(%L, ''goals'', now())', :'bob')) AS bob_explanation,
       public.sec_try(format('SELECT innotrue.has_feature(%L, ''goals'')', :'bob')) AS bob_has_feature,
       public.sec_try(format('SELECT innotrue.record_feature_usage(%L, ''ai_coach'', 1, now())', :'alice')) AS meter_via_service_form,
       public.sec_try(format('SELECT innotrue.grant_credits(%L, 1000, ''grant'')', :'alice')) AS grant_herself;
-- her own: the current-user forms
SELECT public.sec_try('SELECT (innotrue.my_credit_balance()).available') AS my_balance,
       public.sec_try('SELECT count(*) FROM innotrue.my_entitlements() WHERE enabled') > 'ok: 0' AS my_entitlements,
       public.sec_try('SELECT innotrue.my_explain_entitlement(''goals'') ->> ''enabled''') AS my_explanation,
       public.sec_try('SELECT innotrue.has_feature(''goals'')') AS has_feature,
       public.sec_try('SELECT innotrue.effective_plan_tier()') AS my_tier,
       public.sec_try('SELECT count(*) FROM innotrue.credit_batches WHERE user_id <> innotrue.current_user_id()') AS others_batches;
SELECT public.sec_try_undo('SELECT innotrue.my_record_feature_usage(''ai_coach'', 3)') AS meter_own_use,
       public.sec_try_undo('SELECT innotrue.my_record_feature_usage(''ai_coach'', 0)') AS meter_nothing,
       public.sec_try_undo(format('SELECT innotrue.my_score_capability_snapshot(%L) ->> ''overall_score''', :'alice_snapshot')) AS rescore_own_snapshot;
-- judged columns and the ledger
SELECT public.sec_try(format('UPDATE innotrue.capability_snapshots SET overall_score = 5.00 WHERE id = %L', :'alice_snapshot')) AS snapshot_score,
       public.sec_try(format('UPDATE innotrue.capability_snapshots SET passed = true WHERE id = %L', :'alice_snapshot')) AS snapshot_passed,
       public.sec_try_undo(format('UPDATE innotrue.capability_snapshots SET notes = ''my notes'' WHERE id = %L', :'alice_snapshot')) AS snapshot_notes,
       public.sec_try(format('UPDATE innotrue.module_assignments SET overall_score = 100 WHERE id = %L', :'alice_assignment')) AS own_grade,
       public.sec_try(format('UPDATE innotrue.module_assignments SET status = ''completed'' WHERE id = %L', :'alice_assignment')) AS own_status;
SELECT public.sec_try(format('INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining) VALUES (%L, ''grant'', 1000, 1000)', :'alice')) AS insert_batch,
       public.sec_try('UPDATE innotrue.credit_batches SET remaining = 1000') AS reset_batches,
       public.sec_try('DELETE FROM innotrue.credit_ledger') AS delete_ledger,
       public.sec_try('UPDATE innotrue.feature_usage SET used = 0') AS reset_usage;
-- party writes need the relationship, not just her own name
SELECT public.sec_try_undo(format('INSERT INTO innotrue.goal_comments (user_id, goal_id, author_id, body) VALUES (%L, %L, %L, ''my own note'')',
                                  :'alice', :'alice_goal', :'alice')) AS comment_own_goal,
       public.sec_try_undo(format('SELECT innotrue.my_enroll_in_program(%L) IS NOT NULL', :'leadership')) AS enroll_herself;
RESET innotrue.user_id;
SET innotrue.user_id = :'bob';
SELECT public.sec_try(format('INSERT INTO innotrue.goal_comments (user_id, goal_id, author_id, body) VALUES (%L, %L, %L, ''your coach says: give up'')',
                             :'alice', :'alice_goal', :'bob')) AS comment_on_alices_goal,
       public.sec_try(format('INSERT INTO innotrue.coach_module_feedback (user_id, coach_id, module_progress_id, content) VALUES (%L, %L, %L, ''fake'')',
                             :'alice', :'bob', :'alice_progress')) AS feedback_as_coach,
       public.sec_try(format('INSERT INTO innotrue.paragraph_evaluations (response_id, user_id, evaluator_id, rating) VALUES (%L, %L, %L, 1)',
                             :'alice_response', :'alice', :'bob')) AS evaluate_as_evaluator,
       public.sec_try(format('SELECT innotrue.my_score_capability_snapshot(%L)', :'alice_snapshot')) AS score_alices_snapshot;
SET innotrue.user_id = :'carlos';   -- Alice's coach
SELECT public.sec_try_undo(format('INSERT INTO innotrue.goal_comments (user_id, goal_id, author_id, body) VALUES (%L, %L, %L, ''keep going'')',
                                  :'alice', :'alice_goal', :'carlos')) AS coach_comments,
       public.sec_try_undo(format('INSERT INTO innotrue.coach_module_feedback (user_id, coach_id, module_progress_id, content) VALUES (%L, %L, %L, ''well done'')',
                                  :'alice', :'carlos', :'alice_progress')) AS coach_feedback;
SET innotrue.user_id = :'irene';    -- instructor of Alice's program
SELECT public.sec_try_undo(format('UPDATE innotrue.module_assignments SET overall_score = 90 WHERE id = %L', :'alice_assignment')) AS instructor_grades,
       public.sec_try_undo(format('INSERT INTO innotrue.paragraph_evaluations (response_id, user_id, evaluator_id, rating) VALUES (%L, %L, %L, 4)',
                                  :'unevaluated_response', :'alice', :'irene')) AS instructor_evaluates;
-- an org admin manages the other members, never her own sponsorship
SET innotrue.user_id = :'olivia';
SELECT public.sec_try(format('UPDATE innotrue.organization_members SET sponsored_plan_id = %L WHERE user_id = %L', :'elite', :'olivia')) AS sponsor_herself,
       public.sec_try(format('UPDATE innotrue.organization_members SET role = ''org_member'' WHERE user_id = %L', :'olivia')) AS change_own_membership,
       public.sec_try(format('INSERT INTO innotrue.organization_members (organization_id, user_id, sponsored_plan_id) VALUES (%L, %L, %L)',
                             :'acme', :'non_member', :'elite')) AS insert_sponsored_member,
       public.sec_try(format('UPDATE innotrue.organization_members SET sponsored_plan_id = %L WHERE user_id = %L', :'elite', :'dana')) AS sponsor_dana,
       public.sec_try_undo(format('UPDATE innotrue.organization_members SET role = ''org_manager'' WHERE user_id = %L', :'bob')) AS promote_bob,
       public.sec_try_undo(format('INSERT INTO innotrue.organization_members (organization_id, user_id) VALUES (%L, %L)', :'acme', :'non_member')) AS add_member;
-- a user files requests and registrations only in their initial, unreviewed state
SET innotrue.user_id = :'dana';
SELECT public.sec_try(format('INSERT INTO innotrue.coach_instructor_requests (user_id, requested_role, status, reviewed_by, reviewed_at) VALUES (%L, ''instructor'', ''approved'', %L, now())',
                             :'dana', :'dana')) AS request_approved,
       public.sec_try_undo(format('INSERT INTO innotrue.coach_instructor_requests (user_id, requested_role) VALUES (%L, ''instructor'')', :'dana')) AS request_pending,
       public.sec_try_undo(format('INSERT INTO innotrue.assessment_interest_registrations (user_id, psychometric_assessment_id, status, contacted_at) VALUES (%L, %L, ''contacted'', now())',
                                  :'dana', :'disc')) AS registration_contacted,
       public.sec_try_undo(format('INSERT INTO innotrue.assessment_interest_registrations (user_id, psychometric_assessment_id) VALUES (%L, %L)',
                                  :'dana', :'disc')) AS registration_pending;
SET innotrue.user_id = :'olivia';
SELECT public.sec_try(format('UPDATE innotrue.organizations SET platform_tier_id = NULL WHERE id = %L', :'acme')) AS change_paid_tier,
       public.sec_try_undo(format('UPDATE innotrue.organizations SET industry = ''Advisory'' WHERE id = %L', :'acme')) AS edit_org_profile;
-- a platform admin through the application is still bound by the ledger
SET innotrue.user_id = :'ada';
SELECT public.sec_try(format('INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining) VALUES (%L, ''grant'', 1000, 1000)', :'alice')) AS admin_inserts_batch,
       public.sec_try('UPDATE innotrue.credit_batches SET remaining = 1000') AS admin_resets_batches,
       public.sec_try(format('UPDATE innotrue.capability_snapshots SET overall_score = 5.00 WHERE id = %L', :'alice_snapshot')) AS admin_writes_score,
       public.sec_try('SELECT count(*) > 0 FROM innotrue.credit_batches') AS admin_reads_batches,
       public.sec_try_undo('UPDATE innotrue.plans SET description = ''edited'' WHERE key = ''free''') AS admin_edits_plans;
SET innotrue.user_id = :'bob';
SELECT public.sec_try('UPDATE innotrue.plans SET description = ''edited'' WHERE key = ''free''') AS client_edits_plans,
       public.sec_try('SELECT innotrue.claim_notifications(10, ''bob'')') AS claim_outbox,
       public.sec_try('SELECT count(*) FROM innotrue.privilege_decisions') AS read_decisions;
\c - postgres
SELECT public.sec_state() = :'before' AS unchanged_after_user;

-- service: a trusted backend -----------------------------------------------------------------------
\c - sec_service
SELECT public.sec_try_undo(format('SELECT innotrue.deduct_credits(%L, ''coaching_session'', 1) ->> ''cost''', :'alice')) AS spend_for_alice,
       public.sec_try_undo(format('SELECT (innotrue.credit_balance(%L)).available', :'bob')) AS bob_balance,
       public.sec_try_undo(format('SELECT innotrue.record_feature_usage(%L, ''ai_coach'', 1, now())', :'alice')) AS meter_alice,
       public.sec_try_undo('SELECT count(*) FROM innotrue.claim_notifications(10, ''sender'')') AS claim_outbox,
       public.sec_try_undo(format('SELECT innotrue.notify(%L, ''welcome'') IS NOT NULL', :'bob')) AS notify_bob;
SELECT public.sec_try(format('INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining) VALUES (%L, ''grant'', 1000, 1000)', :'alice')) AS insert_batch,
       public.sec_try('UPDATE innotrue.credit_batches SET remaining = 1000') AS reset_batches,
       public.sec_try('UPDATE innotrue.plans SET description = ''edited''') AS edit_plans,
       public.sec_try('SELECT innotrue.configuration_report()') AS configuration_report,
       public.sec_try('SELECT innotrue.my_credit_balance()') AS my_balance;
\c - postgres
SELECT public.sec_state() = :'before' AS unchanged_after_service;

-- The issue's outbox sender: a role under row-level security granted just the outbox functions (as
-- 0.1.0 deployments did) claims the due rows instead of silently claiming none.
CREATE ROLE sec_sender LOGIN;
GRANT USAGE ON SCHEMA innotrue TO sec_sender;
GRANT EXECUTE ON FUNCTION innotrue.claim_notifications(integer, text, interval), innotrue.complete_notification(uuid, text) TO sec_sender;
\c - sec_sender
SELECT public.sec_try_undo('SELECT count(*) FROM innotrue.claim_notifications(10, ''sender'')') AS claimed_under_rls,
       public.sec_try('SELECT count(*) FROM innotrue.email_outbox') AS reads_outbox_directly;
\c - postgres
DROP OWNED BY sec_sender;
DROP ROLE sec_sender;

-- administrator: platform configuration -------------------------------------------------------------
\c - sec_administrator
SELECT public.sec_try_undo('UPDATE innotrue.plans SET description = ''edited'' WHERE key = ''free''') AS edit_plans,
       public.sec_try('SELECT count(*) > 0 FROM innotrue.configuration_report()') AS configuration_report,
       public.sec_try('SELECT count(*) > 0 FROM innotrue.privilege_matrix()') AS privilege_matrix;
SELECT public.sec_try(format('SELECT innotrue.deduct_credits(%L, ''coaching_session'', 1)', :'alice')) AS spend,
       public.sec_try(format('INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining) VALUES (%L, ''grant'', 1000, 1000)', :'alice')) AS insert_batch,
       public.sec_try('UPDATE innotrue.goals SET title = ''x''') AS write_user_data,
       public.sec_try('INSERT INTO innotrue.rls_app_roles (role_name) VALUES (''sec_anonymous'')') AS record_role;
\c - postgres
SELECT public.sec_state() = :'before' AS unchanged_after_administrator;

-- PostgREST: the authenticator switches to the role of the request ---------------------------------
\c - authenticator
SELECT public.sec_try('SELECT count(*) FROM innotrue.plans') AS authenticator_itself;
SET ROLE anon;
SELECT public.sec_try('SELECT count(*) FROM innotrue.profiles') AS anon_reads_profiles,
       public.sec_try(format('SELECT innotrue.deduct_credits(%L, ''coaching_session'', 1)', :'alice')) AS anon_spends;
RESET ROLE;
SET ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'alice', 'role', 'authenticated')::text, false) IS NOT NULL AS claims_set;
SET innotrue.user_id = :'alice';
SELECT public.sec_try(format('SELECT innotrue.deduct_credits(%L, ''coaching_session'', 1)', :'bob')) AS spend_for_bob,
       public.sec_try(format('SELECT (innotrue.credit_balance(%L)).available', :'bob')) AS bob_balance,
       public.sec_try('SELECT (innotrue.my_credit_balance()).available') AS my_balance,
       public.sec_try('SELECT count(*) FROM innotrue.profiles') AS visible_profiles,
       public.sec_try(format('UPDATE innotrue.module_assignments SET overall_score = 100 WHERE id = %L', :'alice_assignment')) AS own_grade;
RESET ROLE;
SET ROLE service_role;
SELECT public.sec_try_undo(format('SELECT innotrue.deduct_credits(%L, ''coaching_session'', 1) ->> ''cost''', :'bob')) AS service_spends_for_bob,
       public.sec_try_undo('SELECT count(*) FROM innotrue.claim_notifications(10, ''sender'')') AS service_claims;
RESET ROLE;
\c - postgres
SELECT public.sec_state() = :'before' AS unchanged_after_postgrest;

-- Revoking a class takes everything back.
SELECT innotrue.disable_row_level_security('sec_user') >= 0 AS disabled;
SELECT count(*) AS privileges_left FROM information_schema.role_table_grants WHERE grantee = 'sec_user';
SELECT has_function_privilege('sec_user', 'innotrue.my_credit_balance()', 'EXECUTE') AS may_call_my_balance,
       has_schema_privilege('sec_user', 'innotrue', 'USAGE') AS schema_usage;

\c :origdb
SET client_min_messages = warning;
DROP DATABASE innotrue_security_classes;
DROP ROLE sec_anonymous, sec_user, sec_service, sec_administrator, anon, authenticated, service_role, authenticator;
