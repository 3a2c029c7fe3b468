-- innotrue layer 5: platform terms, users and everything a user owns directly.

-- 5.2 Profiles: the user table of the data layer (on Supabase, profiles.id = auth.users.id).
CREATE TABLE innotrue.profiles (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email       text NOT NULL UNIQUE CONSTRAINT profiles_email_check CHECK (email ~ '^[^@\s]+@[^@\s]+$' AND email = lower(email)),
    full_name   text,
    plan_id     uuid NOT NULL REFERENCES innotrue.plans (id),
    timezone    text,
    avatar_url  text,
    bio         text,
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('profiles', '5', 'user');
CREATE INDEX profiles_plan_id_idx ON innotrue.profiles (plan_id);
COMMENT ON TABLE innotrue.profiles IS
    'One row per user: the user table of the data layer. On Supabase the application keeps profiles.id = auth.users.id.';
COMMENT ON COLUMN innotrue.profiles.plan_id IS
    'Personal subscription plan (entitlement source "subscription").';

-- 5.1 Platform terms
CREATE TABLE innotrue.platform_terms (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    version               text NOT NULL UNIQUE CONSTRAINT platform_terms_version_check CHECK (btrim(version) <> ''),
    title                 text NOT NULL CONSTRAINT platform_terms_title_check CHECK (btrim(title) <> ''),
    content_html          text NOT NULL CONSTRAINT platform_terms_content_html_check CHECK (btrim(content_html) <> ''),
    is_current            boolean NOT NULL DEFAULT false,
    is_blocking_on_update boolean NOT NULL DEFAULT true,
    effective_from        timestamptz NOT NULL DEFAULT now(),
    created_by            uuid,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('platform_terms', '5', 'configuration');
CREATE UNIQUE INDEX platform_terms_one_current_idx ON innotrue.platform_terms (is_current) WHERE is_current;
COMMENT ON TABLE innotrue.platform_terms IS
    'Versions of the legal terms every user must accept before using the platform; no current version blocks every user.';
COMMENT ON COLUMN innotrue.platform_terms.is_current IS
    'The version users must have accepted; at most one row is current (exactly one once the platform is configured).';
COMMENT ON COLUMN innotrue.platform_terms.is_blocking_on_update IS
    'true = when this version becomes current, users who accepted an older version see a blocking modal until they accept it.';
COMMENT ON COLUMN innotrue.platform_terms.created_by IS
    'Admin who wrote the version (a profiles id); plain uuid because a configuration table never references a user table.';

-- Storage buckets: the registry of file buckets the application uploads to.
CREATE TABLE innotrue.storage_buckets (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text NOT NULL UNIQUE CONSTRAINT storage_buckets_name_check CHECK (name ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    feature_area text NOT NULL CONSTRAINT storage_buckets_feature_area_check CHECK (btrim(feature_area) <> ''),
    purpose      text NOT NULL CONSTRAINT storage_buckets_purpose_check CHECK (btrim(purpose) <> ''),
    is_public    boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('storage_buckets', '5', 'configuration');
COMMENT ON TABLE innotrue.storage_buckets IS
    'File storage buckets (Supabase Storage or equivalent); attachment rows store a path inside their bucket.';
COMMENT ON COLUMN innotrue.storage_buckets.name IS
    'Bucket id as used by the storage API.';
COMMENT ON COLUMN innotrue.storage_buckets.is_public IS
    'true = files are served without authentication (logos, avatars, e-mail assets); false = signed URLs only.';

-- 5.2 Users: terms acceptances, roles and the entitlement inputs a user owns.
CREATE TABLE innotrue.platform_terms_acceptances (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    terms_id    uuid NOT NULL REFERENCES innotrue.platform_terms (id),
    accepted_at timestamptz NOT NULL DEFAULT now(),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT platform_terms_acceptances_user_terms_key UNIQUE (user_id, terms_id)
);
SELECT innotrue.register_table('platform_terms_acceptances', '5', 'user');
CREATE INDEX platform_terms_acceptances_user_id_idx ON innotrue.platform_terms_acceptances (user_id);
CREATE INDEX platform_terms_acceptances_terms_id_idx ON innotrue.platform_terms_acceptances (terms_id);
COMMENT ON TABLE innotrue.platform_terms_acceptances IS
    'Which terms version each user accepted and when; the terms gate passes when the current version is among them.';

CREATE TABLE innotrue.user_roles (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    role       text NOT NULL CONSTRAINT user_roles_role_check CHECK (role IN ('admin', 'client', 'coach', 'instructor')),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_roles_user_role_key UNIQUE (user_id, role)
);
SELECT innotrue.register_table('user_roles', '5', 'user');
CREATE INDEX user_roles_user_id_idx ON innotrue.user_roles (user_id);
CREATE INDEX user_roles_role_idx ON innotrue.user_roles (role);
COMMENT ON TABLE innotrue.user_roles IS
    'Platform roles of a user (a user may hold several); organization roles live on organization_members.';

CREATE TABLE innotrue.user_feature_denials (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    feature_id uuid NOT NULL REFERENCES innotrue.features (id),
    reason     text,
    created_by uuid REFERENCES innotrue.profiles (id),
    expires_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_feature_denials_user_feature_key UNIQUE (user_id, feature_id),
    CONSTRAINT user_feature_denials_expires_at_check CHECK (expires_at > created_at)
);
SELECT innotrue.register_table('user_feature_denials', '5', 'user');
CREATE INDEX user_feature_denials_user_id_idx ON innotrue.user_feature_denials (user_id);
CREATE INDEX user_feature_denials_feature_id_idx ON innotrue.user_feature_denials (feature_id);
CREATE INDEX user_feature_denials_created_by_idx ON innotrue.user_feature_denials (created_by);
COMMENT ON TABLE innotrue.user_feature_denials IS
    'Admin deny of one feature to one user: blocks the feature whatever the entitlement sources grant.';
COMMENT ON COLUMN innotrue.user_feature_denials.expires_at IS
    'NULL = the deny holds until removed; otherwise it stops applying at this time.';
COMMENT ON COLUMN innotrue.user_feature_denials.created_by IS
    'Admin who set the deny.';

CREATE TABLE innotrue.user_add_ons (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    add_on_id  uuid NOT NULL REFERENCES innotrue.add_ons (id),
    granted_by uuid REFERENCES innotrue.profiles (id),
    granted_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    note       text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_add_ons_expires_at_check CHECK (expires_at > granted_at)
);
SELECT innotrue.register_table('user_add_ons', '5', 'user');
CREATE INDEX user_add_ons_user_id_idx ON innotrue.user_add_ons (user_id);
CREATE INDEX user_add_ons_add_on_id_idx ON innotrue.user_add_ons (add_on_id);
CREATE INDEX user_add_ons_granted_by_idx ON innotrue.user_add_ons (granted_by);
COMMENT ON TABLE innotrue.user_add_ons IS
    'Add-ons an admin granted to a user (entitlement source "add_on"); a grant counts while unexpired.';
COMMENT ON COLUMN innotrue.user_add_ons.expires_at IS
    'NULL = no expiry.';
COMMENT ON COLUMN innotrue.user_add_ons.granted_by IS
    'Admin who granted the add-on.';

CREATE TABLE innotrue.user_tracks (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    track_id   uuid NOT NULL REFERENCES innotrue.tracks (id),
    is_active  boolean NOT NULL DEFAULT true,
    joined_at  timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_tracks_user_track_key UNIQUE (user_id, track_id)
);
SELECT innotrue.register_table('user_tracks', '5', 'user');
CREATE INDEX user_tracks_user_id_idx ON innotrue.user_tracks (user_id);
CREATE INDEX user_tracks_track_id_idx ON innotrue.user_tracks (track_id);
COMMENT ON TABLE innotrue.user_tracks IS
    'Track membership: an active membership of an active track grants track_features (entitlement source "track") and track credit prices.';

-- 5.3 Client enrollments and module progress
CREATE TABLE innotrue.client_enrollments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    program_id      uuid NOT NULL REFERENCES innotrue.programs (id),
    program_plan_id uuid REFERENCES innotrue.program_plans (id),
    tier_name       text,
    status          text NOT NULL DEFAULT 'active'
        CONSTRAINT client_enrollments_status_check CHECK (status IN ('active', 'paused', 'completed', 'withdrawn')),
    enrolled_at     timestamptz NOT NULL DEFAULT now(),
    completed_at    timestamptz,
    withdrawn_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT client_enrollments_id_user_key UNIQUE (id, user_id),
    -- The tier must be one the program offers (no check while tier_name is NULL).
    CONSTRAINT client_enrollments_program_tier_fkey FOREIGN KEY (program_id, tier_name)
        REFERENCES innotrue.program_tier_plans (program_id, tier_name),
    CONSTRAINT client_enrollments_completed_at_check CHECK (status <> 'completed' OR completed_at IS NOT NULL),
    CONSTRAINT client_enrollments_withdrawn_at_check CHECK (status <> 'withdrawn' OR withdrawn_at IS NOT NULL)
);
SELECT innotrue.register_table('client_enrollments', '5', 'user');
CREATE INDEX client_enrollments_user_id_idx ON innotrue.client_enrollments (user_id);
CREATE INDEX client_enrollments_program_id_idx ON innotrue.client_enrollments (program_id, tier_name);
CREATE INDEX client_enrollments_program_plan_id_idx ON innotrue.client_enrollments (program_plan_id);
CREATE INDEX client_enrollments_status_idx ON innotrue.client_enrollments (status);
CREATE UNIQUE INDEX client_enrollments_one_open_idx ON innotrue.client_enrollments (user_id, program_id)
    WHERE status IN ('active', 'paused');
COMMENT ON TABLE innotrue.client_enrollments IS
    'A client''s enrollment in a program; at most one active or paused enrollment per user and program. Organization sponsorship is recorded in org_sponsored_enrollments.';
COMMENT ON COLUMN innotrue.client_enrollments.user_id IS
    'The enrolled client (the guide''s client_user_id).';
COMMENT ON COLUMN innotrue.client_enrollments.program_plan_id IS
    'Explicit program plan; NULL = resolved from program_tier_plans for tier_name, then programs.default_program_plan_id.';
COMMENT ON COLUMN innotrue.client_enrollments.tier_name IS
    'Tier bought within the program: a program_tier_plans.tier_name of the same program; NULL = no tier.';
COMMENT ON COLUMN innotrue.client_enrollments.status IS
    'active <-> paused -> completed | withdrawn; an active enrollment contributes its program plan to entitlements.';
COMMENT ON CONSTRAINT client_enrollments_id_user_key ON innotrue.client_enrollments IS
    'Target of (enrollment_id, user_id) foreign keys: a child row always belongs to the enrollment''s user.';

CREATE TABLE innotrue.module_progress (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    enrollment_id uuid NOT NULL,
    module_id     uuid NOT NULL REFERENCES innotrue.program_modules (id),
    status        text NOT NULL DEFAULT 'not_started'
        CONSTRAINT module_progress_status_check CHECK (status IN ('not_started', 'in_progress', 'completed', 'skipped')),
    started_at    timestamptz,
    completed_at  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT module_progress_enrollment_module_key UNIQUE (enrollment_id, module_id),
    CONSTRAINT module_progress_id_user_key UNIQUE (id, user_id),
    CONSTRAINT module_progress_enrollment_fkey FOREIGN KEY (enrollment_id, user_id)
        REFERENCES innotrue.client_enrollments (id, user_id) ON DELETE CASCADE,
    CONSTRAINT module_progress_completed_at_check CHECK (status <> 'completed' OR completed_at IS NOT NULL)
);
SELECT innotrue.register_table('module_progress', '5', 'user');
CREATE INDEX module_progress_user_id_idx ON innotrue.module_progress (user_id);
CREATE INDEX module_progress_module_id_idx ON innotrue.module_progress (module_id);
COMMENT ON TABLE innotrue.module_progress IS
    'Progress of one enrollment through one program module.';
COMMENT ON COLUMN innotrue.module_progress.module_id IS
    'A module of the enrollment''s program.';

-- Assignments
CREATE TABLE innotrue.module_assignments (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id            uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    module_progress_id uuid NOT NULL,
    module_id          uuid NOT NULL REFERENCES innotrue.program_modules (id),
    assignment_type_id uuid NOT NULL REFERENCES innotrue.module_assignment_types (id),
    status             text NOT NULL DEFAULT 'draft'
        CONSTRAINT module_assignments_status_check CHECK (status IN ('draft', 'submitted', 'reviewed', 'completed')),
    responses          jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT module_assignments_responses_check CHECK (jsonb_typeof(responses) = 'object'),
    overall_score      integer CONSTRAINT module_assignments_overall_score_check CHECK (overall_score >= 0),
    overall_comments   text,
    submitted_at       timestamptz,
    reviewed_at        timestamptz,
    reviewed_by        uuid REFERENCES innotrue.profiles (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT module_assignments_progress_type_key UNIQUE (module_progress_id, assignment_type_id),
    CONSTRAINT module_assignments_id_user_key UNIQUE (id, user_id),
    CONSTRAINT module_assignments_module_progress_fkey FOREIGN KEY (module_progress_id, user_id)
        REFERENCES innotrue.module_progress (id, user_id) ON DELETE CASCADE,
    CONSTRAINT module_assignments_submitted_at_check CHECK (status = 'draft' OR submitted_at IS NOT NULL)
);
SELECT innotrue.register_table('module_assignments', '5', 'user');
CREATE INDEX module_assignments_user_id_idx ON innotrue.module_assignments (user_id);
CREATE INDEX module_assignments_module_id_idx ON innotrue.module_assignments (module_id);
CREATE INDEX module_assignments_assignment_type_id_idx ON innotrue.module_assignments (assignment_type_id);
CREATE INDEX module_assignments_reviewed_by_idx ON innotrue.module_assignments (reviewed_by);
CREATE INDEX module_assignments_status_idx ON innotrue.module_assignments (status);
COMMENT ON TABLE innotrue.module_assignments IS
    'One assignment instance per module progress and assignment type: the client''s answers and the instructor''s grading.';
COMMENT ON COLUMN innotrue.module_assignments.responses IS
    'Answers keyed by the field ids of the assignment type''s structure.';
COMMENT ON COLUMN innotrue.module_assignments.overall_score IS
    'Instructor''s score; NULL until graded.';
COMMENT ON COLUMN innotrue.module_assignments.status IS
    'draft -> submitted -> reviewed -> completed.';
COMMENT ON COLUMN innotrue.module_assignments.reviewed_by IS
    'Instructor or coach who graded the assignment.';

CREATE TABLE innotrue.module_assignment_attachments (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    assignment_id uuid NOT NULL,
    storage_path  text NOT NULL CONSTRAINT module_assignment_attachments_storage_path_check CHECK (btrim(storage_path) <> ''),
    file_name     text NOT NULL CONSTRAINT module_assignment_attachments_file_name_check CHECK (btrim(file_name) <> ''),
    content_type  text,
    size_bytes    bigint CONSTRAINT module_assignment_attachments_size_bytes_check CHECK (size_bytes >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT module_assignment_attachments_assignment_fkey FOREIGN KEY (assignment_id, user_id)
        REFERENCES innotrue.module_assignments (id, user_id) ON DELETE CASCADE
);
SELECT innotrue.register_table('module_assignment_attachments', '5', 'user');
CREATE INDEX module_assignment_attachments_user_id_idx ON innotrue.module_assignment_attachments (user_id);
CREATE INDEX module_assignment_attachments_assignment_id_idx ON innotrue.module_assignment_attachments (assignment_id);
COMMENT ON TABLE innotrue.module_assignment_attachments IS
    'Files a client uploaded with an assignment submission.';
COMMENT ON COLUMN innotrue.module_assignment_attachments.storage_path IS
    'Object path inside the module-assignment-attachments bucket.';

-- 5.5 Coach assignments
CREATE TABLE innotrue.program_coaches (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    program_id uuid NOT NULL REFERENCES innotrue.programs (id),
    role       text NOT NULL DEFAULT 'coach' CONSTRAINT program_coaches_role_check CHECK (role IN ('coach', 'instructor')),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT program_coaches_user_program_role_key UNIQUE (user_id, program_id, role)
);
SELECT innotrue.register_table('program_coaches', '5', 'user');
CREATE INDEX program_coaches_user_id_idx ON innotrue.program_coaches (user_id);
CREATE INDEX program_coaches_program_id_idx ON innotrue.program_coaches (program_id);
COMMENT ON TABLE innotrue.program_coaches IS
    'Programs a coach or instructor works in.';
COMMENT ON COLUMN innotrue.program_coaches.user_id IS
    'The coach or instructor.';

CREATE TABLE innotrue.client_coaches (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    coach_id    uuid NOT NULL REFERENCES innotrue.profiles (id),
    assigned_at timestamptz NOT NULL DEFAULT now(),
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT client_coaches_coach_id_check CHECK (coach_id <> user_id)
);
SELECT innotrue.register_table('client_coaches', '5', 'user');
CREATE INDEX client_coaches_user_id_idx ON innotrue.client_coaches (user_id);
CREATE INDEX client_coaches_coach_id_idx ON innotrue.client_coaches (coach_id);
CREATE UNIQUE INDEX client_coaches_one_active_idx ON innotrue.client_coaches (user_id, coach_id) WHERE is_active;
COMMENT ON TABLE innotrue.client_coaches IS
    'Direct assignment of a coach to a client; at most one active row per client and coach (inactive rows keep the history).';
COMMENT ON COLUMN innotrue.client_coaches.user_id IS
    'The client.';

CREATE TABLE innotrue.coach_instructor_requests (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id        uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    program_id     uuid REFERENCES innotrue.programs (id),
    requested_role text NOT NULL CONSTRAINT coach_instructor_requests_requested_role_check CHECK (requested_role IN ('coach', 'instructor')),
    message        text,
    status         text NOT NULL DEFAULT 'pending'
        CONSTRAINT coach_instructor_requests_status_check CHECK (status IN ('pending', 'approved', 'declined')),
    reviewed_by    uuid REFERENCES innotrue.profiles (id),
    reviewed_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('coach_instructor_requests', '5', 'user');
CREATE INDEX coach_instructor_requests_user_id_idx ON innotrue.coach_instructor_requests (user_id);
CREATE INDEX coach_instructor_requests_program_id_idx ON innotrue.coach_instructor_requests (program_id);
CREATE INDEX coach_instructor_requests_reviewed_by_idx ON innotrue.coach_instructor_requests (reviewed_by);
CREATE INDEX coach_instructor_requests_status_idx ON innotrue.coach_instructor_requests (status);
COMMENT ON TABLE innotrue.coach_instructor_requests IS
    'A client''s request for a coach or instructor, optionally for one program; an admin approves or declines it.';
COMMENT ON COLUMN innotrue.coach_instructor_requests.user_id IS
    'The requesting client.';
COMMENT ON COLUMN innotrue.coach_instructor_requests.reviewed_by IS
    'Admin who approved or declined the request.';

CREATE TABLE innotrue.coach_module_feedback (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id            uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    coach_id           uuid NOT NULL REFERENCES innotrue.profiles (id),
    module_progress_id uuid NOT NULL,
    template_id        uuid REFERENCES innotrue.module_feedback_templates (id),
    content            text,
    template_responses jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT coach_module_feedback_template_responses_check CHECK (jsonb_typeof(template_responses) = 'object'),
    status             text NOT NULL DEFAULT 'draft'
        CONSTRAINT coach_module_feedback_status_check CHECK (status IN ('draft', 'published')),
    published_at       timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT coach_module_feedback_id_user_key UNIQUE (id, user_id),
    CONSTRAINT coach_module_feedback_module_progress_fkey FOREIGN KEY (module_progress_id, user_id)
        REFERENCES innotrue.module_progress (id, user_id) ON DELETE CASCADE,
    CONSTRAINT coach_module_feedback_coach_id_check CHECK (coach_id <> user_id),
    CONSTRAINT coach_module_feedback_published_at_check CHECK (status <> 'published' OR published_at IS NOT NULL)
);
SELECT innotrue.register_table('coach_module_feedback', '5', 'user');
CREATE INDEX coach_module_feedback_user_id_idx ON innotrue.coach_module_feedback (user_id);
CREATE INDEX coach_module_feedback_coach_id_idx ON innotrue.coach_module_feedback (coach_id);
CREATE INDEX coach_module_feedback_module_progress_id_idx ON innotrue.coach_module_feedback (module_progress_id);
CREATE INDEX coach_module_feedback_template_id_idx ON innotrue.coach_module_feedback (template_id);
COMMENT ON TABLE innotrue.coach_module_feedback IS
    'A coach''s feedback to a client on one module of an enrollment (module_progress), optionally structured by a feedback template; the client sees it once published.';
COMMENT ON COLUMN innotrue.coach_module_feedback.user_id IS
    'The client receiving the feedback.';
COMMENT ON COLUMN innotrue.coach_module_feedback.content IS
    'Free-text feedback.';
COMMENT ON COLUMN innotrue.coach_module_feedback.template_responses IS
    'Answers to the template''s fields, keyed by field id; {} without a template.';

CREATE TABLE innotrue.coach_feedback_attachments (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    feedback_id  uuid NOT NULL,
    storage_path text NOT NULL CONSTRAINT coach_feedback_attachments_storage_path_check CHECK (btrim(storage_path) <> ''),
    file_name    text NOT NULL CONSTRAINT coach_feedback_attachments_file_name_check CHECK (btrim(file_name) <> ''),
    content_type text,
    size_bytes   bigint CONSTRAINT coach_feedback_attachments_size_bytes_check CHECK (size_bytes >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT coach_feedback_attachments_feedback_fkey FOREIGN KEY (feedback_id, user_id)
        REFERENCES innotrue.coach_module_feedback (id, user_id) ON DELETE CASCADE
);
SELECT innotrue.register_table('coach_feedback_attachments', '5', 'user');
CREATE INDEX coach_feedback_attachments_user_id_idx ON innotrue.coach_feedback_attachments (user_id);
CREATE INDEX coach_feedback_attachments_feedback_id_idx ON innotrue.coach_feedback_attachments (feedback_id);
COMMENT ON TABLE innotrue.coach_feedback_attachments IS
    'Files a coach attached to module feedback.';
COMMENT ON COLUMN innotrue.coach_feedback_attachments.user_id IS
    'The client who owns the feedback.';
COMMENT ON COLUMN innotrue.coach_feedback_attachments.storage_path IS
    'Object path inside the coach-feedback-attachments bucket.';

-- Goal system
CREATE TABLE innotrue.goals (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    title       text NOT NULL CONSTRAINT goals_title_check CHECK (btrim(title) <> ''),
    description text,
    category    text NOT NULL DEFAULT 'personal'
        CONSTRAINT goals_category_check CHECK (category IN ('career', 'health', 'learning', 'financial', 'personal', 'relationships', 'other')),
    status      text NOT NULL DEFAULT 'not_started'
        CONSTRAINT goals_status_check CHECK (status IN ('not_started', 'in_progress', 'completed', 'abandoned')),
    target_date date,
    progress    integer NOT NULL DEFAULT 0 CONSTRAINT goals_progress_check CHECK (progress BETWEEN 0 AND 100),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT goals_id_user_key UNIQUE (id, user_id)
);
SELECT innotrue.register_table('goals', '5', 'user');
CREATE INDEX goals_user_id_idx ON innotrue.goals (user_id);
COMMENT ON TABLE innotrue.goals IS
    'Client goals; not feature-gated (every authenticated user has goals).';
COMMENT ON COLUMN innotrue.goals.category IS
    'The guide''s goal_category enum (values not listed there): career, health, learning, financial, personal, relationships, other.';
COMMENT ON COLUMN innotrue.goals.progress IS
    'Percent complete, 0 to 100.';

CREATE TABLE innotrue.goal_milestones (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    goal_id      uuid NOT NULL,
    title        text NOT NULL CONSTRAINT goal_milestones_title_check CHECK (btrim(title) <> ''),
    description  text,
    due_date     date,
    is_completed boolean NOT NULL DEFAULT false,
    completed_at timestamptz,
    order_index  integer NOT NULL DEFAULT 0 CONSTRAINT goal_milestones_order_index_check CHECK (order_index >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT goal_milestones_goal_fkey FOREIGN KEY (goal_id, user_id)
        REFERENCES innotrue.goals (id, user_id) ON DELETE CASCADE
);
SELECT innotrue.register_table('goal_milestones', '5', 'user');
CREATE INDEX goal_milestones_user_id_idx ON innotrue.goal_milestones (user_id);
CREATE INDEX goal_milestones_goal_id_idx ON innotrue.goal_milestones (goal_id);
COMMENT ON TABLE innotrue.goal_milestones IS
    'Ordered sub-goals of a goal.';

CREATE TABLE innotrue.goal_resources (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    goal_id      uuid NOT NULL,
    title        text NOT NULL CONSTRAINT goal_resources_title_check CHECK (btrim(title) <> ''),
    storage_path text CONSTRAINT goal_resources_storage_path_check CHECK (btrim(storage_path) <> ''),
    url          text CONSTRAINT goal_resources_url_check CHECK (url ~ '^https?://'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT goal_resources_goal_fkey FOREIGN KEY (goal_id, user_id)
        REFERENCES innotrue.goals (id, user_id) ON DELETE CASCADE,
    CONSTRAINT goal_resources_location_check CHECK (num_nonnulls(storage_path, url) = 1)
);
SELECT innotrue.register_table('goal_resources', '5', 'user');
CREATE INDEX goal_resources_user_id_idx ON innotrue.goal_resources (user_id);
CREATE INDEX goal_resources_goal_id_idx ON innotrue.goal_resources (goal_id);
COMMENT ON TABLE innotrue.goal_resources IS
    'A file or link attached to a goal: exactly one of storage_path and url.';
COMMENT ON COLUMN innotrue.goal_resources.storage_path IS
    'Object path inside the goal-resources bucket.';

CREATE TABLE innotrue.goal_comments (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    goal_id    uuid NOT NULL,
    author_id  uuid NOT NULL REFERENCES innotrue.profiles (id),
    body       text NOT NULL CONSTRAINT goal_comments_body_check CHECK (btrim(body) <> ''),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT goal_comments_goal_fkey FOREIGN KEY (goal_id, user_id)
        REFERENCES innotrue.goals (id, user_id) ON DELETE CASCADE
);
SELECT innotrue.register_table('goal_comments', '5', 'user');
CREATE INDEX goal_comments_user_id_idx ON innotrue.goal_comments (user_id);
CREATE INDEX goal_comments_goal_id_idx ON innotrue.goal_comments (goal_id);
CREATE INDEX goal_comments_author_id_idx ON innotrue.goal_comments (author_id);
COMMENT ON TABLE innotrue.goal_comments IS
    'Comments on a goal, usually from the client''s coach.';
COMMENT ON COLUMN innotrue.goal_comments.user_id IS
    'Owner of the goal (not necessarily the author).';
COMMENT ON COLUMN innotrue.goal_comments.author_id IS
    'Who wrote the comment: the goal owner or a coach.';

-- Wheel of Life
CREATE TABLE innotrue.wheel_of_life_ratings (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    category_id uuid NOT NULL REFERENCES innotrue.wheel_categories (id),
    assessed_on date NOT NULL DEFAULT current_date,
    rating      integer NOT NULL CONSTRAINT wheel_of_life_ratings_rating_check CHECK (rating BETWEEN 1 AND 10),
    notes       text,
    rated_at    timestamptz NOT NULL DEFAULT now(),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT wheel_of_life_ratings_user_assessed_category_key UNIQUE (user_id, assessed_on, category_id)
);
SELECT innotrue.register_table('wheel_of_life_ratings', '5', 'user');
CREATE INDEX wheel_of_life_ratings_user_id_idx ON innotrue.wheel_of_life_ratings (user_id);
CREATE INDEX wheel_of_life_ratings_category_id_idx ON innotrue.wheel_of_life_ratings (category_id);
COMMENT ON TABLE innotrue.wheel_of_life_ratings IS
    'Wheel of Life self-assessment: one rating per life area; the rows of one user and assessed_on date form one snapshot (one radar chart).';
COMMENT ON COLUMN innotrue.wheel_of_life_ratings.assessed_on IS
    'Snapshot key: the date of the assessment the rating belongs to.';
COMMENT ON COLUMN innotrue.wheel_of_life_ratings.rating IS
    'Satisfaction with the life area, 1 (lowest) to 10 (highest).';

-- Reference data ------------------------------------------------------------------------------

-- The guide's Storage Buckets Reference lists 15 buckets. Its checklist says "including
-- module-assessment-attachments": a typo of module-assignment-attachments (the Assignments section's
-- bucket), so no 16th bucket is created.
INSERT INTO innotrue.storage_buckets (id, name, feature_area, purpose, is_public)
SELECT innotrue.seed_id('storage_buckets', v.name), v.name, v.feature_area, v.purpose, v.is_public
FROM (VALUES
    ('module-assignment-attachments', 'Assignments', 'Client file uploads during submission', false),
    ('module-client-content', 'Modules', 'Module-level content files', false),
    ('module-reflection-resources', 'Reflections', 'Reflection resource files', false),
    ('coach-feedback-attachments', 'Coaching', 'Coach feedback file uploads', false),
    ('resource-library', 'Resources', 'Resource library file storage', false),
    ('goal-resources', 'Goals', 'Goal-related file uploads', false),
    ('task-note-resources', 'Tasks', 'Task note attachments', false),
    ('development-item-files', 'Development', 'Development item uploads', false),
    ('program-logos', 'Programs', 'Program and badge images', true),
    ('avatars', 'Users', 'Profile pictures', true),
    ('email-assets', 'Email', 'Email template assets', true),
    ('psychometric-assessments', 'Psychometric', 'Client-uploaded PDF results', false),
    ('session-attachments', 'Sessions', 'Session-related file uploads', false),
    ('scenario-attachments', 'Scenarios', 'Scenario-related files', false),
    ('wheel-pdfs', 'Wheel of Life', 'Generated Wheel PDF exports', false)
) AS v (name, feature_area, purpose, is_public);
