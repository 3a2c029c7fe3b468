-- innotrue layer 5: sessions (guide "Sessions (Individual + Group)"). Individual sessions and group
-- sessions with their participants, cohort scheduling and the links from sessions to program modules.
-- Status lists follow platform-rules.md "Status flows"; the transitions and the role counts of
-- session_type_roles (max, required) are enforced by later work, not by these constraints.

-- Individual sessions (1:1 coaching, peer coaching, review boards)
CREATE TABLE innotrue.sessions (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    session_type_id  uuid NOT NULL REFERENCES innotrue.session_types (id),
    program_id       uuid REFERENCES innotrue.programs (id),
    title            text NOT NULL CONSTRAINT sessions_title_check CHECK (btrim(title) <> ''),
    description      text,
    status           text NOT NULL DEFAULT 'draft'
        CONSTRAINT sessions_status_check
        CHECK (status IN ('draft', 'scheduled', 'requested', 'confirmed', 'in_progress', 'completed', 'cancelled', 'rescheduled')),
    scheduled_at     timestamptz,
    duration_minutes integer NOT NULL
        CONSTRAINT sessions_duration_minutes_check CHECK (duration_minutes > 0 AND duration_minutes <= 1440),
    meeting_url      text CONSTRAINT sessions_meeting_url_check CHECK (meeting_url ~ '^https?://\S+$'),
    calcom_booking_id text UNIQUE CONSTRAINT sessions_calcom_booking_id_check CHECK (btrim(calcom_booking_id) <> ''),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sessions_scheduled_at_check CHECK (status IN ('draft', 'cancelled') OR scheduled_at IS NOT NULL)
);
SELECT innotrue.register_table('sessions', '5', 'user');
CREATE INDEX sessions_user_id_idx ON innotrue.sessions (user_id);
CREATE INDEX sessions_session_type_id_idx ON innotrue.sessions (session_type_id);
CREATE INDEX sessions_program_id_idx ON innotrue.sessions (program_id);
CREATE INDEX sessions_scheduled_at_idx ON innotrue.sessions (scheduled_at);
COMMENT ON TABLE innotrue.sessions IS
    'Individual (usually 1:1) live sessions: coaching, peer coaching, review board mocks. Owned by the host coach or instructor; participants are in session_participants.';
COMMENT ON COLUMN innotrue.sessions.user_id IS
    'The host (coach or instructor) who created the session and owns it.';
COMMENT ON COLUMN innotrue.sessions.session_type_id IS
    'Kind of session; its feature_key gates booking and its roles apply to the participants.';
COMMENT ON COLUMN innotrue.sessions.program_id IS
    'Program the session belongs to, if any.';
COMMENT ON COLUMN innotrue.sessions.status IS
    'draft -> scheduled -> requested -> confirmed (Cal.com webhook) -> in_progress -> completed; cancelled or rescheduled from any open state.';
COMMENT ON COLUMN innotrue.sessions.scheduled_at IS
    'Start time; required once the session leaves draft (except a cancelled draft).';
COMMENT ON COLUMN innotrue.sessions.duration_minutes IS
    'Length in minutes (1-1440), usually copied from the session type.';
COMMENT ON COLUMN innotrue.sessions.meeting_url IS
    'Video meeting link (Zoom, Teams, Cal.com video) sent to participants.';
COMMENT ON COLUMN innotrue.sessions.calcom_booking_id IS
    'Cal.com booking uid once booked through Cal.com; the calcom-webhook finds the session by it.';

CREATE TABLE innotrue.session_participants (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id  uuid NOT NULL REFERENCES innotrue.sessions (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    role_key    text CONSTRAINT session_participants_role_key_check CHECK (role_key ~ '^[a-z][a-z0-9_]*$'),
    status      text NOT NULL DEFAULT 'invited'
        CONSTRAINT session_participants_status_check
        CHECK (status IN ('invited', 'registered', 'confirmed', 'attended', 'no_show', 'cancelled')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT session_participants_session_user_key UNIQUE (session_id, user_id)
);
SELECT innotrue.register_table('session_participants', '5', 'user');
CREATE INDEX session_participants_user_id_idx ON innotrue.session_participants (user_id);
COMMENT ON TABLE innotrue.session_participants IS
    'Who takes part in an individual session, in which role and with which attendance status; one row per session and user.';
COMMENT ON COLUMN innotrue.session_participants.user_id IS
    'The participant.';
COMMENT ON COLUMN innotrue.session_participants.role_key IS
    'Role from session_type_roles of the session''s type (presenter, evaluator, coachee, ...); NULL for types without roles. Validated against the type by later work.';
COMMENT ON COLUMN innotrue.session_participants.status IS
    'invited -> registered -> confirmed -> attended | no_show | cancelled.';

-- Group sessions (workshops, masterminds, webinars, office hours)
CREATE TABLE innotrue.group_sessions (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id              uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    group_id             uuid REFERENCES innotrue.groups (id),
    session_type_id      uuid NOT NULL REFERENCES innotrue.session_types (id),
    title                text NOT NULL CONSTRAINT group_sessions_title_check CHECK (btrim(title) <> ''),
    description          text,
    status               text NOT NULL DEFAULT 'draft'
        CONSTRAINT group_sessions_status_check
        CHECK (status IN ('draft', 'scheduled', 'requested', 'confirmed', 'in_progress', 'completed', 'cancelled', 'rescheduled')),
    scheduled_at         timestamptz,
    duration_minutes     integer NOT NULL
        CONSTRAINT group_sessions_duration_minutes_check CHECK (duration_minutes > 0 AND duration_minutes <= 1440),
    meeting_link         text CONSTRAINT group_sessions_meeting_link_check CHECK (meeting_link ~ '^https?://\S+$'),
    is_recurring         boolean NOT NULL DEFAULT false,
    recurrence_pattern   text
        CONSTRAINT group_sessions_recurrence_pattern_check
        CHECK (recurrence_pattern ~ '^[A-Z]+=[A-Za-z0-9,:+-]+(;[A-Z]+=[A-Za-z0-9,:+-]+)*$' AND recurrence_pattern ~ '(^|;)FREQ='),
    calcom_booking_id    text UNIQUE CONSTRAINT group_sessions_calcom_booking_id_check CHECK (btrim(calcom_booking_id) <> ''),
    calcom_event_type_id bigint CONSTRAINT group_sessions_calcom_event_type_id_check CHECK (calcom_event_type_id > 0),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT group_sessions_scheduled_at_check CHECK (status IN ('draft', 'cancelled') OR scheduled_at IS NOT NULL),
    CONSTRAINT group_sessions_recurrence_check CHECK (is_recurring = (recurrence_pattern IS NOT NULL))
);
SELECT innotrue.register_table('group_sessions', '5', 'user');
CREATE INDEX group_sessions_user_id_idx ON innotrue.group_sessions (user_id);
CREATE INDEX group_sessions_group_id_idx ON innotrue.group_sessions (group_id);
CREATE INDEX group_sessions_session_type_id_idx ON innotrue.group_sessions (session_type_id);
CREATE INDEX group_sessions_scheduled_at_idx ON innotrue.group_sessions (scheduled_at);
COMMENT ON TABLE innotrue.group_sessions IS
    'Group sessions (workshops, masterminds, webinars, office hours), optionally for a group and optionally recurring, with their own Cal.com fields. Owned by the host.';
COMMENT ON COLUMN innotrue.group_sessions.user_id IS
    'The host (coach or instructor) who created the group session and owns it.';
COMMENT ON COLUMN innotrue.group_sessions.group_id IS
    'Group the session is held for; NULL for an open session.';
COMMENT ON COLUMN innotrue.group_sessions.status IS
    'Same flow as sessions.status: draft -> scheduled -> requested -> confirmed -> in_progress -> completed; cancelled or rescheduled from any open state.';
COMMENT ON COLUMN innotrue.group_sessions.scheduled_at IS
    'Start time (of the first occurrence when recurring); required once the session leaves draft (except a cancelled draft).';
COMMENT ON COLUMN innotrue.group_sessions.duration_minutes IS
    'Length of one occurrence in minutes (1-1440).';
COMMENT ON COLUMN innotrue.group_sessions.meeting_link IS
    'Video meeting link sent to participants (the guide keeps the name meeting_link here, meeting_url on sessions).';
COMMENT ON COLUMN innotrue.group_sessions.is_recurring IS
    'true = repeats according to recurrence_pattern, which is then required; false = one occurrence, no pattern.';
COMMENT ON COLUMN innotrue.group_sessions.recurrence_pattern IS
    'iCalendar (RFC 5545) RRULE value starting from scheduled_at, e.g. FREQ=WEEKLY;INTERVAL=2;COUNT=6; must contain FREQ.';
COMMENT ON COLUMN innotrue.group_sessions.calcom_booking_id IS
    'Cal.com booking uid of this group session.';
COMMENT ON COLUMN innotrue.group_sessions.calcom_event_type_id IS
    'Cal.com event type id used to book this group session (overrides the session type''s mapping).';

CREATE TABLE innotrue.group_session_participants (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    group_session_id uuid NOT NULL REFERENCES innotrue.group_sessions (id) ON DELETE CASCADE,
    user_id          uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    role_key         text CONSTRAINT group_session_participants_role_key_check CHECK (role_key ~ '^[a-z][a-z0-9_]*$'),
    status           text NOT NULL DEFAULT 'invited'
        CONSTRAINT group_session_participants_status_check
        CHECK (status IN ('invited', 'registered', 'confirmed', 'attended', 'no_show', 'cancelled')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT group_session_participants_group_session_user_key UNIQUE (group_session_id, user_id)
);
SELECT innotrue.register_table('group_session_participants', '5', 'user');
CREATE INDEX group_session_participants_user_id_idx ON innotrue.group_session_participants (user_id);
COMMENT ON TABLE innotrue.group_session_participants IS
    'Attendees of a group session with their role and status; one row per group session and user.';
COMMENT ON COLUMN innotrue.group_session_participants.user_id IS
    'The participant.';
COMMENT ON COLUMN innotrue.group_session_participants.role_key IS
    'Role from session_type_roles of the group session''s type (facilitator, hot_seat, attendee, ...); NULL for types without roles. Validated by later work.';
COMMENT ON COLUMN innotrue.group_session_participants.status IS
    'invited -> registered -> confirmed -> attended | no_show | cancelled.';

-- Cohort sessions: a session scheduled for one cohort of a program
CREATE TABLE innotrue.cohort_sessions (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    program_id       uuid NOT NULL REFERENCES innotrue.programs (id),
    cohort_name      text NOT NULL CONSTRAINT cohort_sessions_cohort_name_check CHECK (btrim(cohort_name) <> ''),
    session_id       uuid REFERENCES innotrue.sessions (id),
    group_session_id uuid REFERENCES innotrue.group_sessions (id),
    scheduled_at     timestamptz NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT cohort_sessions_target_check CHECK (num_nonnulls(session_id, group_session_id) = 1)
);
SELECT innotrue.register_table('cohort_sessions', '5', 'user');
CREATE INDEX cohort_sessions_user_id_idx ON innotrue.cohort_sessions (user_id);
CREATE INDEX cohort_sessions_program_id_idx ON innotrue.cohort_sessions (program_id, cohort_name);
CREATE INDEX cohort_sessions_session_id_idx ON innotrue.cohort_sessions (session_id);
CREATE INDEX cohort_sessions_group_session_id_idx ON innotrue.cohort_sessions (group_session_id);
CREATE UNIQUE INDEX cohort_sessions_cohort_session_idx ON innotrue.cohort_sessions (program_id, cohort_name, session_id)
    WHERE session_id IS NOT NULL;
CREATE UNIQUE INDEX cohort_sessions_cohort_group_session_idx ON innotrue.cohort_sessions (program_id, cohort_name, group_session_id)
    WHERE group_session_id IS NOT NULL;
COMMENT ON TABLE innotrue.cohort_sessions IS
    'Sessions of cohort-based delivery: one individual or group session scheduled for a named cohort of a program. Owned by the host.';
COMMENT ON COLUMN innotrue.cohort_sessions.user_id IS
    'The host who scheduled the session for the cohort.';
COMMENT ON COLUMN innotrue.cohort_sessions.cohort_name IS
    'Name of the cohort within the program (e.g. "2026 Spring").';
COMMENT ON COLUMN innotrue.cohort_sessions.session_id IS
    'The individual session; exactly one of session_id and group_session_id is set.';
COMMENT ON COLUMN innotrue.cohort_sessions.group_session_id IS
    'The group session; exactly one of session_id and group_session_id is set.';
COMMENT ON COLUMN innotrue.cohort_sessions.scheduled_at IS
    'When the session takes place for this cohort.';

-- Module sessions: the session behind a session-type program module
CREATE TABLE innotrue.module_sessions (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    module_id        uuid NOT NULL REFERENCES innotrue.program_modules (id),
    session_id       uuid REFERENCES innotrue.sessions (id),
    group_session_id uuid REFERENCES innotrue.group_sessions (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT module_sessions_target_check CHECK (num_nonnulls(session_id, group_session_id) = 1)
);
SELECT innotrue.register_table('module_sessions', '5', 'user');
CREATE INDEX module_sessions_user_id_idx ON innotrue.module_sessions (user_id);
CREATE INDEX module_sessions_module_id_idx ON innotrue.module_sessions (module_id);
CREATE INDEX module_sessions_session_id_idx ON innotrue.module_sessions (session_id);
CREATE INDEX module_sessions_group_session_id_idx ON innotrue.module_sessions (group_session_id);
CREATE UNIQUE INDEX module_sessions_module_session_idx ON innotrue.module_sessions (module_id, session_id)
    WHERE session_id IS NOT NULL;
CREATE UNIQUE INDEX module_sessions_module_group_session_idx ON innotrue.module_sessions (module_id, group_session_id)
    WHERE group_session_id IS NOT NULL;
COMMENT ON TABLE innotrue.module_sessions IS
    'Links a session-type program module to the individual or group session clients book for it (Module Session Manager). Owned by the host who created the link.';
COMMENT ON COLUMN innotrue.module_sessions.user_id IS
    'The host or instructor who linked the session to the module.';
COMMENT ON COLUMN innotrue.module_sessions.session_id IS
    'The individual session; exactly one of session_id and group_session_id is set.';
COMMENT ON COLUMN innotrue.module_sessions.group_session_id IS
    'The group session; exactly one of session_id and group_session_id is set.';

-- Session module links: a session counted towards a module, optionally for one enrollment
CREATE TABLE innotrue.session_module_links (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    session_id    uuid NOT NULL REFERENCES innotrue.sessions (id) ON DELETE CASCADE,
    module_id     uuid NOT NULL REFERENCES innotrue.program_modules (id),
    enrollment_id uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT session_module_links_session_module_enrollment_key
        UNIQUE NULLS NOT DISTINCT (session_id, module_id, enrollment_id),
    CONSTRAINT session_module_links_enrollment_fkey FOREIGN KEY (enrollment_id, user_id)
        REFERENCES innotrue.client_enrollments (id, user_id) ON DELETE CASCADE
);
SELECT innotrue.register_table('session_module_links', '5', 'user');
CREATE INDEX session_module_links_user_id_idx ON innotrue.session_module_links (user_id);
CREATE INDEX session_module_links_module_id_idx ON innotrue.session_module_links (module_id);
CREATE INDEX session_module_links_enrollment_id_idx ON innotrue.session_module_links (enrollment_id);
COMMENT ON TABLE innotrue.session_module_links IS
    'Additional session-to-module mapping: an individual session (e.g. an ad-hoc coaching call) counted towards a program module, for one enrollment or for every participant.';
COMMENT ON COLUMN innotrue.session_module_links.user_id IS
    'The client the session counts for (the enrollment''s user when enrollment_id is set); for a link without enrollment, the user who made it.';
COMMENT ON COLUMN innotrue.session_module_links.enrollment_id IS
    'The client''s enrollment whose module progress the session counts for (the composite foreign key makes it user_id''s); NULL = not tied to one enrollment.';
