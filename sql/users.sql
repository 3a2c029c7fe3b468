-- Layer 5: platform terms, storage buckets, profiles, roles, entitlement inputs, enrollments,
-- progress, assignments, coaching, goals, Wheel of Life.
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;

-- Storage buckets: 15, three of them public (docs/rules.md); the misspelt assessment bucket is none
SELECT count(*) AS buckets, count(*) FILTER (WHERE is_public) AS public FROM innotrue.storage_buckets;
SELECT name, feature_area FROM innotrue.storage_buckets WHERE is_public ORDER BY name;
SELECT count(*) AS typo_bucket FROM innotrue.storage_buckets WHERE name = 'module-assessment-attachments';
INSERT INTO innotrue.storage_buckets (name, feature_area, purpose) VALUES ('Bad_Name', 'X', 'x');         -- bad name

-- Platform terms: at most one current version
INSERT INTO innotrue.platform_terms (version, title, content_html, is_current)
VALUES ('1', 'Terms of Service', '<p>First terms</p>', true);
INSERT INTO innotrue.platform_terms (version, title, content_html, is_current)                         -- second current
VALUES ('2', 'Terms of Service', '<p>Second terms</p>', true);
INSERT INTO innotrue.platform_terms (version, title, content_html) VALUES ('2', 'Terms of Service', '<p>Draft</p>');
INSERT INTO innotrue.platform_terms (version, title, content_html) VALUES ('1', 'Again', '<p>x</p>');  -- duplicate version
INSERT INTO innotrue.platform_terms (version, title, content_html) VALUES ('3', 'Empty', ' ');          -- empty content
SELECT version, is_current, is_blocking_on_update FROM innotrue.platform_terms ORDER BY version;

-- Profiles
CREATE FUNCTION pg_temp.uid(text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM innotrue.profiles WHERE email = $1 || '@example.com' $$;
INSERT INTO innotrue.profiles (email, full_name, plan_id)
SELECT v.name || '@example.com', initcap(v.name), p.id
FROM (VALUES ('ann', 'pro'), ('bob', 'base'), ('carl', 'free'), ('ida', 'free')) AS v (name, plan_key)
JOIN innotrue.plans p ON p.key = v.plan_key;
INSERT INTO innotrue.profiles (email, plan_id) VALUES ('zed@example.com', gen_random_uuid());           -- unknown plan
INSERT INTO innotrue.profiles (email, plan_id) SELECT 'not-an-email', id FROM innotrue.plans WHERE key = 'free';
INSERT INTO innotrue.profiles (email, plan_id) SELECT 'Zed@Example.com', id FROM innotrue.plans WHERE key = 'free';
INSERT INTO innotrue.profiles (email, plan_id) SELECT 'ann@example.com', id FROM innotrue.plans WHERE key = 'free';
SELECT pr.email, p.key AS plan FROM innotrue.profiles pr JOIN innotrue.plans p ON p.id = pr.plan_id ORDER BY 1;

-- Roles and terms acceptance
INSERT INTO innotrue.user_roles (user_id, role)
VALUES (pg_temp.uid('ann'), 'client'), (pg_temp.uid('bob'), 'client'), (pg_temp.uid('carl'), 'coach'),
       (pg_temp.uid('ida'), 'instructor'), (pg_temp.uid('ida'), 'coach');
INSERT INTO innotrue.user_roles (user_id, role) VALUES (pg_temp.uid('carl'), 'coach');                   -- duplicate role
INSERT INTO innotrue.user_roles (user_id, role) VALUES (pg_temp.uid('carl'), 'superuser');               -- unknown role
INSERT INTO innotrue.user_roles (user_id, role) VALUES (gen_random_uuid(), 'client');                    -- unknown user
SELECT pr.email, string_agg(r.role, ',' ORDER BY r.role) AS roles
FROM innotrue.user_roles r JOIN innotrue.profiles pr ON pr.id = r.user_id GROUP BY pr.email ORDER BY 1;
INSERT INTO innotrue.platform_terms_acceptances (user_id, terms_id)
SELECT pg_temp.uid('ann'), id FROM innotrue.platform_terms WHERE version = '1';
INSERT INTO innotrue.platform_terms_acceptances (user_id, terms_id)                                     -- accepted twice
SELECT pg_temp.uid('ann'), id FROM innotrue.platform_terms WHERE version = '1';

-- Entitlement inputs: add-ons, admin denies, tracks
INSERT INTO innotrue.add_ons (key, name) VALUES ('ai_boost', 'AI Boost');
INSERT INTO innotrue.user_add_ons (user_id, add_on_id, granted_by, expires_at, note)
SELECT pg_temp.uid('ann'), id, pg_temp.uid('ida'), now() + interval '30 days', 'pilot' FROM innotrue.add_ons WHERE key = 'ai_boost';
INSERT INTO innotrue.user_add_ons (user_id, add_on_id, expires_at)                                      -- expires before grant
SELECT pg_temp.uid('bob'), id, now() - interval '1 day' FROM innotrue.add_ons WHERE key = 'ai_boost';
INSERT INTO innotrue.user_feature_denials (user_id, feature_id, reason)
SELECT pg_temp.uid('bob'), id, 'abuse' FROM innotrue.features WHERE key = 'ai_coach';
INSERT INTO innotrue.user_feature_denials (user_id, feature_id, reason)                                 -- duplicate deny
SELECT pg_temp.uid('bob'), id, 'again' FROM innotrue.features WHERE key = 'ai_coach';
INSERT INTO innotrue.user_tracks (user_id, track_id) SELECT pg_temp.uid('ann'), id FROM innotrue.tracks WHERE key = 'cta';
INSERT INTO innotrue.user_tracks (user_id, track_id) SELECT pg_temp.uid('ann'), id FROM innotrue.tracks WHERE key = 'cta';
SELECT 'add_on' AS kind, count(*) FROM innotrue.user_add_ons UNION ALL
SELECT 'deny', count(*) FROM innotrue.user_feature_denials UNION ALL
SELECT 'track', count(*) FROM innotrue.user_tracks ORDER BY 1;

-- A program to enroll in (layer 4 content, normally admin or demo data)
INSERT INTO innotrue.program_plans (key, name, tier_level, credit_allowance) VALUES ('standard_access', 'Standard Access', 1, 50);
INSERT INTO innotrue.programs (slug, name, is_active, default_program_plan_id)
SELECT 'cta-immersion', 'CTA Immersion', true, id FROM innotrue.program_plans WHERE key = 'standard_access';
INSERT INTO innotrue.program_tier_plans (program_id, tier_name, program_plan_id)
SELECT p.id, 'pro', pp.id FROM innotrue.programs p, innotrue.program_plans pp WHERE p.slug = 'cta-immersion';
INSERT INTO innotrue.program_modules (program_id, title, module_type, order_index)
SELECT id, v.title, v.module_type, v.ord FROM innotrue.programs,
       (VALUES ('Architecture Essay', 'assignment', 1), ('Deep Dive', 'session', 2)) AS v (title, module_type, ord)
WHERE slug = 'cta-immersion';
INSERT INTO innotrue.module_assignment_types (key, name, structure) VALUES ('essay', 'Essay', '{"fields": []}');
CREATE FUNCTION pg_temp.module(text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM innotrue.program_modules WHERE title = $1 $$;

-- Enrollments: one open (active or paused) enrollment per user and program
INSERT INTO innotrue.client_enrollments (user_id, program_id, tier_name)
SELECT pg_temp.uid('ann'), id, 'pro' FROM innotrue.programs WHERE slug = 'cta-immersion';
INSERT INTO innotrue.client_enrollments (user_id, program_id)                                            -- second open one
SELECT pg_temp.uid('ann'), id FROM innotrue.programs WHERE slug = 'cta-immersion';
INSERT INTO innotrue.client_enrollments (user_id, program_id, status)                                    -- bad status
SELECT pg_temp.uid('bob'), id, 'finished' FROM innotrue.programs WHERE slug = 'cta-immersion';
INSERT INTO innotrue.client_enrollments (user_id, program_id, tier_name)                                 -- tier not offered
SELECT pg_temp.uid('bob'), id, 'gold' FROM innotrue.programs WHERE slug = 'cta-immersion';
INSERT INTO innotrue.client_enrollments (user_id, program_id, status)                                    -- completed, no date
SELECT pg_temp.uid('bob'), id, 'completed' FROM innotrue.programs WHERE slug = 'cta-immersion';
INSERT INTO innotrue.client_enrollments (user_id, program_id) VALUES (pg_temp.uid('bob'), gen_random_uuid());  -- unknown program
INSERT INTO innotrue.client_enrollments (user_id, program_id, status, withdrawn_at)
SELECT pg_temp.uid('bob'), id, 'withdrawn', now() FROM innotrue.programs WHERE slug = 'cta-immersion';
INSERT INTO innotrue.client_enrollments (user_id, program_id)                                            -- re-enroll after withdrawal
SELECT pg_temp.uid('bob'), id FROM innotrue.programs WHERE slug = 'cta-immersion';
UPDATE innotrue.client_enrollments SET status = 'paused' WHERE user_id = pg_temp.uid('bob') AND status = 'active';
SELECT pr.email, e.status, coalesce(e.tier_name, '-') AS tier
FROM innotrue.client_enrollments e JOIN innotrue.profiles pr ON pr.id = e.user_id ORDER BY 1, 2;
CREATE FUNCTION pg_temp.enrollment(text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM innotrue.client_enrollments WHERE user_id = pg_temp.uid($1) AND status IN ('active', 'paused') $$;

-- Module progress (its user is the enrollment's user)
INSERT INTO innotrue.module_progress (user_id, enrollment_id, module_id, status, started_at)
VALUES (pg_temp.uid('ann'), pg_temp.enrollment('ann'), pg_temp.module('Architecture Essay'), 'in_progress', now());
INSERT INTO innotrue.module_progress (user_id, enrollment_id, module_id)                                   -- same module again
VALUES (pg_temp.uid('ann'), pg_temp.enrollment('ann'), pg_temp.module('Architecture Essay'));
INSERT INTO innotrue.module_progress (user_id, enrollment_id, module_id)                                   -- other user's enrollment
VALUES (pg_temp.uid('bob'), pg_temp.enrollment('ann'), pg_temp.module('Deep Dive'));
INSERT INTO innotrue.module_progress (user_id, enrollment_id, module_id, status)                           -- bad status
VALUES (pg_temp.uid('ann'), pg_temp.enrollment('ann'), pg_temp.module('Deep Dive'), 'done');
CREATE FUNCTION pg_temp.progress(text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM innotrue.module_progress WHERE module_id = pg_temp.module($1) $$;

-- Assignments: draft -> submitted -> reviewed -> completed
INSERT INTO innotrue.module_assignments (user_id, module_progress_id, module_id, assignment_type_id)
SELECT pg_temp.uid('ann'), pg_temp.progress('Architecture Essay'), pg_temp.module('Architecture Essay'), id
FROM innotrue.module_assignment_types WHERE key = 'essay';
UPDATE innotrue.module_assignments SET status = 'submitted';                                               -- no submitted_at
UPDATE innotrue.module_assignments SET status = 'graded', submitted_at = now();                            -- bad status
UPDATE innotrue.module_assignments SET responses = '[1]';                                                  -- not an object
UPDATE innotrue.module_assignments SET status = 'submitted', submitted_at = now(), responses = '{"essay": "My design"}';
UPDATE innotrue.module_assignments SET status = 'reviewed', reviewed_at = now(), reviewed_by = pg_temp.uid('ida'),
       overall_score = 87, overall_comments = 'Solid';
INSERT INTO innotrue.module_assignment_attachments (user_id, assignment_id, storage_path, file_name, size_bytes)
SELECT user_id, id, 'ann/essay.pdf', 'essay.pdf', 1024 FROM innotrue.module_assignments;
INSERT INTO innotrue.module_assignment_attachments (user_id, assignment_id, storage_path, file_name, size_bytes)
SELECT user_id, id, 'ann/bad.pdf', 'bad.pdf', -1 FROM innotrue.module_assignments;                          -- negative size
SELECT a.status, a.overall_score, a.responses ->> 'essay' AS essay, count(f.id) AS files
FROM innotrue.module_assignments a LEFT JOIN innotrue.module_assignment_attachments f ON f.assignment_id = a.id
GROUP BY a.id;

-- Coaching
INSERT INTO innotrue.program_coaches (user_id, program_id, role)
SELECT pg_temp.uid('carl'), id, 'coach' FROM innotrue.programs WHERE slug = 'cta-immersion';
INSERT INTO innotrue.program_coaches (user_id, program_id, role)                                          -- duplicate
SELECT pg_temp.uid('carl'), id, 'coach' FROM innotrue.programs WHERE slug = 'cta-immersion';
INSERT INTO innotrue.program_coaches (user_id, program_id, role)                                          -- bad role
SELECT pg_temp.uid('ida'), id, 'mentor' FROM innotrue.programs WHERE slug = 'cta-immersion';
INSERT INTO innotrue.client_coaches (user_id, coach_id) VALUES (pg_temp.uid('ann'), pg_temp.uid('carl'));
INSERT INTO innotrue.client_coaches (user_id, coach_id) VALUES (pg_temp.uid('ann'), pg_temp.uid('carl'));   -- second active
INSERT INTO innotrue.client_coaches (user_id, coach_id) VALUES (pg_temp.uid('carl'), pg_temp.uid('carl'));  -- own coach
INSERT INTO innotrue.coach_instructor_requests (user_id, requested_role, message)
VALUES (pg_temp.uid('bob'), 'instructor', 'Please');
INSERT INTO innotrue.coach_instructor_requests (user_id, requested_role) VALUES (pg_temp.uid('bob'), 'guru');
INSERT INTO innotrue.module_feedback_templates (key, name) VALUES ('module_review', 'Module Review');
INSERT INTO innotrue.coach_module_feedback (user_id, coach_id, module_progress_id, template_id, content)
SELECT pg_temp.uid('ann'), pg_temp.uid('carl'), pg_temp.progress('Architecture Essay'), id, 'Good start'
FROM innotrue.module_feedback_templates WHERE key = 'module_review';
UPDATE innotrue.coach_module_feedback SET status = 'published';                                           -- no published_at
UPDATE innotrue.coach_module_feedback SET status = 'published', published_at = now();
INSERT INTO innotrue.coach_feedback_attachments (user_id, feedback_id, storage_path, file_name)
SELECT user_id, id, 'ann/notes.pdf', 'notes.pdf' FROM innotrue.coach_module_feedback;
SELECT c.email AS coach, f.status, f.content, count(a.id) AS files
FROM innotrue.coach_module_feedback f JOIN innotrue.profiles c ON c.id = f.coach_id
LEFT JOIN innotrue.coach_feedback_attachments a ON a.feedback_id = f.id GROUP BY c.email, f.id;

-- Goals
INSERT INTO innotrue.goals (user_id, title, category, status, target_date, progress)
VALUES (pg_temp.uid('ann'), 'Pass the CTA board', 'career', 'in_progress', '2030-06-30', 40);
INSERT INTO innotrue.goals (user_id, title, category) VALUES (pg_temp.uid('ann'), 'Sail', 'hobby');         -- bad category
INSERT INTO innotrue.goals (user_id, title, progress) VALUES (pg_temp.uid('ann'), 'Run', 101);            -- progress > 100
INSERT INTO innotrue.goals (user_id, title, status) VALUES (pg_temp.uid('ann'), 'Run', 'dropped');        -- bad status
INSERT INTO innotrue.goals (user_id, title) VALUES (pg_temp.uid('ann'), '  ');                            -- empty title
INSERT INTO innotrue.goal_milestones (user_id, goal_id, title, order_index)
SELECT user_id, id, v.title, v.ord FROM innotrue.goals, (VALUES ('Mock board', 1), ('Real board', 2)) AS v (title, ord);
INSERT INTO innotrue.goal_resources (user_id, goal_id, title, url)
SELECT user_id, id, 'Study guide', 'https://example.com/guide' FROM innotrue.goals;
INSERT INTO innotrue.goal_resources (user_id, goal_id, title, url, storage_path)                           -- both locations
SELECT user_id, id, 'Both', 'https://example.com/x', 'ann/x.pdf' FROM innotrue.goals;
INSERT INTO innotrue.goal_comments (user_id, goal_id, author_id, body)
SELECT user_id, id, pg_temp.uid('carl'), 'Keep going' FROM innotrue.goals;
INSERT INTO innotrue.goal_comments (user_id, goal_id, author_id, body)                                     -- empty body
SELECT user_id, id, pg_temp.uid('carl'), '' FROM innotrue.goals;
INSERT INTO innotrue.goal_comments (user_id, goal_id, author_id, body)                                     -- not the goal owner
SELECT pg_temp.uid('bob'), id, pg_temp.uid('carl'), 'Hi' FROM innotrue.goals;
SELECT g.title, g.category, g.progress,
       (SELECT count(*) FROM innotrue.goal_milestones m WHERE m.goal_id = g.id) AS milestones,
       (SELECT count(*) FROM innotrue.goal_resources r WHERE r.goal_id = g.id) AS resources,
       (SELECT count(*) FROM innotrue.goal_comments c WHERE c.goal_id = g.id) AS comments
FROM innotrue.goals g;
DELETE FROM innotrue.goals;                                                                                -- parts go with it
SELECT (SELECT count(*) FROM innotrue.goal_milestones) AS milestones, (SELECT count(*) FROM innotrue.goal_comments) AS comments;

-- Wheel of Life: one snapshot = one user and date, a 1..10 rating per category
INSERT INTO innotrue.wheel_of_life_ratings (user_id, category_id, assessed_on, rating)
SELECT pg_temp.uid('ann'), id, '2030-01-15', order_index FROM innotrue.wheel_categories;
INSERT INTO innotrue.wheel_of_life_ratings (user_id, category_id, assessed_on, rating)                     -- rating 11
SELECT pg_temp.uid('ann'), id, '2030-02-15', 11 FROM innotrue.wheel_categories WHERE key = 'career';
INSERT INTO innotrue.wheel_of_life_ratings (user_id, category_id, assessed_on, rating)                     -- rating 0
SELECT pg_temp.uid('ann'), id, '2030-02-15', 0 FROM innotrue.wheel_categories WHERE key = 'career';
INSERT INTO innotrue.wheel_of_life_ratings (user_id, category_id, assessed_on, rating)                     -- same snapshot twice
SELECT pg_temp.uid('ann'), id, '2030-01-15', 5 FROM innotrue.wheel_categories WHERE key = 'career';
SELECT assessed_on, count(*) AS categories, min(rating), max(rating)
FROM innotrue.wheel_of_life_ratings GROUP BY assessed_on ORDER BY 1;

-- Deleting a user removes everything the user owns
DELETE FROM innotrue.profiles WHERE email = 'ann@example.com';
SELECT (SELECT count(*) FROM innotrue.client_enrollments) AS enrollments, (SELECT count(*) FROM innotrue.module_progress) AS progress,
       (SELECT count(*) FROM innotrue.module_assignments) AS assignments, (SELECT count(*) FROM innotrue.wheel_of_life_ratings) AS ratings;

ROLLBACK;
