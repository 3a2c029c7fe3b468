-- Restorable by an ordinary pg_restore or psql, guarded against application DDL on the extension's
-- tables, and not dropped with its data by accident (src/ddl_guard.c; docs/operations.md "Backup and
-- restore", "Application DDL", "Dropping the extension"). 99_finalize.sql attaches restore_guard to
-- every dumped table.

CREATE FUNCTION innotrue.restore_guard()
RETURNS trigger
LANGUAGE C
VOLATILE PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'innotrue_restore_guard';
COMMENT ON FUNCTION innotrue.restore_guard() IS
    'BEFORE INSERT FOR EACH STATEMENT trigger on every dumped table: in a restore session (row_security and check_function_bodies turned off by the session, as pg_restore and pg_dump scripts do) it sets session_replication_role = replica for the rest of the session when the login and current roles are superusers, and refuses the write otherwise (42501). Does nothing in any other session.';
REVOKE ALL ON FUNCTION innotrue.restore_guard() FROM PUBLIC;

CREATE FUNCTION innotrue.ddl_guard()
RETURNS event_trigger
LANGUAGE C
VOLATILE PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'innotrue_ddl_guard';
COMMENT ON FUNCTION innotrue.ddl_guard() IS
    'Event triggers innotrue_ddl_guard (ddl_command_start) and innotrue_grant_guard (ddl_command_end of GRANT): refuses DDL on the tables of schema innotrue (42501) unless the extension''s own script runs it, the statement is enable/disable_row_level_security''s own (innotrue_* policies, ENABLE/DISABLE ROW LEVEL SECURITY) or innotrue.allow_table_ddl() was called in the transaction; refuses DROP EXTENSION innotrue while user data exists (2BP01) unless innotrue.confirm_drop() was called; checks at commit that a GRANT left no privileges on an innotrue table without row-level security (0LP01); in a superuser''s restore session revokes such a replayed grant instead.';
REVOKE ALL ON FUNCTION innotrue.ddl_guard() FROM PUBLIC;

CREATE EVENT TRIGGER innotrue_ddl_guard ON ddl_command_start EXECUTE FUNCTION innotrue.ddl_guard();
-- A GRANT a superuser's restore session replays on a table whose policies are not applied (a
-- schema-only restore) is revoked again once it ran.
CREATE EVENT TRIGGER innotrue_grant_guard ON ddl_command_end WHEN TAG IN ('GRANT')
    EXECUTE FUNCTION innotrue.ddl_guard();
-- Both also fire with session_replication_role = replica (restores).
ALTER EVENT TRIGGER innotrue_ddl_guard ENABLE ALWAYS;
ALTER EVENT TRIGGER innotrue_grant_guard ENABLE ALWAYS;

CREATE FUNCTION innotrue.allow_table_ddl()
RETURNS void
LANGUAGE C
VOLATILE PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'innotrue_allow_table_ddl';
COMMENT ON FUNCTION innotrue.allow_table_ddl() IS
    'Lets the current transaction run DDL on the tables of extension innotrue (superusers only, 42501). Such changes are not dumped: a restore loses them or fails (docs/operations.md, "Application DDL").';
REVOKE ALL ON FUNCTION innotrue.allow_table_ddl() FROM PUBLIC;

CREATE FUNCTION innotrue.confirm_drop()
RETURNS void
LANGUAGE C
VOLATILE PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'innotrue_confirm_drop';
COMMENT ON FUNCTION innotrue.confirm_drop() IS
    'Lets DROP EXTENSION innotrue in the current transaction delete the extension''s data (superusers only, 42501). Without it DROP EXTENSION innotrue, with or without CASCADE, refuses while user data exists (2BP01).';
REVOKE ALL ON FUNCTION innotrue.confirm_drop() FROM PUBLIC;

-- Nobody is granted these (docs/security.md): triggers, and superuser-only switches checked in C.
INSERT INTO innotrue.privilege_decisions (object_type, object_name, doc, reason)
VALUES ('function', 'restore_guard()', 'docs/operations.md', 'trigger'),
       ('function', 'ddl_guard()', 'docs/operations.md', 'event trigger'),
       ('function', 'allow_table_ddl()', 'docs/operations.md', 'superusers only'),
       ('function', 'confirm_drop()', 'docs/operations.md', 'superusers only');
