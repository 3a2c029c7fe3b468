-- innotrue layer 5: what users do with the configured content. Capability snapshots and their
-- ratings, peer-assessment configuration, public/self assessment responses, psychometric interest
-- and uploads, scenario work and evaluations, resource usage, in-app notifications and preferences.
--
-- References to a second user (an evaluator, the person who assigned work) are ON DELETE SET NULL:
-- erasing that person keeps the client's history. The owner's user_id cascades as everywhere.

-- Capability assessments (system A): one snapshot per completed (or draft) rating session
CREATE TABLE innotrue.capability_snapshots (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id            uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    assessment_id      uuid NOT NULL REFERENCES innotrue.capability_assessments (id),
    evaluator_id       uuid REFERENCES innotrue.profiles (id) ON DELETE SET NULL,
    is_self_assessment boolean NOT NULL DEFAULT true,
    status             text NOT NULL DEFAULT 'draft'
        CONSTRAINT capability_snapshots_status_check CHECK (status IN ('draft', 'completed')),
    module_progress_id uuid,
    title              text,
    notes              text,
    overall_score      numeric(6,2),
    passed             boolean,
    completed_at       timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT capability_snapshots_evaluator_check
        CHECK (NOT is_self_assessment OR evaluator_id IS NULL),
    CONSTRAINT capability_snapshots_evaluator_not_self_check
        CHECK (evaluator_id IS DISTINCT FROM user_id),
    CONSTRAINT capability_snapshots_completed_at_check
        CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
    CONSTRAINT capability_snapshots_id_user_assessment_key UNIQUE (id, user_id, assessment_id),
    CONSTRAINT capability_snapshots_module_progress_fkey FOREIGN KEY (module_progress_id, user_id)
        REFERENCES innotrue.module_progress (id, user_id)
);
SELECT innotrue.register_table('capability_snapshots', '5', 'user');
CREATE INDEX capability_snapshots_user_id_idx ON innotrue.capability_snapshots (user_id, assessment_id, completed_at);
CREATE INDEX capability_snapshots_assessment_id_idx ON innotrue.capability_snapshots (assessment_id);
CREATE INDEX capability_snapshots_evaluator_id_idx ON innotrue.capability_snapshots (evaluator_id);
CREATE INDEX capability_snapshots_module_progress_id_idx ON innotrue.capability_snapshots (module_progress_id);
COMMENT ON TABLE innotrue.capability_snapshots IS
    'One capability-assessment instance: a client rated by themselves or by an evaluator at a point in time; snapshots of the same assessment are compared over time (radar and evolution charts).';
COMMENT ON COLUMN innotrue.capability_snapshots.user_id IS
    'The client who is rated (for a self-assessment also the rater).';
COMMENT ON COLUMN innotrue.capability_snapshots.evaluator_id IS
    'Instructor, coach or peer who rated the client; NULL for a self-assessment (and after the evaluator''s account is erased). Never the client.';
COMMENT ON COLUMN innotrue.capability_snapshots.is_self_assessment IS
    'true = the client rated themselves (evaluator_id must be NULL); false = evaluator or peer rating.';
COMMENT ON COLUMN innotrue.capability_snapshots.status IS
    'draft while ratings are entered; completed (with completed_at) once submitted.';
COMMENT ON COLUMN innotrue.capability_snapshots.module_progress_id IS
    'Module progress row (of the same client) when the snapshot was taken from a module-linked assessment (program_modules.capability_assessment_id).';
COMMENT ON CONSTRAINT capability_snapshots_id_user_assessment_key ON innotrue.capability_snapshots IS
    'Target of (snapshot_id, user_id, assessment_id) foreign keys: a rating always belongs to the snapshot''s client and rates a question or domain of the snapshot''s assessment.';
COMMENT ON COLUMN innotrue.capability_snapshots.overall_score IS
    'Mean of all question ratings, on the assessment''s scale. numeric(6,2) on purpose: a score is an average of ratings, not money or credits.';
COMMENT ON COLUMN innotrue.capability_snapshots.passed IS
    'Pass/fail result when the assessment has pass/fail enabled (overall or per domain); NULL when not applicable or not yet computed.';

CREATE TABLE innotrue.snapshot_question_ratings (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    snapshot_id   uuid NOT NULL,
    user_id       uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    assessment_id uuid NOT NULL,
    question_id   uuid NOT NULL,
    rating        integer NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT snapshot_question_ratings_snapshot_question_key UNIQUE (snapshot_id, question_id),
    CONSTRAINT snapshot_question_ratings_snapshot_fkey FOREIGN KEY (snapshot_id, user_id, assessment_id)
        REFERENCES innotrue.capability_snapshots (id, user_id, assessment_id) ON DELETE CASCADE,
    CONSTRAINT snapshot_question_ratings_question_fkey FOREIGN KEY (question_id, assessment_id)
        REFERENCES innotrue.capability_domain_questions (id, assessment_id)
);
SELECT innotrue.register_table('snapshot_question_ratings', '5', 'user');
CREATE INDEX snapshot_question_ratings_user_id_idx ON innotrue.snapshot_question_ratings (user_id);
CREATE INDEX snapshot_question_ratings_question_id_idx ON innotrue.snapshot_question_ratings (question_id);
COMMENT ON TABLE innotrue.snapshot_question_ratings IS
    'Slider rating of one question within a snapshot; one row per snapshot and question.';
COMMENT ON COLUMN innotrue.snapshot_question_ratings.user_id IS
    'The rated client (copied from the snapshot).';
COMMENT ON COLUMN innotrue.snapshot_question_ratings.assessment_id IS
    'The snapshot''s assessment, repeated so the composite foreign keys make the question one of that assessment''s.';
COMMENT ON COLUMN innotrue.snapshot_question_ratings.rating IS
    'Slider value; must lie within the assessment''s scale_min..scale_max (checked by later work: the bounds live on the assessment).';

CREATE TABLE innotrue.snapshot_domain_ratings (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    snapshot_id   uuid NOT NULL,
    user_id       uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    assessment_id uuid NOT NULL,
    domain_id     uuid NOT NULL,
    average_score numeric(6,2) NOT NULL,
    passed        boolean,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT snapshot_domain_ratings_snapshot_domain_key UNIQUE (snapshot_id, domain_id),
    CONSTRAINT snapshot_domain_ratings_snapshot_fkey FOREIGN KEY (snapshot_id, user_id, assessment_id)
        REFERENCES innotrue.capability_snapshots (id, user_id, assessment_id) ON DELETE CASCADE,
    CONSTRAINT snapshot_domain_ratings_domain_fkey FOREIGN KEY (domain_id, assessment_id)
        REFERENCES innotrue.capability_domains (id, assessment_id)
);
SELECT innotrue.register_table('snapshot_domain_ratings', '5', 'user');
CREATE INDEX snapshot_domain_ratings_user_id_idx ON innotrue.snapshot_domain_ratings (user_id);
CREATE INDEX snapshot_domain_ratings_domain_id_idx ON innotrue.snapshot_domain_ratings (domain_id);
COMMENT ON TABLE innotrue.snapshot_domain_ratings IS
    'Per-domain score of a snapshot (mean of the domain''s question ratings); one row per snapshot and domain.';
COMMENT ON COLUMN innotrue.snapshot_domain_ratings.user_id IS
    'The rated client (copied from the snapshot).';
COMMENT ON COLUMN innotrue.snapshot_domain_ratings.assessment_id IS
    'The snapshot''s assessment, repeated so the composite foreign keys make the domain one of that assessment''s.';
COMMENT ON COLUMN innotrue.snapshot_domain_ratings.average_score IS
    'Mean of the domain''s question ratings (weighted by question type where configured), on the assessment''s scale. numeric(6,2): a mean, not money.';
COMMENT ON COLUMN innotrue.snapshot_domain_ratings.passed IS
    'Domain pass/fail when the assessment uses pass_fail_mode per_domain; NULL otherwise.';

CREATE TABLE innotrue.group_peer_assessments (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    group_id      uuid NOT NULL REFERENCES innotrue.groups (id) ON DELETE CASCADE,
    assessment_id uuid NOT NULL REFERENCES innotrue.capability_assessments (id),
    is_active     boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT group_peer_assessments_group_assessment_key UNIQUE (group_id, assessment_id)
);
SELECT innotrue.register_table('group_peer_assessments', '5', 'user');
CREATE INDEX group_peer_assessments_user_id_idx ON innotrue.group_peer_assessments (user_id);
CREATE INDEX group_peer_assessments_assessment_id_idx ON innotrue.group_peer_assessments (assessment_id);
COMMENT ON TABLE innotrue.group_peer_assessments IS
    'Capability assessments that members of a group may use to rate each other (peer evaluation, access path 4); one row per group and assessment, deleted with the group (it is part of the group''s set-up).';
COMMENT ON COLUMN innotrue.group_peer_assessments.user_id IS
    'The user (group leader, instructor or admin) who configured peer assessment for the group.';
COMMENT ON COLUMN innotrue.group_peer_assessments.is_active IS
    'false = kept for history, members can no longer start new peer ratings.';

-- Assessment definitions (system B): answers of public and scored self-assessments
CREATE TABLE innotrue.assessment_responses (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    definition_id    uuid NOT NULL REFERENCES innotrue.assessment_definitions (id),
    user_id          uuid REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    respondent_email text CONSTRAINT assessment_responses_respondent_email_check
        CHECK (respondent_email ~ '^[^@\s]+@[^@\s]+$' AND respondent_email = lower(respondent_email)),
    answers          jsonb NOT NULL CONSTRAINT assessment_responses_answers_check CHECK (jsonb_typeof(answers) = 'object'),
    dimension_scores jsonb NOT NULL CONSTRAINT assessment_responses_dimension_scores_check CHECK (jsonb_typeof(dimension_scores) = 'object'),
    interpretations  jsonb NOT NULL CONSTRAINT assessment_responses_interpretations_check CHECK (jsonb_typeof(interpretations) = 'array'),
    created_at       timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('assessment_responses', '5', 'internal');
CREATE INDEX assessment_responses_definition_id_idx ON innotrue.assessment_responses (definition_id);
CREATE INDEX assessment_responses_user_id_idx ON innotrue.assessment_responses (user_id);
CREATE INDEX assessment_responses_respondent_email_idx ON innotrue.assessment_responses (respondent_email);
COMMENT ON TABLE innotrue.assessment_responses IS
    'One answered assessment definition with its server-computed dimension scores and matched interpretations. Kind internal, not user: public assessments are taken without an account, so user_id may be NULL (the only layer-5 activity table where it may).';
COMMENT ON COLUMN innotrue.assessment_responses.user_id IS
    'The signed-in respondent; NULL for an anonymous respondent of a public assessment (/public-assessment/:slug).';
COMMENT ON COLUMN innotrue.assessment_responses.respondent_email IS
    'E-mail captured from a public respondent (lower case) for the PDF result; optional.';
COMMENT ON COLUMN innotrue.assessment_responses.answers IS
    'JSON object question id -> chosen option id (or array of option ids for multi-select).';
COMMENT ON COLUMN innotrue.assessment_responses.dimension_scores IS
    'JSON object dimension key -> summed score of the chosen options (computed server-side from assessment_option_scores).';
COMMENT ON COLUMN innotrue.assessment_responses.interpretations IS
    'JSON array of the matched interpretations (id, title, text), highest priority first.';

-- Psychometric assessments (system C): interest, uploaded results and their shares
CREATE TABLE innotrue.assessment_interest_registrations (
    id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id                    uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    psychometric_assessment_id uuid NOT NULL REFERENCES innotrue.psychometric_assessments (id),
    status                     text NOT NULL DEFAULT 'pending'
        CONSTRAINT assessment_interest_registrations_status_check
        CHECK (status IN ('pending', 'contacted', 'completed', 'declined')),
    notes                      text,
    contacted_at               timestamptz,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT assessment_interest_registrations_contacted_at_check
        CHECK ((status = 'pending') = (contacted_at IS NULL))
);
SELECT innotrue.register_table('assessment_interest_registrations', '5', 'user');
CREATE INDEX assessment_interest_registrations_user_id_idx ON innotrue.assessment_interest_registrations (user_id);
CREATE INDEX assessment_interest_registrations_psychometric_idx
    ON innotrue.assessment_interest_registrations (psychometric_assessment_id);
CREATE UNIQUE INDEX assessment_interest_registrations_open_idx
    ON innotrue.assessment_interest_registrations (user_id, psychometric_assessment_id)
    WHERE status IN ('pending', 'contacted');
COMMENT ON TABLE innotrue.assessment_interest_registrations IS
    'A client''s interest in an external psychometric assessment, worked by an admin; at most one open (pending or contacted) registration per user and assessment.';
COMMENT ON COLUMN innotrue.assessment_interest_registrations.status IS
    'pending -> contacted -> completed | declined.';
COMMENT ON COLUMN innotrue.assessment_interest_registrations.notes IS
    'Admin notes about the contact.';
COMMENT ON COLUMN innotrue.assessment_interest_registrations.contacted_at IS
    'When the admin contacted the client; set exactly when the status is past pending.';

CREATE TABLE innotrue.user_assessments (
    id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id                    uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    psychometric_assessment_id uuid REFERENCES innotrue.psychometric_assessments (id),
    title                      text NOT NULL CONSTRAINT user_assessments_title_check CHECK (btrim(title) <> ''),
    storage_path               text NOT NULL UNIQUE
        CONSTRAINT user_assessments_storage_path_check CHECK (storage_path ~ '^[^/\s][^\s]*$'),
    completed_on               date,
    notes                      text,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_assessments_id_user_key UNIQUE (id, user_id)
);
SELECT innotrue.register_table('user_assessments', '5', 'user');
CREATE INDEX user_assessments_user_id_idx ON innotrue.user_assessments (user_id);
CREATE INDEX user_assessments_psychometric_assessment_id_idx ON innotrue.user_assessments (psychometric_assessment_id);
COMMENT ON TABLE innotrue.user_assessments IS
    'Result PDFs of external psychometric assessments uploaded by a client (My Assessments).';
COMMENT ON COLUMN innotrue.user_assessments.psychometric_assessment_id IS
    'Catalog entry the result belongs to; NULL for an assessment that is not in the catalog.';
COMMENT ON COLUMN innotrue.user_assessments.storage_path IS
    'Object path inside the psychometric-assessments storage bucket (no leading slash).';
COMMENT ON COLUMN innotrue.user_assessments.completed_on IS
    'Date the client took the external assessment.';

CREATE TABLE innotrue.user_assessment_shares (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_assessment_id uuid NOT NULL,
    user_id            uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    shared_with_id     uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_assessment_shares_user_assessment_shared_with_key UNIQUE (user_assessment_id, shared_with_id),
    CONSTRAINT user_assessment_shares_shared_with_id_check CHECK (shared_with_id <> user_id),
    CONSTRAINT user_assessment_shares_user_assessment_fkey FOREIGN KEY (user_assessment_id, user_id)
        REFERENCES innotrue.user_assessments (id, user_id) ON DELETE CASCADE
);
SELECT innotrue.register_table('user_assessment_shares', '5', 'user');
CREATE INDEX user_assessment_shares_user_id_idx ON innotrue.user_assessment_shares (user_id);
CREATE INDEX user_assessment_shares_shared_with_id_idx ON innotrue.user_assessment_shares (shared_with_id);
COMMENT ON TABLE innotrue.user_assessment_shares IS
    'An uploaded psychometric result shared with one coach or instructor; one row per result and recipient.';
COMMENT ON COLUMN innotrue.user_assessment_shares.user_id IS
    'The owner of the shared result (copied from user_assessments).';
COMMENT ON COLUMN innotrue.user_assessment_shares.shared_with_id IS
    'The coach or instructor who may read the result; never the owner. The share disappears with their account.';

-- Teaching scenarios: assignments, section/paragraph responses and their evaluations
CREATE TABLE innotrue.scenario_assignments (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    template_id   uuid NOT NULL REFERENCES innotrue.scenario_templates (id),
    assigned_by   uuid REFERENCES innotrue.profiles (id) ON DELETE SET NULL,
    enrollment_id uuid,
    module_id     uuid REFERENCES innotrue.program_modules (id),
    status        text NOT NULL DEFAULT 'draft'
        CONSTRAINT scenario_assignments_status_check CHECK (status IN ('draft', 'submitted', 'in_review', 'evaluated')),
    attempt       integer NOT NULL DEFAULT 1 CONSTRAINT scenario_assignments_attempt_check CHECK (attempt >= 1),
    overall_notes text,
    submitted_at  timestamptz,
    evaluated_at  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT scenario_assignments_user_template_attempt_key UNIQUE (user_id, template_id, attempt),
    CONSTRAINT scenario_assignments_submitted_at_check CHECK ((status = 'draft') = (submitted_at IS NULL)),
    CONSTRAINT scenario_assignments_evaluated_at_check CHECK ((status = 'evaluated') = (evaluated_at IS NOT NULL)),
    CONSTRAINT scenario_assignments_id_user_template_key UNIQUE (id, user_id, template_id),
    CONSTRAINT scenario_assignments_enrollment_fkey FOREIGN KEY (enrollment_id, user_id)
        REFERENCES innotrue.client_enrollments (id, user_id)
);
SELECT innotrue.register_table('scenario_assignments', '5', 'user');
CREATE INDEX scenario_assignments_user_id_idx ON innotrue.scenario_assignments (user_id);
CREATE INDEX scenario_assignments_template_id_idx ON innotrue.scenario_assignments (template_id);
CREATE INDEX scenario_assignments_assigned_by_idx ON innotrue.scenario_assignments (assigned_by);
CREATE INDEX scenario_assignments_enrollment_id_idx ON innotrue.scenario_assignments (enrollment_id);
CREATE INDEX scenario_assignments_module_id_idx ON innotrue.scenario_assignments (module_id);
COMMENT ON TABLE innotrue.scenario_assignments IS
    'A scenario template assigned to a client (individually, for an enrollment or through a module); a revision is a new row with the next attempt number.';
COMMENT ON COLUMN innotrue.scenario_assignments.user_id IS
    'The client who works on the scenario.';
COMMENT ON COLUMN innotrue.scenario_assignments.enrollment_id IS
    'Enrollment (of the same client) the scenario was assigned for; NULL = assigned individually.';
COMMENT ON COLUMN innotrue.scenario_assignments.module_id IS
    'Program module the scenario belongs to, if assigned through a module.';
COMMENT ON COLUMN innotrue.scenario_assignments.assigned_by IS
    'Instructor or admin who assigned it; NULL once their account is erased.';
COMMENT ON COLUMN innotrue.scenario_assignments.status IS
    'draft -> submitted -> in_review -> evaluated; submitted_at is set once past draft, evaluated_at exactly when evaluated.';
COMMENT ON COLUMN innotrue.scenario_assignments.attempt IS
    'Attempt number, 1 for the first; unique per client and template.';
COMMENT ON COLUMN innotrue.scenario_assignments.overall_notes IS
    'Instructor''s overall feedback.';

CREATE TABLE innotrue.scenario_responses (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    assignment_id uuid NOT NULL,
    user_id       uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    template_id   uuid NOT NULL,
    section_id    uuid NOT NULL,
    paragraph_id  uuid,
    response_text text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT scenario_responses_assignment_section_paragraph_key
        UNIQUE NULLS NOT DISTINCT (assignment_id, section_id, paragraph_id),
    CONSTRAINT scenario_responses_id_user_key UNIQUE (id, user_id),
    CONSTRAINT scenario_responses_assignment_fkey FOREIGN KEY (assignment_id, user_id, template_id)
        REFERENCES innotrue.scenario_assignments (id, user_id, template_id) ON DELETE CASCADE,
    CONSTRAINT scenario_responses_section_fkey FOREIGN KEY (section_id, template_id)
        REFERENCES innotrue.scenario_sections (id, template_id),
    CONSTRAINT scenario_responses_paragraph_fkey FOREIGN KEY (paragraph_id, template_id)
        REFERENCES innotrue.section_paragraphs (id, template_id)
);
SELECT innotrue.register_table('scenario_responses', '5', 'user');
CREATE INDEX scenario_responses_user_id_idx ON innotrue.scenario_responses (user_id);
CREATE INDEX scenario_responses_template_id_idx ON innotrue.scenario_responses (template_id);
CREATE INDEX scenario_responses_section_id_idx ON innotrue.scenario_responses (section_id);
CREATE INDEX scenario_responses_paragraph_id_idx ON innotrue.scenario_responses (paragraph_id);
COMMENT ON TABLE innotrue.scenario_responses IS
    'The guide''s "paragraph responses": a client''s text answer to one section (or one paragraph of it) of an assigned scenario; one row per assignment, section and paragraph.';
COMMENT ON COLUMN innotrue.scenario_responses.user_id IS
    'The client (copied from the assignment).';
COMMENT ON COLUMN innotrue.scenario_responses.template_id IS
    'The assignment''s template, repeated so the composite foreign keys make the section and paragraph parts of that template.';
COMMENT ON COLUMN innotrue.scenario_responses.paragraph_id IS
    'Paragraph answered (a paragraph of the same template; that it lies in section_id is checked by later work); NULL = an answer to the section as a whole.';
COMMENT ON COLUMN innotrue.scenario_responses.response_text IS
    'The client''s answer; may be empty while the assignment is a draft.';

CREATE TABLE innotrue.paragraph_evaluations (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    response_id  uuid NOT NULL,
    user_id      uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    evaluator_id uuid REFERENCES innotrue.profiles (id) ON DELETE SET NULL,
    rating       integer,
    comment      text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT paragraph_evaluations_response_evaluator_key UNIQUE (response_id, evaluator_id),
    CONSTRAINT paragraph_evaluations_content_check CHECK (rating IS NOT NULL OR coalesce(btrim(comment), '') <> ''),
    CONSTRAINT paragraph_evaluations_response_fkey FOREIGN KEY (response_id, user_id)
        REFERENCES innotrue.scenario_responses (id, user_id) ON DELETE CASCADE
);
SELECT innotrue.register_table('paragraph_evaluations', '5', 'user');
CREATE INDEX paragraph_evaluations_user_id_idx ON innotrue.paragraph_evaluations (user_id);
CREATE INDEX paragraph_evaluations_evaluator_id_idx ON innotrue.paragraph_evaluations (evaluator_id);
COMMENT ON TABLE innotrue.paragraph_evaluations IS
    'An instructor''s rating and/or comment on one scenario response; one per response and evaluator.';
COMMENT ON COLUMN innotrue.paragraph_evaluations.user_id IS
    'The evaluated client (owner of the response).';
COMMENT ON COLUMN innotrue.paragraph_evaluations.evaluator_id IS
    'Instructor who evaluated; NULL once their account is erased.';
COMMENT ON COLUMN innotrue.paragraph_evaluations.rating IS
    'Rating on the linked capability assessment''s scale (scale_min..scale_max, checked by later work); NULL = comment only.';

-- Resources: usage tracking
CREATE TABLE innotrue.resource_usage_tracking (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    resource_id     uuid NOT NULL REFERENCES innotrue.resource_library (id),
    action          text NOT NULL CONSTRAINT resource_usage_tracking_action_check CHECK (action IN ('view', 'download', 'unlock')),
    credits_charged integer NOT NULL DEFAULT 0 CONSTRAINT resource_usage_tracking_credits_charged_check CHECK (credits_charged >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT resource_usage_tracking_charge_check CHECK (action = 'unlock' OR credits_charged = 0)
);
SELECT innotrue.register_table('resource_usage_tracking', '5', 'user');
CREATE INDEX resource_usage_tracking_user_id_idx ON innotrue.resource_usage_tracking (user_id, created_at);
CREATE INDEX resource_usage_tracking_resource_id_idx ON innotrue.resource_usage_tracking (resource_id, created_at);
CREATE UNIQUE INDEX resource_usage_tracking_unlock_idx ON innotrue.resource_usage_tracking (user_id, resource_id)
    WHERE action = 'unlock';
COMMENT ON TABLE innotrue.resource_usage_tracking IS
    'Who viewed, downloaded or unlocked which resource and when. A consumable resource is unlocked at most once per user; only an unlock can charge credits.';
COMMENT ON COLUMN innotrue.resource_usage_tracking.action IS
    'view | download | unlock (the one-time credit-charged unlock of a consumable resource).';
COMMENT ON COLUMN innotrue.resource_usage_tracking.credits_charged IS
    'Credits deducted for an unlock (0 when enrolment in a linked program waived the cost); always 0 for view and download.';

-- Notifications: in-app notifications and per-type channel preferences
CREATE TABLE innotrue.notifications (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    type_id    uuid NOT NULL REFERENCES innotrue.notification_types (id),
    title      text NOT NULL CONSTRAINT notifications_title_check CHECK (btrim(title) <> ''),
    body       text,
    payload    jsonb NOT NULL DEFAULT '{}' CONSTRAINT notifications_payload_check CHECK (jsonb_typeof(payload) = 'object'),
    read_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('notifications', '5', 'user');
CREATE INDEX notifications_user_id_idx ON innotrue.notifications (user_id, created_at);
CREATE INDEX notifications_unread_idx ON innotrue.notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_type_id_idx ON innotrue.notifications (type_id);
COMMENT ON TABLE innotrue.notifications IS
    'In-app notifications of a user (the bell); e-mail delivery of the same event is handled by the sending functions.';
COMMENT ON COLUMN innotrue.notifications.payload IS
    'JSON object with the event''s data (ids, names, links) used to render and deep-link the notification.';
COMMENT ON COLUMN innotrue.notifications.read_at IS
    'When the user read it; NULL = unread.';

CREATE TABLE innotrue.notification_preferences (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    type_id    uuid NOT NULL REFERENCES innotrue.notification_types (id),
    channel    text NOT NULL CONSTRAINT notification_preferences_channel_check CHECK (channel IN ('in_app', 'email')),
    enabled    boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT notification_preferences_user_type_channel_key UNIQUE (user_id, type_id, channel)
);
SELECT innotrue.register_table('notification_preferences', '5', 'user');
CREATE INDEX notification_preferences_user_id_idx ON innotrue.notification_preferences (user_id);
CREATE INDEX notification_preferences_type_id_idx ON innotrue.notification_preferences (type_id);
COMMENT ON TABLE innotrue.notification_preferences IS
    'A user''s choice per notification type and channel; no row = the type''s default (notification_types.default_in_app / default_email). Critical types (is_critical) are sent whatever this says.';
COMMENT ON COLUMN innotrue.notification_preferences.channel IS
    'in_app (the bell) or email.';
