-- innotrue: resource access (src/access.c) and row-level security for every table.
-- Rules: platform-rules.md "Resource access" and "Users"; catalogue and decisions: docs/access.md.
--
-- Policies are not created here but by innotrue.enable_row_level_security(app_role), after
-- installation, from the rules in innotrue.rls_table_rules. pg_dump (15) writes neither the
-- policies nor the row-security flag of an extension's tables, so a restored database would come
-- back unprotected: enable_row_level_security therefore records the role in
-- innotrue.rls_app_roles, a configuration table that is dumped, and restoring its row (an ALWAYS
-- trigger, so it also fires under session_replication_role = replica) applies the policies again.
-- test/roundtrip/dump-restore-rls proves the round trip.

-- The credit service unlock_resource charges: one credit a unit, quantity = the resource's
-- credit_cost (the price stays in the database, never from the caller).
INSERT INTO innotrue.credit_services (id, key, name, description, category, credit_cost)
VALUES (innotrue.seed_id('credit_services', 'resource_unlock'), 'resource_unlock', 'Resource Unlock',
        'Unlocking a consumable library resource; charged credit_cost units of 1 credit (innotrue.unlock_resource).',
        'other', 1);

-- Single-row check --------------------------------------------------------------------------

CREATE FUNCTION innotrue.can_access_resource(user_id uuid, resource_id uuid)
RETURNS boolean
LANGUAGE C
STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'innotrue_can_access_resource';
COMMENT ON FUNCTION innotrue.can_access_resource(uuid, uuid) IS
    'Whether a user may see a library resource. Not found, NULL user or NULL id -> false; creator or admin -> true; inactive or private -> false; public -> any user; enrolled -> an active enrollment (or completed within system_settings.alumni_grace_days) in a linked program at an allowed tier; then the feature_key must be granted (has_feature) and the effective plan tier reach min_plan_tier. No side effects.';

CREATE FUNCTION innotrue.can_access_resource(resource_id uuid)
RETURNS boolean
LANGUAGE C
STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'innotrue_can_access_resource_current';
COMMENT ON FUNCTION innotrue.can_access_resource(uuid) IS
    'can_access_resource for innotrue.current_user_id(); false for an anonymous caller.';

CREATE FUNCTION innotrue.unlock_resource(user_id uuid, resource_id uuid)
RETURNS jsonb
LANGUAGE C
VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_unlock_resource';
COMMENT ON FUNCTION innotrue.unlock_resource(uuid, uuid) IS
    'Unlocks a resource the user can access: a consumable one is charged credit_cost once through deduct_credits (service resource_unlock; waived for enrollees of a linked program) and recorded as action unlock; a repeat charges nothing; a free one is recorded as a view. Returns {resource_id, consumable, already_unlocked, waived, credits_charged}. Errors: unknown resource 42704, no access 42501, NULL argument 22004, shortfall as deduct_credits.';
-- Charging another user's credits is for trusted callers only; applications use the
-- current-user variant below.
REVOKE EXECUTE ON FUNCTION innotrue.unlock_resource(uuid, uuid) FROM PUBLIC;

CREATE FUNCTION innotrue.unlock_resource(resource_id uuid)
RETURNS jsonb
LANGUAGE sql
VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS $$ SELECT innotrue.unlock_resource(innotrue.current_user_id(), unlock_resource.resource_id) $$;
COMMENT ON FUNCTION innotrue.unlock_resource(uuid) IS
    'unlock_resource for innotrue.current_user_id(); an anonymous caller gets error 22004.';

-- Set-based helpers for policies ---------------------------------------------------------------
-- Each is called once per query as an InitPlan ((SELECT innotrue.f())) and compared with an
-- indexed column, never once per row. SECURITY DEFINER: they read tables that are themselves under
-- RLS (a policy on user_roles asking user_roles would recurse); they only ever answer about the
-- current user.

CREATE FUNCTION innotrue.is_admin()
RETURNS boolean
LANGUAGE sql
STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM innotrue.user_roles r
                    WHERE r.user_id = innotrue.current_user_id() AND r.role = 'admin')
$$;
COMMENT ON FUNCTION innotrue.is_admin() IS
    'Whether innotrue.current_user_id() has the admin role (user_roles); false for an anonymous caller.';

CREATE FUNCTION innotrue.my_admin_resource_key()
RETURNS text
LANGUAGE sql
STABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN innotrue.is_admin() THEN '' END $$;
COMMENT ON FUNCTION innotrue.my_admin_resource_key() IS
    'Policy helper: '''' for an admin (every visibility value is >= it), NULL otherwise (no row matches). Lets the admin branch of the resource_library policy be an index condition on visibility, so the other branches keep their index scans.';

CREATE FUNCTION innotrue.my_feature_keys()
RETURNS text[]
LANGUAGE sql
STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
    SELECT coalesce(array_agg(e.feature_key ORDER BY e.feature_key), '{}')
      FROM innotrue.resolve_entitlements(innotrue.current_user_id(), now()) e
     WHERE e.enabled AND NOT e.denied
$$;
COMMENT ON FUNCTION innotrue.my_feature_keys() IS
    'Keys of the features resolve_entitlements grants the current user (enabled, not denied); empty for an anonymous caller.';

-- The enrolled branch of the resource policy needs "is this resource linked to a program I am
-- enrolled in, at an allowed tier" as an index probe with a once-per-query value. A list of the
-- user's resource ids compared with id = ANY (...) is index-usable but its recheck is a linear
-- search per row (only constant arrays are hashed): with thousands of linked resources that costs
-- more than the scan. So each resource carries its access tokens, maintained from
-- resource_library_programs and resource_library_program_tiers: '<program_id>' for a linked program
-- without tier rows, '<program_id>:<tier>' for each allowed tier; a user holds '<program_id>' and
-- '<program_id>:<tier>' for each enrollment that counts. A shared token = the enrollment opens the
-- resource (can_access_resource compares them; access_tokens below adds the gates for the policy).
ALTER TABLE innotrue.resource_library ADD COLUMN program_access text[] NOT NULL DEFAULT '{}';
COMMENT ON COLUMN innotrue.resource_library.program_access IS
    'Access tokens derived from resource_library_programs and resource_library_program_tiers (kept by triggers, never written directly): <program_id> for a linked program open to every tier, <program_id>:<tier> for each tier a linked program is restricted to. can_access_resource matches them with the tokens of the user''s enrollments; access_tokens adds the gates for the row-level security policy.';

CREATE FUNCTION innotrue.resource_program_access(resource_id uuid)
RETURNS text[]
LANGUAGE sql
STABLE PARALLEL SAFE STRICT
AS $$
    SELECT coalesce(array_agg(t.token ORDER BY t.token), '{}')
      FROM (SELECT l.program_id::text AS token
              FROM innotrue.resource_library_programs l
             WHERE l.resource_id = resource_program_access.resource_id
               AND NOT EXISTS (SELECT 1 FROM innotrue.resource_library_program_tiers pt
                                WHERE pt.resource_id = l.resource_id AND pt.program_id = l.program_id)
            UNION ALL
            SELECT pt.program_id::text || ':' || pt.tier_name
              FROM innotrue.resource_library_program_tiers pt
             WHERE pt.resource_id = resource_program_access.resource_id) t
$$;
COMMENT ON FUNCTION innotrue.resource_program_access(uuid) IS
    'The program_access tokens a resource should carry, from its program links and tier lists.';

CREATE FUNCTION innotrue.refresh_resource_program_access()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
BEGIN
    -- Only the transition tables of the firing event exist; each branch names only those.
    IF TG_OP = 'INSERT' THEN
        UPDATE innotrue.resource_library r SET program_access = innotrue.resource_program_access(r.id)
         WHERE r.id IN (SELECT n.resource_id FROM new_rows n);
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE innotrue.resource_library r SET program_access = innotrue.resource_program_access(r.id)
         WHERE r.id IN (SELECT o.resource_id FROM old_rows o)
           AND r.program_access IS DISTINCT FROM innotrue.resource_program_access(r.id);
    ELSE
        UPDATE innotrue.resource_library r SET program_access = innotrue.resource_program_access(r.id)
         WHERE r.id IN (SELECT n.resource_id FROM new_rows n UNION SELECT o.resource_id FROM old_rows o);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION innotrue.refresh_resource_program_access() IS
    'Statement trigger on resource_library_programs and resource_library_program_tiers: recomputes resource_library.program_access of the resources whose links or tier lists changed.';
CREATE TRIGGER resource_program_access_insert AFTER INSERT ON innotrue.resource_library_programs
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION innotrue.refresh_resource_program_access();
CREATE TRIGGER resource_program_access_update AFTER UPDATE ON innotrue.resource_library_programs
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION innotrue.refresh_resource_program_access();
CREATE TRIGGER resource_program_access_delete AFTER DELETE ON innotrue.resource_library_programs
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION innotrue.refresh_resource_program_access();
CREATE TRIGGER resource_program_access_insert AFTER INSERT ON innotrue.resource_library_program_tiers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION innotrue.refresh_resource_program_access();
CREATE TRIGGER resource_program_access_update AFTER UPDATE ON innotrue.resource_library_program_tiers
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION innotrue.refresh_resource_program_access();
CREATE TRIGGER resource_program_access_delete AFTER DELETE ON innotrue.resource_library_program_tiers
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION innotrue.refresh_resource_program_access();

CREATE FUNCTION innotrue.my_program_access()
RETURNS text[]
LANGUAGE sql
STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
    SELECT coalesce(array_agg(DISTINCT t.token), '{}')
      FROM innotrue.client_enrollments e
      CROSS JOIN LATERAL (VALUES (e.program_id::text), (e.program_id::text || ':' || e.tier_name)) t (token)
     WHERE e.user_id = innotrue.current_user_id() AND t.token IS NOT NULL
       AND (e.status = 'active'
            OR (e.status = 'completed'
                AND e.completed_at + make_interval(days => coalesce(
                        (SELECT (s.value #>> '{}')::integer FROM innotrue.system_settings s
                          WHERE s.key = 'alumni_grace_days'), 90)) >= now()))
$$;
COMMENT ON FUNCTION innotrue.my_program_access() IS
    'Access tokens of the current user: <program_id> and <program_id>:<tier> of each enrollment that counts (active, or completed within alumni_grace_days); the enrolled branch of the resource_library policy matches them against resource_library.program_access.';

-- The resource policy is three index conditions and nothing else (no filter): the creator
-- (created_by), the admin (visibility) and everything else as one overlap of access tokens (GIN).
-- access_tokens folds visibility, activity, program links and tiers and the feature and plan-tier
-- gates of a row into tokens '<base>/<feature_key>/<min_plan_tier>' (empty text where there is no
-- gate), with base 'public' for a public resource and each program_access token for an enrolled
-- one; none for a private or inactive one. A user holds '<base>/<feature>/<tier>' for every base
-- they have ('public' and their my_program_access() tokens), every feature they are granted and ''
-- and every tier from 0 to their effective plan tier and ''. Overlap = the row is visible.
CREATE FUNCTION innotrue.resource_access_tokens(visibility text, is_active boolean, program_access text[],
                                                feature_key text, min_plan_tier integer)
RETURNS text[]
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN resource_access_tokens.is_active AND resource_access_tokens.visibility <> 'private' THEN
               ARRAY(SELECT b.base || '/' || coalesce(resource_access_tokens.feature_key, '') || '/'
                            || coalesce(resource_access_tokens.min_plan_tier::text, '')
                       FROM unnest(CASE resource_access_tokens.visibility WHEN 'public' THEN ARRAY['public']
                                        ELSE resource_access_tokens.program_access END) b (base)
                      ORDER BY 1)
           ELSE '{}' END
$$;
COMMENT ON FUNCTION innotrue.resource_access_tokens(text, boolean, text[], text, integer) IS
    'The access_tokens of a resource row: <base>/<feature_key>/<min_plan_tier> for base public (a public resource) or each program_access token (an enrolled one); empty for a private or inactive resource. Expression of the generated column resource_library.access_tokens.';

ALTER TABLE innotrue.resource_library ADD COLUMN access_tokens text[] NOT NULL
    GENERATED ALWAYS AS (innotrue.resource_access_tokens(visibility, is_active, program_access, feature_key, min_plan_tier)) STORED;
COMMENT ON COLUMN innotrue.resource_library.access_tokens IS
    'Generated from visibility, is_active, program_access, feature_key and min_plan_tier (innotrue.resource_access_tokens): who besides the creator and admins may see the row, as tokens the row-level security policy overlaps with innotrue.my_access_tokens() through a GIN index.';
CREATE INDEX resource_library_access_tokens_idx ON innotrue.resource_library USING gin (access_tokens);
-- my_access_tokens only makes tokens for plan tiers some resource requires (and features some
-- resource is gated on): a GIN overlap costs in proportion to the number of tokens asked for.
CREATE INDEX resource_library_min_plan_tier_idx ON innotrue.resource_library (min_plan_tier)
    WHERE min_plan_tier IS NOT NULL;

CREATE FUNCTION innotrue.my_access_tokens()
RETURNS text[]
LANGUAGE sql
STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
    SELECT CASE WHEN innotrue.current_user_id() IS NULL THEN '{}' ELSE ARRAY(
        SELECT b.base || '/' || f.feature || '/' || t.tier
          FROM unnest('public'::text || innotrue.my_program_access()) b (base),
               unnest(''::text || ARRAY(SELECT k.key FROM unnest(innotrue.my_feature_keys()) k (key)
                                   WHERE EXISTS (SELECT 1 FROM innotrue.resource_library r WHERE r.feature_key = k.key))) f (feature),
               unnest(''::text || ARRAY(SELECT g.tier::text FROM generate_series(0, innotrue.effective_plan_tier()) g (tier)
                                   WHERE EXISTS (SELECT 1 FROM innotrue.resource_library r WHERE r.min_plan_tier = g.tier))) t (tier)
         ORDER BY 1) END
$$;
COMMENT ON FUNCTION innotrue.my_access_tokens() IS
    'Access tokens of the current user for the resource_library policy: <base>/<feature>/<tier> for base public and each my_program_access() token, feature '''' and each feature my_feature_keys() grants that some resource is gated on, tier '''' and each tier from 0 to effective_plan_tier() that some resource requires; empty for an anonymous caller.';

CREATE FUNCTION innotrue.my_client_ids()
RETURNS uuid[]
LANGUAGE sql
STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
    SELECT coalesce(array_agg(DISTINCT c.user_id), '{}')
      FROM (SELECT cc.user_id FROM innotrue.client_coaches cc
             WHERE cc.coach_id = innotrue.current_user_id() AND cc.is_active
            UNION
            SELECT e.user_id FROM innotrue.program_coaches pc
              JOIN innotrue.client_enrollments e ON e.program_id = pc.program_id
             WHERE pc.user_id = innotrue.current_user_id() AND e.status IN ('active', 'paused')) c
$$;
COMMENT ON FUNCTION innotrue.my_client_ids() IS
    'Users whose data the current user sees as their coach or instructor: active client_coaches rows naming them as coach, and open (active or paused) enrollees of the programs they coach (program_coaches).';

CREATE FUNCTION innotrue.my_organization_ids(managers_only boolean)
RETURNS uuid[]
LANGUAGE sql
STABLE PARALLEL SAFE STRICT SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
    SELECT coalesce(array_agg(m.organization_id), '{}')
      FROM innotrue.organization_members m
     WHERE m.user_id = innotrue.current_user_id() AND m.status = 'active'
       AND (NOT my_organization_ids.managers_only OR m.role IN ('org_admin', 'org_manager'))
$$;
COMMENT ON FUNCTION innotrue.my_organization_ids(boolean) IS
    'Organizations the current user is an active member of; with managers_only, only those where they are org_admin or org_manager.';

CREATE FUNCTION innotrue.my_org_shared_user_ids(area text)
RETURNS uuid[]
LANGUAGE sql
STABLE PARALLEL SAFE STRICT SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
    SELECT coalesce(array_agg(DISTINCT c.user_id), '{}')
      FROM innotrue.member_sharing_consent c
      JOIN innotrue.organization_members m
        ON m.organization_id = c.organization_id AND m.user_id = c.user_id AND m.status = 'active'
     WHERE c.organization_id = ANY (innotrue.my_organization_ids(true))
       AND CASE my_org_shared_user_ids.area
               WHEN 'profile' THEN c.share_profile
               WHEN 'enrollments' THEN c.share_enrollments
               WHEN 'progress' THEN c.share_progress
               WHEN 'assessments' THEN c.share_assessments
               WHEN 'goals' THEN c.share_goals
           END
$$;
COMMENT ON FUNCTION innotrue.my_org_shared_user_ids(text) IS
    'Active members of the organizations the current user manages (org_admin, org_manager) who consented (member_sharing_consent.share_<area>) to share that area: profile, enrollments, progress, assessments or goals.';

-- Supporting indexes: every policy predicate is an index probe.
CREATE INDEX client_coaches_coach_active_idx ON innotrue.client_coaches (coach_id) WHERE is_active;
CREATE INDEX organization_members_organization_id_idx ON innotrue.organization_members (organization_id, status);

-- The rules -----------------------------------------------------------------------------------

CREATE TABLE innotrue.rls_table_rules (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    table_name    text NOT NULL UNIQUE REFERENCES innotrue.schema_tables (table_name),
    owner_column  text CONSTRAINT rls_table_rules_owner_column_check CHECK (owner_column ~ '^[a-z][a-z0-9_]*$'),
    owner_access  text NOT NULL DEFAULT 'read'
        CONSTRAINT rls_table_rules_owner_access_check CHECK (owner_access IN ('read', 'insert', 'write')),
    coach_access  text NOT NULL DEFAULT 'none'
        CONSTRAINT rls_table_rules_coach_access_check CHECK (coach_access IN ('none', 'read', 'write')),
    org_share     text
        CONSTRAINT rls_table_rules_org_share_check
        CHECK (org_share IN ('profile', 'enrollments', 'progress', 'assessments', 'goals')),
    party_column  text CONSTRAINT rls_table_rules_party_column_check CHECK (party_column ~ '^[a-z][a-z0-9_]*$'),
    party_access  text NOT NULL DEFAULT 'read'
        CONSTRAINT rls_table_rules_party_access_check CHECK (party_access IN ('read', 'write')),
    org_column    text CONSTRAINT rls_table_rules_org_column_check CHECK (org_column ~ '^[a-z][a-z0-9_]*$'),
    org_access    text NOT NULL DEFAULT 'none'
        CONSTRAINT rls_table_rules_org_access_check
        CHECK (org_access IN ('none', 'managers_read', 'managers_write', 'members_read_managers_write')),
    config_read   boolean NOT NULL DEFAULT false,
    special       text CONSTRAINT rls_table_rules_special_check CHECK (special IN ('resource_library')),
    note          text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rls_table_rules_owner_access_column_check CHECK (owner_column IS NOT NULL OR owner_access = 'read'),
    CONSTRAINT rls_table_rules_org_share_owner_check CHECK (org_share IS NULL OR owner_column IS NOT NULL),
    CONSTRAINT rls_table_rules_coach_owner_check CHECK (coach_access = 'none' OR owner_column IS NOT NULL),
    CONSTRAINT rls_table_rules_org_access_column_check CHECK ((org_column IS NULL) = (org_access = 'none'))
);
SELECT innotrue.register_table('rls_table_rules', '5', 'configuration');
COMMENT ON TABLE innotrue.rls_table_rules IS
    'Row-level security rules per table, read by innotrue.enable_row_level_security(). One row per table of innotrue.schema_tables; admins (user_roles) always get every row of every table. docs/access.md lists the resulting policy catalogue.';
COMMENT ON COLUMN innotrue.rls_table_rules.owner_column IS
    'Column naming the user who owns a row (user_id; id for profiles); NULL = no owner access.';
COMMENT ON COLUMN innotrue.rls_table_rules.owner_access IS
    'read = the owner reads own rows; insert = reads and inserts them; write = reads, inserts, updates and deletes them.';
COMMENT ON COLUMN innotrue.rls_table_rules.coach_access IS
    'none, or read / write (select, update) of the rows of users the current user coaches (innotrue.my_client_ids()).';
COMMENT ON COLUMN innotrue.rls_table_rules.org_share IS
    'Sharing area (member_sharing_consent.share_<area>) under which org admins and managers read the rows of consenting members; NULL = never.';
COMMENT ON COLUMN innotrue.rls_table_rules.party_column IS
    'A second user column (coach_id, author_id, evaluator_id, shared_with_id) whose user reads the row, and with party_access write also inserts, updates and deletes it.';
COMMENT ON COLUMN innotrue.rls_table_rules.org_column IS
    'Column naming the owning organization, for org_access.';
COMMENT ON COLUMN innotrue.rls_table_rules.org_access IS
    'managers_read: org admins/managers read; managers_write: they also write; members_read_managers_write: every active member reads, managers write.';
COMMENT ON COLUMN innotrue.rls_table_rules.config_read IS
    'true = every authenticated user (non-NULL current_user_id) reads the table; writes stay with admins.';
COMMENT ON COLUMN innotrue.rls_table_rules.special IS
    'resource_library: the set-based resource policy that agrees with can_access_resource instead of config_read.';

-- Defaults by kind: configuration tables readable by authenticated users; user tables read by
-- their owner (user_id); organization tables managed by the organization's managers; internal
-- tables admin-only. The rows below refine them.
CREATE FUNCTION innotrue.add_default_rls_rules()
RETURNS integer
LANGUAGE sql
VOLATILE PARALLEL UNSAFE
AS $$
    WITH added AS (
        INSERT INTO innotrue.rls_table_rules (id, table_name, owner_column, config_read, org_column, org_access, note)
        SELECT innotrue.seed_id('rls_table_rules', t.table_name), t.table_name,
               CASE t.kind WHEN 'user' THEN 'user_id' END,
               t.kind = 'configuration',
               CASE t.kind WHEN 'organization' THEN 'organization_id' END,
               CASE t.kind WHEN 'organization' THEN 'managers_read' ELSE 'none' END,
               'default for kind ' || t.kind
          FROM innotrue.schema_tables t
         WHERE NOT EXISTS (SELECT 1 FROM innotrue.rls_table_rules r WHERE r.table_name = t.table_name)
        RETURNING 1)
    SELECT count(*)::integer FROM added
$$;
COMMENT ON FUNCTION innotrue.add_default_rls_rules() IS
    'Adds the rls_table_rules row of every registered table that has none, with the default of its kind (configuration: authenticated users read; user: the owner in user_id reads; organization: its managers read; internal: admins only). Returns how many were added; enable_row_level_security calls it first.';

-- Policy generation ---------------------------------------------------------------------------

-- Why a function returning rows rather than the policies themselves: the catalogue in
-- docs/access.md, the pgTAP policies_are tests and enable_row_level_security all read it.
CREATE FUNCTION innotrue.rls_policy_catalogue()
RETURNS TABLE (table_name text, policy_name text, command text, using_expr text, check_expr text)
LANGUAGE sql
STABLE PARALLEL SAFE
AS $$
    WITH r AS (
        SELECT r.*, quote_ident(r.owner_column) AS oc, quote_ident(r.party_column) AS pc,
               quote_ident(r.org_column) AS gc
          FROM innotrue.rls_table_rules r
    ), p (table_name, policy_name, command, using_expr, check_expr) AS (
        SELECT r.table_name, 'innotrue_admin_all', 'ALL', '(SELECT innotrue.is_admin())', '(SELECT innotrue.is_admin())'
          FROM r WHERE r.special IS NULL
        UNION ALL
        SELECT r.table_name, 'innotrue_admin_' || c.cmd, upper(c.cmd),
               CASE WHEN c.cmd <> 'insert' THEN '(SELECT innotrue.is_admin())' END,
               CASE WHEN c.cmd <> 'delete' THEN '(SELECT innotrue.is_admin())' END
          FROM r CROSS JOIN (VALUES ('insert'), ('update'), ('delete')) c (cmd)
         WHERE r.special = 'resource_library'
        UNION ALL
        SELECT r.table_name, 'innotrue_resource_read', 'SELECT',
               $p$created_by = (SELECT innotrue.current_user_id())$p$
               || $p$ OR access_tokens && (SELECT innotrue.my_access_tokens())::text[]$p$
               || $p$ OR visibility >= (SELECT innotrue.my_admin_resource_key())$p$,
               NULL
          FROM r WHERE r.special = 'resource_library'
        UNION ALL
        SELECT r.table_name, 'innotrue_authenticated_read', 'SELECT',
               '(SELECT innotrue.current_user_id()) IS NOT NULL', NULL
          FROM r WHERE r.config_read
        UNION ALL
        SELECT r.table_name, 'innotrue_owner_' || r.owner_access,
               CASE r.owner_access WHEN 'read' THEN 'SELECT' WHEN 'insert' THEN 'INSERT' ELSE 'ALL' END,
               CASE WHEN r.owner_access <> 'insert' THEN r.oc || ' = (SELECT innotrue.current_user_id())' END,
               CASE WHEN r.owner_access <> 'read' THEN r.oc || ' = (SELECT innotrue.current_user_id())' END
          FROM r WHERE r.owner_column IS NOT NULL
        UNION ALL
        -- an owner who may insert also reads own rows
        SELECT r.table_name, 'innotrue_owner_read', 'SELECT', r.oc || ' = (SELECT innotrue.current_user_id())', NULL
          FROM r WHERE r.owner_access = 'insert'
        UNION ALL
        SELECT r.table_name, 'innotrue_coach_read', 'SELECT', r.oc || ' = ANY ((SELECT innotrue.my_client_ids())::uuid[])', NULL
          FROM r WHERE r.coach_access <> 'none'
        UNION ALL
        SELECT r.table_name, 'innotrue_coach_update', 'UPDATE', r.oc || ' = ANY ((SELECT innotrue.my_client_ids())::uuid[])',
               r.oc || ' = ANY ((SELECT innotrue.my_client_ids())::uuid[])'
          FROM r WHERE r.coach_access = 'write'
        UNION ALL
        SELECT r.table_name, 'innotrue_org_shared_read', 'SELECT',
               format('%s = ANY ((SELECT innotrue.my_org_shared_user_ids(%L))::uuid[])', r.oc, r.org_share), NULL
          FROM r WHERE r.org_share IS NOT NULL
        UNION ALL
        SELECT r.table_name, 'innotrue_party_' || r.party_access, CASE r.party_access WHEN 'read' THEN 'SELECT' ELSE 'ALL' END,
               r.pc || ' = (SELECT innotrue.current_user_id())',
               CASE WHEN r.party_access = 'write' THEN r.pc || ' = (SELECT innotrue.current_user_id())' END
          FROM r WHERE r.party_column IS NOT NULL
        UNION ALL
        SELECT r.table_name, 'innotrue_org_members_read', 'SELECT',
               r.gc || ' = ANY ((SELECT innotrue.my_organization_ids(false))::uuid[])', NULL
          FROM r WHERE r.org_access = 'members_read_managers_write'
        UNION ALL
        SELECT r.table_name, 'innotrue_org_managers_' || CASE r.org_access WHEN 'managers_read' THEN 'read' ELSE 'write' END,
               CASE r.org_access WHEN 'managers_read' THEN 'SELECT' ELSE 'ALL' END,
               r.gc || ' = ANY ((SELECT innotrue.my_organization_ids(true))::uuid[])',
               CASE WHEN r.org_access <> 'managers_read' THEN r.gc || ' = ANY ((SELECT innotrue.my_organization_ids(true))::uuid[])' END
          FROM r WHERE r.org_access <> 'none'
    )
    SELECT p.table_name, p.policy_name, p.command, p.using_expr, p.check_expr
      FROM p
     ORDER BY p.table_name, p.policy_name
$$;
COMMENT ON FUNCTION innotrue.rls_policy_catalogue() IS
    'Every policy innotrue.enable_row_level_security() creates, derived from innotrue.rls_table_rules: table, policy name, command and the USING / WITH CHECK expressions.';

CREATE FUNCTION innotrue.require_role(app_role name)
RETURNS void
LANGUAGE plpgsql
STABLE PARALLEL SAFE
AS $$
BEGIN
    IF app_role IS NULL OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) THEN
        RAISE EXCEPTION 'role "%" does not exist', app_role
            USING ERRCODE = 'undefined_object',
                  HINT = 'Create the application role first, e.g. CREATE ROLE app NOLOGIN.';
    END IF;
END
$$;
COMMENT ON FUNCTION innotrue.require_role(name) IS
    'Raises 42704 unless app_role names an existing role; the argument check of the row-level security functions.';

CREATE FUNCTION innotrue.apply_row_level_security(app_role name)
RETURNS integer
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
DECLARE
    p record;
    t record;
    grantee text;
    created integer := 0;
BEGIN
    PERFORM innotrue.require_role(app_role);
    PERFORM innotrue.add_default_rls_rules();
    PERFORM innotrue.drop_rls_policies();
    -- Grants: the application role (and on Supabase anon and authenticated) gets table privileges;
    -- the policies decide which rows. service_role bypasses RLS by its BYPASSRLS attribute.
    FOR grantee IN
        SELECT r.rolname FROM pg_roles r
         WHERE r.rolname = app_role OR r.rolname IN ('anon', 'authenticated', 'service_role')
         ORDER BY r.rolname
    LOOP
        EXECUTE format('GRANT USAGE ON SCHEMA innotrue TO %I', grantee);
        FOR t IN SELECT table_name FROM innotrue.schema_tables ORDER BY table_name LOOP
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON innotrue.%I TO %I', t.table_name, grantee);
        END LOOP;
        EXECUTE format('GRANT EXECUTE ON FUNCTION innotrue.unlock_resource(uuid) TO %I', grantee);
        -- the registry tables: read by the generic triggers that run as the caller
        EXECUTE format('GRANT SELECT ON innotrue.schema_tables, innotrue.seed_rows TO %I', grantee);
    END LOOP;
    FOR t IN SELECT s.table_name FROM innotrue.schema_tables s
               JOIN pg_class c ON c.relname = s.table_name AND c.relnamespace = 'innotrue'::regnamespace
              WHERE NOT c.relrowsecurity ORDER BY s.table_name LOOP
        EXECUTE format('ALTER TABLE innotrue.%I ENABLE ROW LEVEL SECURITY', t.table_name);
    END LOOP;
    FOR p IN SELECT * FROM innotrue.rls_policy_catalogue() LOOP
        EXECUTE format('CREATE POLICY %I ON innotrue.%I FOR %s%s%s', p.policy_name, p.table_name, p.command,
                       ' USING (' || p.using_expr || ')', ' WITH CHECK (' || p.check_expr || ')');
        created := created + 1;
    END LOOP;
    RETURN created;
END
$$;
COMMENT ON FUNCTION innotrue.apply_row_level_security(name) IS
    'The work of enable_row_level_security: enables row-level security on every innotrue table, (re)creates the policies of innotrue.rls_policy_catalogue() and grants table privileges to app_role and, where they exist, to anon, authenticated and service_role. Returns the number of policies. Unknown role: error 42704.';

CREATE TABLE innotrue.rls_app_roles (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    role_name  name NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('rls_app_roles', '5', 'configuration');
COMMENT ON TABLE innotrue.rls_app_roles IS
    'Application roles row-level security was enabled for (enable_row_level_security). Dumped with the configuration; a restored row applies the policies again (trigger rls_app_roles_apply), since pg_dump does not carry the policies of extension tables.';

CREATE FUNCTION innotrue.rls_app_role_added()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
BEGIN
    PERFORM innotrue.apply_row_level_security(NEW.role_name);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION innotrue.rls_app_role_added() IS
    'AFTER INSERT trigger on rls_app_roles: applies the row-level security policies for the added role (enable_row_level_security, or pg_restore bringing the row back).';
CREATE TRIGGER rls_app_roles_apply AFTER INSERT ON innotrue.rls_app_roles
    FOR EACH ROW EXECUTE FUNCTION innotrue.rls_app_role_added();
ALTER TABLE innotrue.rls_app_roles ENABLE ALWAYS TRIGGER rls_app_roles_apply;
-- Enabled here (no policy: only its owner and superusers reach it), so that applying the
-- policies from its own trigger never has to ALTER the table that is being inserted into.
ALTER TABLE innotrue.rls_app_roles ENABLE ROW LEVEL SECURITY;

CREATE FUNCTION innotrue.enable_row_level_security(app_role name)
RETURNS integer
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
BEGIN
    PERFORM innotrue.require_role(app_role);
    -- A new row applies the policies through its trigger; a known role applies them again here.
    INSERT INTO innotrue.rls_app_roles (role_name) VALUES (app_role) ON CONFLICT (role_name) DO NOTHING;
    IF NOT FOUND THEN
        PERFORM innotrue.apply_row_level_security(app_role);
    END IF;
    RETURN (SELECT count(*)::integer FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
             WHERE c.relnamespace = 'innotrue'::regnamespace AND p.polname LIKE 'innotrue\_%');
END
$$;
COMMENT ON FUNCTION innotrue.enable_row_level_security(name) IS
    'Enables row-level security on every innotrue table, (re)creates the policies of innotrue.rls_policy_catalogue() and grants table privileges to app_role and, where they exist, to anon, authenticated and service_role (service_role bypasses RLS by its BYPASSRLS attribute). Records the role in rls_app_roles so that a restored dump gets the policies back. Idempotent; returns the number of policies. Unknown role: error 42704. Run by the database owner after CREATE EXTENSION (see docs/access.md).';



CREATE FUNCTION innotrue.drop_rls_policies()
RETURNS integer
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
DECLARE
    p record;
    dropped integer := 0;
BEGIN
    FOR p IN SELECT pol.polname, c.relname
               FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid
              WHERE c.relnamespace = 'innotrue'::regnamespace AND pol.polname LIKE 'innotrue\_%'
              ORDER BY c.relname, pol.polname
    LOOP
        EXECUTE format('DROP POLICY %I ON innotrue.%I', p.polname, p.relname);
        dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
END
$$;
COMMENT ON FUNCTION innotrue.drop_rls_policies() IS
    'Drops every innotrue_* policy on the innotrue tables (other policies are left alone); returns how many.';

CREATE FUNCTION innotrue.disable_row_level_security(app_role name)
RETURNS integer
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
DECLARE
    t record;
    dropped integer;
BEGIN
    PERFORM innotrue.require_role(app_role);
    DELETE FROM innotrue.rls_app_roles WHERE role_name = app_role;
    dropped := innotrue.drop_rls_policies();
    FOR t IN SELECT table_name FROM innotrue.schema_tables ORDER BY table_name LOOP
        -- rls_app_roles keeps its row security (it has no policy of its own anyway)
        IF t.table_name <> 'rls_app_roles' THEN
            EXECUTE format('ALTER TABLE innotrue.%I DISABLE ROW LEVEL SECURITY', t.table_name);
        END IF;
        EXECUTE format('REVOKE ALL ON innotrue.%I FROM %I', t.table_name, app_role);
    END LOOP;
    EXECUTE format('REVOKE EXECUTE ON FUNCTION innotrue.unlock_resource(uuid) FROM %I', app_role);
    EXECUTE format('REVOKE SELECT ON innotrue.schema_tables, innotrue.seed_rows FROM %I', app_role);
    EXECUTE format('REVOKE USAGE ON SCHEMA innotrue FROM %I', app_role);
    RETURN dropped;
END
$$;
COMMENT ON FUNCTION innotrue.disable_row_level_security(name) IS
    'Undoes enable_row_level_security for app_role: drops the innotrue_* policies, disables row-level security on every innotrue table and revokes app_role''s privileges. Returns the number of policies dropped. Unknown role: error 42704.';

-- The rules rows: every table registered so far (this file's included) gets its kind's default,
-- then the refinements below.
SELECT innotrue.add_default_rls_rules();

UPDATE innotrue.rls_table_rules r
   SET owner_column = coalesce(v.owner_column, r.owner_column),
       owner_access = v.owner_access, coach_access = v.coach_access, org_share = v.org_share,
       party_column = v.party_column, party_access = v.party_access,
       org_column = coalesce(v.org_column, r.org_column),
       org_access = coalesce(v.org_access, r.org_access),
       config_read = coalesce(v.config_read, r.config_read), special = v.special, note = v.note
  FROM (VALUES
    -- table, owner column, owner, coach, org share, party column, party, org column, org access, config read, special, note
    ('profiles', 'id', 'read', 'read', 'profile', NULL, 'read', NULL, NULL, NULL, NULL,
     'profile edits (plan_id) go through admins or SECURITY DEFINER functions'),
    ('platform_terms_acceptances', NULL, 'insert', 'none', NULL, NULL, 'read', NULL, NULL, NULL, NULL, 'a user accepts terms for themself'),
    ('user_roles', NULL, 'read', 'none', NULL, NULL, 'read', NULL, NULL, NULL, NULL, 'roles are granted by admins'),
    ('client_enrollments', NULL, 'read', 'read', 'enrollments', NULL, 'read', NULL, NULL, NULL, NULL, 'enrol through innotrue.enroll_in_program'),
    ('module_progress', NULL, 'write', 'read', 'progress', NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('module_assignments', NULL, 'write', 'write', 'progress', NULL, 'read', NULL, NULL, NULL, NULL, 'coaches review'),
    ('module_assignment_attachments', NULL, 'write', 'read', 'progress', NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('program_coaches', NULL, 'read', 'none', NULL, NULL, 'read', NULL, NULL, NULL, NULL, 'assigned by admins'),
    ('client_coaches', NULL, 'read', 'none', NULL, 'coach_id', 'read', NULL, NULL, NULL, NULL, 'assigned by admins'),
    ('coach_instructor_requests', NULL, 'insert', 'none', NULL, NULL, 'read', NULL, NULL, NULL, NULL, 'reviewed by admins'),
    ('coach_module_feedback', NULL, 'read', 'read', 'progress', 'coach_id', 'write', NULL, NULL, NULL, NULL, 'written by the coach'),
    ('coach_feedback_attachments', NULL, 'read', 'write', 'progress', NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('goals', NULL, 'write', 'read', 'goals', NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('goal_milestones', NULL, 'write', 'read', 'goals', NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('goal_resources', NULL, 'write', 'read', 'goals', NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('goal_comments', NULL, 'read', 'read', 'goals', 'author_id', 'write', NULL, NULL, NULL, NULL, 'comments belong to their author'),
    ('wheel_of_life_ratings', NULL, 'write', 'read', 'assessments', NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('organization_members', NULL, 'read', 'none', 'profile', NULL, 'read', 'organization_id', 'managers_write', NULL, NULL, NULL),
    ('member_sharing_consent', NULL, 'write', 'none', NULL, NULL, 'read', 'organization_id', 'managers_read', NULL, NULL, 'the member decides'),
    ('organizations', NULL, 'read', 'none', NULL, NULL, 'read', 'id', 'members_read_managers_write', NULL, NULL, NULL),
    ('org_invitations', NULL, 'read', 'none', NULL, NULL, 'read', NULL, 'managers_write', NULL, NULL, NULL),
    ('org_sponsored_enrollments', 'user_id', 'read', 'none', NULL, NULL, 'read', NULL, 'managers_read', NULL, NULL, 'sponsor through innotrue.sponsor_enrollment'),
    ('groups', NULL, 'write', 'none', NULL, NULL, 'read', NULL, NULL, NULL, NULL, 'the group''s creator'),
    ('sessions', NULL, 'write', 'write', NULL, NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('group_sessions', NULL, 'write', 'read', NULL, NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('cohort_sessions', NULL, 'write', 'read', NULL, NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('module_sessions', NULL, 'write', 'read', NULL, NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('session_module_links', NULL, 'write', 'read', NULL, NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('capability_snapshots', NULL, 'write', 'read', 'assessments', 'evaluator_id', 'read', NULL, NULL, NULL, NULL, NULL),
    ('snapshot_question_ratings', NULL, 'write', 'read', 'assessments', NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('snapshot_domain_ratings', NULL, 'write', 'read', 'assessments', NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('user_assessments', NULL, 'write', 'read', 'assessments', NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('user_assessment_shares', NULL, 'write', 'none', NULL, 'shared_with_id', 'read', NULL, NULL, NULL, NULL, NULL),
    ('assessment_interest_registrations', NULL, 'insert', 'none', NULL, NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('scenario_assignments', NULL, 'read', 'write', 'progress', NULL, 'read', NULL, NULL, NULL, NULL, 'assigned by coaches'),
    ('scenario_responses', NULL, 'write', 'read', 'progress', NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('paragraph_evaluations', NULL, 'read', 'read', 'progress', 'evaluator_id', 'write', NULL, NULL, NULL, NULL, NULL),
    ('notifications', NULL, 'write', 'none', NULL, NULL, 'read', NULL, NULL, NULL, NULL, 'marking read'),
    ('notification_preferences', NULL, 'write', 'none', NULL, NULL, 'read', NULL, NULL, NULL, NULL, NULL),
    ('credit_batches', 'user_id', 'read', 'none', NULL, NULL, 'read', 'organization_id', 'managers_read', false, NULL, 'balances; written by the credit functions'),
    ('credit_ledger', 'user_id', 'read', 'none', NULL, NULL, 'read', 'organization_id', 'managers_read', false, NULL, 'written by the credit functions'),
    ('assessment_option_scores', NULL, 'read', 'none', NULL, NULL, 'read', NULL, NULL, false, NULL,
     'the scoring matrix: admins only (platform-rules.md "Assessment scoring")'),
    ('rls_app_roles', NULL, 'read', 'none', NULL, NULL, 'read', NULL, NULL, false, NULL, 'deployment detail: admins only'),
    ('resource_library', NULL, 'read', 'none', NULL, NULL, 'read', NULL, NULL, false, 'resource_library',
     'visibility, programs, tiers, feature and plan tier: agrees with can_access_resource')
  ) AS v (table_name, owner_column, owner_access, coach_access, org_share, party_column, party_access,
          org_column, org_access, config_read, special, note)
 WHERE r.table_name = v.table_name;
