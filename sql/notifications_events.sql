-- Business events queue their notifications in the same transaction (innotrue.notification_rules
-- and the generic trigger innotrue.queue_event_notifications).
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;

SELECT key, event_table, status_column, status_value, coalesce(type_key, template_key) AS sends, recipients
  FROM innotrue.notification_rules ORDER BY event_table, key;

INSERT INTO innotrue.profiles (id, email, full_name, plan_id)
SELECT v.id::uuid, v.email, v.full_name, (SELECT id FROM innotrue.plans WHERE key = 'free')
  FROM (VALUES ('00000000-0000-0000-0000-0000000000a1', 'client@example.com', 'Cleo Client'),
               ('00000000-0000-0000-0000-0000000000a2', 'coach@example.com', 'Carl Coach'),
               ('00000000-0000-0000-0000-0000000000a3', 'instructor@example.com', 'Ines Instructor'),
               ('00000000-0000-0000-0000-0000000000a4', 'peer@example.com', 'Pia Peer')) AS v (id, email, full_name);
INSERT INTO innotrue.programs (id, slug, name, is_active)
VALUES ('00000000-0000-0000-0000-0000000000b1', 'leadership-101', 'Leadership 101', true),
       ('00000000-0000-0000-0000-0000000000b2', 'solo', 'Solo Program', true);
INSERT INTO innotrue.program_modules (id, program_id, title, module_type, order_index)
VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000b1', 'Foundations', 'assignment', 1),
       ('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000b1', 'Feedback & Growth', 'content', 2),
       ('00000000-0000-0000-0000-0000000000c3', '00000000-0000-0000-0000-0000000000b2', 'Only module', 'assignment', 1);
INSERT INTO innotrue.module_assignment_types (id, key, name, structure)
VALUES ('00000000-0000-0000-0000-0000000000d1', 'reflection_essay', 'Reflection essay', '{}');
INSERT INTO innotrue.program_coaches (user_id, program_id, role)
VALUES ('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000b1', 'coach'),
       ('00000000-0000-0000-0000-0000000000a3', '00000000-0000-0000-0000-0000000000b1', 'instructor');

-- Shows what an event queued since the last look, then forgets it.
CREATE TEMP TABLE seen (kind text, id uuid);
CREATE FUNCTION pg_temp.queued()
RETURNS TABLE (channel text, recipient text, type_or_template text, title_or_subject text)
LANGUAGE sql AS $$
    WITH n AS (
        SELECT 'in_app'::text AS channel, p.email AS recipient, t.key, n.title, n.id
          FROM innotrue.notifications n
          JOIN innotrue.profiles p ON p.id = n.user_id JOIN innotrue.notification_types t ON t.id = n.type_id
         WHERE n.id NOT IN (SELECT id FROM seen)
        UNION ALL
        SELECT 'email', o.to_email, o.template_key, o.subject, o.id
          FROM innotrue.email_outbox o WHERE o.id NOT IN (SELECT id FROM seen)
    ), remember AS (INSERT INTO seen SELECT channel, id FROM n)
    SELECT channel, recipient, key, title FROM n ORDER BY 1, 2, 3
$$;

-- Enrollment -> program_enrolled to the client.
INSERT INTO innotrue.client_enrollments (id, user_id, program_id)
VALUES ('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b1'),
       ('00000000-0000-0000-0000-0000000000e2', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b2');
SELECT * FROM pg_temp.queued();
SELECT payload FROM innotrue.notifications WHERE payload->>'enrollment_id' = '00000000-0000-0000-0000-0000000000e1';

-- Module progress: started is silent; completed -> module_completed (with the next module); an
-- unrelated update of a completed row does not repeat it.
INSERT INTO innotrue.module_progress (id, user_id, enrollment_id, module_id, status, started_at)
VALUES ('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000e1',
        '00000000-0000-0000-0000-0000000000c1', 'in_progress', now()),
       ('00000000-0000-0000-0000-0000000000f2', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000e2',
        '00000000-0000-0000-0000-0000000000c3', 'in_progress', now());
SELECT * FROM pg_temp.queued();
UPDATE innotrue.module_progress SET status = 'completed', completed_at = now() WHERE id = '00000000-0000-0000-0000-0000000000f1';
SELECT * FROM pg_temp.queued();
SELECT body_text FROM innotrue.email_outbox WHERE template_key = 'module_completed';
UPDATE innotrue.module_progress SET started_at = now() - interval '1 day' WHERE id = '00000000-0000-0000-0000-0000000000f1';
SELECT * FROM pg_temp.queued();

-- Assignment submitted -> e-mail to the program's coach and instructor; in a program without
-- staff, nothing. Reviewed -> assignment_graded to the client with the score.
INSERT INTO innotrue.module_assignments (id, user_id, module_progress_id, module_id, assignment_type_id)
VALUES ('00000000-0000-0000-0000-0000000000aa', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000f1',
        '00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000d1'),
       ('00000000-0000-0000-0000-0000000000ab', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000f2',
        '00000000-0000-0000-0000-0000000000c3', '00000000-0000-0000-0000-0000000000d1');
UPDATE innotrue.module_assignments SET status = 'submitted', submitted_at = now();
SELECT * FROM pg_temp.queued();
SELECT body_text FROM innotrue.email_outbox WHERE template_key = 'assignment_submitted' AND to_email = 'coach@example.com';
UPDATE innotrue.module_assignments
   SET status = 'reviewed', reviewed_at = now(), reviewed_by = '00000000-0000-0000-0000-0000000000a3', overall_score = 0
 WHERE id = '00000000-0000-0000-0000-0000000000aa';
SELECT * FROM pg_temp.queued();
SELECT substring(body_text FROM 'Ines.*Score: 0') AS graded FROM innotrue.email_outbox WHERE template_key = 'assignment_graded';

-- Sessions: participants (not the cancelled one) hear of scheduling and cancellation.
INSERT INTO innotrue.sessions (id, user_id, session_type_id, title, duration_minutes, meeting_url)
SELECT '00000000-0000-0000-0000-0000000000bb', '00000000-0000-0000-0000-0000000000a2', id, 'Kick-off', 60, 'https://meet.example.com/k'
  FROM innotrue.session_types WHERE key = 'coaching';
INSERT INTO innotrue.session_participants (session_id, user_id, status)
VALUES ('00000000-0000-0000-0000-0000000000bb', '00000000-0000-0000-0000-0000000000a1', 'invited'),
       ('00000000-0000-0000-0000-0000000000bb', '00000000-0000-0000-0000-0000000000a4', 'cancelled');
SELECT * FROM pg_temp.queued();
UPDATE innotrue.sessions SET status = 'scheduled', scheduled_at = '2026-03-02 09:00:00+00' WHERE id = '00000000-0000-0000-0000-0000000000bb';
SELECT * FROM pg_temp.queued();
SELECT payload FROM innotrue.notifications WHERE title LIKE 'Session scheduled%';
UPDATE innotrue.sessions SET status = 'cancelled' WHERE id = '00000000-0000-0000-0000-0000000000bb';
SELECT * FROM pg_temp.queued();

-- Credits added to a user (an organization's batch notifies nobody).
INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, expires_at)
VALUES ('00000000-0000-0000-0000-0000000000a1', 'grant', 50, 50, '2027-01-01 00:00:00+00');
SELECT * FROM pg_temp.queued();
SELECT payload FROM innotrue.notifications WHERE title LIKE '%credits added%';
INSERT INTO innotrue.organizations (id, name, slug) VALUES ('00000000-0000-0000-0000-0000000000cc', 'Acme & Co', 'acme');
INSERT INTO innotrue.credit_batches (organization_id, source, amount, remaining) VALUES ('00000000-0000-0000-0000-0000000000cc', 'grant', 500, 500);
SELECT * FROM pg_temp.queued();

-- Organization invitations: to a known profile -> its user; to an unknown address -> the address.
INSERT INTO innotrue.org_invitations (organization_id, email, invited_by, token, expires_at)
VALUES ('00000000-0000-0000-0000-0000000000cc', 'peer@example.com', '00000000-0000-0000-0000-0000000000a2', repeat('ab', 32), '2099-03-09 00:00:00+00'),
       ('00000000-0000-0000-0000-0000000000cc', 'new.person@example.org', '00000000-0000-0000-0000-0000000000a2', repeat('cd', 32), '2099-03-09 00:00:00+00');
SELECT * FROM pg_temp.queued();
SELECT kind, user_id IS NOT NULL AS has_user, body_text FROM innotrue.email_outbox WHERE template_key = 'org_invitation' ORDER BY to_email;

-- A rule switched off stops its event; preferences apply to events like to any notify().
UPDATE innotrue.notification_rules SET is_active = false WHERE key = 'enrollment_created';
INSERT INTO innotrue.client_enrollments (user_id, program_id) VALUES ('00000000-0000-0000-0000-0000000000a4', '00000000-0000-0000-0000-0000000000b1');
SELECT * FROM pg_temp.queued();
INSERT INTO innotrue.notification_preferences (user_id, type_id, channel, enabled)
SELECT '00000000-0000-0000-0000-0000000000a1', id, 'email', false FROM innotrue.notification_types WHERE key = 'module_completed';
UPDATE innotrue.module_progress SET status = 'completed', completed_at = now() WHERE id = '00000000-0000-0000-0000-0000000000f2';
SELECT * FROM pg_temp.queued();

-- The event and its notifications commit or roll back together.
SAVEPOINT before_enrollment;
INSERT INTO innotrue.client_enrollments (user_id, program_id) VALUES ('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000b2');
ROLLBACK TO SAVEPOINT before_enrollment;
SELECT * FROM pg_temp.queued();

ROLLBACK;
