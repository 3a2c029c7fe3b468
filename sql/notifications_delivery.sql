-- innotrue.notify(), preferences and critical types, the e-mail outbox protocol (claim, complete,
-- fail with backoff, dead letters) and lease expiry.
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;

INSERT INTO innotrue.profiles (id, email, full_name, plan_id)
SELECT v.id::uuid, v.email, v.full_name, (SELECT id FROM innotrue.plans WHERE key = 'free')
  FROM (VALUES ('00000000-0000-0000-0000-0000000000a1', 'ann@example.com', 'Ann <Admin>'),
               ('00000000-0000-0000-0000-0000000000a2', 'bob@example.com', NULL)) AS v (id, email, full_name);

-- Defaults: both channels. The in-app title is the rendered subject; the e-mail greets the user
-- (escaped in the HTML body only) and carries the platform settings.
SELECT innotrue.notify('00000000-0000-0000-0000-0000000000a1', 'credits_low', '{"credit_balance": 4}') IS NOT NULL AS notified;
SELECT t.key, n.title, n.payload FROM innotrue.notifications n JOIN innotrue.notification_types t ON t.id = n.type_id;
SELECT kind, to_email, template_key, subject, status, attempts, max_attempts, notification_id IS NOT NULL AS linked,
       next_attempt_at = now() AS due_now
  FROM innotrue.email_outbox;
SELECT body_text FROM innotrue.email_outbox;
SELECT body_html LIKE '%Hi Ann &lt;Admin&gt;,%' AS escaped_greeting FROM innotrue.email_outbox;
-- A user without a name is greeted with the address's local part.
SELECT innotrue.notify('00000000-0000-0000-0000-0000000000a2', 'welcome', '{}') IS NOT NULL AS notified;
SELECT split_part(body_text, E'\n', 1) AS greeting FROM innotrue.email_outbox WHERE to_email = 'bob@example.com';

-- Preferences per type and channel.
INSERT INTO innotrue.notification_preferences (user_id, type_id, channel, enabled)
SELECT '00000000-0000-0000-0000-0000000000a2', id, 'email', false FROM innotrue.notification_types WHERE key = 'goal_reminder';
INSERT INTO innotrue.notification_preferences (user_id, type_id, channel, enabled)
SELECT '00000000-0000-0000-0000-0000000000a2', id, 'in_app', false FROM innotrue.notification_types WHERE key = 'group_message';
SELECT innotrue.notify('00000000-0000-0000-0000-0000000000a2', 'goal_reminder', '{"goal_title": "Run"}') IS NOT NULL AS in_app_written;
SELECT innotrue.notify('00000000-0000-0000-0000-0000000000a2', 'group_message', '{"group_name": "G"}') IS NULL AS no_in_app;
SELECT t.key,
       (SELECT count(*) FROM innotrue.notifications n WHERE n.type_id = t.id AND n.user_id = '00000000-0000-0000-0000-0000000000a2') AS in_app,
       (SELECT count(*) FROM innotrue.email_outbox o WHERE o.type_id = t.id AND o.user_id = '00000000-0000-0000-0000-0000000000a2') AS emails
  FROM innotrue.notification_types t
 WHERE t.key IN ('goal_reminder', 'group_message', 'welcome')
 ORDER BY t.key;
-- A type whose defaults are off is not sent unless the user turns it on.
UPDATE innotrue.notification_types SET default_in_app = false, default_email = false WHERE key = 'goal_shared';
SELECT innotrue.notify('00000000-0000-0000-0000-0000000000a1', 'goal_shared', '{}') IS NULL AS nothing_sent;
INSERT INTO innotrue.notification_preferences (user_id, type_id, channel, enabled)
SELECT '00000000-0000-0000-0000-0000000000a1', id, 'email', true FROM innotrue.notification_types WHERE key = 'goal_shared';
SELECT innotrue.notify('00000000-0000-0000-0000-0000000000a1', 'goal_shared', '{"sharer_name": "Bob", "goal_title": "Run"}') IS NULL AS no_in_app;
SELECT subject FROM innotrue.email_outbox WHERE template_key = 'goal_shared';

-- Critical types: disabling is refused (insert and update); enabling is fine; always delivered.
INSERT INTO innotrue.notification_preferences (user_id, type_id, channel, enabled)
SELECT '00000000-0000-0000-0000-0000000000a1', id, 'email', false FROM innotrue.notification_types WHERE key = 'security_alert';
INSERT INTO innotrue.notification_preferences (user_id, type_id, channel, enabled)
SELECT '00000000-0000-0000-0000-0000000000a1', id, 'in_app', true FROM innotrue.notification_types WHERE key = 'security_alert';
UPDATE innotrue.notification_preferences SET enabled = false
 WHERE type_id = (SELECT id FROM innotrue.notification_types WHERE key = 'security_alert');
SELECT innotrue.notify('00000000-0000-0000-0000-0000000000a1', 'security_alert',
                       '{"alert_message": "New login", "event_time": "2026-01-01 10:00"}') IS NOT NULL AS delivered;
SELECT count(*) AS security_emails FROM innotrue.email_outbox WHERE template_key = 'security_alert';

-- Bad calls change nothing.
SELECT innotrue.notify('00000000-0000-0000-0000-0000000000a1', 'no_such_type', '{}');
SELECT innotrue.notify('00000000-0000-0000-0000-0000000000a9', 'welcome', '{}');
SELECT innotrue.notify('00000000-0000-0000-0000-0000000000a1', 'welcome', '[1]');
SELECT count(*) AS outbox_rows FROM innotrue.email_outbox;

-- Outbox protocol. Five messages are pending (ids pinned for the error messages below);
-- w1 takes 4, w2 the remaining one, w3 none.
UPDATE innotrue.email_outbox SET id = md5(template_key)::uuid;
SELECT template_key, id FROM innotrue.email_outbox ORDER BY template_key;
SELECT count(*) AS w1_claimed FROM innotrue.claim_notifications(4, 'w1');
SELECT count(*) AS w2_claimed FROM innotrue.claim_notifications(10, 'w2', '1 minute');
SELECT count(*) AS w3_claimed FROM innotrue.claim_notifications(10, 'w3');
SELECT claimed_by, count(*), min(attempts) AS attempts, min(lease_until - now()) AS lease
  FROM innotrue.email_outbox GROUP BY claimed_by ORDER BY claimed_by;
SELECT innotrue.claim_notifications(0, 'w1');
SELECT innotrue.claim_notifications(1, ' ');

-- Completing: only the holder; unknown ids are refused.
SELECT innotrue.complete_notification((SELECT id FROM innotrue.email_outbox WHERE template_key = 'credits_low'), 'w2');
SELECT innotrue.complete_notification((SELECT id FROM innotrue.email_outbox WHERE template_key = 'credits_low'), 'w1');
SELECT innotrue.complete_notification((SELECT id FROM innotrue.email_outbox WHERE template_key = 'credits_low'), 'w1');
SELECT innotrue.complete_notification('00000000-0000-0000-0000-0000000000ff', 'w1');
SELECT status, sent_at = now() AS sent_now, claimed_by, lease_until FROM innotrue.email_outbox WHERE template_key = 'credits_low';

-- Failing: retried with exponential backoff (1, 2, 4 minutes), dead after max_attempts.
UPDATE innotrue.email_outbox SET max_attempts = 3 WHERE template_key = 'welcome';
SELECT innotrue.fail_notification((SELECT id FROM innotrue.email_outbox WHERE template_key = 'welcome'), 'w2', 'x');
SELECT innotrue.fail_notification((SELECT id FROM innotrue.email_outbox WHERE template_key = 'welcome'), 'w1', 'smtp 451');
SELECT status, attempts, next_attempt_at - now() AS backoff, last_error, claimed_by
  FROM innotrue.email_outbox WHERE template_key = 'welcome';
SELECT count(*) AS not_due_yet FROM innotrue.claim_notifications(10, 'w3');
UPDATE innotrue.email_outbox SET next_attempt_at = now() - interval '1 second' WHERE template_key = 'welcome';
SELECT template_key, attempts FROM innotrue.claim_notifications(10, 'w3');
SELECT innotrue.fail_notification((SELECT id FROM innotrue.email_outbox WHERE template_key = 'welcome'), 'w3', 'smtp 451');
SELECT status, attempts, next_attempt_at - now() AS backoff FROM innotrue.email_outbox WHERE template_key = 'welcome';
UPDATE innotrue.email_outbox SET next_attempt_at = now() - interval '1 second' WHERE template_key = 'welcome';
SELECT template_key, attempts FROM innotrue.claim_notifications(10, 'w3');
SELECT innotrue.fail_notification((SELECT id FROM innotrue.email_outbox WHERE template_key = 'welcome'), 'w3', 'mailbox full');
SELECT status, attempts, last_error FROM innotrue.email_outbox WHERE template_key = 'welcome';
SELECT count(*) AS dead_not_claimed FROM innotrue.claim_notifications(10, 'w3');

-- Lease expiry: w2 dies holding its claim. While the lease is valid nobody else gets it;
-- once it expires w3 claims it, w2's late completion is refused and w3 completes.
SELECT id AS w2_message, template_key AS w2_template FROM innotrue.email_outbox WHERE claimed_by = 'w2' \gset
SELECT count(*) AS while_lease_valid FROM innotrue.claim_notifications(10, 'w3');
UPDATE innotrue.email_outbox SET lease_until = now() - interval '1 second' WHERE claimed_by = 'w2';
SELECT template_key = :'w2_template' AS same_message, attempts FROM innotrue.claim_notifications(10, 'w3');
SELECT innotrue.complete_notification(:'w2_message', 'w2');
SELECT innotrue.complete_notification(:'w2_message', 'w3');
SELECT status, claimed_by FROM innotrue.email_outbox WHERE id = :'w2_message';
-- An expired claim that used its last attempt becomes dead instead of being claimed again.
UPDATE innotrue.email_outbox SET lease_until = now() - interval '1 second', max_attempts = attempts
 WHERE template_key = 'group_message';
SELECT count(*) AS reclaimed FROM innotrue.claim_notifications(10, 'w4');
SELECT template_key, status, attempts, claimed_by, last_error FROM innotrue.email_outbox ORDER BY template_key;

ROLLBACK;
