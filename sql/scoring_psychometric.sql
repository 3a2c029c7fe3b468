-- Psychometric catalog (system C): express_assessment_interest() with feature gating, and the
-- registration status rules pending -> contacted -> completed | declined.
\set ON_ERROR_ROLLBACK on
\set SHOW_CONTEXT never
BEGIN;

-- Fixture: ann on the free plan, bob on base (which grants feature "assessments").
INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT v.id::uuid, v.email, p.id
  FROM (VALUES ('00000000-0000-0000-0000-0000000000a1', 'ann@example.com', 'free'),
               ('00000000-0000-0000-0000-0000000000a2', 'bob@example.com', 'base')) AS v (id, email, plan)
  JOIN innotrue.plans p ON p.key = v.plan;
INSERT INTO innotrue.psychometric_assessments (id, slug, name, assessment_category_id, feature_key, is_active)
SELECT v.id::uuid, v.slug, v.slug, c.id, v.feature, v.active
  FROM (VALUES ('00000000-0000-0000-0000-0000000000f1', 'big-five', NULL, true),
               ('00000000-0000-0000-0000-0000000000f2', 'disc-pro', 'assessments', true),
               ('00000000-0000-0000-0000-0000000000f3', 'retired-test', NULL, false)) AS v (id, slug, feature, active)
  JOIN innotrue.assessment_categories c ON c.key = 'personality';

-- 1. Registering: a pending row; asking again returns the same open registration.
SELECT innotrue.express_assessment_interest('00000000-0000-0000-0000-0000000000a1',
                                            '00000000-0000-0000-0000-0000000000f1') AS reg \gset
SELECT innotrue.express_assessment_interest('00000000-0000-0000-0000-0000000000a1',
                                            '00000000-0000-0000-0000-0000000000f1') = :'reg' AS same_registration;
SELECT p.email, pa.slug, r.status, r.contacted_at
  FROM innotrue.assessment_interest_registrations r
  JOIN innotrue.profiles p ON p.id = r.user_id
  JOIN innotrue.psychometric_assessments pa ON pa.id = r.psychometric_assessment_id
 ORDER BY p.email, pa.slug;

-- 2. Feature gating: disc-pro needs "assessments" (not on free, granted by base).
SELECT innotrue.express_assessment_interest('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000f2');
SELECT innotrue.express_assessment_interest('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000f2')
       IS NOT NULL AS bob_registered;

-- 3. Refusals: inactive entry, unknown entry, unknown user.
SELECT innotrue.express_assessment_interest('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000f3');
SELECT innotrue.express_assessment_interest('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000ff');
SELECT innotrue.express_assessment_interest('00000000-0000-0000-0000-0000000000ff', '00000000-0000-0000-0000-0000000000f1');

-- 4. Status rules: pending -> contacted (contacted_at from the argument) -> declined; no skipping,
--    no going back, nothing after a final state. (A registration with a fixed id, for stable output.)
INSERT INTO innotrue.assessment_interest_registrations (id, user_id, psychometric_assessment_id)
VALUES ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000f1');
SELECT innotrue.set_assessment_interest_status('00000000-0000-0000-0000-0000000000b1', 'completed');
SELECT innotrue.set_assessment_interest_status('00000000-0000-0000-0000-0000000000b1', 'contacted',
                                               'Called, sent the link.', '2026-03-02 10:00+00');
SELECT status, notes, contacted_at AT TIME ZONE 'UTC' AS contacted_at_utc
  FROM innotrue.assessment_interest_registrations WHERE id = '00000000-0000-0000-0000-0000000000b1';
SELECT innotrue.set_assessment_interest_status('00000000-0000-0000-0000-0000000000b1', 'pending');
UPDATE innotrue.assessment_interest_registrations SET status = 'pending', contacted_at = NULL
 WHERE id = '00000000-0000-0000-0000-0000000000b1';
SELECT innotrue.set_assessment_interest_status('00000000-0000-0000-0000-0000000000b1', 'declined');
SELECT status, notes, contacted_at AT TIME ZONE 'UTC' AS contacted_at_utc
  FROM innotrue.assessment_interest_registrations WHERE id = '00000000-0000-0000-0000-0000000000b1';
SELECT innotrue.set_assessment_interest_status('00000000-0000-0000-0000-0000000000b1', 'contacted');
SELECT innotrue.set_assessment_interest_status('00000000-0000-0000-0000-0000000000b1', 'unheard_of');
SELECT innotrue.set_assessment_interest_status('00000000-0000-0000-0000-0000000000ff', 'contacted');

-- 5. After a closed registration, interest can be expressed again: a new pending row.
SELECT innotrue.express_assessment_interest('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000f1')
       <> '00000000-0000-0000-0000-0000000000b1' AS new_registration;
SELECT p.email, pa.slug, r.status
  FROM innotrue.assessment_interest_registrations r
  JOIN innotrue.profiles p ON p.id = r.user_id
  JOIN innotrue.psychometric_assessments pa ON pa.id = r.psychometric_assessment_id
 ORDER BY p.email, pa.slug, r.status;

ROLLBACK;
