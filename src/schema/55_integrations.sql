-- innotrue layer 5: per-user records of the partially implemented integrations (guide: "Feature Area:
-- Integration-Specific Data"). The services themselves are configured outside the database.

CREATE TABLE innotrue.circle_community_sso (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    circle_member_id text NOT NULL UNIQUE CONSTRAINT circle_community_sso_circle_member_id_check CHECK (btrim(circle_member_id) <> ''),
    last_login_at    timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT circle_community_sso_user_key UNIQUE (user_id)
);
SELECT innotrue.register_table('circle_community_sso', '5', 'user');
CREATE INDEX circle_community_sso_user_id_idx ON innotrue.circle_community_sso (user_id);
COMMENT ON TABLE innotrue.circle_community_sso IS
    'Link between a user and their Circle community member (headless SSO); one per user.';
COMMENT ON COLUMN innotrue.circle_community_sso.circle_member_id IS
    'Member id in the Circle community (CIRCLE_COMMUNITY_ID); external, not a foreign key.';

CREATE TABLE innotrue.talentlms_user_mappings (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id            uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    talentlms_user_id  text NOT NULL UNIQUE CONSTRAINT talentlms_user_mappings_talentlms_user_id_check CHECK (btrim(talentlms_user_id) <> ''),
    talentlms_username text,
    last_synced_at     timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT talentlms_user_mappings_user_key UNIQUE (user_id)
);
SELECT innotrue.register_table('talentlms_user_mappings', '5', 'user');
CREATE INDEX talentlms_user_mappings_user_id_idx ON innotrue.talentlms_user_mappings (user_id);
COMMENT ON TABLE innotrue.talentlms_user_mappings IS
    'Link between a user and their TalentLMS account, for SSO and xAPI progress sync; one per user.';
COMMENT ON COLUMN innotrue.talentlms_user_mappings.talentlms_user_id IS
    'User id in TalentLMS (TALENTLMS_DOMAIN); external, not a foreign key.';

CREATE TABLE innotrue.user_external_links (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    service    text NOT NULL CONSTRAINT user_external_links_service_check CHECK (service IN ('lucid', 'google_drive', 'miro', 'mural')),
    url        text NOT NULL CONSTRAINT user_external_links_url_check CHECK (url ~ '^https://'),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_external_links_user_service_key UNIQUE (user_id, service)
);
SELECT innotrue.register_table('user_external_links', '5', 'user');
CREATE INDEX user_external_links_user_id_idx ON innotrue.user_external_links (user_id);
COMMENT ON TABLE innotrue.user_external_links IS
    'URL launchers an admin maps to a user (Lucid document, Google Drive folder, ...); one per user and service.';
