-- Shared fixture of the access tests (sql/access*.sql, test/pgtap/rls_*.sql): users in every
-- relationship and resources in every visibility case. Included inside the caller's transaction;
-- the caller rolls it back. Ids: users ...00a*, programs ...00e*, resources ...00f*.
--   a1 admin            c1 client (base plan), enrolled in P1 tier basic, coached by k1, member of org O (shares goals)
--   c2 alumna of P1 (premium tier, completed 89 days ago)   c3 alumnus of P1 (completed 91 days ago)
--   c4 elite-plan client, member of O without consent      k1 coach of c1 (client_coaches)
--   k2 instructor of P1 (program_coaches)                 o1 org admin of O      w1 creator of a private resource
INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT ('00000000-0000-0000-0000-0000000000' || v.n)::uuid, v.n || '@example.com', p.id
  FROM (VALUES ('a1', 'free'), ('c1', 'base'), ('c2', 'free'), ('c3', 'free'), ('c4', 'elite'),
               ('b1', 'free'), ('b2', 'free'), ('b3', 'free'), ('b4', 'free')) v (n, plan)
  JOIN innotrue.plans p ON p.key = v.plan;
-- readable aliases for the ids (k1 = ...00b1, k2 = ...00b2, o1 = ...00b3, w1 = ...00b4)
CREATE TEMP TABLE fx_user (name text PRIMARY KEY, id uuid NOT NULL) ON COMMIT DROP;
INSERT INTO fx_user VALUES ('a1', '00000000-0000-0000-0000-0000000000a1'), ('c1', '00000000-0000-0000-0000-0000000000c1'),
    ('c2', '00000000-0000-0000-0000-0000000000c2'), ('c3', '00000000-0000-0000-0000-0000000000c3'),
    ('c4', '00000000-0000-0000-0000-0000000000c4'), ('k1', '00000000-0000-0000-0000-0000000000b1'),
    ('k2', '00000000-0000-0000-0000-0000000000b2'), ('o1', '00000000-0000-0000-0000-0000000000b3'),
    ('w1', '00000000-0000-0000-0000-0000000000b4');
INSERT INTO innotrue.user_roles (user_id, role)
SELECT id, r FROM fx_user, LATERAL (VALUES (CASE name WHEN 'a1' THEN 'admin' WHEN 'k1' THEN 'coach'
                                                      WHEN 'k2' THEN 'instructor' ELSE 'client' END)) x (r);

INSERT INTO innotrue.program_plans (key, name, tier_level) VALUES ('fx_std', 'Fixture Standard', 1);
INSERT INTO innotrue.programs (id, slug, name, is_active, default_program_plan_id)
SELECT v.id::uuid, v.slug, v.slug, true, pp.id
  FROM (VALUES ('00000000-0000-0000-0000-0000000000e1', 'fx-p1'), ('00000000-0000-0000-0000-0000000000e2', 'fx-p2')) v (id, slug),
       innotrue.program_plans pp WHERE pp.key = 'fx_std';
INSERT INTO innotrue.program_modules (program_id, title, module_type, order_index)
SELECT id, 'Welcome', 'content', 0 FROM innotrue.programs WHERE slug LIKE 'fx-%';
INSERT INTO innotrue.program_tier_plans (program_id, tier_name, program_plan_id)
SELECT p.id, t, pp.id FROM innotrue.programs p, innotrue.program_plans pp, unnest(ARRAY['basic', 'premium']) t
 WHERE p.slug = 'fx-p1' AND pp.key = 'fx_std';
INSERT INTO innotrue.client_enrollments (user_id, program_id, tier_name, status, completed_at)
VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000e1', 'basic', 'active', NULL),
       ('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000e1', 'premium', 'completed', now() - interval '89 days'),
       ('00000000-0000-0000-0000-0000000000c3', '00000000-0000-0000-0000-0000000000e1', 'premium', 'completed', now() - interval '91 days');
INSERT INTO innotrue.client_coaches (user_id, coach_id)
VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000b1');
INSERT INTO innotrue.program_coaches (user_id, program_id, role)
VALUES ('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000e1', 'instructor');
INSERT INTO innotrue.organizations (id, name, slug) VALUES ('00000000-0000-0000-0000-0000000000d1', 'Org O', 'fx-org-o');
INSERT INTO innotrue.organization_members (user_id, organization_id, role)
VALUES ('00000000-0000-0000-0000-0000000000b3', '00000000-0000-0000-0000-0000000000d1', 'org_admin'),
       ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000d1', 'org_member'),
       ('00000000-0000-0000-0000-0000000000c4', '00000000-0000-0000-0000-0000000000d1', 'org_member');
INSERT INTO innotrue.member_sharing_consent (user_id, organization_id, share_goals)
VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000d1', true),
       ('00000000-0000-0000-0000-0000000000c4', '00000000-0000-0000-0000-0000000000d1', false);
INSERT INTO innotrue.goals (id, user_id, title)
SELECT ('00000000-0000-0000-0000-0000000001' || substr(name, 1, 1) || substr(name, 2)) ::uuid, id, 'goal of ' || name
  FROM fx_user WHERE name IN ('c1', 'c2', 'c4');

-- Resources (created by a1 unless said): the name says the case.
CREATE TEMP TABLE fx_resource (name text PRIMARY KEY, id uuid NOT NULL) ON COMMIT DROP;
INSERT INTO fx_resource VALUES
    ('private_w1', '00000000-0000-0000-0000-0000000000f1'), ('public', '00000000-0000-0000-0000-0000000000f2'),
    ('enrolled_p1', '00000000-0000-0000-0000-0000000000f3'), ('enrolled_p1_premium', '00000000-0000-0000-0000-0000000000f4'),
    ('enrolled_p2', '00000000-0000-0000-0000-0000000000f5'), ('public_community', '00000000-0000-0000-0000-0000000000f6'),
    ('public_tier3', '00000000-0000-0000-0000-0000000000f7'), ('public_inactive', '00000000-0000-0000-0000-0000000000f8'),
    ('public_paid', '00000000-0000-0000-0000-0000000000f9'), ('public_paid_p1', '00000000-0000-0000-0000-0000000000fa'),
    ('enrolled_unlinked', '00000000-0000-0000-0000-0000000000fb'), ('enrolled_p1_tier3', '00000000-0000-0000-0000-0000000000fc');
INSERT INTO innotrue.resource_library (id, title, resource_type, url, visibility, is_active, is_consumable, credit_cost,
                                       feature_key, min_plan_tier, created_by)
SELECT r.id, r.name, 'link', 'https://example.com/' || r.name, v.visibility, v.active, v.cost IS NOT NULL, v.cost,
       v.feature, v.tier, (SELECT id FROM fx_user WHERE name = v.creator)
  FROM fx_resource r
  JOIN (VALUES ('private_w1', 'private', true, NULL, NULL, NULL, 'w1'),
               ('public', 'public', true, NULL, NULL, NULL, 'a1'),
               ('enrolled_p1', 'enrolled', true, NULL, NULL, NULL, 'a1'),
               ('enrolled_p1_premium', 'enrolled', true, NULL, NULL, NULL, 'a1'),
               ('enrolled_p2', 'enrolled', true, NULL, NULL, NULL, 'a1'),
               ('public_community', 'public', true, NULL, 'community', NULL, 'a1'),
               ('public_tier3', 'public', true, NULL, NULL, 3, 'a1'),
               ('public_inactive', 'public', false, NULL, NULL, NULL, 'a1'),
               ('public_paid', 'public', true, 5, NULL, NULL, 'a1'),
               ('public_paid_p1', 'public', true, 5, NULL, NULL, 'a1'),
               ('enrolled_unlinked', 'enrolled', true, NULL, NULL, NULL, 'a1'),
               ('enrolled_p1_tier3', 'enrolled', true, NULL, NULL, 3, 'a1'))
       AS v (name, visibility, active, cost, feature, tier, creator) ON v.name = r.name;
INSERT INTO innotrue.resource_library_programs (resource_id, program_id)
SELECT r.id, p.id FROM fx_resource r JOIN innotrue.programs p
    ON p.slug = CASE WHEN r.name = 'enrolled_p2' THEN 'fx-p2' ELSE 'fx-p1' END
 WHERE r.name IN ('enrolled_p1', 'enrolled_p1_premium', 'enrolled_p2', 'public_paid_p1', 'enrolled_p1_tier3');
INSERT INTO innotrue.resource_library_program_tiers (resource_id, program_id, tier_name)
SELECT r.id, '00000000-0000-0000-0000-0000000000e1', 'premium' FROM fx_resource r WHERE r.name = 'enrolled_p1_premium';
