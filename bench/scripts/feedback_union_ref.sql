-- The reference of feedback_view: the client's feedback from the seven tables, one hand-written
-- branch per table with the client's id in each, and the read marker looked up per row. Returns
-- the same rows as the view, without the view's text clean-up. One statement, like the view's.
\set n random(1, :users)
WITH c AS MATERIALIZED (SELECT id FROM public.bench_feedback_clients WHERE n = :n)
SELECT u.mechanism, u.item_id, u.given_by, u.given_at, u.subject_kind, u.subject_id, u.score, u.summary,
       u.given_at > coalesce((SELECT r.last_seen_at FROM innotrue.feedback_reads r
                               WHERE r.user_id = (SELECT id FROM c) AND r.mechanism = u.mechanism), '-infinity') AS is_new
  FROM (SELECT 'scenario_evaluation' AS mechanism, a.id AS item_id, a.assigned_by AS given_by, a.evaluated_at AS given_at,
               'scenario_assignment' AS subject_kind, a.id AS subject_id, NULL::numeric AS score, a.overall_notes AS summary
          FROM innotrue.scenario_assignments a
         WHERE a.user_id = (SELECT id FROM c) AND a.status = 'evaluated' AND btrim(a.overall_notes) <> ''
        UNION ALL
        SELECT 'paragraph_evaluation', e.id, e.evaluator_id, a.evaluated_at, 'scenario_response', e.response_id, e.rating, e.comment
          FROM innotrue.paragraph_evaluations e
          JOIN innotrue.scenario_responses sr ON sr.id = e.response_id
          JOIN innotrue.scenario_assignments a ON a.id = sr.assignment_id
         WHERE e.user_id = (SELECT id FROM c) AND a.status = 'evaluated'
        UNION ALL
        SELECT 'module_feedback', m.id, m.coach_id, m.published_at, 'module_progress', m.module_progress_id, NULL, m.content
          FROM innotrue.coach_module_feedback m
         WHERE m.user_id = (SELECT id FROM c) AND m.status = 'published'
        UNION ALL
        SELECT 'assignment_grading', g.id, g.reviewed_by, g.reviewed_at, 'module_assignment', g.id, g.overall_score, g.overall_comments
          FROM innotrue.module_assignments g
         WHERE g.user_id = (SELECT id FROM c) AND g.status IN ('reviewed', 'completed')
        UNION ALL
        SELECT 'assessment_interpretation', ar.id, NULL, ar.created_at, 'assessment_response', ar.id, NULL,
               (SELECT string_agg(i ->> 'title', '; ') FROM jsonb_array_elements(ar.interpretations) i)
          FROM innotrue.assessment_responses ar
         WHERE ar.user_id = (SELECT id FROM c) AND jsonb_array_length(ar.interpretations) > 0
        UNION ALL
        SELECT 'goal_comment', c.id, c.author_id, c.created_at, 'goal', c.goal_id, NULL, c.body
          FROM innotrue.goal_comments c
         WHERE c.user_id = (SELECT id FROM c) AND c.author_id <> c.user_id
        UNION ALL
        SELECT 'session_feedback', s.id, s.author_id, s.created_at, 'session', s.session_id, s.rating, s.body
          FROM innotrue.session_feedback s
         WHERE s.user_id = (SELECT id FROM c)) u
 ORDER BY u.given_at DESC;
