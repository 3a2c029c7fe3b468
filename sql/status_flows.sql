-- Status flows (docs/rules.md): legal and illegal transitions for every flow, and session
-- roles from session_type_roles (max and required). Runs in one transaction, rolled back.
\set VERBOSITY default
\set ON_ERROR_ROLLBACK on
SET search_path = innotrue, public;
BEGIN;

-- The flows as data
SELECT table_name, from_status, string_agg(to_status, ', ' ORDER BY to_status) AS allowed_next
  FROM status_transitions GROUP BY table_name, from_status ORDER BY table_name, from_status;

-- Fixtures
INSERT INTO profiles (id, email, plan_id)
SELECT v.id::uuid, v.email, p.id FROM plans p,
    (VALUES ('00000000-0000-0000-0000-0000000000a1', 'flow-client@example.com'),
            ('00000000-0000-0000-0000-0000000000a2', 'flow-coach@example.com'),
            ('00000000-0000-0000-0000-0000000000a3', 'flow-third@example.com'),
            ('00000000-0000-0000-0000-0000000000a4', 'flow-fourth@example.com')) AS v (id, email)
 WHERE p.key = 'free';
INSERT INTO program_plans (key, name, tier_level) VALUES ('flow_plan', 'Flow Plan', 0);
INSERT INTO programs (id, slug, name, default_program_plan_id)
SELECT '00000000-0000-0000-0000-0000000000b1', 'flow-prog', 'Flow Program', id FROM program_plans WHERE key = 'flow_plan';
INSERT INTO program_modules (id, program_id, title, module_type, order_index)
VALUES ('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000b1', 'Flow essay', 'assignment', 1);
INSERT INTO module_assignment_types (id, key, name, structure) VALUES ('00000000-0000-0000-0000-0000000000b3', 'flow_essay', 'Essay', '{}');
INSERT INTO client_enrollments (id, user_id, program_id)
VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b1');
INSERT INTO module_progress (id, user_id, enrollment_id, module_id)
VALUES ('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000a1',
        '00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000b2');

-- Assignments: draft → submitted → reviewed → completed ---------------------------------------
INSERT INTO module_assignments (id, user_id, module_progress_id, module_id, assignment_type_id)
VALUES ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c2',
        '00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000b3');
UPDATE module_assignments SET status = 'reviewed', submitted_at = '2026-01-01 10:00+00' WHERE id = '00000000-0000-0000-0000-0000000000d1';
\echo :LAST_ERROR_SQLSTATE
UPDATE module_assignments SET status = 'submitted', submitted_at = '2026-01-01 10:00+00' WHERE id = '00000000-0000-0000-0000-0000000000d1';
UPDATE module_assignments SET status = 'draft' WHERE id = '00000000-0000-0000-0000-0000000000d1';
\echo :LAST_ERROR_SQLSTATE
UPDATE module_assignments SET status = 'reviewed' WHERE id = '00000000-0000-0000-0000-0000000000d1';
UPDATE module_assignments SET status = 'completed' WHERE id = '00000000-0000-0000-0000-0000000000d1';
UPDATE module_assignments SET status = 'submitted' WHERE id = '00000000-0000-0000-0000-0000000000d1';
\echo :LAST_ERROR_SQLSTATE
-- an update that leaves the status alone is not a transition
UPDATE module_assignments SET overall_score = 90 WHERE id = '00000000-0000-0000-0000-0000000000d1';
SELECT status, overall_score FROM module_assignments WHERE id = '00000000-0000-0000-0000-0000000000d1';

-- Scenarios: draft → submitted → in_review → evaluated ------------------------------------------
INSERT INTO scenario_categories (key, name) VALUES ('flow_cat', 'Flow');
INSERT INTO scenario_templates (slug, title, category_id) SELECT 'flow-scenario', 'Flow Scenario', id FROM scenario_categories WHERE key = 'flow_cat';
INSERT INTO scenario_assignments (id, user_id, template_id)
SELECT '00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000a1', id FROM scenario_templates WHERE slug = 'flow-scenario';
UPDATE scenario_assignments SET status = 'in_review', submitted_at = '2026-01-01 10:00+00' WHERE id = '00000000-0000-0000-0000-0000000000d2';
\echo :LAST_ERROR_SQLSTATE
UPDATE scenario_assignments SET status = 'submitted', submitted_at = '2026-01-01 10:00+00' WHERE id = '00000000-0000-0000-0000-0000000000d2';
UPDATE scenario_assignments SET status = 'in_review' WHERE id = '00000000-0000-0000-0000-0000000000d2';
UPDATE scenario_assignments SET status = 'evaluated', evaluated_at = '2026-01-02 10:00+00' WHERE id = '00000000-0000-0000-0000-0000000000d2';
UPDATE scenario_assignments SET status = 'in_review', evaluated_at = NULL WHERE id = '00000000-0000-0000-0000-0000000000d2';
\echo :LAST_ERROR_SQLSTATE
SELECT status FROM scenario_assignments WHERE id = '00000000-0000-0000-0000-0000000000d2';

-- Enrollments: active ⇄ paused → completed | withdrawn ------------------------------------------
UPDATE client_enrollments SET status = 'paused' WHERE id = '00000000-0000-0000-0000-0000000000c1';
UPDATE client_enrollments SET status = 'active' WHERE id = '00000000-0000-0000-0000-0000000000c1';
UPDATE client_enrollments SET status = 'paused' WHERE id = '00000000-0000-0000-0000-0000000000c1';
UPDATE client_enrollments SET status = 'completed', completed_at = '2026-02-01 10:00+00' WHERE id = '00000000-0000-0000-0000-0000000000c1';
\echo :LAST_ERROR_SQLSTATE
UPDATE client_enrollments SET status = 'active' WHERE id = '00000000-0000-0000-0000-0000000000c1';
UPDATE client_enrollments SET status = 'completed', completed_at = '2026-02-01 10:00+00' WHERE id = '00000000-0000-0000-0000-0000000000c1';
UPDATE client_enrollments SET status = 'active' WHERE id = '00000000-0000-0000-0000-0000000000c1';
\echo :LAST_ERROR_SQLSTATE
SELECT status FROM client_enrollments WHERE id = '00000000-0000-0000-0000-0000000000c1';

-- Org invitations: pending → accepted | expired | revoked -----------------------------------------
INSERT INTO organizations (id, name, slug) VALUES ('00000000-0000-0000-0000-0000000000e1', 'Flow Org', 'flow-org');
INSERT INTO org_invitations (id, organization_id, email, invited_by)
VALUES ('00000000-0000-0000-0000-0000000000e2', '00000000-0000-0000-0000-0000000000e1', 'a@example.com', '00000000-0000-0000-0000-0000000000a2'),
       ('00000000-0000-0000-0000-0000000000e3', '00000000-0000-0000-0000-0000000000e1', 'b@example.com', '00000000-0000-0000-0000-0000000000a2');
UPDATE org_invitations SET status = 'accepted', accepted_by = '00000000-0000-0000-0000-0000000000a3', accepted_at = '2026-01-01 10:00+00'
 WHERE id = '00000000-0000-0000-0000-0000000000e2';
UPDATE org_invitations SET status = 'revoked' WHERE id = '00000000-0000-0000-0000-0000000000e2';
\echo :LAST_ERROR_SQLSTATE
UPDATE org_invitations SET status = 'expired' WHERE id = '00000000-0000-0000-0000-0000000000e3';
UPDATE org_invitations SET status = 'pending' WHERE id = '00000000-0000-0000-0000-0000000000e3';
\echo :LAST_ERROR_SQLSTATE
SELECT email, status FROM org_invitations WHERE organization_id = '00000000-0000-0000-0000-0000000000e1' ORDER BY email;

-- Psychometric interest: pending → contacted → completed | declined ------------------------------
INSERT INTO psychometric_assessments (slug, name, assessment_category_id)
SELECT 'flow-disc', 'DISC', id FROM assessment_categories WHERE key = 'personality';
INSERT INTO assessment_interest_registrations (id, user_id, psychometric_assessment_id)
SELECT '00000000-0000-0000-0000-0000000000e4', '00000000-0000-0000-0000-0000000000a1', id FROM psychometric_assessments WHERE slug = 'flow-disc';
UPDATE assessment_interest_registrations SET status = 'completed', contacted_at = '2026-01-01 10:00+00' WHERE id = '00000000-0000-0000-0000-0000000000e4';
\echo :LAST_ERROR_SQLSTATE
UPDATE assessment_interest_registrations SET status = 'contacted', contacted_at = '2026-01-01 10:00+00' WHERE id = '00000000-0000-0000-0000-0000000000e4';
UPDATE assessment_interest_registrations SET status = 'declined' WHERE id = '00000000-0000-0000-0000-0000000000e4';
UPDATE assessment_interest_registrations SET status = 'completed' WHERE id = '00000000-0000-0000-0000-0000000000e4';
\echo :LAST_ERROR_SQLSTATE
SELECT status FROM assessment_interest_registrations WHERE id = '00000000-0000-0000-0000-0000000000e4';

-- Sessions: draft → scheduled → requested → confirmed → in_progress → completed -----------------
INSERT INTO sessions (id, user_id, session_type_id, title, duration_minutes)
SELECT '00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000a2', id, 'Flow coaching', 60 FROM session_types WHERE key = 'coaching';
UPDATE sessions SET status = 'confirmed', scheduled_at = '2026-03-01 10:00+00' WHERE id = '00000000-0000-0000-0000-0000000000f1';
\echo :LAST_ERROR_SQLSTATE
UPDATE sessions SET status = 'scheduled', scheduled_at = '2026-03-01 10:00+00' WHERE id = '00000000-0000-0000-0000-0000000000f1';
UPDATE sessions SET status = 'requested' WHERE id = '00000000-0000-0000-0000-0000000000f1';
UPDATE sessions SET status = 'rescheduled' WHERE id = '00000000-0000-0000-0000-0000000000f1';
UPDATE sessions SET status = 'confirmed' WHERE id = '00000000-0000-0000-0000-0000000000f1';
UPDATE sessions SET status = 'in_progress' WHERE id = '00000000-0000-0000-0000-0000000000f1';
UPDATE sessions SET status = 'cancelled' WHERE id = '00000000-0000-0000-0000-0000000000f1';
\echo :LAST_ERROR_SQLSTATE
UPDATE sessions SET status = 'completed' WHERE id = '00000000-0000-0000-0000-0000000000f1';
UPDATE sessions SET status = 'scheduled' WHERE id = '00000000-0000-0000-0000-0000000000f1';
\echo :LAST_ERROR_SQLSTATE
SELECT status FROM sessions WHERE id = '00000000-0000-0000-0000-0000000000f1';
-- a draft session can be cancelled, and cancelled is final
INSERT INTO sessions (id, user_id, session_type_id, title, duration_minutes)
SELECT '00000000-0000-0000-0000-0000000000f2', '00000000-0000-0000-0000-0000000000a2', id, 'Flow cancelled', 60 FROM session_types WHERE key = 'coaching';
UPDATE sessions SET status = 'cancelled' WHERE id = '00000000-0000-0000-0000-0000000000f2';
UPDATE sessions SET status = 'draft' WHERE id = '00000000-0000-0000-0000-0000000000f2';
\echo :LAST_ERROR_SQLSTATE

-- Participants: invited → registered → confirmed → attended | no_show | cancelled ---------------
INSERT INTO session_participants (id, session_id, user_id)
VALUES ('00000000-0000-0000-0000-0000000000f3', '00000000-0000-0000-0000-0000000000f2', '00000000-0000-0000-0000-0000000000a1');
UPDATE session_participants SET status = 'attended' WHERE id = '00000000-0000-0000-0000-0000000000f3';
\echo :LAST_ERROR_SQLSTATE
UPDATE session_participants SET status = 'registered' WHERE id = '00000000-0000-0000-0000-0000000000f3';
UPDATE session_participants SET status = 'confirmed' WHERE id = '00000000-0000-0000-0000-0000000000f3';
UPDATE session_participants SET status = 'no_show' WHERE id = '00000000-0000-0000-0000-0000000000f3';
UPDATE session_participants SET status = 'attended' WHERE id = '00000000-0000-0000-0000-0000000000f3';
\echo :LAST_ERROR_SQLSTATE

-- Group sessions and their participants, with roles: peer coaching has coach (1) and coachee (1),
-- both required.
INSERT INTO group_sessions (id, user_id, session_type_id, title, duration_minutes, status, scheduled_at)
SELECT '00000000-0000-0000-0000-0000000000f4', '00000000-0000-0000-0000-0000000000a2', id, 'Flow peer session', 45,
       'confirmed', '2026-03-02 10:00+00' FROM session_types WHERE key = 'peer_coaching';
INSERT INTO group_session_participants (group_session_id, user_id, role_key)
VALUES ('00000000-0000-0000-0000-0000000000f4', '00000000-0000-0000-0000-0000000000a1', 'coach');
-- starting without a coachee: refused
UPDATE group_sessions SET status = 'in_progress' WHERE id = '00000000-0000-0000-0000-0000000000f4';
\echo :LAST_ERROR_SQLSTATE
-- a second coach: too many of a role
INSERT INTO group_session_participants (group_session_id, user_id, role_key)
VALUES ('00000000-0000-0000-0000-0000000000f4', '00000000-0000-0000-0000-0000000000a3', 'coach');
\echo :LAST_ERROR_SQLSTATE
-- a role the session type does not have
INSERT INTO group_session_participants (group_session_id, user_id, role_key)
VALUES ('00000000-0000-0000-0000-0000000000f4', '00000000-0000-0000-0000-0000000000a3', 'observer');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO group_session_participants (id, group_session_id, user_id, role_key)
VALUES ('00000000-0000-0000-0000-0000000000f5', '00000000-0000-0000-0000-0000000000f4', '00000000-0000-0000-0000-0000000000a3', 'coachee');
UPDATE group_sessions SET status = 'in_progress' WHERE id = '00000000-0000-0000-0000-0000000000f4';
UPDATE group_sessions SET status = 'draft' WHERE id = '00000000-0000-0000-0000-0000000000f4';
\echo :LAST_ERROR_SQLSTATE
-- group participant flow
UPDATE group_session_participants SET status = 'confirmed' WHERE id = '00000000-0000-0000-0000-0000000000f5';
\echo :LAST_ERROR_SQLSTATE
UPDATE group_session_participants SET status = 'registered' WHERE id = '00000000-0000-0000-0000-0000000000f5';
UPDATE group_session_participants SET status = 'confirmed' WHERE id = '00000000-0000-0000-0000-0000000000f5';
UPDATE group_session_participants SET status = 'attended' WHERE id = '00000000-0000-0000-0000-0000000000f5';
UPDATE group_session_participants SET status = 'cancelled' WHERE id = '00000000-0000-0000-0000-0000000000f5';
\echo :LAST_ERROR_SQLSTATE
SELECT g.status AS session_status, p.role_key, p.status
  FROM group_sessions g JOIN group_session_participants p ON p.group_session_id = g.id
 WHERE g.id = '00000000-0000-0000-0000-0000000000f4' ORDER BY p.role_key;
-- a cancelled coach frees the role: a new coach may register (review board: 1 presenter)
INSERT INTO sessions (id, user_id, session_type_id, title, duration_minutes)
SELECT '00000000-0000-0000-0000-0000000000f6', '00000000-0000-0000-0000-0000000000a2', id, 'Flow board', 60 FROM session_types WHERE key = 'review_board_mock';
INSERT INTO session_participants (id, session_id, user_id, role_key)
VALUES ('00000000-0000-0000-0000-0000000000f7', '00000000-0000-0000-0000-0000000000f6', '00000000-0000-0000-0000-0000000000a1', 'presenter');
INSERT INTO session_participants (session_id, user_id, role_key)
VALUES ('00000000-0000-0000-0000-0000000000f6', '00000000-0000-0000-0000-0000000000a3', 'presenter');
\echo :LAST_ERROR_SQLSTATE
UPDATE session_participants SET status = 'cancelled' WHERE id = '00000000-0000-0000-0000-0000000000f7';
INSERT INTO session_participants (session_id, user_id, role_key)
VALUES ('00000000-0000-0000-0000-0000000000f6', '00000000-0000-0000-0000-0000000000a3', 'presenter');
SELECT u.email, p.role_key, p.status FROM session_participants p JOIN profiles u ON u.id = p.user_id
 WHERE p.session_id = '00000000-0000-0000-0000-0000000000f6' ORDER BY u.email;

ROLLBACK;
