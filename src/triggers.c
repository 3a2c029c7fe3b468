/*-------------------------------------------------------------------------
 *
 * triggers.c
 *	  Row triggers in C on the write path of every credit operation:
 *	  touch_updated_at (every table with an updated_at column), the update
 *	  guard of credit_batches and the owner fill of credit_ledger
 *	  (docs/credits.md "Triggers"); the change announcement of the tables
 *	  whose rows the credit operations keep per backend; and the credit lock
 *	  an owner's deletion takes.
 *
 * They enforce the same rules as the PL/pgSQL functions they replace, for
 * every writer (the SECURITY DEFINER credit functions and direct writes by
 * admins alike), without an interpreter call per row and, for the ledger,
 * without an SPI query per row: a deduction fires them once per batch it
 * touches, and in PL/pgSQL they were a large part of its cost.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/xact.h"
#include "commands/trigger.h"
#include "parser/parse_relation.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "innotrue.h"
#include "relscan.h"

PG_FUNCTION_INFO_V1(innotrue_touch_updated_at);
PG_FUNCTION_INFO_V1(innotrue_guard_credit_batch_update);
PG_FUNCTION_INFO_V1(innotrue_fill_ledger_owner);
PG_FUNCTION_INFO_V1(innotrue_announce_table_change);
PG_FUNCTION_INFO_V1(innotrue_lock_credit_owner);

/*
 * before_row_trigger
 *	  The trigger data of a BEFORE row trigger fired by event (INSERT or
 *	  UPDATE); any other call is an error, so a misdeclared trigger fails
 *	  loudly instead of silently skipping its rule.
 */
static TriggerData *
before_row_trigger(FunctionCallInfo fcinfo, const char *name, TriggerEvent event)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(td->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
		(td->tg_event & TRIGGER_EVENT_OPMASK) != event)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s must be fired as a BEFORE %s row trigger", name,
						event == TRIGGER_EVENT_INSERT ? "INSERT" : "UPDATE")));
	return td;
}

/* column_attnum: attribute number of a column of desc by name; an error when missing. */
static AttrNumber
column_attnum(TupleDesc desc, const char *name)
{
	int			i;

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(desc, i);

		if (!a->attisdropped && strcmp(NameStr(a->attname), name) == 0)
			return a->attnum;
	}
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("column \"%s\" does not exist", name),
			 errhint("The innotrue extension is incomplete; reinstall it.")));
}

/*
 * innotrue_touch_updated_at
 *	  BEFORE UPDATE row trigger: stamps updated_at with now() unless the
 *	  update sets it itself (a restore replacing a seed row keeps its value),
 *	  i.e. when NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at.
 */
Datum
innotrue_touch_updated_at(PG_FUNCTION_ARGS)
{
	TriggerData *td = before_row_trigger(fcinfo, "touch_updated_at", TRIGGER_EVENT_UPDATE);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	AttrNumber	att = column_attnum(desc, "updated_at");
	bool		oldnull;
	bool		newnull;
	Datum		oldv = heap_getattr(td->tg_trigtuple, att, desc, &oldnull);
	Datum		newv = heap_getattr(td->tg_newtuple, att, desc, &newnull);
	int			col = att;
	Datum		now = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	bool		notnull = false;

	if (oldnull != newnull ||
		(!oldnull && DatumGetTimestampTz(oldv) != DatumGetTimestampTz(newv)))
		return PointerGetDatum(td->tg_newtuple);
	return PointerGetDatum(heap_modify_tuple_by_cols(td->tg_newtuple, desc, 1, &col, &now, &notnull));
}

/*
 * innotrue_guard_credit_batch_update
 *	  BEFORE UPDATE row trigger of credit_batches: every column but remaining,
 *	  note and updated_at is fixed when the batch is granted; an update that
 *	  changes one (IS DISTINCT FROM, compared by value image) is refused.
 */
Datum
innotrue_guard_credit_batch_update(PG_FUNCTION_ARGS)
{
	TriggerData *td = before_row_trigger(fcinfo, "guard_credit_batch_update", TRIGGER_EVENT_UPDATE);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	int			i;

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(desc, i);
		const char *name = NameStr(a->attname);
		bool		oldnull;
		bool		newnull;
		Datum		oldv;
		Datum		newv;

		if (a->attisdropped || strcmp(name, "remaining") == 0 || strcmp(name, "note") == 0 ||
			strcmp(name, "updated_at") == 0)
			continue;
		oldv = heap_getattr(td->tg_trigtuple, a->attnum, desc, &oldnull);
		newv = heap_getattr(td->tg_newtuple, a->attnum, desc, &newnull);
		if (oldnull != newnull ||
			(!oldnull && !datum_image_eq(oldv, newv, a->attbyval, a->attlen)))
			ereport(ERROR,
					(errcode(ERRCODE_RESTRICT_VIOLATION),
					 errmsg("only remaining and note of a credit batch can change"),
					 errdetail("Owner, source, amount, expiry, period, links and idempotency key are fixed when the batch is granted."),
					 errhint("Grant a new batch, or record an adjust entry and update remaining with it.")));
	}
	return PointerGetDatum(td->tg_newtuple);
}

/* The owner columns of credit_ledger and credit_batches, in one order. */
enum
{
	OWNER_USER, OWNER_ORG, NUM_OWNER_COLUMNS
};
static const char *const owner_columns[NUM_OWNER_COLUMNS] = {
	[OWNER_USER] = "user_id",
	[OWNER_ORG] = "organization_id",
};

/* A credit batch by id, for its owner. */
static const RelScanSpec batch_scan_specs[] = {
	{"credit_batches", "credit_batches_pkey", 1, {"id", "user_id", "organization_id"}},
};
static RelScanResolved batch_scan_resolved[lengthof(batch_scan_specs)];
static RelScanSet batch_scans = RELSCAN_SET(batch_scan_specs, batch_scan_resolved);

/* Columns of batch_scan_specs[0]; the owner columns in owner_columns' order. */
enum
{
	BATCH_ID, BATCH_USER, BATCH_ORG
};

/*
 * batch_owner
 *	  Reads the owner columns of batch batch_id into values/nulls (in
 *	  owner_columns' order) with SnapshotSelf; false when no batch has this id.
 */
static bool
batch_owner(Datum batch_id, Datum *values, bool *nulls)
{
	static const int cols[NUM_OWNER_COLUMNS] = {[OWNER_USER] = BATCH_USER,[OWNER_ORG] = BATCH_ORG};
	RelScan		rs;
	bool		found;
	int			i;

	relscan_begin(&rs, &batch_scans, 0, 1, &batch_id, SnapshotSelf);
	found = relscan_next(&rs);
	for (i = 0; found && i < NUM_OWNER_COLUMNS; i++)
	{
		Datum		v = relscan_get(&rs, cols[i], &nulls[i]);

		if (!nulls[i])
			values[i] = datumCopy(v, false, UUID_LEN);
	}
	relscan_end(&rs);
	return found;
}

/*
 * innotrue_fill_ledger_owner
 *	  BEFORE INSERT row trigger of credit_ledger: copies user_id and
 *	  organization_id from the entry's batch when both are NULL, refuses an
 *	  entry whose given owner differs from the batch's, or whose batch does
 *	  not exist. The batch is read by primary key with SnapshotSelf: it sees
 *	  committed batches and the caller's own, including one inserted earlier
 *	  in the same statement (a grant's batch and entry are one statement), as
 *	  the SQL lookup with a fresh snapshot did; the index scan reads past any
 *	  row-level security like the SECURITY DEFINER lookup did.
 */
Datum
innotrue_fill_ledger_owner(PG_FUNCTION_ARGS)
{
	TriggerData *td = before_row_trigger(fcinfo, "fill_ledger_owner", TRIGGER_EVENT_INSERT);
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	entry = td->tg_trigtuple;
	int			cols[NUM_OWNER_COLUMNS];
	Datum		values[NUM_OWNER_COLUMNS] = {0};
	bool		nulls[NUM_OWNER_COLUMNS] = {true, true};
	bool		given_null[NUM_OWNER_COLUMNS];
	Datum		given[NUM_OWNER_COLUMNS];
	bool		isnull;
	Datum		batch_id;
	int			i;

	for (i = 0; i < NUM_OWNER_COLUMNS; i++)
		cols[i] = column_attnum(desc, owner_columns[i]);
	batch_id = heap_getattr(entry, column_attnum(desc, "batch_id"), desc, &isnull);
	if (isnull || !batch_owner(batch_id, values, nulls))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("credit ledger entry refers to an unknown credit batch"),
				 errdetail("Key (batch_id)=(%s) is not present in table \"credit_batches\".",
						   isnull ? "" : DatumGetCString(DirectFunctionCall1(uuid_out, batch_id)))));
	for (i = 0; i < NUM_OWNER_COLUMNS; i++)
		given[i] = heap_getattr(entry, cols[i], desc, &given_null[i]);
	if (given_null[OWNER_USER] && given_null[OWNER_ORG])
		return PointerGetDatum(heap_modify_tuple_by_cols(entry, desc, NUM_OWNER_COLUMNS, cols, values, nulls));
	for (i = 0; i < NUM_OWNER_COLUMNS; i++)
		if (given_null[i] != nulls[i] ||
			(!nulls[i] && !datum_image_eq(given[i], values[i], false, UUID_LEN)))
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("credit ledger entry owner differs from its batch owner"),
					 errhint("Leave user_id and organization_id NULL: they are copied from the batch.")));
	return PointerGetDatum(entry);
}

/*
 * innotrue_announce_table_change
 *	  AFTER trigger (row or statement, any event): queues a relcache
 *	  invalidation of its table. Sent to every backend when the transaction
 *	  commits (and applied in this one at its next command), it moves
 *	  catalog.c's generation, which is what tells the per-backend copies of
 *	  the table's rows (settings.c's values, credit_prices.c's services) to read them again.
 */
Datum
innotrue_announce_table_change(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("announce_table_change() must be called as an AFTER trigger")));
	CacheInvalidateRelcache(trigdata->tg_relation);
	return PointerGetDatum(NULL);
}

/*
 * innotrue_lock_credit_owner
 *	  BEFORE DELETE / UPDATE OF id row trigger of profiles and organizations:
 *	  takes the deleted owner's credit lock (credit_batches.c), so the deletion waits
 *	  for the owner's spends in flight and no spend writes rows for the owner
 *	  until the deletion has committed or rolled back. The spends' rows are
 *	  then seen, and removed, by the deletion's cascades.
 */
Datum
innotrue_lock_credit_owner(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	AttrNumber	id_att;
	bool		isnull;
	Datum		id;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("lock_credit_owner() must be called as a BEFORE row trigger")));
	id_att = attnameAttNum(trigdata->tg_relation, "id", false);
	id = heap_getattr(trigdata->tg_trigtuple, id_att, RelationGetDescr(trigdata->tg_relation), &isnull);
	if (!isnull)
		innotrue_lock_credit_owner_id(id);
	return PointerGetDatum(TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? trigdata->tg_newtuple
						   : trigdata->tg_trigtuple);
}
