/*-------------------------------------------------------------------------
 *
 * ddl_guard.c
 *	  What keeps a database with innotrue restorable, and its data from
 *	  being dropped by accident (docs/operations.md "Backup and restore",
 *	  "Application DDL", "Dropping the extension"):
 *
 *	  - restore_guard, a BEFORE INSERT statement trigger on every dumped
 *	    table, recognises a restore session (pg_restore and pg_dump's plain
 *	    scripts turn row_security and check_function_bodies off with SET) and
 *	    switches it to session_replication_role = replica, so the business
 *	    triggers do not judge a consistent copy row by row.  Only a session
 *	    whose login and current role are superusers is switched (a superuser
 *	    may set that role anyway); any other restore session is refused
 *	    before its first row is written.
 *	  - the event trigger innotrue_ddl_guard refuses DDL on the extension's
 *	    tables (pg_dump writes none of it, so a restore would lose it or
 *	    fail) unless the extension's own script runs it or a superuser
 *	    allowed it for the transaction (innotrue.allow_table_ddl());
 *	  - it also refuses DROP EXTENSION innotrue while user data exists,
 *	    unless a superuser confirmed it in the transaction
 *	    (innotrue.confirm_drop());
 *	  - a GRANT on an innotrue table is checked when its transaction
 *	    commits: a role that does not bypass row-level security may hold
 *	    privileges on a table only while row-level security is enabled on it.
 *	    A schema-only restore brings the grants back without the policies
 *	    (they come with the rls_app_roles rows): in a superuser's restore
 *	    session such a grant is revoked again right after it ran.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "commands/event_trigger.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/syscache.h"

#include "ddl_guard.h"
#include "innotrue.h"
#include "spi_stmt.h"

PG_FUNCTION_INFO_V1(innotrue_ddl_guard);
PG_FUNCTION_INFO_V1(innotrue_restore_guard);
PG_FUNCTION_INFO_V1(innotrue_allow_table_ddl);
PG_FUNCTION_INFO_V1(innotrue_confirm_drop);

/* Policies named so are innotrue.enable_row_level_security()'s own. */
#define OWN_POLICY_PREFIX "innotrue_"

/* A superuser's permission, valid until the (sub)transaction that gave it ends. */
typedef struct Permission
{
	bool		granted;
	SubTransactionId subid;
} Permission;

static Permission ddl_permission;
static Permission drop_permission;
static bool grant_check_pending = false;
static bool callbacks_registered = false;

static void check_granted_tables(void);

/*
 * guard_xact_callback
 *	  Runs the grant check before a commit; forgets every permission when
 *	  the transaction ends.
 */
static void
guard_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			if (grant_check_pending)
				check_granted_tables();
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
			ddl_permission.granted = false;
			drop_permission.granted = false;
			grant_check_pending = false;
			break;
		default:
			break;
	}
}

/*
 * guard_subxact_callback
 *	  A permission given in a subtransaction that rolls back is withdrawn;
 *	  one given in a subtransaction that commits passes to its parent.
 */
static void
guard_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					   SubTransactionId parentSubid, void *arg)
{
	Permission *permissions[] = {&ddl_permission, &drop_permission};
	int			i;

	for (i = 0; i < lengthof(permissions); i++)
	{
		Permission *p = permissions[i];

		if (!p->granted || p->subid != mySubid)
			continue;
		if (event == SUBXACT_EVENT_ABORT_SUB)
			p->granted = false;
		else if (event == SUBXACT_EVENT_COMMIT_SUB)
			p->subid = parentSubid;
	}
}

static void
ensure_callbacks(void)
{
	if (callbacks_registered)
		return;
	RegisterXactCallback(guard_xact_callback, NULL);
	RegisterSubXactCallback(guard_subxact_callback, NULL);
	callbacks_registered = true;
}

/*
 * own_script
 *	  Whether innotrue's own install or upgrade script is running.
 */
static bool
own_script(void)
{
	return creating_extension &&
		CurrentExtensionObject == get_extension_oid("innotrue", true);
}

/*
 * give_permission
 *	  The work of allow_table_ddl() and confirm_drop(): superusers only, for
 *	  the rest of the current transaction (called alone outside a transaction
 *	  block, that is the call itself; no warning, since a function may call it
 *	  and then run the statement it allows).
 */
static void
give_permission(Permission *p, const char *function)
{
	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for function %s", function),
				 errdetail("Only a superuser may call %s.", function)));
	ensure_callbacks();
	p->granted = true;
	p->subid = GetCurrentSubTransactionId();
}

Datum
innotrue_allow_table_ddl(PG_FUNCTION_ARGS)
{
	give_permission(&ddl_permission, "innotrue.allow_table_ddl()");
	PG_RETURN_VOID();
}

Datum
innotrue_confirm_drop(PG_FUNCTION_ARGS)
{
	give_permission(&drop_permission, "innotrue.confirm_drop()");
	PG_RETURN_VOID();
}

/*
 * set_by_session
 *	  Whether boolean setting name is off now although it was on when the
 *	  session started: turned off by the session's own SET, not by a
 *	  database, role or connection default someone else may have chosen.
 */
static bool
set_off_by_session(bool value, const char *name)
{
	const char *reset = GetConfigOptionResetString(name);

	return !value && reset != NULL && strcmp(reset, "on") == 0;
}

/*
 * restore_session
 *	  Whether this session turned row_security and check_function_bodies off
 *	  itself, as pg_restore and pg_dump's scripts do first thing.  Anyone can
 *	  do that, so it decides nothing alone: what it allows is only allowed to
 *	  a session whose login and current roles are superusers.
 */
static bool
restore_session(void)
{
	return set_off_by_session(row_security, "row_security") &&
		set_off_by_session(check_function_bodies, "check_function_bodies");
}

static bool
superuser_session(void)
{
	return superuser_arg(GetSessionUserId()) && superuser();
}

/*
 * innotrue_restore_guard
 *	  BEFORE INSERT FOR EACH STATEMENT on every dumped table.  Outside a
 *	  restore session it does nothing.
 */
Datum
innotrue_restore_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(td->tg_event) ||
		!TRIGGER_FIRED_FOR_STATEMENT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function restore_guard must be fired BEFORE, FOR EACH STATEMENT")));

	if (SessionReplicationRole != SESSION_REPLICATION_ROLE_ORIGIN || own_script() || !restore_session())
		return PointerGetDatum(NULL);

	if (!superuser_session())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("restoring innotrue data requires a superuser"),
				 errdetail("This session turned row_security and check_function_bodies off, as pg_restore and pg_dump's scripts do, and writes to table %s.",
						   RelationGetRelationName(td->tg_relation)),
				 errhint("Restore as a superuser (docs/operations.md, \"Backup and restore\").")));

	/*
	 * The copy is consistent as a whole, not row by row in dump order: the
	 * same switch as the documented PGOPTIONS, for the rest of the session
	 * (every COPY of the restore).  Triggers marked ENABLE ALWAYS (seed merge,
	 * row-level security of restored rls_app_roles rows) keep firing.
	 */
	(void) set_config_option("session_replication_role", "replica", PGC_SUSET, PGC_S_SESSION,
							 GUC_ACTION_SET, true, 0, false);
	/* A WARNING: pg_dump's scripts raise client_min_messages to warning, and a
	 * DBA who ran one with \i keeps working in this session. */
	ereport(WARNING,
			(errmsg("restore session recognised: session_replication_role is replica for the rest of this session"),
			 errdetail("row_security and check_function_bodies are off, as pg_restore and pg_dump's scripts set them; innotrue's business triggers do not fire on the restored rows."),
			 errhint("Work on the restored database in a new session.")));
	return PointerGetDatum(NULL);
}

/*
 * innotrue_table
 *	  Whether relation rv exists in schema innotrue.
 */
static bool
innotrue_table(RangeVar *rv, Oid nsp)
{
	Oid			relid;

	if (rv == NULL)
		return false;
	relid = RangeVarGetRelid(rv, NoLock, true);
	return OidIsValid(relid) && get_rel_namespace(relid) == nsp;
}

/*
 * created_in_innotrue
 *	  Whether a relation named rv would be created in schema innotrue.
 */
static bool
created_in_innotrue(RangeVar *rv, Oid nsp)
{
	if (rv == NULL)
		return false;
	if (rv->schemaname != NULL)
		return strcmp(rv->schemaname, INNOTRUE_SCHEMA) == 0;
	return rv->relpersistence != RELPERSISTENCE_TEMP && RangeVarGetCreationNamespace(rv) == nsp;
}

/*
 * any_innotrue_table
 *	  Whether a list of RangeVars names a table of schema innotrue.
 */
static bool
any_innotrue_table(List *rangevars, Oid nsp)
{
	ListCell   *lc;

	foreach(lc, rangevars)
	{
		if (IsA(lfirst(lc), RangeVar) && innotrue_table(lfirst_node(RangeVar, lc), nsp))
			return true;
	}
	return false;
}

/*
 * only_row_security_switch
 *	  ALTER TABLE ... ENABLE / DISABLE ROW LEVEL SECURITY alone: what
 *	  enable_row_level_security and disable_row_level_security issue.
 */
static bool
only_row_security_switch(AlterTableStmt *stmt)
{
	ListCell   *lc;

	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		if (cmd->subtype != AT_EnableRowSecurity && cmd->subtype != AT_DisableRowSecurity)
			return false;
	}
	return stmt->cmds != NIL;
}

/*
 * dropped_innotrue_object
 *	  Whether a DROP of triggers, policies, rules, indexes or relations names
 *	  one on (or in) schema innotrue, policies of the extension's own apart.
 */
static bool
dropped_innotrue_object(DropStmt *stmt, Oid nsp)
{
	ListCell   *lc;

	foreach(lc, stmt->objects)
	{
		List	   *names = lfirst(lc);

		switch (stmt->removeType)
		{
			case OBJECT_POLICY:
				if (strncmp(strVal(llast(names)), OWN_POLICY_PREFIX, strlen(OWN_POLICY_PREFIX)) == 0)
					break;
				/* FALLTHROUGH */
			case OBJECT_TRIGGER:
			case OBJECT_RULE:
				if (list_length(names) > 1 &&
					innotrue_table(makeRangeVarFromNameList(list_truncate(list_copy(names),
																		  list_length(names) - 1)), nsp))
					return true;
				break;
			case OBJECT_INDEX:
			case OBJECT_TABLE:
			case OBJECT_SEQUENCE:
			case OBJECT_VIEW:
			case OBJECT_MATVIEW:
			case OBJECT_FOREIGN_TABLE:
				if (innotrue_table(makeRangeVarFromNameList(names), nsp))
					return true;
				break;
			default:
				return false;
		}
	}
	return false;
}

/*
 * changes_innotrue_table
 *	  Whether a DDL statement creates, changes or drops a relation, or a
 *	  trigger, rule, policy, index or statistics object of a relation, in
 *	  schema innotrue.
 */
static bool
changes_innotrue_table(Node *parsetree, Oid nsp)
{
	switch (nodeTag(parsetree))
	{
		case T_AlterTableStmt:
			return innotrue_table(((AlterTableStmt *) parsetree)->relation, nsp) &&
				!only_row_security_switch((AlterTableStmt *) parsetree);
		case T_IndexStmt:
			return innotrue_table(((IndexStmt *) parsetree)->relation, nsp);
		case T_CreateTrigStmt:
			return innotrue_table(((CreateTrigStmt *) parsetree)->relation, nsp);
		case T_RuleStmt:
			return innotrue_table(((RuleStmt *) parsetree)->relation, nsp);
		case T_CreatePolicyStmt:
			{
				CreatePolicyStmt *stmt = (CreatePolicyStmt *) parsetree;

				return strncmp(stmt->policy_name, OWN_POLICY_PREFIX, strlen(OWN_POLICY_PREFIX)) != 0 &&
					innotrue_table(stmt->table, nsp);
			}
		case T_AlterPolicyStmt:
			return innotrue_table(((AlterPolicyStmt *) parsetree)->table, nsp);
		case T_CreateStatsStmt:
			return any_innotrue_table(((CreateStatsStmt *) parsetree)->relations, nsp);
		case T_RenameStmt:
			{
				RenameStmt *stmt = (RenameStmt *) parsetree;

				if (stmt->renameType == OBJECT_SCHEMA)
					return strcmp(stmt->subname, INNOTRUE_SCHEMA) == 0;
				return innotrue_table(stmt->relation, nsp);
			}
		case T_AlterObjectSchemaStmt:
			{
				AlterObjectSchemaStmt *stmt = (AlterObjectSchemaStmt *) parsetree;

				return innotrue_table(stmt->relation, nsp) ||
					(stmt->relation != NULL && strcmp(stmt->newschema, INNOTRUE_SCHEMA) == 0);
			}
		case T_CreateStmt:
			{
				CreateStmt *stmt = (CreateStmt *) parsetree;

				return created_in_innotrue(stmt->relation, nsp) ||
					any_innotrue_table(stmt->inhRelations, nsp);
			}
		case T_ViewStmt:
			return created_in_innotrue(((ViewStmt *) parsetree)->view, nsp);
		case T_CreateTableAsStmt:
			return created_in_innotrue(((CreateTableAsStmt *) parsetree)->into->rel, nsp);
		case T_CreateSeqStmt:
			return created_in_innotrue(((CreateSeqStmt *) parsetree)->sequence, nsp);
		case T_DropStmt:
			return dropped_innotrue_object((DropStmt *) parsetree, nsp);
		default:
			return false;
	}
}

/*
 * grants_on_innotrue_tables
 *	  Whether a GRANT gives privileges on relations of schema innotrue.
 */
static bool
grants_on_innotrue_tables(GrantStmt *stmt, Oid nsp)
{
	ListCell   *lc;

	if (!stmt->is_grant || stmt->objtype != OBJECT_TABLE)
		return false;
	if (stmt->targtype == ACL_TARGET_OBJECT)
		return any_innotrue_table(stmt->objects, nsp);
	if (stmt->targtype == ACL_TARGET_ALL_IN_SCHEMA)
		foreach(lc, stmt->objects)
			if (strcmp(strVal(lfirst(lc)), INNOTRUE_SCHEMA) == 0)
				return true;
	return false;
}

/*
 * guarded_table
 *	  Whether a pg_class row is a table whose grants need row-level security:
 *	  every table of the schema but the registry (schema_tables, seed_rows:
 *	  names and ids of reference rows, read by the generic triggers).
 */
static bool
guarded_table(Form_pg_class form)
{
	return (form->relkind == RELKIND_RELATION || form->relkind == RELKIND_PARTITIONED_TABLE) &&
		strcmp(NameStr(form->relname), "schema_tables") != 0 &&
		strcmp(NameStr(form->relname), "seed_rows") != 0;
}

/* Whether enable_row_level_security has recorded policies (any row at all). */
static SpiStatement q_policies_recorded = SPI_STATEMENT(
	"SELECT 1 FROM innotrue.rls_app_roles LIMIT 1");

/*
 * undo_restored_grants
 *	  ddl_command_end of a GRANT in a superuser's restore session while no
 *	  role is recorded in rls_app_roles (so nothing will apply the policies):
 *	  on every named innotrue table without row-level security, the
 *	  privileges just given to grantees that do not bypass it are revoked
 *	  again.  A full restore grants after its rls_app_roles rows applied the
 *	  policies, so this acts in a schema-only restore: the grants come back
 *	  with the policies when the data is restored (or when
 *	  enable_row_level_security runs).
 */
static void
undo_restored_grants(GrantStmt *stmt, Oid nsp)
{
	ListCell   *lc;
	ListCell   *lg;

	if (stmt->targtype != ACL_TARGET_OBJECT)
		return;
	SPI_connect();
	/* Policies recorded: enable_row_level_security is (re)applying them and grants before it enables. */
	if (spi_run(&q_policies_recorded, NULL) != SPI_OK_SELECT)
		elog(ERROR, "could not read innotrue.rls_app_roles");
	if (SPI_processed > 0)
	{
		SPI_finish();
		return;
	}
	foreach(lc, stmt->objects)
	{
		Oid			relid = RangeVarGetRelid(lfirst_node(RangeVar, lc), NoLock, true);
		HeapTuple	tuple;
		bool		guarded;

		if (!OidIsValid(relid) || get_rel_namespace(relid) != nsp)
			continue;
		tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
		if (!HeapTupleIsValid(tuple))
			continue;
		guarded = guarded_table((Form_pg_class) GETSTRUCT(tuple)) &&
			!((Form_pg_class) GETSTRUCT(tuple))->relrowsecurity;
		ReleaseSysCache(tuple);
		if (!guarded)
			continue;
		foreach(lg, stmt->grantees)
		{
			RoleSpec   *grantee = lfirst_node(RoleSpec, lg);
			const char *name;

			if (grantee->roletype == ROLESPEC_PUBLIC)
				name = "PUBLIC";
			else if (has_bypassrls_privilege(get_rolespec_oid(grantee, false)))
				continue;
			else
				name = quote_identifier(get_rolespec_name(grantee));
			if (SPI_execute(psprintf("REVOKE ALL ON TABLE innotrue.%s FROM %s",
									 quote_identifier(get_rel_name(relid)), name), false, 0) != SPI_OK_UTILITY)
				elog(ERROR, "could not revoke a restored grant");
			ereport(NOTICE,
					(errmsg("restored grant on innotrue.%s to %s left out: row-level security is not applied",
							get_rel_name(relid), name),
					 errhint("Restore the data too (its rls_app_roles rows apply the policies and grants), or call innotrue.enable_row_level_security().")));
		}
	}
	SPI_finish();
}

/*
 * check_granted_tables
 *	  At commit of a transaction that granted privileges on innotrue tables:
 *	  every guarded table without row-level security must grant nothing to a
 *	  role that does not bypass it.
 */
static void
check_granted_tables(void)
{
	Oid			nsp = get_namespace_oid(INNOTRUE_SCHEMA, true);
	Relation	pg_class_rel;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tuple;
	char	   *table = NULL;	/* the first offender by name, for a stable message */
	char	   *role = NULL;

	grant_check_pending = false;
	if (!OidIsValid(nsp))
		return;
	ScanKeyInit(&key, Anum_pg_class_relnamespace, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(nsp));
	pg_class_rel = table_open(RelationRelationId, AccessShareLock);
	scan = systable_beginscan(pg_class_rel, InvalidOid, false, NULL, 1, &key);
	while ((tuple = systable_getnext(scan)) != NULL)
	{
		Form_pg_class form = (Form_pg_class) GETSTRUCT(tuple);
		bool		isnull;
		Datum		acl_datum;
		Acl		   *acl;
		AclItem    *items;
		int			i;

		if (!guarded_table(form) || form->relrowsecurity)
			continue;
		acl_datum = heap_getattr(tuple, Anum_pg_class_relacl, RelationGetDescr(pg_class_rel), &isnull);
		if (isnull)
			continue;
		acl = DatumGetAclP(acl_datum);
		items = ACL_DAT(acl);
		for (i = 0; i < ACL_NUM(acl); i++)
		{
			Oid			grantee = items[i].ai_grantee;

			if (grantee == form->relowner ||
				(grantee != ACL_ID_PUBLIC && has_bypassrls_privilege(grantee)))
				continue;
			if (table == NULL || strcmp(NameStr(form->relname), table) < 0)
			{
				table = pstrdup(NameStr(form->relname));
				role = grantee == ACL_ID_PUBLIC ? "public" : GetUserNameFromId(grantee, false);
			}
			break;
		}
	}
	systable_endscan(scan);
	table_close(pg_class_rel, AccessShareLock);
	if (table != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_GRANT_OPERATION),
				 errmsg("role %s may not hold privileges on table innotrue.%s without row-level security",
						role, table),
				 errdetail("The rows of innotrue tables are protected by the policies of innotrue.enable_row_level_security(); a grant without them exposes every row."),
				 errhint("Call innotrue.enable_row_level_security(role) to grant with policies. A schema-only restore leaves the grants out until the data with its rls_app_roles rows is restored (docs/operations.md, \"Backup and restore\").")));
}

/*
 * The query that finds the dumped tables holding rows a DROP EXTENSION
 * would delete: one "SELECT '<table>' WHERE EXISTS (...)" branch per
 * table, joined by UNION ALL (NULL when there is no such table).
 */
static SpiStatement q_tables_with_data_query = SPI_STATEMENT(
	"SELECT pg_catalog.string_agg(pg_catalog.format("
	"'SELECT %L WHERE EXISTS (SELECT 1 FROM innotrue.%I t WHERE %s)', table_name, table_name,"
	" CASE WHEN kind = 'configuration' THEN pg_catalog.format("
	"'NOT EXISTS (SELECT 1 FROM innotrue.seed_rows s WHERE s.table_name = %L AND s.row_id = t.id)',"
	" table_name) ELSE 'true' END), ' UNION ALL ' ORDER BY table_name)"
	" FROM innotrue.schema_tables WHERE kind <> 'extension'");

enum
{
	DATA_QUERY_TEXT = 1			/* of q_tables_with_data_query */
};
enum
{
	DATA_TABLE_NAME = 1			/* of the query it builds */
};

/*
 * tables_with_data
 *	  The dumped tables that hold rows a DROP EXTENSION would delete: any row
 *	  of a user, organization or internal table, and rows admins added to a
 *	  configuration table (installed seed rows do not count); NULL when none.
 */
static char *
tables_with_data(int *count)
{
	StringInfoData query;
	char	   *result = NULL;
	uint64		i;

	*count = 0;
	SPI_connect();
	if (spi_run(&q_tables_with_data_query, NULL) != SPI_OK_SELECT)
		elog(ERROR, "could not list the innotrue tables");
	initStringInfo(&query);
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = spi_result(0, DATA_QUERY_TEXT, &isnull);

		if (!isnull)
			appendStringInfoString(&query, TextDatumGetCString(d));
	}
	if (query.len > 0)
	{
		StringInfoData names;

		if (SPI_execute(query.data, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not count the rows of the innotrue tables");
		initStringInfo(&names);
		for (i = 0; i < SPI_processed; i++)
		{
			if (i < 5)
				appendStringInfo(&names, "%s%s", i > 0 ? ", " : "",
								 SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, DATA_TABLE_NAME));
		}
		if (SPI_processed > 5)
			appendStringInfo(&names, " and %d more", (int) SPI_processed - 5);
		*count = (int) SPI_processed;
		if (SPI_processed > 0)
		{
			result = SPI_palloc(names.len + 1);
			memcpy(result, names.data, names.len + 1);
		}
	}
	SPI_finish();
	return result;
}

/*
 * guard_drop_extension
 *	  DROP EXTENSION naming innotrue (with or without CASCADE): refused
 *	  while user data exists, unless confirm_drop() was called in the
 *	  transaction or a superuser's restore session drops it before it
 *	  restores it (pg_restore --clean).
 */
static void
guard_drop_extension(DropStmt *stmt)
{
	ListCell   *lc;
	bool		named = false;
	char	   *tables;
	int			count;

	foreach(lc, stmt->objects)
		named |= strcmp(strVal(lfirst(lc)), "innotrue") == 0;
	/* pg_restore --clean, a pg_dump --clean script: replacing the database is what the DBA asked for. */
	if (!named || drop_permission.granted || (restore_session() && superuser_session()))
		return;
	tables = tables_with_data(&count);
	if (tables == NULL)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
			 errmsg("extension innotrue still holds data"),
			 errdetail_plural("Dropping it deletes the rows of %d table: %s.",
							  "Dropping it deletes the rows of %d tables: %s.", count, count, tables),
			 errhint("Dump the database first. To drop the extension and its data, run SELECT innotrue.confirm_drop(); and DROP EXTENSION innotrue in one transaction (docs/operations.md, \"Dropping the extension\").")));
}

/*
 * innotrue_ddl_guard
 *	  Event triggers innotrue_ddl_guard (ddl_command_start) and
 *	  innotrue_grant_guard (ddl_command_end of GRANT), enabled ALWAYS so that
 *	  restores in replica mode are guarded too.
 */
Datum
innotrue_ddl_guard(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	Node	   *parsetree;
	Oid			nsp;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function ddl_guard must be fired as an event trigger")));
	trigdata = (EventTriggerData *) fcinfo->context;
	parsetree = trigdata->parsetree;
	nsp = get_namespace_oid(INNOTRUE_SCHEMA, true);
	if (!OidIsValid(nsp) || own_script())
		PG_RETURN_VOID();
	ensure_callbacks();

	if (strcmp(trigdata->event, "ddl_command_end") == 0)
	{
		if (IsA(parsetree, GrantStmt) && grants_on_innotrue_tables((GrantStmt *) parsetree, nsp) &&
			restore_session() && superuser_session())
			undo_restored_grants((GrantStmt *) parsetree, nsp);
	}
	else if (IsA(parsetree, DropStmt) && ((DropStmt *) parsetree)->removeType == OBJECT_EXTENSION)
		guard_drop_extension((DropStmt *) parsetree);
	else if (IsA(parsetree, GrantStmt))
		grant_check_pending |= grants_on_innotrue_tables((GrantStmt *) parsetree, nsp);
	else if (!ddl_permission.granted && changes_innotrue_table(parsetree, nsp))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("%s on the tables of extension innotrue is not allowed",
						GetCommandTagName(trigdata->tag)),
				 errdetail("pg_dump writes no change made to an extension's tables: a restored database would lose it, or fail to load its data."),
				 errhint("Keep application data in a table of your own keyed by the same id, e.g. app.profile_settings (profile_id uuid REFERENCES innotrue.profiles (id)); see docs/operations.md, \"Application DDL\".")));
	PG_RETURN_VOID();
}
