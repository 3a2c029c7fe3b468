-- Layer 5: organizations, members, invitations, sponsored enrollments, sharing consent, groups.
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
BEGIN;

CREATE FUNCTION pg_temp.uid(text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM innotrue.profiles WHERE email = $1 || '@example.com' $$;
CREATE FUNCTION pg_temp.org(text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM innotrue.organizations WHERE slug = $1 $$;
INSERT INTO innotrue.profiles (email, full_name, plan_id)
SELECT v.name || '@example.com', initcap(v.name), p.id
FROM (VALUES ('olga'), ('max'), ('nina'), ('out')) AS v (name) JOIN innotrue.plans p ON p.key = 'free';

-- Organizations
INSERT INTO innotrue.organizations (name, slug, industry, size_range, platform_tier_id)
SELECT 'Acme Corp', 'acme', 'Manufacturing', '51-200', id FROM innotrue.org_platform_tiers WHERE key = 'professional';
INSERT INTO innotrue.organizations (name, slug) VALUES ('Beta Ltd', 'beta');
INSERT INTO innotrue.organizations (name, slug) VALUES ('Acme Again', 'acme');                         -- duplicate slug
INSERT INTO innotrue.organizations (name, slug) VALUES ('Bad Slug', 'Bad Slug');                       -- bad slug
INSERT INTO innotrue.organizations (name, slug) VALUES ('', 'empty');                                  -- empty name
INSERT INTO innotrue.organizations (name, slug, size_range) VALUES ('Huge', 'huge', 'lots');           -- bad size range
INSERT INTO innotrue.organizations (name, slug, platform_tier_id) VALUES ('Ghost', 'ghost', gen_random_uuid());  -- unknown tier
SELECT o.slug, o.size_range, coalesce(t.key, '-') AS tier
FROM innotrue.organizations o LEFT JOIN innotrue.org_platform_tiers t ON t.id = o.platform_tier_id ORDER BY 1;

-- Members
INSERT INTO innotrue.organization_members (user_id, organization_id, role, sponsored_plan_id)
SELECT pg_temp.uid(v.name), pg_temp.org('acme'), v.role, p.id
FROM (VALUES ('olga', 'org_admin', NULL), ('max', 'org_member', 'pro'), ('nina', 'org_manager', NULL)) AS v (name, role, plan_key)
LEFT JOIN innotrue.plans p ON p.key = v.plan_key;
INSERT INTO innotrue.organization_members (user_id, organization_id, role)                               -- duplicate membership
VALUES (pg_temp.uid('max'), pg_temp.org('acme'), 'org_admin');
INSERT INTO innotrue.organization_members (user_id, organization_id, role)                               -- bad org role
VALUES (pg_temp.uid('max'), pg_temp.org('beta'), 'owner');
INSERT INTO innotrue.organization_members (user_id, organization_id, status)                             -- bad status
VALUES (pg_temp.uid('max'), pg_temp.org('beta'), 'banned');
INSERT INTO innotrue.organization_members (user_id, organization_id, sponsored_plan_id)                  -- unknown plan
VALUES (pg_temp.uid('max'), pg_temp.org('beta'), gen_random_uuid());
INSERT INTO innotrue.organization_members (user_id, organization_id) VALUES (pg_temp.uid('max'), pg_temp.org('beta'));
SELECT o.slug, pr.email, m.role, m.status, coalesce(p.key, '-') AS sponsored_plan
FROM innotrue.organization_members m
JOIN innotrue.organizations o ON o.id = m.organization_id
JOIN innotrue.profiles pr ON pr.id = m.user_id
LEFT JOIN innotrue.plans p ON p.id = m.sponsored_plan_id ORDER BY 1, 2;

-- Invitations: random token, 7-day expiry, one pending invitation per organization and e-mail
INSERT INTO innotrue.org_invitations (organization_id, email, role, invited_by)
VALUES (pg_temp.org('acme'), 'new@example.com', 'org_member', pg_temp.uid('olga')),
       (pg_temp.org('acme'), 'out@example.com', 'org_manager', pg_temp.uid('olga'));
SELECT email, role, status, length(token) AS token_length, token ~ '^[0-9a-f]+$' AS hex,
       expires_at - created_at AS valid_for
FROM innotrue.org_invitations ORDER BY email;
SELECT count(DISTINCT token) AS distinct_tokens FROM innotrue.org_invitations;
INSERT INTO innotrue.org_invitations (organization_id, email, invited_by)                               -- second pending
VALUES (pg_temp.org('acme'), 'new@example.com', pg_temp.uid('olga'));
INSERT INTO innotrue.org_invitations (organization_id, email, invited_by)                               -- bad email
VALUES (pg_temp.org('acme'), 'nobody', pg_temp.uid('olga'));
INSERT INTO innotrue.org_invitations (organization_id, email, role, invited_by)                         -- bad role
VALUES (pg_temp.org('acme'), 'x@example.com', 'org_owner', pg_temp.uid('olga'));
INSERT INTO innotrue.org_invitations (organization_id, email)                                           -- no inviter
VALUES (pg_temp.org('acme'), 'x@example.com');
INSERT INTO innotrue.org_invitations (organization_id, email, invited_by, token)                        -- reused token
SELECT pg_temp.org('beta'), 'y@example.com', pg_temp.uid('olga'), token
FROM innotrue.org_invitations WHERE email = 'new@example.com';
INSERT INTO innotrue.org_invitations (organization_id, email, invited_by, token)                        -- short token
VALUES (pg_temp.org('acme'), 'z@example.com', pg_temp.uid('olga'), 'abc');
UPDATE innotrue.org_invitations SET status = 'accepted' WHERE email = 'out@example.com';               -- no acceptor
UPDATE innotrue.org_invitations SET status = 'opened' WHERE email = 'out@example.com';                 -- bad status
UPDATE innotrue.org_invitations SET status = 'accepted', accepted_by = pg_temp.uid('out'), accepted_at = now()
WHERE email = 'out@example.com';
UPDATE innotrue.org_invitations SET status = 'revoked' WHERE email = 'new@example.com';
INSERT INTO innotrue.org_invitations (organization_id, email, invited_by)                               -- new one after revoke
VALUES (pg_temp.org('acme'), 'new@example.com', pg_temp.uid('olga'));
SELECT email, status FROM innotrue.org_invitations ORDER BY email, status;

-- Sponsored enrollments: the organization pays for a member's enrollment
INSERT INTO innotrue.program_plans (key, name, tier_level) VALUES ('basic_access', 'Basic Access', 0);
INSERT INTO innotrue.programs (slug, name, default_program_plan_id)
SELECT 'leadership-101', 'Leadership 101', id FROM innotrue.program_plans WHERE key = 'basic_access';
INSERT INTO innotrue.client_enrollments (user_id, program_id)
SELECT pg_temp.uid(v.name), p.id FROM innotrue.programs p, (VALUES ('max'), ('out')) AS v (name);
CREATE FUNCTION pg_temp.enrollment(text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM innotrue.client_enrollments WHERE user_id = pg_temp.uid($1) $$;
INSERT INTO innotrue.org_sponsored_enrollments (organization_id, enrollment_id, user_id, credits_charged, created_by)
VALUES (pg_temp.org('acme'), pg_temp.enrollment('max'), pg_temp.uid('max'), 100, pg_temp.uid('olga'));
INSERT INTO innotrue.org_sponsored_enrollments (organization_id, enrollment_id, user_id)                  -- sponsored twice
VALUES (pg_temp.org('beta'), pg_temp.enrollment('max'), pg_temp.uid('max'));
INSERT INTO innotrue.org_sponsored_enrollments (organization_id, enrollment_id, user_id)                  -- not a member
VALUES (pg_temp.org('acme'), pg_temp.enrollment('out'), pg_temp.uid('out'));
INSERT INTO innotrue.org_sponsored_enrollments (organization_id, enrollment_id, user_id)                  -- someone else's enrollment
VALUES (pg_temp.org('acme'), pg_temp.enrollment('out'), pg_temp.uid('nina'));
INSERT INTO innotrue.org_sponsored_enrollments (organization_id, enrollment_id, user_id, credits_charged)  -- negative credits
VALUES (pg_temp.org('acme'), pg_temp.enrollment('out'), pg_temp.uid('out'), -1);
DELETE FROM innotrue.organization_members WHERE user_id = pg_temp.uid('max') AND organization_id = pg_temp.org('acme');  -- has sponsorships
SELECT o.slug, pr.email, s.credits_charged
FROM innotrue.org_sponsored_enrollments s
JOIN innotrue.organizations o ON o.id = s.organization_id JOIN innotrue.profiles pr ON pr.id = s.user_id;

-- Sharing consent: members only, everything private by default
INSERT INTO innotrue.member_sharing_consent (user_id, organization_id, share_profile, share_progress)
VALUES (pg_temp.uid('max'), pg_temp.org('acme'), true, true);
INSERT INTO innotrue.member_sharing_consent (user_id, organization_id)                                    -- twice
VALUES (pg_temp.uid('max'), pg_temp.org('acme'));
INSERT INTO innotrue.member_sharing_consent (user_id, organization_id)                                    -- not a member
VALUES (pg_temp.uid('out'), pg_temp.org('acme'));
SELECT share_profile, share_enrollments, share_progress, share_assessments, share_goals FROM innotrue.member_sharing_consent;

-- Groups
INSERT INTO innotrue.groups (user_id, organization_id, name) VALUES (pg_temp.uid('olga'), pg_temp.org('acme'), 'Acme Leaders');
INSERT INTO innotrue.groups (user_id, name) VALUES (pg_temp.uid('olga'), ' ');                           -- empty name
INSERT INTO innotrue.group_members (user_id, group_id, role)
SELECT pg_temp.uid(v.name), g.id, v.role FROM innotrue.groups g, (VALUES ('olga', 'leader'), ('max', 'member')) AS v (name, role);
INSERT INTO innotrue.group_members (user_id, group_id)                                                     -- twice
SELECT pg_temp.uid('max'), id FROM innotrue.groups;
INSERT INTO innotrue.group_members (user_id, group_id, role)                                               -- bad role
SELECT pg_temp.uid('nina'), id, 'owner' FROM innotrue.groups;
SELECT g.name, pr.email, gm.role
FROM innotrue.group_members gm JOIN innotrue.groups g ON g.id = gm.group_id
JOIN innotrue.profiles pr ON pr.id = gm.user_id ORDER BY 2;

-- A member leaving the platform takes membership, consent, sponsorship and group seats along
DELETE FROM innotrue.profiles WHERE email = 'max@example.com';
SELECT (SELECT count(*) FROM innotrue.organization_members) AS members,
       (SELECT count(*) FROM innotrue.member_sharing_consent) AS consents,
       (SELECT count(*) FROM innotrue.org_sponsored_enrollments) AS sponsored,
       (SELECT count(*) FROM innotrue.group_members) AS group_members;

ROLLBACK;
