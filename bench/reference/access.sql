-- Reference implementation of innotrue.can_access_resource in plain SQL.
--
-- Written from the rules (docs/rules.md "Access", docs/access.md), independently of
-- src/access.c. It is NOT part of the extension: bench/ measures the C function against it
-- (access_inserver vs access_inserver_ref). The feature and plan-tier gates call the extension's
-- entitlement functions, as the C code does, so the comparison is of the access logic itself.
-- Load after CREATE EXTENSION innotrue:  psql -f bench/reference/access.sql
-- Lives in its own schema innotrue_ref_access (the other references drop and recreate innotrue_ref).

DROP SCHEMA IF EXISTS innotrue_ref_access CASCADE;
CREATE SCHEMA innotrue_ref_access;

CREATE FUNCTION innotrue_ref_access.can_access_resource(p_user uuid, p_resource uuid)
RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce((
        SELECT CASE
            WHEN r.created_by = p_user THEN true
            WHEN EXISTS (SELECT 1 FROM innotrue.user_roles ur WHERE ur.user_id = p_user AND ur.role = 'admin') THEN true
            WHEN NOT r.is_active OR r.visibility = 'private' THEN false
            WHEN r.visibility = 'enrolled' AND NOT EXISTS (
                SELECT 1
                  FROM innotrue.client_enrollments e
                  JOIN innotrue.resource_library_programs l ON l.program_id = e.program_id AND l.resource_id = r.id
                 WHERE e.user_id = p_user
                   AND (e.status = 'active'
                        OR (e.status = 'completed' AND e.completed_at + make_interval(days => coalesce(
                                (SELECT (s.value #>> '{}')::integer FROM innotrue.system_settings s
                                  WHERE s.key = 'alumni_grace_days'), 90)) >= now()))
                   AND (NOT EXISTS (SELECT 1 FROM innotrue.resource_library_program_tiers t
                                     WHERE t.resource_id = r.id AND t.program_id = e.program_id)
                        OR EXISTS (SELECT 1 FROM innotrue.resource_library_program_tiers t
                                    WHERE t.resource_id = r.id AND t.program_id = e.program_id
                                      AND t.tier_name = e.tier_name))) THEN false
            WHEN r.feature_key IS NOT NULL AND NOT innotrue.has_feature(p_user, r.feature_key) THEN false
            WHEN r.min_plan_tier IS NOT NULL
                 AND coalesce(innotrue.effective_plan_tier(p_user) >= r.min_plan_tier, false) IS NOT TRUE THEN false
            ELSE true
        END
          FROM innotrue.resource_library r
         WHERE r.id = p_resource AND p_user IS NOT NULL), false)
$$;
COMMENT ON FUNCTION innotrue_ref_access.can_access_resource(uuid, uuid) IS
    'Plain-SQL reference of innotrue.can_access_resource (benchmark baseline and oracle).';
