-- Row-level security in action: the application role tap_app acting for a client, a coach, a
-- program instructor, an org admin, an anonymous caller and an admin (test/access_fixture.sql),
-- for every resource visibility case and every relationship; the resource_library policy agrees
-- with can_access_resource for every user and resource.
\set QUIET on
BEGIN;
CREATE ROLE tap_app NOLOGIN;
SELECT innotrue.enable_row_level_security('tap_app') > 0 AS enabled \gset
\ir ../access_fixture.sql
\ir ../rls_helpers.sql
SELECT plan(65);

-- resource_library: the policy and the function agree, user by user (anonymous included).
SELECT is(pg_temp.seen(u.name, 'SELECT r.name FROM innotrue.resource_library l JOIN fx_resource r ON r.id = l.id'),
          ARRAY(SELECT r.name FROM fx_resource r WHERE innotrue.can_access_resource(u.id, r.id) ORDER BY r.name),
          format('resource_library under RLS = can_access_resource for %s', u.name))
  FROM fx_user u ORDER BY u.name;
SELECT is(pg_temp.seen('anonymous', 'SELECT id FROM innotrue.resource_library'), '{}', 'anonymous sees no resource');
-- each visibility case, spelled out for the client c1
SELECT is(pg_temp.seen('c1', 'SELECT r.name FROM innotrue.resource_library l JOIN fx_resource r ON r.id = l.id'),
          ARRAY['enrolled_p1', 'public', 'public_paid', 'public_paid_p1'],
          'c1: public ones without gates, and enrolled_p1 through its basic-tier enrollment');
SELECT is(pg_temp.seen('w1', 'SELECT r.name FROM innotrue.resource_library l JOIN fx_resource r ON r.id = l.id'),
          ARRAY['private_w1', 'public', 'public_paid', 'public_paid_p1'], 'w1: its private resource too');
SELECT is(pg_temp.seen('c2', 'SELECT r.name FROM innotrue.resource_library l JOIN fx_resource r ON r.id = l.id'),
          ARRAY['enrolled_p1', 'enrolled_p1_premium', 'public', 'public_paid', 'public_paid_p1'],
          'c2: alumna within the grace period, premium tier');
SELECT is(array_length(pg_temp.seen('a1', 'SELECT id FROM innotrue.resource_library'), 1),
          (SELECT count(*)::int FROM innotrue.resource_library), 'the admin sees every resource');
-- links and tier lists change: the tokens follow (triggers) and policy and function still agree
INSERT INTO innotrue.resource_library_program_tiers (resource_id, program_id, tier_name)
VALUES ('00000000-0000-0000-0000-0000000000f3', '00000000-0000-0000-0000-0000000000e1', 'premium');
SELECT is(pg_temp.seen(u.name, 'SELECT r.name FROM innotrue.resource_library l JOIN fx_resource r ON r.id = l.id'),
          ARRAY(SELECT r.name FROM fx_resource r WHERE innotrue.can_access_resource(u.id, r.id) ORDER BY r.name),
          format('after restricting enrolled_p1 to premium: RLS = can_access_resource for %s', u.name))
  FROM fx_user u WHERE u.name IN ('c1', 'c2') ORDER BY u.name;
DELETE FROM innotrue.resource_library_program_tiers WHERE resource_id = '00000000-0000-0000-0000-0000000000f4';
UPDATE innotrue.resource_library_programs SET program_id = '00000000-0000-0000-0000-0000000000e1'
 WHERE resource_id = '00000000-0000-0000-0000-0000000000f5';
SELECT is(pg_temp.seen(u.name, 'SELECT r.name FROM innotrue.resource_library l JOIN fx_resource r ON r.id = l.id'),
          ARRAY(SELECT r.name FROM fx_resource r WHERE innotrue.can_access_resource(u.id, r.id) ORDER BY r.name),
          format('after unrestricting one and relinking another: RLS = can_access_resource for %s', u.name))
  FROM fx_user u WHERE u.name IN ('c1', 'c2') ORDER BY u.name;
SELECT is((SELECT count(*)::int FROM innotrue.resource_library r
            WHERE r.program_access IS DISTINCT FROM innotrue.resource_program_access(r.id)), 0,
          'every resource carries the access tokens of its links');
-- gates, visibility and activity change: access_tokens follows (generated column) and policy and
-- function still agree for every user
UPDATE innotrue.resource_library SET feature_key = 'community', min_plan_tier = 1
 WHERE id = '00000000-0000-0000-0000-0000000000f3';
UPDATE innotrue.resource_library SET min_plan_tier = 0 WHERE id = '00000000-0000-0000-0000-0000000000f2';
UPDATE innotrue.resource_library SET visibility = 'enrolled' WHERE id = '00000000-0000-0000-0000-0000000000fa';
UPDATE innotrue.resource_library SET is_active = false WHERE id = '00000000-0000-0000-0000-0000000000f5';
UPDATE innotrue.resource_library SET visibility = 'public', is_active = true WHERE id = '00000000-0000-0000-0000-0000000000f8';
SELECT is(pg_temp.seen(u.name, 'SELECT r.name FROM innotrue.resource_library l JOIN fx_resource r ON r.id = l.id'),
          ARRAY(SELECT r.name FROM fx_resource r WHERE innotrue.can_access_resource(u.id, r.id) ORDER BY r.name),
          format('after changing gates, visibility and activity: RLS = can_access_resource for %s', u.name))
  FROM fx_user u ORDER BY u.name;
-- the policy is three index conditions: creator, access tokens, admin
SELECT is((SELECT p.using_expr FROM innotrue.rls_policy_catalogue() p
            WHERE p.table_name = 'resource_library' AND p.policy_name = 'innotrue_resource_read'),
          'created_by = (SELECT innotrue.current_user_id()) OR access_tokens && (SELECT innotrue.my_access_tokens())::text[]'
          || ' OR visibility >= (SELECT innotrue.my_admin_resource_key())',
          'the resource_library policy is created_by, access_tokens and visibility conditions only');

-- resource writes: admins only
SELECT is(pg_temp.try_as('c1', $$UPDATE innotrue.resource_library SET title = 'x'$$), '0 rows', 'a client updates no resource');
SELECT is(pg_temp.try_as('a1', $$UPDATE innotrue.resource_library SET title = 'x' WHERE id = '00000000-0000-0000-0000-0000000000f1'$$),
          '1 rows', 'an admin updates a resource');
SELECT is(pg_temp.try_as('c1', $$INSERT INTO innotrue.resource_library (title, resource_type, url, created_by)
                                 VALUES ('mine', 'link', 'https://x.example', '00000000-0000-0000-0000-0000000000c1')$$),
          '42501', 'a client cannot add to the library');

-- Own rows: goals
SELECT is(pg_temp.seen('c1', 'SELECT title FROM innotrue.goals'), ARRAY['goal of c1'], 'a client sees only own goals');
SELECT is(pg_temp.try_as('c1', $$INSERT INTO innotrue.goals (user_id, title) VALUES ('00000000-0000-0000-0000-0000000000c1', 'new')$$),
          '1 rows', 'a client adds a goal of their own');
SELECT is(pg_temp.try_as('c1', $$INSERT INTO innotrue.goals (user_id, title) VALUES ('00000000-0000-0000-0000-0000000000c2', 'new')$$),
          '42501', 'but not one of someone else');
SELECT is(pg_temp.try_as('c1', $$UPDATE innotrue.goals SET title = 'hijack'$$), '1 rows', 'an update reaches only own goals');
SELECT is(pg_temp.try_as('c1', $$UPDATE innotrue.goals SET user_id = '00000000-0000-0000-0000-0000000000c2'$$),
          '42501', 'and cannot hand a goal to someone else');
SELECT is(pg_temp.seen('anonymous', 'SELECT title FROM innotrue.goals'), '{}', 'anonymous sees no goal');
-- read-only own rows: roles cannot be self-granted
SELECT is(pg_temp.seen('c1', 'SELECT role FROM innotrue.user_roles'), ARRAY['client'], 'a client sees own roles');
SELECT is(pg_temp.try_as('c1', $$INSERT INTO innotrue.user_roles (user_id, role) VALUES ('00000000-0000-0000-0000-0000000000c1', 'admin')$$),
          '42501', 'a client cannot make themself admin');
SELECT is(pg_temp.try_as('c1', $$DELETE FROM innotrue.client_enrollments$$), '0 rows', 'nor delete own enrollments');

-- Coach through client_coaches; instructor through program_coaches
SELECT is(pg_temp.seen('k1', 'SELECT title FROM innotrue.goals'), ARRAY['goal of c1'], 'coach k1 sees the goals of client c1 only');
SELECT is(pg_temp.try_as('k1', $$UPDATE innotrue.goals SET title = 'coach edit'$$), '0 rows', 'but does not edit them');
SELECT is(pg_temp.seen('k1', 'SELECT email FROM innotrue.profiles'), ARRAY['b1@example.com', 'c1@example.com'],
          'and sees own and the client''s profile');
SELECT is(pg_temp.seen('k2', 'SELECT title FROM innotrue.goals'), ARRAY['goal of c1'],
          'instructor k2 of P1 sees goals of P1''s open enrollees (c1), not of alumni');
SELECT is(pg_temp.seen('k2', 'SELECT u.name FROM innotrue.client_enrollments e JOIN fx_user u ON u.id = e.user_id'), ARRAY['c1'],
          'and their enrollments');
SELECT is(pg_temp.seen('c1', $$SELECT email FROM innotrue.profiles$$), ARRAY['c1@example.com'], 'a client sees only own profile');
UPDATE innotrue.client_coaches SET is_active = false;
SELECT is(pg_temp.seen('k1', 'SELECT title FROM innotrue.goals'), '{}', 'an inactive coach assignment shows nothing');

-- Org admin through organization_members + member_sharing_consent
SELECT is(pg_temp.seen('o1', 'SELECT title FROM innotrue.goals'), ARRAY['goal of c1'],
          'org admin o1 sees goals of c1 (shares goals), not of c4 (no consent)');
SELECT is(pg_temp.seen('o1', 'SELECT count(*) FROM innotrue.module_progress'), ARRAY['0'], 'nor progress c1 did not share');
SELECT is(pg_temp.seen('o1', 'SELECT u.name FROM innotrue.organization_members m JOIN fx_user u ON u.id = m.user_id'),
          ARRAY['c1', 'c4', 'o1'], 'the members of the organization');
SELECT is(pg_temp.seen('c4', 'SELECT u.name FROM innotrue.organization_members m JOIN fx_user u ON u.id = m.user_id'),
          ARRAY['c4'], 'a plain member sees only own membership');
SELECT is(pg_temp.seen('c4', 'SELECT slug FROM innotrue.organizations'), ARRAY['fx-org-o'], 'and the organization');
SELECT is(pg_temp.seen('c2', 'SELECT slug FROM innotrue.organizations'), '{}', 'a non-member does not');
SELECT is(pg_temp.try_as('o1', $$UPDATE innotrue.member_sharing_consent SET share_progress = true$$), '0 rows',
          'the org admin cannot give consent for members');
SELECT is(pg_temp.try_as('c1', $$UPDATE innotrue.member_sharing_consent SET share_progress = true$$), '1 rows',
          'the member can');
UPDATE innotrue.organization_members SET status = 'inactive' WHERE user_id = '00000000-0000-0000-0000-0000000000b3';
SELECT is(pg_temp.seen('o1', 'SELECT title FROM innotrue.goals'), '{}', 'an inactive org admin sees nothing');

-- Admin
SELECT is(pg_temp.seen('a1', 'SELECT title FROM innotrue.goals'), ARRAY['goal of c1', 'goal of c2', 'goal of c4'], 'the admin sees every goal');

-- Reference data: readable when authenticated, writable by admins only; the scoring matrix never
SELECT ok(array_length(pg_temp.seen('c1', 'SELECT slug FROM innotrue.programs'), 1) >= 2, 'a client reads programs');
SELECT is(pg_temp.seen('anonymous', 'SELECT slug FROM innotrue.programs'), '{}', 'anonymous does not');
SELECT is(pg_temp.try_as('c1', $$INSERT INTO innotrue.features (key, name) VALUES ('hack', 'Hack')$$), '42501', 'a client cannot add a feature');
SELECT is(pg_temp.try_as('a1', $$INSERT INTO innotrue.features (key, name) VALUES ('fx_new', 'New')$$), '1 rows', 'an admin can');
SELECT is(pg_temp.seen('c4', 'SELECT count(*) FROM innotrue.assessment_option_scores'), ARRAY['0'], 'a client never reads the scoring matrix');
SELECT is(pg_temp.seen('k1', 'SELECT count(*) FROM innotrue.assessment_option_scores'), ARRAY['0'], 'nor does a coach');
SELECT is(pg_temp.seen('c1', 'SELECT count(*) FROM innotrue.email_outbox'), ARRAY['0'], 'internal tables are closed to clients');

SELECT * FROM finish();
ROLLBACK;
