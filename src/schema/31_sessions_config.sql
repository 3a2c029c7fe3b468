-- innotrue layer 3A: session system configuration. Session types are gated by a feature key;
-- roles say who takes part in a session of a type; Cal.com mappings link a type to the external
-- event type the booking flow uses.

-- 3.1 Session types
CREATE TABLE innotrue.session_types (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key              text NOT NULL UNIQUE CONSTRAINT session_types_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name             text NOT NULL CONSTRAINT session_types_name_check CHECK (btrim(name) <> ''),
    description      text,
    duration_minutes integer NOT NULL CONSTRAINT session_types_duration_minutes_check CHECK (duration_minutes > 0),
    max_participants integer NOT NULL CONSTRAINT session_types_max_participants_check CHECK (max_participants > 0),
    feature_key      text NOT NULL REFERENCES innotrue.features (key) ON UPDATE CASCADE,
    is_active        boolean NOT NULL DEFAULT true,
    display_order    integer NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('session_types', '3A', 'configuration');
CREATE INDEX session_types_feature_key_idx ON innotrue.session_types (feature_key);
COMMENT ON TABLE innotrue.session_types IS
    'Kinds of live sessions that can be scheduled (coaching, workshop, review board mock, ...); booking one requires its feature.';
COMMENT ON COLUMN innotrue.session_types.duration_minutes IS
    'Default length of a session of this type, in minutes.';
COMMENT ON COLUMN innotrue.session_types.max_participants IS
    'Most people (hosts included) a session of this type can hold.';
COMMENT ON COLUMN innotrue.session_types.feature_key IS
    'Feature a user must be granted (resolved entitlements) to book a session of this type.';

-- 3.2 Session type roles
CREATE TABLE innotrue.session_type_roles (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_type_id uuid NOT NULL REFERENCES innotrue.session_types (id) ON DELETE CASCADE,
    role_key        text NOT NULL CONSTRAINT session_type_roles_role_key_check CHECK (role_key ~ '^[a-z][a-z0-9_]*$'),
    max_count       integer CONSTRAINT session_type_roles_max_count_check CHECK (max_count > 0),
    is_required     boolean NOT NULL DEFAULT false,
    display_order   integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT session_type_roles_session_type_role_key UNIQUE (session_type_id, role_key)
);
SELECT innotrue.register_table('session_type_roles', '3A', 'configuration');
COMMENT ON TABLE innotrue.session_type_roles IS
    'Participant roles of a session type (presenter, evaluator, observer, ...); session_participants.role must be one of its type''s roles and respect max_count.';
COMMENT ON COLUMN innotrue.session_type_roles.role_key IS
    'Role name used in session participant rows, unique within the session type.';
COMMENT ON COLUMN innotrue.session_type_roles.max_count IS
    'Most participants a session may have in this role; NULL = unlimited.';
COMMENT ON COLUMN innotrue.session_type_roles.is_required IS
    'true = a session of this type needs at least one participant in this role before it can take place.';

-- 3.3 Cal.com event type mappings
CREATE TABLE innotrue.calcom_event_type_mappings (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_type_id        uuid NOT NULL REFERENCES innotrue.session_types (id) ON DELETE CASCADE,
    calcom_event_type_id   bigint NOT NULL CONSTRAINT calcom_event_type_mappings_calcom_event_type_id_check CHECK (calcom_event_type_id > 0),
    calcom_event_type_slug text CONSTRAINT calcom_event_type_mappings_calcom_event_type_slug_check CHECK (calcom_event_type_slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    is_active              boolean NOT NULL DEFAULT true,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('calcom_event_type_mappings', '3A', 'configuration');
CREATE INDEX calcom_event_type_mappings_session_type_id_idx ON innotrue.calcom_event_type_mappings (session_type_id);
CREATE INDEX calcom_event_type_mappings_calcom_event_type_id_idx ON innotrue.calcom_event_type_mappings (calcom_event_type_id);
CREATE UNIQUE INDEX calcom_event_type_mappings_active_session_type_idx
    ON innotrue.calcom_event_type_mappings (session_type_id) WHERE is_active;
CREATE UNIQUE INDEX calcom_event_type_mappings_active_event_type_idx
    ON innotrue.calcom_event_type_mappings (calcom_event_type_id) WHERE is_active;
COMMENT ON TABLE innotrue.calcom_event_type_mappings IS
    'Links a session type to the Cal.com event type (created in Cal.com first) that books it; at most one active mapping per session type and per event type. No seed rows: the ids exist only in Cal.com.';
COMMENT ON COLUMN innotrue.calcom_event_type_mappings.calcom_event_type_id IS
    'Numeric Cal.com event type id, as shown in Cal.com and sent by the calcom-webhook.';
COMMENT ON COLUMN innotrue.calcom_event_type_mappings.calcom_event_type_slug IS
    'Cal.com event type slug used to build the booking URL (optional).';
COMMENT ON COLUMN innotrue.calcom_event_type_mappings.is_active IS
    'Only active mappings are used for booking; a replaced mapping is kept inactive so older bookings still resolve.';

-- Reference data ------------------------------------------------------------------------------

INSERT INTO innotrue.session_types (id, key, name, duration_minutes, max_participants, feature_key, display_order, description)
SELECT innotrue.seed_id('session_types', v.key), v.key, v.name, v.duration, v.max_participants, f.key, v.ord, v.description
FROM (VALUES
    ('coaching', 'Coaching', 60, 2, 'session_coaching', 1, '1:1 coaching session'),
    ('group_coaching', 'Group Coaching', 90, 12, 'session_group', 2, 'Coaching session for a small group'),
    ('workshop', 'Workshop', 120, 30, 'session_workshop', 3, 'Facilitated hands-on workshop'),
    ('mastermind', 'Mastermind', 90, 8, 'session_group', 4, 'Peer mastermind with a hot seat'),
    ('review_board_mock', 'Review Board Mock', 60, 4, 'session_review_board', 5, 'Mock certification review board'),
    ('peer_coaching', 'Peer Coaching', 45, 2, 'session_peer_coaching', 6, 'Peer-to-peer coaching'),
    ('office_hours', 'Office Hours', 60, 10, 'session_group', 7, 'Open Q&A with a coach or instructor'),
    ('webinar', 'Webinar', 60, 100, 'session_workshop', 8, 'Presentation to a large audience')
) AS v (key, name, duration, max_participants, feature_key, ord, description)
JOIN innotrue.features f ON f.key = v.feature_key;

INSERT INTO innotrue.session_type_roles (id, session_type_id, role_key, max_count, is_required, display_order)
SELECT innotrue.seed_id('session_type_roles', t.key || '/' || v.role_key), t.id, v.role_key, v.max_count, v.is_required, v.ord
FROM (VALUES
    ('review_board_mock', 'presenter', 1, true, 1),
    ('review_board_mock', 'evaluator', 3, true, 2),
    ('review_board_mock', 'observer', NULL, false, 3),
    ('workshop', 'facilitator', 2, true, 1),
    ('workshop', 'participant', NULL, false, 2),
    ('mastermind', 'hot_seat', 1, true, 1),
    ('mastermind', 'member', NULL, false, 2),
    ('mastermind', 'moderator', 1, false, 3),
    ('peer_coaching', 'coach', 1, true, 1),
    ('peer_coaching', 'coachee', 1, true, 2),
    ('webinar', 'presenter', 3, true, 1),
    ('webinar', 'attendee', NULL, false, 2)
) AS v (session_type_key, role_key, max_count, is_required, ord)
JOIN innotrue.session_types t ON t.key = v.session_type_key;
