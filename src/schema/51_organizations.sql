-- innotrue layer 5: organizations and everything org-owned. Organization credit pools are not
-- tables of their own: like user balances they are derived from credit batches (54_credits.sql).

CREATE TABLE innotrue.organizations (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name             text NOT NULL CONSTRAINT organizations_name_check CHECK (btrim(name) <> ''),
    slug             text NOT NULL UNIQUE CONSTRAINT organizations_slug_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    industry         text CONSTRAINT organizations_industry_check CHECK (btrim(industry) <> ''),
    size_range       text CONSTRAINT organizations_size_range_check
        CHECK (size_range IN ('1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001+')),
    platform_tier_id uuid REFERENCES innotrue.org_platform_tiers (id),
    is_active        boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('organizations', '5', 'organization');
CREATE INDEX organizations_platform_tier_id_idx ON innotrue.organizations (platform_tier_id);
COMMENT ON TABLE innotrue.organizations IS
    'One row per organization: the organization table of the data layer (organization-owned rows reference it by organization_id).';
COMMENT ON COLUMN innotrue.organizations.size_range IS
    'Head-count band: 1-10, 11-50, 51-200, 201-500, 501-1000, 1001-5000, 5001+.';
COMMENT ON COLUMN innotrue.organizations.platform_tier_id IS
    'Organization platform subscription (Essentials, Professional); NULL = none.';

CREATE TABLE innotrue.organization_members (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id           uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    organization_id   uuid NOT NULL REFERENCES innotrue.organizations (id) ON DELETE CASCADE,
    role              text NOT NULL DEFAULT 'org_member'
        CONSTRAINT organization_members_role_check CHECK (role IN ('org_admin', 'org_manager', 'org_member')),
    status            text NOT NULL DEFAULT 'active'
        CONSTRAINT organization_members_status_check CHECK (status IN ('active', 'inactive')),
    sponsored_plan_id uuid REFERENCES innotrue.plans (id),
    joined_at         timestamptz NOT NULL DEFAULT now(),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT organization_members_organization_user_key UNIQUE (organization_id, user_id)
);
SELECT innotrue.register_table('organization_members', '5', 'user');
CREATE INDEX organization_members_user_id_idx ON innotrue.organization_members (user_id);
CREATE INDEX organization_members_sponsored_plan_id_idx ON innotrue.organization_members (sponsored_plan_id);
COMMENT ON TABLE innotrue.organization_members IS
    'A user''s membership of an organization with an organization role; a user may belong to several organizations.';
COMMENT ON COLUMN innotrue.organization_members.sponsored_plan_id IS
    'Plan the organization sponsors for this member (entitlement source "org_sponsored") while the membership is active; NULL = none.';

CREATE TABLE innotrue.org_invitations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES innotrue.organizations (id) ON DELETE CASCADE,
    email           text NOT NULL CONSTRAINT org_invitations_email_check CHECK (email ~ '^[^@\s]+@[^@\s]+$' AND email = lower(email)),
    role            text NOT NULL DEFAULT 'org_member'
        CONSTRAINT org_invitations_role_check CHECK (role IN ('org_admin', 'org_manager', 'org_member')),
    token           text NOT NULL UNIQUE
        DEFAULT encode(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()), 'hex')
        CONSTRAINT org_invitations_token_check CHECK (length(token) >= 32),
    invited_by      uuid NOT NULL REFERENCES innotrue.profiles (id),
    status          text NOT NULL DEFAULT 'pending'
        CONSTRAINT org_invitations_status_check CHECK (status IN ('pending', 'accepted', 'expired', 'revoked')),
    expires_at      timestamptz NOT NULL DEFAULT now() + interval '7 days',
    accepted_by     uuid REFERENCES innotrue.profiles (id),
    accepted_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT org_invitations_expires_at_check CHECK (expires_at > created_at),
    CONSTRAINT org_invitations_accepted_check CHECK (status <> 'accepted' OR (accepted_by IS NOT NULL AND accepted_at IS NOT NULL))
);
SELECT innotrue.register_table('org_invitations', '5', 'organization');
CREATE INDEX org_invitations_organization_id_idx ON innotrue.org_invitations (organization_id);
CREATE INDEX org_invitations_invited_by_idx ON innotrue.org_invitations (invited_by);
CREATE INDEX org_invitations_accepted_by_idx ON innotrue.org_invitations (accepted_by);
CREATE INDEX org_invitations_email_idx ON innotrue.org_invitations (email);
CREATE UNIQUE INDEX org_invitations_one_pending_idx ON innotrue.org_invitations (organization_id, email) WHERE status = 'pending';
COMMENT ON TABLE innotrue.org_invitations IS
    'E-mail invitations to join an organization, accepted through a one-time token; at most one pending invitation per organization and e-mail.';
COMMENT ON COLUMN innotrue.org_invitations.token IS
    'Secret of the accept link (/accept-invite?token=...): 256 random bits as 64 hex digits by default.';
COMMENT ON COLUMN innotrue.org_invitations.status IS
    'pending -> accepted | expired | revoked.';
COMMENT ON COLUMN innotrue.org_invitations.expires_at IS
    'Default now() + 7 days (system setting org_invitation_expiry_days); a pending invitation past this time is expired.';
COMMENT ON COLUMN innotrue.org_invitations.invited_by IS
    'Org admin or platform admin who sent the invitation.';
COMMENT ON COLUMN innotrue.org_invitations.accepted_by IS
    'User who accepted the invitation (set with status accepted).';

CREATE TABLE innotrue.org_sponsored_enrollments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES innotrue.organizations (id),
    enrollment_id   uuid NOT NULL UNIQUE,
    user_id         uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    credits_charged bigint NOT NULL DEFAULT 0 CONSTRAINT org_sponsored_enrollments_credits_charged_check CHECK (credits_charged >= 0),
    created_by      uuid REFERENCES innotrue.profiles (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT org_sponsored_enrollments_enrollment_fkey FOREIGN KEY (enrollment_id, user_id)
        REFERENCES innotrue.client_enrollments (id, user_id) ON DELETE CASCADE,
    CONSTRAINT org_sponsored_enrollments_member_fkey FOREIGN KEY (organization_id, user_id)
        REFERENCES innotrue.organization_members (organization_id, user_id)
);
SELECT innotrue.register_table('org_sponsored_enrollments', '5', 'organization');
CREATE INDEX org_sponsored_enrollments_organization_id_idx ON innotrue.org_sponsored_enrollments (organization_id);
CREATE INDEX org_sponsored_enrollments_user_id_idx ON innotrue.org_sponsored_enrollments (user_id);
CREATE INDEX org_sponsored_enrollments_created_by_idx ON innotrue.org_sponsored_enrollments (created_by);
COMMENT ON TABLE innotrue.org_sponsored_enrollments IS
    'An enrollment an organization paid for from its credit pool; the enrolled user must be a member of the organization (a membership with sponsored enrollments is made inactive, not deleted). The credit movement itself is in the credit ledger.';
COMMENT ON COLUMN innotrue.org_sponsored_enrollments.user_id IS
    'The member enrolled (same user as the enrollment).';
COMMENT ON COLUMN innotrue.org_sponsored_enrollments.credits_charged IS
    'Credits taken from the organization''s pool for this enrollment.';
COMMENT ON COLUMN innotrue.org_sponsored_enrollments.created_by IS
    'Org admin or manager who sponsored the enrollment.';

CREATE TABLE innotrue.member_sharing_consent (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id           uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    organization_id   uuid NOT NULL,
    share_profile     boolean NOT NULL DEFAULT false,
    share_enrollments boolean NOT NULL DEFAULT false,
    share_progress    boolean NOT NULL DEFAULT false,
    share_assessments boolean NOT NULL DEFAULT false,
    share_goals       boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT member_sharing_consent_user_organization_key UNIQUE (user_id, organization_id),
    CONSTRAINT member_sharing_consent_member_fkey FOREIGN KEY (organization_id, user_id)
        REFERENCES innotrue.organization_members (organization_id, user_id) ON DELETE CASCADE
);
SELECT innotrue.register_table('member_sharing_consent', '5', 'user');
CREATE INDEX member_sharing_consent_user_id_idx ON innotrue.member_sharing_consent (user_id);
CREATE INDEX member_sharing_consent_organization_id_idx ON innotrue.member_sharing_consent (organization_id);
COMMENT ON TABLE innotrue.member_sharing_consent IS
    'What a member lets the organization''s admins and managers see; every flag defaults to not shared.';

-- Groups (peer assessments, group sessions, group tasks)
CREATE TABLE innotrue.groups (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    organization_id uuid REFERENCES innotrue.organizations (id),
    name            text NOT NULL CONSTRAINT groups_name_check CHECK (btrim(name) <> ''),
    description     text,
    is_active       boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('groups', '5', 'user');
CREATE INDEX groups_user_id_idx ON innotrue.groups (user_id);
CREATE INDEX groups_organization_id_idx ON innotrue.groups (organization_id);
COMMENT ON TABLE innotrue.groups IS
    'A group of users (cohort, mastermind, peer group) used by group peer assessments and group sessions.';
COMMENT ON COLUMN innotrue.groups.user_id IS
    'Creator and owner of the group.';
COMMENT ON COLUMN innotrue.groups.organization_id IS
    'Organization the group belongs to; NULL = a platform group.';

CREATE TABLE innotrue.group_members (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    group_id   uuid NOT NULL REFERENCES innotrue.groups (id) ON DELETE CASCADE,
    role       text NOT NULL DEFAULT 'member' CONSTRAINT group_members_role_check CHECK (role IN ('member', 'leader')),
    joined_at  timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT group_members_group_user_key UNIQUE (group_id, user_id)
);
SELECT innotrue.register_table('group_members', '5', 'user');
CREATE INDEX group_members_user_id_idx ON innotrue.group_members (user_id);
COMMENT ON TABLE innotrue.group_members IS
    'Members of a group and their role in it.';
