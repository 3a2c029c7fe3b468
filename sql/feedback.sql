-- innotrue.feedback (docs/feedback.md): every feedback the demo users hold, per mechanism, against
-- plain counts of the tables; the release rules of each mechanism; session feedback's checks; read
-- markers; and, under row-level security, who sees which client's feedback. Rolled back.
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;
SELECT innotrue.load_demo_data();
-- 0.1.0's demo stamps Carlos's comment on Alice's goal with the load time: pin it for stable output.
UPDATE innotrue.goal_comments SET created_at = '2026-01-07 12:00:00+00' WHERE body LIKE 'Great start.%';
CREATE FUNCTION pg_temp.who(id uuid) RETURNS text LANGUAGE sql STABLE
AS $$ SELECT split_part(p.email, '@', 1) FROM innotrue.profiles p WHERE p.id = $1 $$;

-- 1. Every mechanism: items in the view against a hand count of each table's released rows.
SELECT m.mechanism,
       (SELECT count(*) FROM innotrue.feedback f WHERE f.mechanism = m.mechanism) AS in_view,
       CASE m.mechanism
           WHEN 'scenario_evaluation' THEN (SELECT count(*) FROM innotrue.scenario_assignments
                                             WHERE status = 'evaluated' AND overall_notes IS NOT NULL)
           WHEN 'paragraph_evaluation' THEN (SELECT count(*) FROM innotrue.paragraph_evaluations)
           WHEN 'module_feedback' THEN (SELECT count(*) FROM innotrue.coach_module_feedback WHERE status = 'published')
           WHEN 'assignment_grading' THEN (SELECT count(*) FROM innotrue.module_assignments WHERE reviewed_at IS NOT NULL)
           WHEN 'assessment_interpretation' THEN (SELECT count(*) FROM innotrue.assessment_responses WHERE user_id IS NOT NULL)
           WHEN 'goal_comment' THEN (SELECT count(*) FROM innotrue.goal_comments WHERE author_id <> user_id)
           WHEN 'session_feedback' THEN (SELECT count(*) FROM innotrue.session_feedback)
       END AS in_tables,
       (SELECT string_agg(DISTINCT pg_temp.who(f.client_id), ', ') FROM innotrue.feedback f
         WHERE f.mechanism = m.mechanism) AS clients
  FROM unnest(innotrue.feedback_mechanisms()) WITH ORDINALITY m (mechanism, ord)
 ORDER BY m.ord;
SELECT count(*) AS items, count(DISTINCT mechanism) AS mechanisms, count(DISTINCT (mechanism, item_id)) AS distinct_items
  FROM innotrue.feedback;

-- 2. Alice's feed, newest first: who gave it, on what, the score, the text, whether it is new (she
--    has read her module feedback and her assessment result).
SELECT to_char(given_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS given_at, mechanism,
       coalesce(pg_temp.who(given_by), 'system') AS given_by, subject_kind, score, summary, is_new
  FROM innotrue.feedback
 WHERE client_id = innotrue.seed_id('demo', 'user/alice')
 ORDER BY given_at DESC, mechanism, summary;
-- Every typed link leads to an existing row of the table its kind names.
SELECT f.subject_kind, count(*) AS items,
       count(*) FILTER (WHERE NOT CASE f.subject_kind
           WHEN 'scenario_assignment' THEN EXISTS (SELECT 1 FROM innotrue.scenario_assignments x WHERE x.id = f.subject_id AND x.user_id = f.client_id)
           WHEN 'scenario_response' THEN EXISTS (SELECT 1 FROM innotrue.scenario_responses x WHERE x.id = f.subject_id AND x.user_id = f.client_id)
           WHEN 'module_progress' THEN EXISTS (SELECT 1 FROM innotrue.module_progress x WHERE x.id = f.subject_id AND x.user_id = f.client_id)
           WHEN 'module_assignment' THEN EXISTS (SELECT 1 FROM innotrue.module_assignments x WHERE x.id = f.subject_id AND x.user_id = f.client_id)
           WHEN 'assessment_response' THEN EXISTS (SELECT 1 FROM innotrue.assessment_responses x WHERE x.id = f.subject_id AND x.user_id = f.client_id)
           WHEN 'goal' THEN EXISTS (SELECT 1 FROM innotrue.goals x WHERE x.id = f.subject_id AND x.user_id = f.client_id)
           WHEN 'session' THEN EXISTS (SELECT 1 FROM innotrue.session_participants x WHERE x.session_id = f.subject_id AND x.user_id = f.client_id)
           ELSE false END) AS dangling
  FROM innotrue.feedback f GROUP BY f.subject_kind ORDER BY f.subject_kind;

-- 3. Release rules.
-- A draft of coach feedback is not shown; publishing it shows it (its summary on one line).
INSERT INTO innotrue.coach_module_feedback (id, user_id, coach_id, module_progress_id, content)
VALUES ('00000000-0000-0000-0000-00000000fb01', innotrue.seed_id('demo', 'user/alice'), innotrue.seed_id('demo', 'user/carlos'),
        innotrue.seed_id('demo', 'module_progress/alice/1'), E'Draft:   a good\n  welcome.');
SELECT count(*) AS draft_shown FROM innotrue.feedback WHERE item_id = '00000000-0000-0000-0000-00000000fb01';
UPDATE innotrue.coach_module_feedback SET status = 'published', published_at = '2026-02-01 10:00:00+00'
 WHERE id = '00000000-0000-0000-0000-00000000fb01';
SELECT summary, is_new FROM innotrue.feedback WHERE item_id = '00000000-0000-0000-0000-00000000fb01';
-- A long text is cut to 160 characters.
UPDATE innotrue.coach_module_feedback SET content = repeat('word ', 60) WHERE id = '00000000-0000-0000-0000-00000000fb01';
SELECT length(summary) AS summary_length, right(summary, 3) AS ends_with FROM innotrue.feedback
 WHERE item_id = '00000000-0000-0000-0000-00000000fb01';
-- Paragraph evaluations of a scenario still in review wait for its evaluation.
INSERT INTO innotrue.scenario_assignments (id, user_id, template_id, assigned_by, attempt)
VALUES ('00000000-0000-0000-0000-00000000fb02', innotrue.seed_id('demo', 'user/alice'),
        innotrue.seed_id('demo', 'scenario_template/stakeholder-conflict-review'), innotrue.seed_id('demo', 'user/irene'), 2);
INSERT INTO innotrue.scenario_responses (id, assignment_id, user_id, template_id, section_id, paragraph_id, response_text)
VALUES ('00000000-0000-0000-0000-00000000fb03', '00000000-0000-0000-0000-00000000fb02', innotrue.seed_id('demo', 'user/alice'),
        innotrue.seed_id('demo', 'scenario_template/stakeholder-conflict-review'),
        innotrue.seed_id('demo', 'scenario_section/task'), innotrue.seed_id('demo', 'scenario_paragraph/task/1'), 'Second try.');
UPDATE innotrue.scenario_assignments SET status = 'submitted', submitted_at = '2026-02-02 10:00:00+00'
 WHERE id = '00000000-0000-0000-0000-00000000fb02';
UPDATE innotrue.scenario_assignments SET status = 'in_review' WHERE id = '00000000-0000-0000-0000-00000000fb02';
INSERT INTO innotrue.paragraph_evaluations (response_id, user_id, evaluator_id, rating)
VALUES ('00000000-0000-0000-0000-00000000fb03', innotrue.seed_id('demo', 'user/alice'), innotrue.seed_id('demo', 'user/irene'), 3);
SELECT count(*) FILTER (WHERE mechanism = 'paragraph_evaluation') AS paragraph_items,
       count(*) FILTER (WHERE mechanism = 'scenario_evaluation') AS scenario_items
  FROM innotrue.feedback WHERE client_id = innotrue.seed_id('demo', 'user/alice');
UPDATE innotrue.scenario_assignments SET status = 'evaluated', evaluated_at = '2026-02-03 10:00:00+00', overall_notes = '  '
 WHERE id = '00000000-0000-0000-0000-00000000fb02';
-- released with the evaluation, at its time; blank overall notes are no scenario feedback
SELECT mechanism, to_char(given_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS given_on, score, summary
  FROM innotrue.feedback WHERE subject_id IN ('00000000-0000-0000-0000-00000000fb02', '00000000-0000-0000-0000-00000000fb03');
-- An anonymous public respondent's interpretations belong to nobody; a submitted, ungraded
-- assignment is not feedback yet.
SELECT innotrue.compute_assessment_scores('leadership-style-snapshot',
         '{"q1_new_team": "a", "q2_missed_deadline": "a", "q3_conflict": "a", "q4_strategy": "a", "q5_feedback": "a", "q6_success": "a"}',
         'visitor@example.com') ? 'response_id' AS stored_anonymously;
INSERT INTO innotrue.module_assignments (id, user_id, module_progress_id, module_id, assignment_type_id, status, submitted_at)
VALUES ('00000000-0000-0000-0000-00000000fb04', innotrue.seed_id('demo', 'user/bob'),
        (SELECT id FROM innotrue.module_progress WHERE user_id = innotrue.seed_id('demo', 'user/bob')),
        innotrue.seed_id('demo', 'module/leadership-foundations/1'), innotrue.seed_id('demo', 'assignment_type/stakeholder_map'),
        'submitted', '2026-02-04 10:00:00+00');
SELECT mechanism, count(*) FROM innotrue.feedback
 WHERE mechanism IN ('assessment_interpretation', 'assignment_grading') GROUP BY mechanism ORDER BY mechanism;

-- 4. Session feedback: a participant receives it; rating, text or both; never from herself.
INSERT INTO innotrue.session_feedback (user_id, author_id, session_id, rating)
VALUES (innotrue.seed_id('demo', 'user/dana'), innotrue.seed_id('demo', 'user/carlos'), innotrue.seed_id('demo', 'session/alice-deep-dive'), 3);
INSERT INTO innotrue.session_feedback (user_id, author_id, session_id, rating)
VALUES (innotrue.seed_id('demo', 'user/alice'), innotrue.seed_id('demo', 'user/alice'), innotrue.seed_id('demo', 'session/alice-deep-dive'), 3);
INSERT INTO innotrue.session_feedback (user_id, author_id, session_id, body)
VALUES (innotrue.seed_id('demo', 'user/alice'), innotrue.seed_id('demo', 'user/carlos'), innotrue.seed_id('demo', 'session/alice-deep-dive'), '  ');
INSERT INTO innotrue.session_feedback (user_id, author_id, session_id, rating)
VALUES (innotrue.seed_id('demo', 'user/alice'), innotrue.seed_id('demo', 'user/carlos'), innotrue.seed_id('demo', 'session/alice-deep-dive'), 6);
INSERT INTO innotrue.session_feedback (user_id, author_id, rating)
VALUES (innotrue.seed_id('demo', 'user/alice'), innotrue.seed_id('demo', 'user/carlos'), 4);
INSERT INTO innotrue.session_feedback (user_id, author_id, session_id, rating)
VALUES (innotrue.seed_id('demo', 'user/bob'), innotrue.seed_id('demo', 'user/irene'), innotrue.seed_id('demo', 'session/cta-mock-board'), 5);
SELECT pg_temp.who(client_id), subject_kind, score, summary FROM innotrue.feedback
 WHERE mechanism = 'session_feedback' ORDER BY 1;

-- 5. Read markers: new = given after the client's last-seen time for the mechanism.
SELECT mechanism, count(*) FILTER (WHERE is_new) AS new, count(*) AS items FROM innotrue.feedback
 WHERE client_id = innotrue.seed_id('demo', 'user/alice') GROUP BY mechanism ORDER BY mechanism;
SELECT innotrue.mark_feedback_seen(innotrue.seed_id('demo', 'user/alice'), 'paragraph_evaluation', '2026-01-31 00:00:00+00') AS marked;
SELECT count(*) FILTER (WHERE is_new) AS new_paragraph_items FROM innotrue.feedback
 WHERE client_id = innotrue.seed_id('demo', 'user/alice') AND mechanism = 'paragraph_evaluation';
-- an earlier time never moves the marker back
SELECT innotrue.mark_feedback_seen(innotrue.seed_id('demo', 'user/alice'), 'paragraph_evaluation', '2026-01-01 00:00:00+00') AS marked;
SELECT to_char(last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS paragraph_seen_until FROM innotrue.feedback_reads
 WHERE user_id = innotrue.seed_id('demo', 'user/alice') AND mechanism = 'paragraph_evaluation';
-- NULL = every mechanism
SELECT innotrue.mark_feedback_seen(innotrue.seed_id('demo', 'user/alice'), NULL, '2026-12-31 00:00:00+00') AS marked;
SELECT count(*) FILTER (WHERE is_new) AS alice_new, count(*) AS alice_items FROM innotrue.feedback
 WHERE client_id = innotrue.seed_id('demo', 'user/alice');
SELECT innotrue.mark_feedback_seen(innotrue.seed_id('demo', 'user/alice'), 'ai_insight');
SELECT innotrue.mark_feedback_seen(NULL, 'goal_comment');
SELECT innotrue.mark_feedback_seen(innotrue.seed_id('demo', 'user/alice'), 'goal_comment', NULL);
SELECT innotrue.mark_feedback_seen('00000000-0000-0000-0000-00000000dead', 'goal_comment');
SELECT innotrue.my_mark_feedback_seen('goal_comment');
INSERT INTO innotrue.feedback_reads (user_id, mechanism, last_seen_at)
VALUES (innotrue.seed_id('demo', 'user/bob'), 'ai_insight', now());

-- 6. Row-level security: the view reads as its caller.
SET CONSTRAINTS ALL IMMEDIATE;   -- the demo's deferred layer rules, so that policies can be created
-- The application role may not call seed_id (install scripts only): the ids are taken first.
SELECT innotrue.seed_id('demo', 'user/alice') AS alice, innotrue.seed_id('demo', 'user/bob') AS bob,
       innotrue.seed_id('demo', 'user/carlos') AS carlos \gset
CREATE ROLE fb_app NOLOGIN;
SELECT innotrue.enable_row_level_security('fb_app') > 0 AS rls_enabled;
GRANT SELECT ON innotrue.feedback TO fb_app;
-- the current-user form alone for the client; the service form here only to show it refused (the
-- user class may read feedback_reads, and writes its own markers only through my_mark_feedback_seen)
GRANT EXECUTE ON FUNCTION innotrue.my_mark_feedback_seen(text), innotrue.mark_feedback_seen(uuid, text, timestamptz),
                          innotrue.feedback_mechanisms() TO fb_app;
CREATE FUNCTION pg_temp.seen_by(who text) RETURNS text LANGUAGE plpgsql
AS $$
DECLARE result text;
BEGIN
    PERFORM set_config('innotrue.user_id', coalesce(innotrue.seed_id('demo', 'user/' || who)::text, ''), true);
    SET LOCAL ROLE fb_app;
    SELECT coalesce(string_agg(c.client || ' ' || c.n, ', ' ORDER BY c.client), '-') INTO result
      FROM (SELECT split_part(p.email, '@', 1) AS client, count(*) AS n
              FROM innotrue.feedback f LEFT JOIN innotrue.profiles p ON p.id = f.client_id
             GROUP BY 1) c;
    RESET ROLE;
    RETURN result;
END
$$;
GRANT SELECT ON innotrue.profiles TO fb_app;
-- Each sees her own; Carlos coaches Alice and Bob; Irene instructs Alice's program; Olivia
-- manages Acme, whose members share no goals or progress with feedback yet; Ada is an admin.
SELECT coalesce(w.who, 'anonymous') AS who, pg_temp.seen_by(w.who) AS sees
  FROM (VALUES ('alice'), ('bob'), ('dana'), ('carlos'), ('irene'), ('olivia'), ('ada'), (NULL)) w (who);
-- Bob starts sharing his goals with Acme: Olivia then sees his goal comment.
UPDATE innotrue.member_sharing_consent SET share_goals = true WHERE user_id = innotrue.seed_id('demo', 'user/bob');
SELECT pg_temp.seen_by('olivia') AS olivia_sees_after_bob_shares_goals;
-- The coach sees whether her client has read it (feedback_reads: coach read).
SELECT set_config('innotrue.user_id', :'carlos', true) IS NOT NULL AS as_carlos;
SET LOCAL ROLE fb_app;
SELECT pg_temp.who(client_id) AS client, count(*) FILTER (WHERE is_new) AS new, count(*) AS items
  FROM innotrue.feedback GROUP BY 1 ORDER BY 1;
-- and cannot mark it seen for her
SELECT innotrue.mark_feedback_seen(:'bob', 'goal_comment');
RESET ROLE;
-- Bob marks his own feedback seen, but not Alice's.
SELECT set_config('innotrue.user_id', :'bob', true) IS NOT NULL AS as_bob;
SET LOCAL ROLE fb_app;
SELECT count(*) FILTER (WHERE is_new) AS bob_new_before FROM innotrue.feedback;
SELECT innotrue.my_mark_feedback_seen() AS marked;
SELECT count(*) FILTER (WHERE is_new) AS bob_new_after FROM innotrue.feedback;
SELECT innotrue.mark_feedback_seen(:'alice', 'goal_comment');
-- an anonymous caller has nobody to mark for
SELECT set_config('innotrue.user_id', '', true) IS NOT NULL AS anonymous;
SELECT innotrue.my_mark_feedback_seen();
RESET ROLE;
-- The client's filter reaches every mechanism's table as an index condition (plan shape only).
CREATE FUNCTION pg_temp.plan_lines() RETURNS SETOF text LANGUAGE plpgsql
AS $$
DECLARE line text;
BEGIN
    SET LOCAL enable_seqscan = off;
    FOR line IN EXPLAIN (COSTS OFF) SELECT * FROM innotrue.feedback WHERE client_id = innotrue.seed_id('demo', 'user/alice') LOOP
        RETURN NEXT line;
    END LOOP;
    RESET enable_seqscan;
END
$$;
SELECT count(*) FILTER (WHERE line ~ 'Index Cond: \(.*user_id = ') AS index_conditions_on_client,
       count(*) FILTER (WHERE line ~ 'Seq Scan') AS seq_scans
  FROM (SELECT * FROM pg_temp.plan_lines()) p (line);

ROLLBACK;
