-- Goals from capability results (docs/assessments.md "Goals from assessment results"): suggestions
-- from a scored snapshot, creating a goal from one (the link round trip), progress on the linked
-- domain as later snapshots are scored, the link's integrity, and the same under row-level
-- security. Demo data: Alice's first self-assessment scores System Architecture 3.67, Security &
-- Identity 2.33, Communication 4.00 on a 1..5 scale with an overall pass mark of 60% (3.40).
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;
SELECT innotrue.load_demo_data();
SET CONSTRAINTS ALL IMMEDIATE;
SELECT innotrue.seed_id('demo', 'capability_snapshot/alice/1') AS snap1,
       innotrue.seed_id('demo', 'capability_assessment/architecture-self-knowledge-check') AS cap,
       innotrue.seed_id('demo', 'capability_domain/security_identity') AS security,
       innotrue.seed_id('demo', 'capability_domain/communication') AS communication,
       innotrue.seed_id('demo', 'user/alice') AS alice, innotrue.seed_id('demo', 'user/bob') AS bob \gset

-- A snapshot rated like snapshot 1 plus a step per question (at most 5), completed at `at` and scored.
CREATE FUNCTION pg_temp.rescore(id uuid, step integer, at timestamptz, evaluator uuid DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO innotrue.capability_snapshots (id, user_id, assessment_id, is_self_assessment, evaluator_id, title)
    SELECT rescore.id, s.user_id, s.assessment_id, evaluator IS NULL, evaluator, 'Step ' || step
      FROM innotrue.capability_snapshots s WHERE s.id = innotrue.seed_id('demo', 'capability_snapshot/alice/1');
    INSERT INTO innotrue.snapshot_question_ratings (snapshot_id, user_id, assessment_id, question_id, rating)
    SELECT rescore.id, r.user_id, r.assessment_id, r.question_id, least(5, r.rating + step)
      FROM innotrue.snapshot_question_ratings r WHERE r.snapshot_id = innotrue.seed_id('demo', 'capability_snapshot/alice/1');
    UPDATE innotrue.capability_snapshots s SET status = 'completed', completed_at = at WHERE s.id = rescore.id;
    PERFORM innotrue.score_capability_snapshot(rescore.id);
END $$;

-- 1. Suggestions: below the pass mark by default, or the lowest N whatever their result.
SELECT domain_name, score, pass_score, below_pass, suggested_title, goal_id
  FROM innotrue.suggest_goals_from_snapshot(:'snap1');
SELECT domain_name, score, below_pass, suggested_title
  FROM innotrue.suggest_goals_from_snapshot(:'snap1', lowest => 2);
SELECT count(*) AS all_domains FROM innotrue.suggest_goals_from_snapshot(:'snap1', lowest => 10);
SELECT * FROM innotrue.suggest_goals_from_snapshot(:'snap1', lowest => 0);
SELECT * FROM innotrue.suggest_goals_from_snapshot(NULL);
SELECT * FROM innotrue.suggest_goals_from_snapshot('00000000-0000-0000-0000-00000000dead');
-- a draft snapshot has no result yet
INSERT INTO innotrue.capability_snapshots (id, user_id, assessment_id, title)
VALUES ('00000000-0000-0000-0000-00000000fa01', :'alice', :'cap', 'Draft');
SELECT * FROM innotrue.suggest_goals_from_snapshot('00000000-0000-0000-0000-00000000fa01');
-- per_domain mode: the stored verdict of each domain decides
UPDATE innotrue.capability_assessments SET pass_fail_mode = 'per_domain', pass_fail_threshold = 70 WHERE id = :'cap';
SELECT innotrue.score_capability_snapshot(:'snap1') -> 'passed' AS passed_per_domain;
SELECT domain_name, score, pass_score, below_pass FROM innotrue.suggest_goals_from_snapshot(:'snap1');
-- without pass/fail only the lowest N can be asked for
UPDATE innotrue.capability_assessments SET pass_fail_enabled = false, pass_fail_mode = NULL, pass_fail_threshold = NULL WHERE id = :'cap';
SELECT innotrue.score_capability_snapshot(:'snap1') -> 'passed' AS passed_without_pass_fail;
SELECT * FROM innotrue.suggest_goals_from_snapshot(:'snap1');
SELECT domain_name, score, pass_score, below_pass, suggested_title FROM innotrue.suggest_goals_from_snapshot(:'snap1', 1);
UPDATE innotrue.capability_assessments SET pass_fail_enabled = true, pass_fail_mode = 'overall', pass_fail_threshold = 60 WHERE id = :'cap';
SELECT innotrue.score_capability_snapshot(:'snap1') -> 'passed' AS passed_again_overall;

-- 2. The round trip: a goal from the suggestion records the link; asking again returns it.
SELECT innotrue.create_goal_from_suggestion(:'snap1', :'security', target_date => '2026-04-30') AS goal \gset
SELECT g.user_id = :'alice' AS alices, g.title, g.description, g.category, g.status, g.target_date,
       g.capability_assessment_id = :'cap' AS assessment_linked, g.assessment_snapshot_id = :'snap1' AS snapshot_linked,
       g.capability_domain_id = :'security' AS domain_linked, g.assessment_response_id
  FROM innotrue.goals g WHERE g.id = :'goal';
SELECT innotrue.create_goal_from_suggestion(:'snap1', :'security', 'Another title') = :'goal' AS same_goal_again,
       (SELECT count(*) FROM innotrue.goals WHERE assessment_snapshot_id = :'snap1') AS linked_goals;
SELECT domain_name, goal_id = :'goal' AS suggestion_knows_its_goal FROM innotrue.suggest_goals_from_snapshot(:'snap1');
-- a passing domain can still become a goal, with the caller's title
SELECT innotrue.create_goal_from_suggestion(:'snap1', :'communication', 'Present like a CTA') AS goal2 \gset
SELECT g.title, g.capability_domain_id = :'communication' AS domain_linked FROM innotrue.goals g WHERE g.id = :'goal2';
-- once the first goal is completed, a new one may be created from the same suggestion
UPDATE innotrue.goals SET status = 'in_progress' WHERE id = :'goal';
UPDATE innotrue.goals SET status = 'completed', progress = 100 WHERE id = :'goal';
SELECT innotrue.create_goal_from_suggestion(:'snap1', :'security') <> :'goal' AS new_goal_after_completion;
-- refused: NULLs, unknown snapshot, a domain of another assessment, a draft snapshot
SELECT innotrue.create_goal_from_suggestion(:'snap1', NULL);
SELECT innotrue.create_goal_from_suggestion('00000000-0000-0000-0000-00000000dead', :'security');
SELECT innotrue.create_goal_from_suggestion(:'snap1', '00000000-0000-0000-0000-00000000dead');
SELECT innotrue.create_goal_from_suggestion('00000000-0000-0000-0000-00000000fa01', :'security');

-- 3. Progress on the linked domain: nothing later yet; a later self-assessment one step up
--    (Security 3.33, still below 3.40); two steps up it passes; an evaluator's later rating is
--    another kind and is not compared with a self-assessment. (Of the two Security goals the
--    first is completed, the second was created after it.)
SELECT domain_name, pass_score, baseline_score, latest_score, delta, latest_passes
  FROM innotrue.goal_assessment_progress WHERE goal_id = :'goal';
SELECT pg_temp.rescore('00000000-0000-0000-0000-00000000fa02', 1, '2026-02-01 10:00:00+00');
SELECT domain_name, baseline_score, latest_snapshot_id = '00000000-0000-0000-0000-00000000fa02' AS latest_is_step_1,
       latest_score, delta, latest_passes
  FROM innotrue.goal_assessment_progress WHERE goal_id = :'goal';
SELECT pg_temp.rescore('00000000-0000-0000-0000-00000000fa03', 2, '2026-03-01 10:00:00+00');
SELECT pg_temp.rescore('00000000-0000-0000-0000-00000000fa04', 0, '2026-04-01 10:00:00+00', innotrue.seed_id('demo', 'user/irene'));
SELECT g.title, p.domain_name, p.baseline_score, p.latest_snapshot_id = '00000000-0000-0000-0000-00000000fa03' AS latest_is_step_2,
       p.latest_score, p.delta, p.latest_passes
  FROM innotrue.goal_assessment_progress p JOIN innotrue.goals g ON g.id = p.goal_id
 ORDER BY g.created_at, g.title;
-- a snapshot taken before the baseline is never "later"
UPDATE innotrue.capability_snapshots SET completed_at = '2026-01-01 00:00:00+00' WHERE id IN ('00000000-0000-0000-0000-00000000fa02', '00000000-0000-0000-0000-00000000fa03');
SELECT latest_snapshot_id, latest_score FROM innotrue.goal_assessment_progress WHERE goal_id = :'goal';

-- 4. The link's integrity: snapshot, domain and goal belong to one user and one assessment.
INSERT INTO innotrue.goals (user_id, title, capability_assessment_id, assessment_snapshot_id)
VALUES (:'bob', 'Not my snapshot', :'cap', :'snap1');
INSERT INTO innotrue.goals (user_id, title, capability_assessment_id, capability_domain_id)
VALUES (:'alice', 'Wrong domain', :'cap', innotrue.seed_id('demo', 'capability_domain/nope'));
INSERT INTO innotrue.goals (user_id, title, capability_domain_id) VALUES (:'alice', 'No assessment', :'security');
-- a response of a definition: only the respondent's own
INSERT INTO innotrue.goals (user_id, title, assessment_response_id)
VALUES (:'bob', 'Not my response', innotrue.seed_id('demo', 'assessment_response/alice/leadership-style-snapshot'));
INSERT INTO innotrue.goals (user_id, title, assessment_response_id)
VALUES (:'alice', 'Act on my leadership result', innotrue.seed_id('demo', 'assessment_response/alice/leadership-style-snapshot'))
RETURNING title, assessment_response_id IS NOT NULL AS response_linked;
-- deleting the baseline snapshot keeps the goal and its domain; progress then uses any later snapshot
DELETE FROM innotrue.capability_snapshots WHERE id = :'snap1';
SELECT g.assessment_snapshot_id, g.capability_domain_id = :'security' AS domain_kept, p.baseline_score,
       p.latest_snapshot_id = '00000000-0000-0000-0000-00000000fa04' AS latest_is_evaluator_rating, p.latest_score
  FROM innotrue.goals g JOIN innotrue.goal_assessment_progress p ON p.goal_id = g.id WHERE g.id = :'goal';
ROLLBACK;

-- 5. Row-level security: the functions and the view read and write as their caller.
BEGIN;
SELECT innotrue.load_demo_data();
SET CONSTRAINTS ALL IMMEDIATE;
SELECT innotrue.seed_id('demo', 'capability_snapshot/alice/1') AS snap1,
       innotrue.seed_id('demo', 'capability_domain/security_identity') AS security,
       innotrue.seed_id('demo', 'user/carlos') AS carlos \gset
CREATE ROLE goals_app NOLOGIN;
SELECT innotrue.enable_row_level_security('goals_app') > 0 AS rls_enabled;
GRANT SELECT ON innotrue.goal_assessment_progress TO goals_app;
GRANT EXECUTE ON FUNCTION innotrue.suggest_goals_from_snapshot(uuid, integer), innotrue.create_goal_from_suggestion(uuid, uuid, text, date),
                          innotrue.capability_pass_score(integer, integer, integer),
                          innotrue.capability_score_passes(numeric, integer, integer, integer),
                          innotrue.capability_goal_title(text, numeric, numeric, integer) TO goals_app;
SET LOCAL ROLE goals_app;
-- Bob cannot see Alice's snapshot
SET LOCAL innotrue.user_id = :'bob';
SELECT * FROM innotrue.suggest_goals_from_snapshot(:'snap1');
SELECT innotrue.create_goal_from_suggestion(:'snap1', :'security');
-- her coach sees the suggestions but cannot create her goals
SELECT set_config('innotrue.user_id', :'carlos', true) IS NOT NULL AS as_carlos;
SELECT domain_name, score FROM innotrue.suggest_goals_from_snapshot(:'snap1');
SELECT innotrue.create_goal_from_suggestion(:'snap1', :'security');
-- Alice creates it herself; her coach then follows its progress, Bob does not
SELECT set_config('innotrue.user_id', :'alice', true) IS NOT NULL AS as_alice;
SELECT innotrue.create_goal_from_suggestion(:'snap1', :'security') IS NOT NULL AS created_by_alice;
SELECT domain_name, baseline_score, latest_score FROM innotrue.goal_assessment_progress;
SELECT set_config('innotrue.user_id', :'carlos', true) IS NOT NULL AS as_carlos;
SELECT domain_name, baseline_score FROM innotrue.goal_assessment_progress;
SELECT set_config('innotrue.user_id', :'bob', true) IS NOT NULL AS as_bob;
SELECT count(*) AS bob_sees FROM innotrue.goal_assessment_progress;
RESET ROLE;
ROLLBACK;
