-- Layer 5: individual and group sessions, participants, cohort sessions, module links.
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;

-- Fixtures: a coach, two clients, a program with a session module, an enrollment, a group
CREATE FUNCTION pg_temp.uid(text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM innotrue.profiles WHERE email = $1 || '@example.com' $$;
CREATE FUNCTION pg_temp.sid(text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM innotrue.sessions WHERE title = $1 $$;
CREATE FUNCTION pg_temp.gsid(text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM innotrue.group_sessions WHERE title = $1 $$;
CREATE FUNCTION pg_temp.stype(text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM innotrue.session_types WHERE key = $1 $$;
INSERT INTO innotrue.profiles (email, full_name, plan_id)
SELECT v.name || '@example.com', initcap(v.name), p.id
FROM (VALUES ('cora', 'pro'), ('ann', 'base'), ('bob', 'free')) AS v (name, plan_key)
JOIN innotrue.plans p ON p.key = v.plan_key;
INSERT INTO innotrue.programs (slug, name) VALUES ('cta-bootcamp', 'CTA Bootcamp');
INSERT INTO innotrue.program_modules (program_id, title, module_type, order_index, session_type_id)
SELECT p.id, 'Kick-off call', 'session', 0, pg_temp.stype('coaching') FROM innotrue.programs p WHERE p.slug = 'cta-bootcamp';
INSERT INTO innotrue.client_enrollments (user_id, program_id)
SELECT pg_temp.uid('ann'), id FROM innotrue.programs WHERE slug = 'cta-bootcamp';
INSERT INTO innotrue.groups (user_id, name) VALUES (pg_temp.uid('cora'), 'Spring Mastermind');

-- Individual sessions
INSERT INTO innotrue.sessions (user_id, session_type_id, program_id, title, status, scheduled_at, duration_minutes, meeting_url)
SELECT pg_temp.uid('cora'), pg_temp.stype('coaching'), p.id, 'Ann kick-off', 'scheduled', '2026-03-02 09:00+00', 60,
       'https://meet.example.com/ann'
FROM innotrue.programs p WHERE p.slug = 'cta-bootcamp';
INSERT INTO innotrue.sessions (user_id, session_type_id, title, duration_minutes)
VALUES (pg_temp.uid('cora'), pg_temp.stype('peer_coaching'), 'Peer practice', 45);
INSERT INTO innotrue.sessions (user_id, session_type_id, title, status, scheduled_at, duration_minutes)     -- bad status
VALUES (pg_temp.uid('cora'), pg_temp.stype('coaching'), 'Bad status', 'booked', now(), 60);
INSERT INTO innotrue.sessions (user_id, session_type_id, title, status, duration_minutes)                 -- scheduled without a time
VALUES (pg_temp.uid('cora'), pg_temp.stype('coaching'), 'No time', 'scheduled', 60);
INSERT INTO innotrue.sessions (user_id, session_type_id, title, duration_minutes)                          -- unknown session type
VALUES (pg_temp.uid('cora'), gen_random_uuid(), 'No type', 60);
INSERT INTO innotrue.sessions (user_id, session_type_id, title, duration_minutes)                          -- unknown host
VALUES (gen_random_uuid(), pg_temp.stype('coaching'), 'No host', 60);
INSERT INTO innotrue.sessions (user_id, session_type_id, title, duration_minutes)                          -- empty title
VALUES (pg_temp.uid('cora'), pg_temp.stype('coaching'), '  ', 60);
INSERT INTO innotrue.sessions (user_id, session_type_id, title, duration_minutes)                          -- zero duration
VALUES (pg_temp.uid('cora'), pg_temp.stype('coaching'), 'Zero', 0);
INSERT INTO innotrue.sessions (user_id, session_type_id, title, duration_minutes, meeting_url)             -- not a URL
VALUES (pg_temp.uid('cora'), pg_temp.stype('coaching'), 'Bad link', 60, 'zoom meeting 42');
UPDATE innotrue.sessions SET calcom_booking_id = 'bk_1' WHERE title = 'Ann kick-off';
UPDATE innotrue.sessions SET calcom_booking_id = 'bk_1' WHERE title = 'Peer practice';                    -- booking used twice
UPDATE innotrue.sessions SET status = 'requested' WHERE title = 'Ann kick-off';
UPDATE innotrue.sessions SET status = 'confirmed' WHERE title = 'Ann kick-off';
SELECT s.title, t.key AS type, s.status, s.scheduled_at IS NOT NULL AS timed, s.calcom_booking_id
FROM innotrue.sessions s JOIN innotrue.session_types t ON t.id = s.session_type_id ORDER BY s.title;

-- Participants: roles of the type, one row per session and user
INSERT INTO innotrue.session_participants (session_id, user_id, status)
VALUES (pg_temp.sid('Ann kick-off'), pg_temp.uid('ann'), 'confirmed');
INSERT INTO innotrue.session_participants (session_id, user_id, role_key)
VALUES (pg_temp.sid('Peer practice'), pg_temp.uid('ann'), 'coach'), (pg_temp.sid('Peer practice'), pg_temp.uid('bob'), 'coachee');
INSERT INTO innotrue.session_participants (session_id, user_id)                                            -- participant twice
VALUES (pg_temp.sid('Ann kick-off'), pg_temp.uid('ann'));
INSERT INTO innotrue.session_participants (session_id, user_id, status)                                    -- bad status
VALUES (pg_temp.sid('Ann kick-off'), pg_temp.uid('bob'), 'maybe');
INSERT INTO innotrue.session_participants (session_id, user_id, role_key)                                  -- malformed role key
VALUES (pg_temp.sid('Ann kick-off'), pg_temp.uid('bob'), 'Coach!');
INSERT INTO innotrue.session_participants (session_id, user_id)                                            -- unknown session
VALUES (gen_random_uuid(), pg_temp.uid('bob'));
UPDATE innotrue.session_participants SET status = 'attended' WHERE user_id = pg_temp.uid('ann') AND session_id = pg_temp.sid('Ann kick-off');
SELECT s.title, pr.email, sp.role_key, sp.status
FROM innotrue.session_participants sp
JOIN innotrue.sessions s ON s.id = sp.session_id JOIN innotrue.profiles pr ON pr.id = sp.user_id
ORDER BY s.title, pr.email;

-- Group sessions: recurrence pattern exactly when recurring
INSERT INTO innotrue.group_sessions (user_id, group_id, session_type_id, title, status, scheduled_at, duration_minutes,
                                     meeting_link, is_recurring, recurrence_pattern, calcom_event_type_id)
SELECT pg_temp.uid('cora'), g.id, pg_temp.stype('mastermind'), 'Mastermind circle', 'scheduled', '2026-03-04 17:00+00', 90,
       'https://meet.example.com/mm', true, 'FREQ=WEEKLY;INTERVAL=2;COUNT=6', 4711
FROM innotrue.groups g WHERE g.name = 'Spring Mastermind';
INSERT INTO innotrue.group_sessions (user_id, session_type_id, title, duration_minutes)
VALUES (pg_temp.uid('cora'), pg_temp.stype('webinar'), 'Launch webinar', 60);
INSERT INTO innotrue.group_sessions (user_id, session_type_id, title, duration_minutes, is_recurring)       -- recurring, no pattern
VALUES (pg_temp.uid('cora'), pg_temp.stype('workshop'), 'No pattern', 120, true);
INSERT INTO innotrue.group_sessions (user_id, session_type_id, title, duration_minutes, recurrence_pattern) -- pattern, not recurring
VALUES (pg_temp.uid('cora'), pg_temp.stype('workshop'), 'Stray pattern', 120, 'FREQ=DAILY');
INSERT INTO innotrue.group_sessions (user_id, session_type_id, title, duration_minutes, is_recurring, recurrence_pattern)
VALUES (pg_temp.uid('cora'), pg_temp.stype('workshop'), 'Bad pattern', 120, true, 'every week');          -- not an RRULE
INSERT INTO innotrue.group_sessions (user_id, group_id, session_type_id, title, duration_minutes)          -- unknown group
VALUES (pg_temp.uid('cora'), gen_random_uuid(), pg_temp.stype('workshop'), 'No group', 120);
INSERT INTO innotrue.group_sessions (user_id, session_type_id, title, duration_minutes, calcom_event_type_id)
VALUES (pg_temp.uid('cora'), pg_temp.stype('workshop'), 'Bad event type', 120, 0);                        -- event type id 0
INSERT INTO innotrue.group_session_participants (group_session_id, user_id, role_key, status)
VALUES (pg_temp.gsid('Mastermind circle'), pg_temp.uid('ann'), 'hot_seat', 'registered'),
       (pg_temp.gsid('Mastermind circle'), pg_temp.uid('bob'), 'member', 'invited');
INSERT INTO innotrue.group_session_participants (group_session_id, user_id)                                -- participant twice
VALUES (pg_temp.gsid('Mastermind circle'), pg_temp.uid('bob'));
UPDATE innotrue.group_session_participants SET status = 'late' WHERE user_id = pg_temp.uid('bob');         -- bad status
SELECT gs.title, t.key AS type, gs.is_recurring, gs.recurrence_pattern, count(gp.id) AS participants
FROM innotrue.group_sessions gs JOIN innotrue.session_types t ON t.id = gs.session_type_id
LEFT JOIN innotrue.group_session_participants gp ON gp.group_session_id = gs.id
GROUP BY gs.title, t.key, gs.is_recurring, gs.recurrence_pattern ORDER BY gs.title;

-- Cohort and module sessions: exactly one of session / group session
INSERT INTO innotrue.cohort_sessions (user_id, program_id, cohort_name, session_id, scheduled_at)
SELECT pg_temp.uid('cora'), id, '2026 Spring', pg_temp.sid('Ann kick-off'), '2026-03-02 09:00+00' FROM innotrue.programs WHERE slug = 'cta-bootcamp';
INSERT INTO innotrue.cohort_sessions (user_id, program_id, cohort_name, group_session_id, scheduled_at)
SELECT pg_temp.uid('cora'), id, '2026 Spring', pg_temp.gsid('Mastermind circle'), '2026-03-04 17:00+00' FROM innotrue.programs WHERE slug = 'cta-bootcamp';
INSERT INTO innotrue.cohort_sessions (user_id, program_id, cohort_name, session_id, group_session_id, scheduled_at) -- both
SELECT pg_temp.uid('cora'), id, '2026 Spring', pg_temp.sid('Peer practice'), pg_temp.gsid('Launch webinar'), now()
FROM innotrue.programs WHERE slug = 'cta-bootcamp';
INSERT INTO innotrue.cohort_sessions (user_id, program_id, cohort_name, session_id, scheduled_at)          -- same session twice
SELECT pg_temp.uid('cora'), id, '2026 Spring', pg_temp.sid('Ann kick-off'), now() FROM innotrue.programs WHERE slug = 'cta-bootcamp';
INSERT INTO innotrue.cohort_sessions (user_id, program_id, cohort_name, session_id, scheduled_at)          -- empty cohort name
SELECT pg_temp.uid('cora'), id, '', pg_temp.sid('Peer practice'), now() FROM innotrue.programs WHERE slug = 'cta-bootcamp';
INSERT INTO innotrue.module_sessions (user_id, module_id, session_id)
SELECT pg_temp.uid('cora'), id, pg_temp.sid('Ann kick-off') FROM innotrue.program_modules WHERE title = 'Kick-off call';
INSERT INTO innotrue.module_sessions (user_id, module_id)                                                  -- neither
SELECT pg_temp.uid('cora'), id FROM innotrue.program_modules WHERE title = 'Kick-off call';
INSERT INTO innotrue.module_sessions (user_id, module_id, session_id)                                      -- linked twice
SELECT pg_temp.uid('cora'), id, pg_temp.sid('Ann kick-off') FROM innotrue.program_modules WHERE title = 'Kick-off call';
SELECT c.cohort_name, coalesce(s.title, gs.title) AS session
FROM innotrue.cohort_sessions c LEFT JOIN innotrue.sessions s ON s.id = c.session_id
LEFT JOIN innotrue.group_sessions gs ON gs.id = c.group_session_id ORDER BY 2;

-- Session module links: the enrollment must be the linked user's
INSERT INTO innotrue.session_module_links (user_id, session_id, module_id, enrollment_id)
SELECT pg_temp.uid('ann'), pg_temp.sid('Ann kick-off'), m.id, e.id
FROM innotrue.program_modules m JOIN innotrue.client_enrollments e ON e.program_id = m.program_id
WHERE m.title = 'Kick-off call' AND e.user_id = pg_temp.uid('ann');
INSERT INTO innotrue.session_module_links (user_id, session_id, module_id, enrollment_id)                  -- Ann's enrollment, Bob's link
SELECT pg_temp.uid('bob'), pg_temp.sid('Peer practice'), m.id, e.id
FROM innotrue.program_modules m JOIN innotrue.client_enrollments e ON e.program_id = m.program_id
WHERE m.title = 'Kick-off call' AND e.user_id = pg_temp.uid('ann');
INSERT INTO innotrue.session_module_links (user_id, session_id, module_id, enrollment_id)                  -- same link twice
SELECT pg_temp.uid('ann'), pg_temp.sid('Ann kick-off'), m.id, e.id
FROM innotrue.program_modules m JOIN innotrue.client_enrollments e ON e.program_id = m.program_id
WHERE m.title = 'Kick-off call' AND e.user_id = pg_temp.uid('ann');

-- Deleting: a session used by a module or cohort is kept; its participants and links go with it
DELETE FROM innotrue.sessions WHERE title = 'Ann kick-off';                                                -- still linked
DELETE FROM innotrue.sessions WHERE title = 'Peer practice';
SELECT (SELECT count(*) FROM innotrue.sessions) AS sessions,
       (SELECT count(*) FROM innotrue.session_participants) AS participants,
       (SELECT count(*) FROM innotrue.session_module_links) AS module_links;

-- Erasing the host removes what they own (sessions, participants, cohort and module links)
DELETE FROM innotrue.profiles WHERE email = 'cora@example.com';
SELECT (SELECT count(*) FROM innotrue.sessions) AS sessions,
       (SELECT count(*) FROM innotrue.group_sessions) AS group_sessions,
       (SELECT count(*) FROM innotrue.cohort_sessions) AS cohort_sessions,
       (SELECT count(*) FROM innotrue.module_sessions) AS module_sessions;

ROLLBACK;
