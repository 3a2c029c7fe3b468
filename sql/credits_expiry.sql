-- credits_expiring: queue_credit_expiry_notices() announces each expiring user batch once
-- (monthly plan allowances excepted), in the platform time zone.
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;
INSERT INTO innotrue.profiles (id, email, full_name, plan_id)
VALUES ('00000000-0000-0000-0000-0000000000e1', 'exp@example.com', 'Erik Expiry', innotrue.seed_id('plans', 'free'));
SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000e1', 40, 'purchase', '2030-01-10 12:00+00', NULL) IS NOT NULL AS soon;
SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000e1', 25, 'grant', '2030-03-01 00:00+00', NULL) IS NOT NULL AS later;
SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000000e1', 5, 'grant', NULL, NULL) IS NOT NULL AS never;

-- A week before 2030-01-10 only the first batch is due; a second sweep announces nothing again.
SELECT innotrue.queue_credit_expiry_notices('7 days', '2030-01-05 00:00+00') AS queued;
SELECT innotrue.queue_credit_expiry_notices('7 days', '2030-01-06 00:00+00') AS queued_again;
SELECT t.key, n.title, n.payload->>'credits_amount' AS credits, n.payload->>'expires_at' AS expires_at
  FROM innotrue.notifications n JOIN innotrue.notification_types t ON t.id = n.type_id
 WHERE n.user_id = '00000000-0000-0000-0000-0000000000e1' AND t.key = 'credits_expiring';
SELECT subject FROM innotrue.email_outbox
 WHERE user_id = '00000000-0000-0000-0000-0000000000e1' AND template_key = 'credits_expiring';

-- Later the second batch comes due and is announced in its turn.
SELECT innotrue.queue_credit_expiry_notices('30 days', '2030-02-15 00:00+00') AS queued_february;
SELECT count(*) AS notices FROM innotrue.credit_expiry_notices WHERE user_id = '00000000-0000-0000-0000-0000000000e1';

-- A window that is not positive is refused.
SELECT innotrue.queue_credit_expiry_notices('0 days', '2030-01-05 00:00+00');
ROLLBACK;
