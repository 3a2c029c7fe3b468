-- Feedback benchmark setup (bench/run runs every *_setup.sql once after bench/generate): gives
-- every generated user with an open enrollment an item of each of the seven feedback mechanisms
-- innotrue.feedback unifies, about a dozen in all, and makes
--   public.bench_feedback_clients(n, id): n = 1..users, each mapped to one of those clients, so the
--   scripts pick a client with `\set n random(1, :users)` like the other benchmarks.
-- Half of them have marked their feedback seen (feedback_reads). Also: role bench_app under
-- row-level security (as access_setup.sql makes it), allowed to read the view.
\set QUIET on
BEGIN;
CREATE TABLE public.bench_feedback_data AS
SELECT row_number() OVER (ORDER BY e.user_id) AS k, e.user_id, e.program_id, e.id AS enrollment_id,
       m.id AS module_id, c.assignment_type_id,
       (SELECT r.user_id FROM innotrue.user_roles r WHERE r.role = 'coach' AND r.user_id <> e.user_id
         ORDER BY r.user_id LIMIT 1) AS coach_id,
       (SELECT r.user_id FROM innotrue.user_roles r WHERE r.role = 'instructor' AND r.user_id <> e.user_id
         ORDER BY r.user_id LIMIT 1) AS instructor_id
  FROM (SELECT DISTINCT ON (e.user_id) e.* FROM innotrue.client_enrollments e
         WHERE e.status IN ('active', 'paused') ORDER BY e.user_id, e.enrolled_at) e
  JOIN innotrue.program_modules m ON m.program_id = e.program_id AND m.module_type = 'assignment'
  JOIN innotrue.module_assignment_configs c ON c.module_id = m.id;
ALTER TABLE public.bench_feedback_data ADD PRIMARY KEY (k);

-- Module progress, coach module feedback (published) and a graded assignment.
INSERT INTO innotrue.module_progress (id, user_id, enrollment_id, module_id, status, started_at)
SELECT md5('bench-feedback:progress:' || d.k)::uuid, d.user_id, d.enrollment_id, d.module_id, 'in_progress', '2026-01-05'
  FROM public.bench_feedback_data d;
INSERT INTO innotrue.coach_module_feedback (user_id, coach_id, module_progress_id, content, status, published_at)
SELECT d.user_id, d.coach_id, md5('bench-feedback:progress:' || d.k)::uuid, 'Solid work on module ' || d.k || '; tighten the summary.',
       'published', '2026-01-10'::timestamptz + d.k * interval '1 minute'
  FROM public.bench_feedback_data d;
INSERT INTO innotrue.module_assignments (id, user_id, module_progress_id, module_id, assignment_type_id)
SELECT md5('bench-feedback:assignment:' || d.k)::uuid, d.user_id, md5('bench-feedback:progress:' || d.k)::uuid,
       d.module_id, d.assignment_type_id
  FROM public.bench_feedback_data d;
UPDATE innotrue.module_assignments SET status = 'submitted', submitted_at = '2026-01-11'
 WHERE id IN (SELECT md5('bench-feedback:assignment:' || d.k)::uuid FROM public.bench_feedback_data d);
UPDATE innotrue.module_assignments a SET status = 'reviewed', reviewed_at = '2026-01-12', reviewed_by = d.instructor_id,
       overall_score = 60 + d.k % 40, overall_comments = 'Graded: clear structure, cite your sources.'
  FROM public.bench_feedback_data d WHERE a.id = md5('bench-feedback:assignment:' || d.k)::uuid;

-- A scenario: one template, each client answers two paragraphs, both evaluated, with overall notes.
INSERT INTO innotrue.scenario_categories (id, key, name)
VALUES (md5('bench-feedback:category')::uuid, 'bench_feedback', 'Bench');
INSERT INTO innotrue.scenario_templates (id, slug, title, description, category_id)
VALUES (md5('bench-feedback:template')::uuid, 'bench-feedback-scenario', 'Bench scenario', 'Feedback benchmark',
        md5('bench-feedback:category')::uuid);
INSERT INTO innotrue.scenario_sections (id, template_id, title, section_type, order_index)
VALUES (md5('bench-feedback:section')::uuid, md5('bench-feedback:template')::uuid, 'Task', 'task', 1);
INSERT INTO innotrue.section_paragraphs (id, section_id, template_id, content, order_index)
SELECT md5('bench-feedback:paragraph:' || p)::uuid, md5('bench-feedback:section')::uuid, md5('bench-feedback:template')::uuid,
       'Paragraph ' || p, p
  FROM generate_series(1, 2) p;
INSERT INTO innotrue.scenario_assignments (id, user_id, template_id, assigned_by)
SELECT md5('bench-feedback:scenario:' || d.k)::uuid, d.user_id, md5('bench-feedback:template')::uuid, d.instructor_id
  FROM public.bench_feedback_data d;
INSERT INTO innotrue.scenario_responses (id, assignment_id, user_id, template_id, section_id, paragraph_id, response_text)
SELECT md5('bench-feedback:response:' || d.k || ':' || p)::uuid, md5('bench-feedback:scenario:' || d.k)::uuid, d.user_id,
       md5('bench-feedback:template')::uuid, md5('bench-feedback:section')::uuid, md5('bench-feedback:paragraph:' || p)::uuid,
       'Answer ' || p
  FROM public.bench_feedback_data d CROSS JOIN generate_series(1, 2) p;
UPDATE innotrue.scenario_assignments SET status = 'submitted', submitted_at = '2026-01-13' WHERE template_id = md5('bench-feedback:template')::uuid;
UPDATE innotrue.scenario_assignments SET status = 'in_review' WHERE template_id = md5('bench-feedback:template')::uuid;
INSERT INTO innotrue.paragraph_evaluations (response_id, user_id, evaluator_id, rating, comment)
SELECT md5('bench-feedback:response:' || d.k || ':' || p)::uuid, d.user_id, d.instructor_id, 3 + p, 'Paragraph ' || p || ': good.'
  FROM public.bench_feedback_data d CROSS JOIN generate_series(1, 2) p;
UPDATE innotrue.scenario_assignments SET status = 'evaluated', evaluated_at = '2026-01-14', overall_notes = 'Ready for the next step.'
 WHERE template_id = md5('bench-feedback:template')::uuid;

-- An assessment result with two interpretations (an inactive definition: nothing is scored live).
INSERT INTO innotrue.assessment_definitions (id, slug, name, assessment_category_id)
VALUES (md5('bench-feedback:definition')::uuid, 'bench-feedback-definition', 'Bench Style',
        (SELECT c.id FROM innotrue.assessment_categories c ORDER BY c.id LIMIT 1));
INSERT INTO innotrue.assessment_responses (definition_id, user_id, answers, dimension_scores, interpretations, created_at)
SELECT md5('bench-feedback:definition')::uuid, d.user_id, '{}', '{"drive": 3}',
       '[{"key": "driver", "title": "The Driver", "text": "..."}, {"key": "coach", "title": "The Coach", "text": "..."}]',
       '2026-01-03'
  FROM public.bench_feedback_data d;

-- A goal with three coach comments and one of the client's own (not feedback).
INSERT INTO innotrue.goals (id, user_id, title)
SELECT md5('bench-feedback:goal:' || d.k)::uuid, d.user_id, 'Bench goal ' || d.k FROM public.bench_feedback_data d;
INSERT INTO innotrue.goal_comments (user_id, goal_id, author_id, body, created_at)
SELECT d.user_id, md5('bench-feedback:goal:' || d.k)::uuid, CASE WHEN c = 4 THEN d.user_id ELSE d.coach_id END,
       'Comment ' || c, '2026-01-15'::timestamptz + c * interval '1 day'
  FROM public.bench_feedback_data d CROSS JOIN generate_series(1, 4) c;

-- A coaching session with the client, and the coach's feedback after it.
INSERT INTO innotrue.sessions (id, user_id, session_type_id, title, duration_minutes)
SELECT md5('bench-feedback:session:' || d.k)::uuid, d.coach_id, innotrue.seed_id('session_types', 'coaching'),
       'Bench session ' || d.k, 60
  FROM public.bench_feedback_data d;
INSERT INTO innotrue.session_participants (session_id, user_id)
SELECT md5('bench-feedback:session:' || d.k)::uuid, d.user_id FROM public.bench_feedback_data d;
INSERT INTO innotrue.session_feedback (user_id, author_id, session_id, rating, body, created_at)
SELECT d.user_id, d.coach_id, md5('bench-feedback:session:' || d.k)::uuid, 4, 'Good session.', '2026-01-20'
  FROM public.bench_feedback_data d;

-- Half the clients have read everything up to mid-January.
SELECT count(innotrue.mark_feedback_seen(d.user_id, NULL, '2026-01-12')) AS marked_clients
  FROM public.bench_feedback_data d WHERE d.k % 2 = 0;

CREATE TABLE public.bench_feedback_clients (n integer PRIMARY KEY, id uuid NOT NULL);
INSERT INTO public.bench_feedback_clients
SELECT u.n, d.user_id FROM public.bench_users u
  JOIN public.bench_feedback_data d ON d.k = 1 + (u.n - 1) % (SELECT count(*) FROM public.bench_feedback_data);

SET CONSTRAINTS ALL IMMEDIATE;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bench_app') THEN
        CREATE ROLE bench_app NOLOGIN;
    END IF;
END $$;
SELECT innotrue.enable_row_level_security('bench_app') > 0 AS rls_enabled;
GRANT SELECT ON innotrue.feedback TO bench_app;
GRANT SELECT ON public.bench_feedback_clients TO bench_app;
COMMIT;
ANALYZE;
\set QUIET off
SELECT count(*) AS clients, (SELECT count(*) FROM innotrue.feedback) AS feedback_items,
       (SELECT count(*) FROM innotrue.feedback) / count(*) AS items_per_client
  FROM public.bench_feedback_data;
