/*-------------------------------------------------------------------------
 *
 * ledger_write.c
 *	  The direct write path of a deduction: its row, the batch updates and
 *	  its ledger entries written through the table access method and the
 *	  executor's index maintenance instead of SQL statements (issue 6,
 *	  docs/credits.md "Write paths").
 *
 * Written as SQL, a deduction pays on every call for planning and starting
 * an executor, for compiling every CHECK constraint of the three tables
 * again, and for one foreign-key query per written row and key: several
 * times the cost of the rows themselves. This file writes the same rows,
 * index entries and WAL, and answers for those rules itself:
 *	- the values are built here and meet the tables' CHECK and NOT NULL
 *	  constraints by construction (NOT NULL is checked again on every row);
 *	- the rows the foreign keys point to cannot go away: the caller holds
 *	  the owner's credit lock, which the owner's deletion must take too
 *	  (credits.c, lock_owner; trigger credit_owner_wait_for_spends), each
 *	  batch is locked by its update, and a credit service cannot be deleted
 *	  while a spend that names it is in flight (the spend takes the
 *	  deductions' ROW EXCLUSIVE lock before it reads the service; its delete
 *	  trigger waits for it);
 *	- the triggers that fire on these writes are the extension's own, and
 *	  their effect is done here (ledger owner copied from the batch,
 *	  updated_at stamped, nothing but remaining and updated_at changed).
 * So the path is taken only while the three tables are exactly as the
 * extension made them: a column, default, CHECK constraint, foreign key,
 * trigger (or one of ours disabled), rule, deferrable index, partition,
 * Citus distribution or row-level security it does not know, and the
 * caller writes through SQL instead (sql/credits_write_equivalence.sql
 * tries every kind of change against both paths). The verdict is
 * published only after a complete judgement, and the executor's
 * replica-identity check for published tables is made before writing. innotrue.credit_write_path() says
 * which path a deduction takes and why. It is taken in READ COMMITTED
 * transactions only, where the owner lock makes a fresh snapshot current;
 * stricter isolation keeps the statements and their serialization checks.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/genam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/stratnum.h"
#include "access/xact.h"
#include "catalog/pg_am.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "miscadmin.h"
#include "port.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgroids.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/syscache.h"
#include "utils/ruleutils.h"

#include "compat.h"
#include "innotrue.h"

PG_FUNCTION_INFO_V1(innotrue_credit_write_path);

#define MAX_DIRECT_COLUMNS 16

/* A trigger by its name and its function's name. */
typedef struct DirectTrigger
{
	const char *name;
	const char *function;
} DirectTrigger;

/* What the direct path expects of one table (NULL-terminated name lists). */
typedef struct DirectTableSpec
{
	const char *table;
	bool		updated;		/* the path updates rows (else inserts them) */
	const char *columns[MAX_DIRECT_COLUMNS];	/* every column, in any order */
	Oid			types[MAX_DIRECT_COLUMNS];
	const char *checks[12];		/* CHECK constraints the values meet */
	const char *foreign_keys[8];	/* foreign keys the locks uphold */
	DirectTrigger triggers[4];	/* BEFORE row triggers firing on the write */
	const char *defaults[MAX_DIRECT_COLUMNS];	/* per column: its default as deparsed, NULL = none */
} DirectTableSpec;

typedef enum DirectTable
{
	DT_DEDUCTIONS,
	DT_LEDGER,
	DT_BATCHES,
	NUM_DIRECT_TABLES
} DirectTable;

/* Column positions in the specs below. */
enum
{
	D_ID, D_USER, D_ORG, D_KIND, D_SERVICE, D_QUANTITY, D_COST, D_BATCHES, D_AI_PERIOD,
	D_REFERENCE, D_REFUNDED_AT, D_CREATED_AT, D_UPDATED_AT
};
enum
{
	L_ID, L_BATCH, L_USER, L_ORG, L_ENTRY_TYPE, L_AMOUNT, L_DEDUCTION, L_IDEMPOTENCY_KEY, L_REFERENCE,
	L_CREATED_AT
};
enum
{
	B_ID, B_USER, B_ORG, B_SOURCE, B_AMOUNT, B_REMAINING, B_EXPIRES_AT, B_PERIOD_START, B_ENROLLMENT,
	B_TOPUP_PACKAGE, B_ORG_PACKAGE, B_IDEMPOTENCY_KEY, B_NOTE, B_CREATED_AT, B_UPDATED_AT
};

/*
 * Statement triggers the extension puts on every table it dumps, which act
 * only in a session that is not running our functions: they fire on the
 * direct path's tables without anything for the path to do. restore_guard
 * (ddl_guard.c) acts only in a restore session (pg_restore, a dump script).
 */
static const DirectTrigger inert_statement_triggers[] = {
	{"restore_guard", "restore_guard"},
};

static const DirectTableSpec direct_specs[NUM_DIRECT_TABLES] = {
	{"credit_deductions", false,
		{"id", "user_id", "organization_id", "kind", "credit_service_id", "quantity", "cost", "batches",
		"ai_period", "reference", "refunded_at", "created_at", "updated_at"},
		{UUIDOID, UUIDOID, UUIDOID, TEXTOID, UUIDOID, INT4OID, INT8OID, JSONBOID, DATEOID, JSONBOID,
		TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID},
		{"credit_deductions_kind_check", "credit_deductions_quantity_check", "credit_deductions_cost_check",
		"credit_deductions_batches_check", "credit_deductions_reference_check", "credit_deductions_owner_check"},
		{"credit_deductions_user_id_fkey", "credit_deductions_organization_id_fkey",
		"credit_deductions_credit_service_id_fkey"},
		{{NULL}},
	{"gen_random_uuid()", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "now()", "now()"}},
	{"credit_ledger", false,
		{"id", "batch_id", "user_id", "organization_id", "entry_type", "amount", "deduction_id",
		"idempotency_key", "reference", "created_at"},
		{UUIDOID, UUIDOID, UUIDOID, UUIDOID, TEXTOID, INT8OID, UUIDOID, TEXTOID, JSONBOID, TIMESTAMPTZOID},
		{"credit_ledger_entry_type_check", "credit_ledger_idempotency_key_check", "credit_ledger_reference_check",
		"credit_ledger_owner_check", "credit_ledger_amount_check", "credit_ledger_deduction_id_check"},
		{"credit_ledger_batch_id_fkey", "credit_ledger_user_id_fkey", "credit_ledger_organization_id_fkey"},
		{{"credit_ledger_fill_owner", "fill_ledger_owner"}},
	{"gen_random_uuid()", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "now()"}},
	{"credit_batches", true,
		{"id", "user_id", "organization_id", "source", "amount", "remaining", "expires_at", "period_start",
		"enrollment_id", "topup_package_id", "org_package_id", "idempotency_key", "note", "created_at",
		"updated_at"},
		{UUIDOID, UUIDOID, UUIDOID, TEXTOID, INT8OID, INT8OID, TIMESTAMPTZOID, DATEOID, UUIDOID, UUIDOID,
		UUIDOID, TEXTOID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID},
		{"credit_batches_source_check", "credit_batches_amount_check", "credit_batches_remaining_check",
		"credit_batches_period_start_check", "credit_batches_idempotency_key_check", "credit_batches_owner_check",
		"credit_batches_source_owner_check", "credit_batches_allowance_check", "credit_batches_package_check",
		"credit_batches_expires_at_check"},
		{"credit_batches_user_id_fkey", "credit_batches_organization_id_fkey", "credit_batches_topup_package_id_fkey",
		"credit_batches_org_package_id_fkey", "credit_batches_enrollment_fkey"},
		{{"credit_batches_guard", "guard_credit_batch_update"}, {"touch_updated_at", "touch_updated_at"}},
	{"gen_random_uuid()", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "now()", "now()"}},
};

/*
 * The verdict on the tables, kept until the catalog generation or the user
 * changes. It is published whole, only once a judgement has completed: a
 * judgement cut short by an error (a lock_timeout or a cancel while
 * table_open waits) leaves the previous verdict, stamped with an older
 * generation or another user, so the next call judges again.
 */
typedef struct DirectLayout
{
	Oid			relids[NUM_DIRECT_TABLES];
	AttrNumber	attnums[NUM_DIRECT_TABLES][MAX_DIRECT_COLUMNS];
} DirectLayout;

static uint64 verdict_generation = 0;
static Oid	verdict_user = InvalidOid;
static char *verdict = NULL;	/* NULL = direct writes allowed, else why not */
static DirectLayout layout;		/* of the published verdict */

#define direct_relids	(layout.relids)
#define direct_attnums	(layout.attnums)

/* listed: whether name is in a NULL-terminated list of at most max names. */
static bool
listed(const char *name, const char *const *list, int max)
{
	int			i;

	for (i = 0; i < max && list[i] != NULL; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

/* pg_dist_partition's column logicalrelid (regclass); Citus has no header we build against. */
#define Anum_pg_dist_partition_logicalrelid 1

/*
 * citus_distributed
 *	  Whether Citus manages relation relid (a row in its pg_dist_partition):
 *	  its rows live on worker nodes and only Citus's executor writes them.
 */
static bool
citus_distributed(Oid relid)
{
	Oid			catalog = get_relname_relid("pg_dist_partition", PG_CATALOG_NAMESPACE);
	Relation	rel;
	SysScanDesc scan;
	ScanKeyData key;
	bool		found;

	if (!OidIsValid(catalog))
		return false;
	rel = table_open(catalog, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_dist_partition_logicalrelid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 1, &key);
	found = HeapTupleIsValid(systable_getnext(scan));
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

/* rel_owner: the owner of relation relid. */
static Oid
rel_owner(Oid relid)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
	ReleaseSysCache(tuple);
	return owner;
}

/* column_default: the default of column attnum as deparsed, or NULL when it has none. */
static char *
column_default(TupleDesc desc, AttrNumber attnum)
{
	int			i;

	for (i = 0; desc->constr != NULL && i < desc->constr->num_defval; i++)
		if (desc->constr->defval[i].adnum == attnum)
			return deparse_expression(stringToNode(desc->constr->defval[i].adbin), NIL, false, false);
	return NULL;
}

/*
 * relation_refusal
 *	  Why table t cannot be written directly as a relation (kind, storage,
 *	  partitioning, distribution, row security, privileges), or NULL.
 */
static char *
relation_refusal(const DirectTableSpec *spec, Relation rel)
{
	const char *name = spec->table;
	Oid			relid = RelationGetRelid(rel);

	if (rel->rd_rel->relkind != RELKIND_RELATION || rel->rd_rules != NULL)
		return psprintf("%s is not a plain table without rules", name);
	if (rel->rd_rel->relam != HEAP_TABLE_AM_OID)
		return psprintf("%s is not stored as a heap", name);
	if (rel->rd_rel->relispartition)
		return psprintf("%s is a partition", name);
	if (spec->updated && rel->rd_rel->relhassubclass)
		return psprintf("%s has inheritance children", name);
	if (citus_distributed(relid))
		return psprintf("%s is managed by Citus", name);
	if (check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		return psprintf("row-level security applies to %s", name);
	/* The statement reads what it writes (RETURNING, WHERE): both privileges, as the executor asks. */
	if (pg_class_aclcheck(relid, GetUserId(), spec->updated ? ACL_UPDATE : ACL_INSERT) != ACLCHECK_OK ||
		pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		return psprintf("the functions' owner may not write %s", name);
	return NULL;
}

/*
 * columns_refusal
 *	  Why table t's columns do not match its spec (names, types, defaults),
 *	  or NULL; records its column numbers in *judged on the way.
 */
static char *
columns_refusal(DirectTable t, Relation rel, DirectLayout *judged)
{
	const DirectTableSpec *spec = &direct_specs[t];
	TupleDesc	desc = RelationGetDescr(rel);
	const char *name = spec->table;
	int			ncolumns = 0;
	int			nlive = 0;
	int			i;

	while (ncolumns < MAX_DIRECT_COLUMNS && spec->columns[ncolumns] != NULL)
		ncolumns++;
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		int			c;

		if (att->attisdropped)
			continue;
		nlive++;
		for (c = 0; c < ncolumns; c++)
			if (strcmp(NameStr(att->attname), spec->columns[c]) == 0)
				break;
		if (c == ncolumns)
			return psprintf("%s has column %s", name, NameStr(att->attname));
		if (att->atttypid != spec->types[c] || att->attgenerated != '\0' || att->attidentity != '\0')
			return psprintf("column %s.%s has another type", name, NameStr(att->attname));
		/* The statement leaves some columns to their defaults: they must be the extension's. */
		if (!spec->updated)
		{
			char	   *def = att->atthasdef ? column_default(desc, att->attnum) : NULL;

			if ((def == NULL) != (spec->defaults[c] == NULL) ||
				(def != NULL && strcmp(def, spec->defaults[c]) != 0))
				return psprintf("column %s.%s has another default", name, NameStr(att->attname));
		}
		judged->attnums[t][c] = att->attnum;
	}
	if (nlive != ncolumns)
		return psprintf("%s lacks a column", name);
	return NULL;
}

/*
 * constraints_refusal
 *	  Why table t has a CHECK constraint or foreign key the direct path does
 *	  not answer for, or one whose check the statement could not run; NULL
 *	  when every one is the spec's.
 */
static char *
constraints_refusal(const DirectTableSpec *spec, Relation rel)
{
	TupleDesc	desc = RelationGetDescr(rel);
	const char *name = spec->table;
	ListCell   *lc;
	int			i;

	for (i = 0; desc->constr != NULL && i < desc->constr->num_check; i++)
		if (!listed(desc->constr->check[i].ccname, spec->checks, lengthof(spec->checks)))
			return psprintf("%s has CHECK constraint %s", name, desc->constr->check[i].ccname);

	foreach(lc, RelationGetFKeyList(rel))
	{
		ForeignKeyCacheInfo *fk = lfirst(lc);
		char	   *conname = get_constraint_name(fk->conoid);
		Oid			pk_owner;

		if (conname == NULL || !listed(conname, spec->foreign_keys, lengthof(spec->foreign_keys)))
			return psprintf("%s has foreign key %s", name, conname ? conname : "?");
		/*
		 * The statement's foreign-key check queries the referenced table as
		 * its owner: an owner that could not would make the statement fail.
		 */
		pk_owner = rel_owner(fk->confrelid);
		if (!superuser_arg(pk_owner) &&
			(compat_namespace_aclcheck(get_rel_namespace(fk->confrelid), pk_owner, ACL_USAGE) != ACLCHECK_OK ||
			 pg_class_aclcheck(fk->confrelid, pk_owner, ACL_SELECT) != ACLCHECK_OK ||
			 pg_class_aclcheck(fk->confrelid, pk_owner, ACL_UPDATE) != ACLCHECK_OK))
			return psprintf("the owner of the table foreign key %s references may not read it", conname);
	}
	return NULL;
}

/* trigger_is: whether a trigger has this name and calls a function of this name. */
static bool
trigger_is(const Trigger *tg, const DirectTrigger *expected)
{
	return strcmp(expected->name, tg->tgname) == 0 &&
		strcmp(expected->function, get_func_name(tg->tgfoid)) == 0;
}

/* inert_statement_trigger: whether a trigger is one of inert_statement_triggers. */
static bool
inert_statement_trigger(const Trigger *tg)
{
	int			k;

	if (TRIGGER_FOR_ROW(tg->tgtype))
		return false;
	for (k = 0; k < lengthof(inert_statement_triggers); k++)
		if (trigger_is(tg, &inert_statement_triggers[k]))
			return true;
	return false;
}

/*
 * triggers_refusal
 *	  Why the triggers firing on the path's writes to table t are not
 *	  exactly the spec's (a foreign one, one of ours missing or disabled, or
 *	  firing only in replica sessions), or NULL.
 */
static char *
triggers_refusal(const DirectTableSpec *spec, Relation rel)
{
	const char *name = spec->table;
	int			ntriggers = 0;
	bool		trigger_seen[lengthof(spec->triggers)] = {false};
	int			i;

	while (ntriggers < lengthof(spec->triggers) && spec->triggers[ntriggers].name != NULL)
		ntriggers++;
	for (i = 0; rel->trigdesc != NULL && i < rel->trigdesc->numtriggers; i++)
	{
		Trigger    *tg = &rel->trigdesc->triggers[i];
		bool		fires = spec->updated ? TRIGGER_FOR_UPDATE(tg->tgtype) : TRIGGER_FOR_INSERT(tg->tgtype);
		int			k;

		if (!fires || tg->tgenabled == TRIGGER_DISABLED)
			continue;
		/* Foreign-key triggers: the list above on inserts; on updates they act only on key changes. */
		if (tg->tgisinternal && RI_FKey_trigger_type(tg->tgfoid) != RI_TRIGGER_NONE)
			continue;
		if (inert_statement_trigger(tg))
			continue;
		for (k = 0; k < ntriggers; k++)
			if (trigger_is(tg, &spec->triggers[k]) && TRIGGER_FOR_ROW(tg->tgtype) && TRIGGER_FOR_BEFORE(tg->tgtype))
				break;
		if (k == ntriggers)
			return psprintf("trigger %s fires on %s of %s", tg->tgname, spec->updated ? "UPDATE" : "INSERT", name);
		/* Ours fire in a session of origin or local role (enabled or ALWAYS), as here. */
		if (tg->tgenabled == TRIGGER_FIRES_ON_REPLICA)
			return psprintf("trigger %s of %s fires only in replica sessions", tg->tgname, name);
		trigger_seen[k] = true;
	}
	/* The path does what the extension's triggers do: a disabled or dropped one would not. */
	for (i = 0; i < ntriggers; i++)
		if (!trigger_seen[i])
			return psprintf("trigger %s of %s is disabled or missing", spec->triggers[i].name, name);
	return NULL;
}

/* indexes_refusal: a deferrable unique index needs the recheck trigger the executor queues. */
static char *
indexes_refusal(Relation rel)
{
	ListCell   *lc;

	foreach(lc, RelationGetIndexList(rel))
	{
		Relation	index = index_open(lfirst_oid(lc), AccessShareLock);
		bool		immediate = index->rd_index->indimmediate;
		char	   *iname = pstrdup(RelationGetRelationName(index));

		index_close(index, AccessShareLock);
		if (!immediate)
			return psprintf("index %s is deferrable", iname);
	}
	return NULL;
}

/*
 * table_refusal
 *	  Why table t (open as rel) cannot be written directly, or NULL when it
 *	  can; records its column numbers in *judged on the way.
 */
static char *
table_refusal(DirectTable t, Relation rel, DirectLayout *judged)
{
	const DirectTableSpec *spec = &direct_specs[t];
	char	   *why;

	if ((why = relation_refusal(spec, rel)) != NULL ||
		(why = columns_refusal(t, rel, judged)) != NULL ||
		(why = constraints_refusal(spec, rel)) != NULL ||
		(why = triggers_refusal(spec, rel)) != NULL)
		return why;
	return indexes_refusal(rel);
}

/*
 * ledger_direct_refusal
 *	  NULL when a deduction can be written directly in this transaction,
 *	  else why not (in the words credit_write_path() shows).
 */
const char *
ledger_direct_refusal(void)
{
	if (verdict_generation != innotrue_catalog_generation() || verdict_user != GetUserId())
	{
		uint64		generation = innotrue_catalog_generation();
		Oid			user = GetUserId();
		DirectLayout judged;
		char	   *why = NULL;
		char	   *published;
		int			t;

		/*
		 * Judge into locals: any error from here on (a lock wait cancelled,
		 * a timeout) leaves the published verdict as it was, still stale.
		 */
		memset(&judged, 0, sizeof(judged));
		for (t = 0; t < NUM_DIRECT_TABLES; t++)
			judged.relids[t] = innotrue_relation_oid(direct_specs[t].table);
		for (t = 0; t < NUM_DIRECT_TABLES && why == NULL; t++)
		{
			Relation	rel = table_open(judged.relids[t], AccessShareLock);

			why = table_refusal((DirectTable) t, rel, &judged);
			table_close(rel, AccessShareLock);
		}
		/* Only the verdict outlives the call; what judging it allocated goes with the call. */
		published = why != NULL ? MemoryContextStrdup(TopMemoryContext, why) : NULL;

		/* Publish: nothing below can fail. */
		if (verdict != NULL)
			pfree(verdict);
		verdict = published;
		layout = judged;
		verdict_user = user;
		/* Opening the tables may have processed invalidations: judge again next time. */
		verdict_generation = generation == innotrue_catalog_generation() ? generation : 0;
	}
	if (verdict == NULL && XactIsoLevel != XACT_READ_COMMITTED)
		return "the transaction's isolation level is not READ COMMITTED";
	/* In a replica session the statement fires neither our triggers nor the foreign keys' checks. */
	if (verdict == NULL && SessionReplicationRole == SESSION_REPLICATION_ROLE_REPLICA)
		return "session_replication_role is replica";
	return verdict;
}

/*
 * ledger_lock_for_spend
 *	  Takes the ROW EXCLUSIVE locks of the three tables before a spend reads
 *	  the credit service it charges and before it asks ledger_direct_refusal.
 *	  Deleting a service (or changing its id) first waits for every
 *	  transaction holding them (trigger credit_services_wait_for_spends), so
 *	  a service read after this cannot vanish before the spend commits rows
 *	  that name it; and no change of the tables' definitions can come between
 *	  the verdict and the writes.
 */
void
ledger_lock_for_spend(void)
{
	int			t;

	(void) ledger_direct_refusal();
	for (t = 0; t < NUM_DIRECT_TABLES; t++)
		LockRelationOid(direct_relids[t], RowExclusiveLock);
}

/* ---------------------------------------------------------------------
 * Writing
 * ---------------------------------------------------------------------
 */

/* One table opened for writing during a call. */
typedef struct DirectRel
{
	DirectTable table;
	Relation	rel;
	ResultRelInfo *rri;
	bool		indexes_open;
	TupleTableSlot *slot;
} DirectRel;

static void direct_indexes(DirectRel *dr);

/*
 * direct_open
 *	  Opens table t for writing. Its indexes are opened here for inserts;
 *	  for updates only when one is not HOT (direct_indexes), as a HOT update
 *	  adds no index entry and the batch updates nearly always are.
 */
static void
direct_open(DirectRel *dr, DirectTable t)
{
	dr->table = t;
	dr->rel = table_open(direct_relids[t], RowExclusiveLock);
	dr->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(dr->rri, dr->rel, 1, NULL, 0);
	dr->indexes_open = false;
	/* The executor's check for published tables: an update needs a usable replica identity. */
	CheckCmdReplicaIdentity(dr->rel, direct_specs[t].updated ? CMD_UPDATE : CMD_INSERT);
	if (!direct_specs[t].updated)
		direct_indexes(dr);
	dr->slot = table_slot_create(dr->rel, NULL);
}

/* direct_indexes: opens the table's indexes (once). */
static void
direct_indexes(DirectRel *dr)
{
	if (!dr->indexes_open)
		ExecOpenIndices(dr->rri, false);
	dr->indexes_open = true;
}

static void
direct_close(DirectRel *dr)
{
	ExecDropSingleTupleTableSlot(dr->slot);
	if (dr->indexes_open)
		ExecCloseIndices(dr->rri);
	table_close(dr->rel, NoLock);
}

/*
 * direct_insert
 *	  Inserts one row of values/nulls given in the spec's column order, with
 *	  its index entries; NULL in a NOT NULL column is refused as the executor
 *	  would.
 */
static void
direct_insert(DirectRel *dr, EState *estate, const Datum *values, const bool *nulls)
{
	const DirectTableSpec *spec = &direct_specs[dr->table];
	TupleTableSlot *slot = dr->slot;
	TupleDesc	desc = RelationGetDescr(dr->rel);
	int			c;

	ExecClearTuple(slot);
	memset(slot->tts_isnull, true, sizeof(bool) * desc->natts);
	for (c = 0; c < MAX_DIRECT_COLUMNS && spec->columns[c] != NULL; c++)
	{
		int			a = direct_attnums[dr->table][c] - 1;

		if (nulls[c] && TupleDescAttr(desc, a)->attnotnull)
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("null value in column \"%s\" of relation \"%s\" violates not-null constraint",
							spec->columns[c], spec->table)));
		slot->tts_values[a] = values[c];
		slot->tts_isnull[a] = nulls[c];
	}
	ExecStoreVirtualTuple(slot);
	table_tuple_insert(dr->rel, slot, estate->es_output_cid, 0, NULL);
	compat_insert_index_tuples(dr->rri, slot, estate, false, false, NULL, NIL, COMPAT_INDEXES_ALL);
}

/*
 * direct_take
 *	  Takes amount from a batch (its current version, read under the owner
 *	  lock): remaining and updated_at change, index entries are added when
 *	  the update is not HOT. A batch changed since it was read means a writer
 *	  went around the owner lock: the call fails rather than spend twice.
 */
static void
direct_take(DirectRel *dr, EState *estate, HeapTuple batch, int64 amount)
{
	TupleDesc	desc = RelationGetDescr(dr->rel);
	AttrNumber	remaining_att = direct_attnums[DT_BATCHES][B_REMAINING];
	AttrNumber	updated_att = direct_attnums[DT_BATCHES][B_UPDATED_AT];
	Datum	   *values = palloc(sizeof(Datum) * desc->natts);
	bool	   *nulls = palloc(sizeof(bool) * desc->natts);
	bool	   *replace = palloc0(sizeof(bool) * desc->natts);
	bool		isnull;
	int64		remaining = DatumGetInt64(heap_getattr(batch, remaining_att, desc, &isnull));
	HeapTuple	updated;
	TM_FailureData tmfd;
	LockTupleMode lockmode;
	CompatIndexUpdate update_indexes;
	TM_Result	result;

	if (isnull || amount <= 0 || amount > remaining)
		elog(ERROR, "innotrue credits: cannot take %lld from a batch with %lld left",
			 (long long) amount, (long long) remaining);
	replace[remaining_att - 1] = true;
	values[remaining_att - 1] = Int64GetDatum(remaining - amount);
	nulls[remaining_att - 1] = false;
	replace[updated_att - 1] = true;
	values[updated_att - 1] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	nulls[updated_att - 1] = false;
	updated = heap_modify_tuple(batch, desc, values, nulls, replace);

	ExecForceStoreHeapTuple(updated, dr->slot, false);
	result = compat_table_tuple_update(dr->rel, &batch->t_self, dr->slot, estate->es_output_cid,
									   InvalidSnapshot, InvalidSnapshot, true, &tmfd, &lockmode, &update_indexes);
	if (result == TM_Updated || result == TM_Deleted)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access due to concurrent update of a credit batch"),
				 errdetail("The batch was changed without the lock of its owner's credits."),
				 errhint("Retry the transaction.")));
	if (result != TM_Ok)
		elog(ERROR, "innotrue credits: unexpected result %d updating a credit batch", (int) result);
	/* update = false: the "unchanged key" hint would need a range table, and is only a hint. */
	if (update_indexes != COMPAT_INDEXES_NONE)
	{
		direct_indexes(dr);
		compat_insert_index_tuples(dr->rri, dr->slot, estate, false, false, NULL, NIL, update_indexes);
	}
}

/*
 * time_ordered_uuid
 *	  A version 7 uuid (RFC 9562): 48 bits of Unix time in milliseconds, then
 *	  random bits. Ids that grow with time land at the right edge of the
 *	  primary-key indexes, where a btree insert skips the descent (its
 *	  rightmost-leaf fast path) and touches one hot page, instead of a
 *	  random leaf of an ever larger index.
 *
 *	  The random bits come from the strong generator, as gen_random_uuid()'s
 *	  do, but drawn 512 bytes at a time: one call costs about as much as a
 *	  btree insert, whatever its length. Each byte is used once; a process
 *	  that did not fill the pool itself (a fork) fills it anew.
 */
static Datum
time_ordered_uuid(void)
{
	static unsigned char pool[512];
	static size_t pool_used = sizeof(pool);
	static int	pool_pid = 0;
	pg_uuid_t  *uuid = palloc(UUID_LEN);
	uint64		ms = (uint64) (GetCurrentTimestamp() / 1000) +
		(uint64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY * 1000;
	int			i;

	if (pool_pid != MyProcPid || pool_used + (UUID_LEN - 6) > sizeof(pool))
	{
		if (!pg_strong_random(pool, sizeof(pool)))
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not generate random values")));
		pool_pid = MyProcPid;
		pool_used = 0;
	}
	memcpy(uuid->data + 6, pool + pool_used, UUID_LEN - 6);
	pool_used += UUID_LEN - 6;
	for (i = 0; i < 6; i++)
		uuid->data[i] = (unsigned char) (ms >> (40 - 8 * i));
	uuid->data[6] = (uuid->data[6] & 0x0f) | 0x70;
	uuid->data[8] = (uuid->data[8] & 0x3f) | 0x80;
	return UUIDPGetDatum(uuid);
}

/*
 * push_batches
 *	  The deduction's batches array, [{"batch_id": ..., "amount": n}, ...] in
 *	  consumption order, into a jsonb under construction; returns the value
 *	  the array's end produced.
 */
static JsonbValue *
push_batches(JsonbParseState **state, const DeductionWrite *d)
{
	int			i;

	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < d->nbatches; i++)
	{
		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		jsonb_push_key(state, "batch_id");
		jsonb_push_string(state, DatumGetCString(DirectFunctionCall1(uuid_out, d->batch_ids[i])));
		jsonb_push_key(state, "amount");
		jsonb_push_int(state, DatumGetInt64(d->amounts[i]));
		pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	return pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/* The three tables opened for one deduction (ledger_direct_begin). */
struct DirectWriter
{
	EState	   *estate;
	DirectRel	rels[NUM_DIRECT_TABLES];
};

/*
 * ledger_direct_begin
 *	  Opens the three tables and the indexes a deduction inserts into, for
 *	  ledger_write_deduction. Called before the owner lock (the caller holds
 *	  the tables' locks from ledger_lock_for_spend and checked
 *	  ledger_direct_refusal()), so that one user's spends, which queue on
 *	  that lock, do not also queue on this set-up.
 */
DirectWriter *
ledger_direct_begin(void)
{
	DirectWriter *w = palloc(sizeof(DirectWriter));
	int			t;

	w->estate = CreateExecutorState();
	for (t = 0; t < NUM_DIRECT_TABLES; t++)
		direct_open(&w->rels[t], (DirectTable) t);
	return w;
}

/* insert_deduction_row: the deduction's row, with its batches JSON, through dr. */
static void
insert_deduction_row(DirectRel *dr, EState *estate, const DeductionWrite *d, Datum deduction_id, Datum now)
{
	JsonbParseState *state = NULL;
	Datum		values[MAX_DIRECT_COLUMNS];
	bool		nulls[MAX_DIRECT_COLUMNS];

	memset(nulls, false, sizeof(nulls));
	values[D_ID] = deduction_id;
	values[D_USER] = d->user_id;
	nulls[D_USER] = d->user_id == (Datum) 0;
	values[D_ORG] = d->organization_id;
	nulls[D_ORG] = d->organization_id == (Datum) 0;
	values[D_KIND] = CStringGetTextDatum(d->kind);
	values[D_SERVICE] = d->service_id;
	nulls[D_SERVICE] = d->service_id == (Datum) 0;
	values[D_QUANTITY] = Int32GetDatum(d->quantity);
	values[D_COST] = Int64GetDatum(d->cost);
	values[D_BATCHES] = JsonbPGetDatum(JsonbValueToJsonb(push_batches(&state, d)));
	values[D_AI_PERIOD] = d->ai_period;
	nulls[D_AI_PERIOD] = d->ai_period == (Datum) 0;
	values[D_REFERENCE] = d->reference;
	nulls[D_REFERENCE] = d->reference == (Datum) 0;
	values[D_REFUNDED_AT] = (Datum) 0;
	nulls[D_REFUNDED_AT] = true;
	values[D_CREATED_AT] = now;
	values[D_UPDATED_AT] = now;
	direct_insert(dr, estate, values, nulls);
}

/* insert_ledger_rows: one 'deduct' entry per batch of the deduction, through dr. */
static void
insert_ledger_rows(DirectRel *dr, EState *estate, const DeductionWrite *d, Datum deduction_id, Datum now)
{
	Datum		values[MAX_DIRECT_COLUMNS];
	bool		nulls[MAX_DIRECT_COLUMNS];
	int			i;

	memset(nulls, false, sizeof(nulls));
	values[L_USER] = d->user_id;
	nulls[L_USER] = d->user_id == (Datum) 0;
	values[L_ORG] = d->organization_id;
	nulls[L_ORG] = d->organization_id == (Datum) 0;
	values[L_ENTRY_TYPE] = CStringGetTextDatum("deduct");
	values[L_DEDUCTION] = deduction_id;
	values[L_IDEMPOTENCY_KEY] = (Datum) 0;
	nulls[L_IDEMPOTENCY_KEY] = true;
	values[L_REFERENCE] = d->reference;
	nulls[L_REFERENCE] = d->reference == (Datum) 0;
	values[L_CREATED_AT] = now;
	for (i = 0; i < d->nbatches; i++)
	{
		values[L_ID] = time_ordered_uuid();
		values[L_BATCH] = d->batch_ids[i];
		values[L_AMOUNT] = Int64GetDatum(-DatumGetInt64(d->amounts[i]));
		direct_insert(dr, estate, values, nulls);
	}
}

/* deduction_result: the deduction JSON {"deduction_id", "cost", "batches"}. */
static Datum
deduction_result(const DeductionWrite *d, Datum deduction_id)
{
	JsonbParseState *state = NULL;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	jsonb_push_key(&state, "deduction_id");
	jsonb_push_string(&state, DatumGetCString(DirectFunctionCall1(uuid_out, deduction_id)));
	jsonb_push_key(&state, "cost");
	jsonb_push_int(&state, d->cost);
	jsonb_push_key(&state, "batches");
	push_batches(&state, d);
	return JsonbPGetDatum(JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)));
}

/*
 * ledger_write_deduction
 *	  Writes deduction d directly through writer w (the caller holds the
 *	  owner lock): the batch updates first, then the deduction row and one
 *	  'deduct' ledger entry per batch; closes the tables. Returns the
 *	  deduction JSON, as the statement path does.
 */
Datum
ledger_write_deduction(DirectWriter *w, const DeductionWrite *d)
{
	EState	   *estate = w->estate;
	Datum		deduction_id = time_ordered_uuid();
	Datum		now = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	int			i;

	/* Now, not at ledger_direct_begin: a plan allowance created since is written by a later command. */
	estate->es_output_cid = GetCurrentCommandId(true);

	for (i = 0; i < d->nbatches; i++)
		direct_take(&w->rels[DT_BATCHES], estate, d->batch_rows[i], DatumGetInt64(d->amounts[i]));
	direct_close(&w->rels[DT_BATCHES]);
	insert_deduction_row(&w->rels[DT_DEDUCTIONS], estate, d, deduction_id, now);
	direct_close(&w->rels[DT_DEDUCTIONS]);
	insert_ledger_rows(&w->rels[DT_LEDGER], estate, d, deduction_id, now);
	direct_close(&w->rels[DT_LEDGER]);

	FreeExecutorState(estate);
	pfree(w);
	/* Later statements and scans of this transaction see the rows. */
	CommandCounterIncrement();
	return deduction_result(d, deduction_id);
}

/*
 * innotrue_credit_write_path
 *	  credit_write_path() -> text: 'direct' when deduct_credits would write
 *	  directly in this transaction, else 'statements: <why>'.
 */
Datum
innotrue_credit_write_path(PG_FUNCTION_ARGS)
{
	const char *why = ledger_direct_refusal();

	if (why == NULL)
		PG_RETURN_TEXT_P(cstring_to_text("direct"));
	PG_RETURN_TEXT_P(cstring_to_text(psprintf("statements: %s", why)));
}
