-- Layer 3A: session types, session type roles, Cal.com event type mappings.
\set ON_ERROR_ROLLBACK on
-- Terse errors: the DETAIL of a refused row shows its random id and now().
\set VERBOSITY terse
BEGIN;

-- Seeds: 8 session types and 12 roles (docs/rules.md "Reference data").
SELECT count(*) AS session_types FROM innotrue.session_types;
SELECT count(*) AS session_type_roles FROM innotrue.session_type_roles;
SELECT count(*) AS calcom_mappings FROM innotrue.calcom_event_type_mappings;
SELECT key, name, duration_minutes, max_participants, feature_key, is_active
  FROM innotrue.session_types ORDER BY display_order;
SELECT t.key AS session_type, r.role_key, coalesce(r.max_count::text, 'unlimited') AS max_count, r.is_required
  FROM innotrue.session_type_roles r JOIN innotrue.session_types t ON t.id = r.session_type_id
 ORDER BY t.display_order, r.display_order;
-- Every seed type is gated by an existing feature.
SELECT count(*) AS types_with_feature
  FROM innotrue.session_types t JOIN innotrue.features f ON f.key = t.feature_key;

-- Session types: good input accepted.
INSERT INTO innotrue.session_types (key, name, duration_minutes, max_participants, feature_key)
VALUES ('strategy_call', 'Strategy Call', 30, 2, 'session_coaching');
-- Unknown feature key refused.
INSERT INTO innotrue.session_types (key, name, duration_minutes, max_participants, feature_key)
VALUES ('bad_feature', 'Bad Feature', 30, 2, 'no_such_feature');
-- Missing feature key refused.
INSERT INTO innotrue.session_types (key, name, duration_minutes, max_participants, feature_key)
VALUES ('no_feature', 'No Feature', 30, 2, NULL);
-- Zero duration refused.
INSERT INTO innotrue.session_types (key, name, duration_minutes, max_participants, feature_key)
VALUES ('zero_minutes', 'Zero Minutes', 0, 2, 'session_coaching');
-- Negative max participants refused.
INSERT INTO innotrue.session_types (key, name, duration_minutes, max_participants, feature_key)
VALUES ('negative_seats', 'Negative Seats', 30, -1, 'session_coaching');
-- Empty name refused.
INSERT INTO innotrue.session_types (key, name, duration_minutes, max_participants, feature_key)
VALUES ('blank_name', '  ', 30, 2, 'session_coaching');
-- Badly formed key refused.
INSERT INTO innotrue.session_types (key, name, duration_minutes, max_participants, feature_key)
VALUES ('Strategy Call', 'Strategy Call', 30, 2, 'session_coaching');
-- Duplicate key refused.
INSERT INTO innotrue.session_types (key, name, duration_minutes, max_participants, feature_key)
VALUES ('coaching', 'Coaching again', 60, 2, 'session_coaching');

-- A feature key rename follows into session types (ON UPDATE CASCADE) ...
UPDATE innotrue.features SET key = 'session_group_v2' WHERE key = 'session_group';
SELECT key, feature_key FROM innotrue.session_types WHERE feature_key LIKE 'session_group%' ORDER BY key;
UPDATE innotrue.features SET key = 'session_group' WHERE key = 'session_group_v2';
-- ... but a feature used by a session type cannot be deleted.
DELETE FROM innotrue.features WHERE key = 'session_peer_coaching';

-- Session type roles: good input accepted (NULL max_count = unlimited).
INSERT INTO innotrue.session_type_roles (session_type_id, role_key, max_count, is_required)
SELECT id, 'host', 1, true FROM innotrue.session_types WHERE key = 'strategy_call';
INSERT INTO innotrue.session_type_roles (session_type_id, role_key, max_count, is_required)
SELECT id, 'guest', NULL, false FROM innotrue.session_types WHERE key = 'strategy_call';
-- Duplicate role for a type refused.
INSERT INTO innotrue.session_type_roles (session_type_id, role_key, max_count, is_required)
SELECT id, 'presenter', 2, false FROM innotrue.session_types WHERE key = 'review_board_mock';
-- The same role key on another type is fine.
INSERT INTO innotrue.session_type_roles (session_type_id, role_key, max_count, is_required)
SELECT id, 'presenter', 1, true FROM innotrue.session_types WHERE key = 'workshop';
-- Zero max_count refused.
INSERT INTO innotrue.session_type_roles (session_type_id, role_key, max_count, is_required)
SELECT id, 'ghost', 0, false FROM innotrue.session_types WHERE key = 'strategy_call';
-- Badly formed role key refused.
INSERT INTO innotrue.session_type_roles (session_type_id, role_key, max_count, is_required)
SELECT id, 'Hot Seat', 1, false FROM innotrue.session_types WHERE key = 'strategy_call';
-- Unknown session type refused.
INSERT INTO innotrue.session_type_roles (session_type_id, role_key, max_count, is_required)
VALUES (innotrue.seed_id('session_types', 'no_such_type'), 'host', 1, true);
SELECT t.key AS session_type, r.role_key, coalesce(r.max_count::text, 'unlimited') AS max_count, r.is_required
  FROM innotrue.session_type_roles r JOIN innotrue.session_types t ON t.id = r.session_type_id
 WHERE t.key IN ('strategy_call', 'workshop')
 ORDER BY t.key, r.role_key;

-- Cal.com mappings: one active mapping per session type.
INSERT INTO innotrue.calcom_event_type_mappings (session_type_id, calcom_event_type_id, calcom_event_type_slug)
SELECT id, 1001, 'cta-coaching' FROM innotrue.session_types WHERE key = 'coaching';
-- A second active mapping for the same type is refused.
INSERT INTO innotrue.calcom_event_type_mappings (session_type_id, calcom_event_type_id, calcom_event_type_slug)
SELECT id, 1002, 'cta-coaching-v2' FROM innotrue.session_types WHERE key = 'coaching';
-- The same active Cal.com event type on another session type is refused.
INSERT INTO innotrue.calcom_event_type_mappings (session_type_id, calcom_event_type_id)
SELECT id, 1001 FROM innotrue.session_types WHERE key = 'workshop';
-- After deactivating the old mapping a new one is accepted.
UPDATE innotrue.calcom_event_type_mappings SET is_active = false WHERE calcom_event_type_id = 1001;
INSERT INTO innotrue.calcom_event_type_mappings (session_type_id, calcom_event_type_id, calcom_event_type_slug)
SELECT id, 1002, 'cta-coaching-v2' FROM innotrue.session_types WHERE key = 'coaching';
-- Non-positive event type id refused.
INSERT INTO innotrue.calcom_event_type_mappings (session_type_id, calcom_event_type_id)
SELECT id, 0 FROM innotrue.session_types WHERE key = 'workshop';
-- Badly formed slug refused.
INSERT INTO innotrue.calcom_event_type_mappings (session_type_id, calcom_event_type_id, calcom_event_type_slug)
SELECT id, 2001, 'Workshop Slot' FROM innotrue.session_types WHERE key = 'workshop';
-- Unknown session type refused.
INSERT INTO innotrue.calcom_event_type_mappings (session_type_id, calcom_event_type_id)
VALUES (innotrue.seed_id('session_types', 'no_such_type'), 3001);
INSERT INTO innotrue.calcom_event_type_mappings (session_type_id, calcom_event_type_id, calcom_event_type_slug)
SELECT id, 2001, 'workshop' FROM innotrue.session_types WHERE key = 'workshop';
SELECT t.key AS session_type, m.calcom_event_type_id, m.calcom_event_type_slug, m.is_active
  FROM innotrue.calcom_event_type_mappings m JOIN innotrue.session_types t ON t.id = m.session_type_id
 ORDER BY t.key, m.calcom_event_type_id;

-- Deleting a session type removes its roles and mappings.
INSERT INTO innotrue.calcom_event_type_mappings (session_type_id, calcom_event_type_id)
SELECT id, 4001 FROM innotrue.session_types WHERE key = 'strategy_call';
DELETE FROM innotrue.session_types WHERE key = 'strategy_call';
SELECT count(*) AS session_types FROM innotrue.session_types;
SELECT count(*) AS roles_left FROM innotrue.session_type_roles WHERE role_key IN ('host', 'guest');
SELECT count(*) AS mappings_left FROM innotrue.calcom_event_type_mappings WHERE calcom_event_type_id = 4001;

ROLLBACK;
