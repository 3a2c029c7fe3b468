-- Capability assessments (system A): score_capability_snapshot(), compare_capability_snapshots()
-- and the trigger refusing ratings outside the assessment's scale.
\set ON_ERROR_ROLLBACK on
\set SHOW_CONTEXT never
BEGIN;

-- Fixture: assessment on a 1..5 scale, pass mark 75 % overall (= a mean of 4), three domains;
-- question types weighted practice 3, knowledge 1 (untyped and unlisted types weigh 1).
INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT v.id::uuid, v.email, p.id
  FROM (VALUES ('00000000-0000-0000-0000-0000000000a1', 'ann@example.com'),
               ('00000000-0000-0000-0000-0000000000a2', 'bob@example.com')) AS v (id, email)
  JOIN innotrue.plans p ON p.key = 'free';
INSERT INTO innotrue.capability_assessments (id, slug, name, assessment_category_id, scale_min, scale_max,
                                             pass_fail_enabled, pass_fail_mode, pass_fail_threshold, is_active)
SELECT v.id::uuid, v.slug, v.slug, c.id, 1, 5, true, 'overall', 75, true
  FROM (VALUES ('00000000-0000-0000-0000-0000000000c1', 'arch-check'),
               ('00000000-0000-0000-0000-0000000000c2', 'other-check')) AS v (id, slug)
  JOIN innotrue.assessment_categories c ON c.key = 'leadership';
INSERT INTO innotrue.capability_domains (id, assessment_id, name, order_index)
VALUES ('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-0000000000c1', 'Architecture', 0),
       ('00000000-0000-0000-0000-0000000000e2', '00000000-0000-0000-0000-0000000000c1', 'Security', 1),
       ('00000000-0000-0000-0000-0000000000e3', '00000000-0000-0000-0000-0000000000c1', 'Communication', 2),
       ('00000000-0000-0000-0000-0000000000e9', '00000000-0000-0000-0000-0000000000c2', 'Other', 0);
INSERT INTO innotrue.capability_domain_questions (id, domain_id, assessment_id, question_text, question_type, order_index)
SELECT v.id::uuid, v.domain::uuid, d.assessment_id, v.txt, v.qtype, v.ord
  FROM (VALUES ('00000000-0000-0000-0000-000000000011', '00000000-0000-0000-0000-0000000000e1', 'Knows patterns', 'knowledge', 0),
               ('00000000-0000-0000-0000-000000000012', '00000000-0000-0000-0000-0000000000e1', 'Applies patterns', 'practice', 1),
               ('00000000-0000-0000-0000-000000000013', '00000000-0000-0000-0000-0000000000e1', 'Untyped', NULL, 2),
               ('00000000-0000-0000-0000-000000000021', '00000000-0000-0000-0000-0000000000e2', 'Threat models', 'practice', 0),
               ('00000000-0000-0000-0000-000000000022', '00000000-0000-0000-0000-0000000000e2', 'Identity', 'theory', 1),
               ('00000000-0000-0000-0000-000000000031', '00000000-0000-0000-0000-0000000000e3', 'Explains', NULL, 0),
               ('00000000-0000-0000-0000-000000000091', '00000000-0000-0000-0000-0000000000e9', 'Other', NULL, 0)
       ) AS v (id, domain, txt, qtype, ord)
  JOIN innotrue.capability_domains d ON d.id = v.domain::uuid;
INSERT INTO innotrue.capability_question_type_weights (assessment_id, question_type, weight)
VALUES ('00000000-0000-0000-0000-0000000000c1', 'practice', 3),
       ('00000000-0000-0000-0000-0000000000c1', 'knowledge', 1);
INSERT INTO innotrue.capability_snapshots (id, user_id, assessment_id)
VALUES ('00000000-0000-0000-0000-0000000005a1', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1'),
       ('00000000-0000-0000-0000-0000000005a2', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1'),
       ('00000000-0000-0000-0000-0000000005b1', '00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000c1'),
       ('00000000-0000-0000-0000-0000000005c1', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c2'),
       ('00000000-0000-0000-0000-0000000005e0', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1');

-- 1. Ratings outside the scale, or of a question of another assessment, are refused.
INSERT INTO innotrue.snapshot_question_ratings (snapshot_id, user_id, assessment_id, question_id, rating)
SELECT s.id, s.user_id, s.assessment_id, '00000000-0000-0000-0000-000000000011', 6
  FROM innotrue.capability_snapshots s WHERE s.id = '00000000-0000-0000-0000-0000000005a1';
INSERT INTO innotrue.snapshot_question_ratings (snapshot_id, user_id, assessment_id, question_id, rating)
SELECT s.id, s.user_id, s.assessment_id, '00000000-0000-0000-0000-000000000011', 0
  FROM innotrue.capability_snapshots s WHERE s.id = '00000000-0000-0000-0000-0000000005a1';
-- (a question of another assessment: the trigger names it before the composite foreign key would)
INSERT INTO innotrue.snapshot_question_ratings (snapshot_id, user_id, assessment_id, question_id, rating)
SELECT s.id, s.user_id, s.assessment_id, '00000000-0000-0000-0000-000000000091', 3
  FROM innotrue.capability_snapshots s WHERE s.id = '00000000-0000-0000-0000-0000000005a1';

-- Snapshot a1: Architecture 2 (knowledge, w1), 5 (practice, w3), 3 (untyped, w1) -> 20/5 = 4.00;
-- Security 4 (practice, w3), 1 (unlisted type, w1) -> 13/4 = 3.25; Communication 5 -> 5.00.
-- Overall (unweighted mean of all ratings) = 20/6 = 3.33: fails 75 % overall.
-- Snapshot a2: every rating 4 except Communication unrated.  Snapshot b1: every rating 5.
INSERT INTO innotrue.snapshot_question_ratings (snapshot_id, user_id, assessment_id, question_id, rating)
SELECT v.snapshot::uuid, s.user_id, s.assessment_id, v.question::uuid, v.rating
  FROM (VALUES ('00000000-0000-0000-0000-0000000005a1', '00000000-0000-0000-0000-000000000011', 2),
               ('00000000-0000-0000-0000-0000000005a1', '00000000-0000-0000-0000-000000000012', 5),
               ('00000000-0000-0000-0000-0000000005a1', '00000000-0000-0000-0000-000000000013', 3),
               ('00000000-0000-0000-0000-0000000005a1', '00000000-0000-0000-0000-000000000021', 4),
               ('00000000-0000-0000-0000-0000000005a1', '00000000-0000-0000-0000-000000000022', 1),
               ('00000000-0000-0000-0000-0000000005a1', '00000000-0000-0000-0000-000000000031', 5),
               ('00000000-0000-0000-0000-0000000005a2', '00000000-0000-0000-0000-000000000011', 4),
               ('00000000-0000-0000-0000-0000000005a2', '00000000-0000-0000-0000-000000000012', 4),
               ('00000000-0000-0000-0000-0000000005a2', '00000000-0000-0000-0000-000000000021', 4),
               ('00000000-0000-0000-0000-0000000005a2', '00000000-0000-0000-0000-000000000022', 4),
               ('00000000-0000-0000-0000-0000000005b1', '00000000-0000-0000-0000-000000000011', 5),
               ('00000000-0000-0000-0000-0000000005c1', '00000000-0000-0000-0000-000000000091', 5)
       ) AS v (snapshot, question, rating)
  JOIN innotrue.capability_snapshots s ON s.id = v.snapshot::uuid;

-- 2. Scoring with mode overall.
SELECT jsonb_pretty(innotrue.score_capability_snapshot('00000000-0000-0000-0000-0000000005a1'));
-- Exactly at the pass mark (mean 4 = 75 %) passes; unrated domains get no row.
SELECT innotrue.score_capability_snapshot('00000000-0000-0000-0000-0000000005a2') -> 'passed' AS a2_passed;
SELECT s.id, s.overall_score, s.passed FROM innotrue.capability_snapshots s
 WHERE s.id IN ('00000000-0000-0000-0000-0000000005a1', '00000000-0000-0000-0000-0000000005a2') ORDER BY s.id;
SELECT r.snapshot_id, d.name, r.average_score, r.passed
  FROM innotrue.snapshot_domain_ratings r JOIN innotrue.capability_domains d ON d.id = r.domain_id
 ORDER BY r.snapshot_id, d.order_index;

-- 3. per_domain: every domain must reach the mark; an unrated domain fails.
UPDATE innotrue.capability_assessments SET pass_fail_mode = 'per_domain', pass_fail_threshold = 50
 WHERE slug = 'arch-check';
SELECT innotrue.score_capability_snapshot('00000000-0000-0000-0000-0000000005a1') -> 'passed' AS a1_passed;
SELECT innotrue.score_capability_snapshot('00000000-0000-0000-0000-0000000005a2') -> 'passed' AS a2_passed;
SELECT r.snapshot_id, d.name, r.average_score, r.passed
  FROM innotrue.snapshot_domain_ratings r JOIN innotrue.capability_domains d ON d.id = r.domain_id
 ORDER BY r.snapshot_id, d.order_index;

-- 4. Re-scoring after a change replaces the stored ratings (and drops a domain left unrated).
DELETE FROM innotrue.snapshot_question_ratings
 WHERE snapshot_id = '00000000-0000-0000-0000-0000000005a1' AND question_id = '00000000-0000-0000-0000-000000000031';
UPDATE innotrue.snapshot_question_ratings SET rating = 5
 WHERE snapshot_id = '00000000-0000-0000-0000-0000000005a1' AND question_id = '00000000-0000-0000-0000-000000000022';
SELECT jsonb_path_query_array(innotrue.score_capability_snapshot('00000000-0000-0000-0000-0000000005a1'),
                              '$.domains[*] ? (@.ratings > 0).average_score') AS domain_scores;
SELECT d.name, r.average_score, r.passed
  FROM innotrue.snapshot_domain_ratings r JOIN innotrue.capability_domains d ON d.id = r.domain_id
 WHERE r.snapshot_id = '00000000-0000-0000-0000-0000000005a1' ORDER BY d.order_index;

-- 5. Pass/fail disabled: passed is NULL.
UPDATE innotrue.capability_assessments SET pass_fail_enabled = false, pass_fail_mode = NULL, pass_fail_threshold = NULL
 WHERE slug = 'other-check';
SELECT innotrue.score_capability_snapshot('00000000-0000-0000-0000-0000000005c1') - 'snapshot_id' AS other;

-- 6. A rating that no longer fits a changed scale is refused at scoring time, as are empty and
--    unknown snapshots.
UPDATE innotrue.capability_assessments SET scale_max = 4 WHERE slug = 'other-check';
SELECT innotrue.score_capability_snapshot('00000000-0000-0000-0000-0000000005c1');
SELECT innotrue.score_capability_snapshot('00000000-0000-0000-0000-0000000005e0');
SELECT innotrue.score_capability_snapshot('00000000-0000-0000-0000-00000000ffff');

-- 7. Comparing two snapshots of the same assessment and user: per-domain deltas, domain order.
SELECT * FROM innotrue.compare_capability_snapshots('00000000-0000-0000-0000-0000000005a1',
                                                    '00000000-0000-0000-0000-0000000005a2');
SELECT innotrue.compare_capability_snapshots('00000000-0000-0000-0000-0000000005a1', '00000000-0000-0000-0000-0000000005b1');
SELECT innotrue.compare_capability_snapshots('00000000-0000-0000-0000-0000000005a1', '00000000-0000-0000-0000-0000000005c1');
SELECT innotrue.compare_capability_snapshots('00000000-0000-0000-0000-0000000005a1', '00000000-0000-0000-0000-00000000ffff');

ROLLBACK;
