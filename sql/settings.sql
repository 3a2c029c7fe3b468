-- System settings as the C code reads them (src/settings.c): one reader per setting, the platform
-- month every capability counts in, the default of an absent setting, the error for a malformed one,
-- and when a change takes effect. "now" is pinned through usage_period's at parameter.
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
SET TimeZone = 'UTC';

-- The seed zone is Europe/Berlin: 2026-01-31 23:30 UTC is already February there.
SELECT value FROM innotrue.system_settings WHERE key = 'default_timezone';
SELECT * FROM innotrue.usage_period('2026-01-31 23:30+00');

-- A change made earlier in the same transaction is used by the next statement; a rollback undoes it.
BEGIN;
UPDATE innotrue.system_settings SET value = '"America/New_York"' WHERE key = 'default_timezone';
SELECT * FROM innotrue.usage_period('2026-02-01 03:30+00') AS new_york_still_january;
ROLLBACK;
SELECT * FROM innotrue.usage_period('2026-02-01 03:30+00') AS berlin_again;

-- Without the setting the platform month is the UTC month, for every capability alike.
BEGIN;
DELETE FROM innotrue.system_settings WHERE key = 'default_timezone';
SELECT * FROM innotrue.usage_period('2026-01-31 23:30+00') AS utc_month;
ROLLBACK;

-- A malformed value is an error naming the setting, and changes nothing.
BEGIN;
UPDATE innotrue.system_settings SET value = '60' WHERE key = 'default_timezone';
SELECT * FROM innotrue.usage_period('2026-01-31 23:30+00');
ROLLBACK;
BEGIN;
UPDATE innotrue.system_settings SET value = '"Mars/Olympus"' WHERE key = 'default_timezone';
SELECT * FROM innotrue.usage_period('2026-01-31 23:30+00');
ROLLBACK;

-- Counts are JSON numbers >= 0, each read and checked where it is used: a malformed AI cap fails
-- the spends that need the cap, and nothing else; a negative threshold fails the spends that would
-- check it. (alumni_grace_days: sql/access.sql.)
BEGIN;
INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT '00000000-0000-0000-0000-0000000005e1', 'settings-suite@example.com', id FROM innotrue.plans WHERE key = 'programs';
SELECT innotrue.grant_credits('00000000-0000-0000-0000-0000000005e1', 50, 'grant', NULL, 'settings-suite') IS NOT NULL AS granted;
UPDATE innotrue.system_settings SET value = '"1000"' WHERE key = 'ai_monthly_credit_limit';
SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000005e1', 'ai_insight')->>'cost' AS ai_cost;
SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000005e1', 'goal_creation')->>'cost' AS other_service_cost;
SELECT period_start AS other_settings_unaffected FROM innotrue.usage_period('2026-01-31 23:30+00');
UPDATE innotrue.system_settings SET value = '1000' WHERE key = 'ai_monthly_credit_limit';
SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000005e1', 'ai_insight')->>'cost' AS ai_cost_once_fixed;
UPDATE innotrue.system_settings SET value = '-1' WHERE key = 'credits_low_threshold';
SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000005e1', 'goal_creation')->>'cost' AS cost;
UPDATE innotrue.system_settings SET value = '1e30' WHERE key = 'credits_low_threshold';
SELECT innotrue.deduct_credits('00000000-0000-0000-0000-0000000005e1', 'goal_creation')->>'cost' AS cost;
SELECT available AS nothing_spent_by_refusals FROM innotrue.credit_balance('00000000-0000-0000-0000-0000000005e1');
ROLLBACK;
