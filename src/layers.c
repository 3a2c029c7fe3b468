/*-------------------------------------------------------------------------
 *
 * layers.c
 *	  Layer dependencies and status flows enforced in the database.
 *
 * Two trigger functions, both driven by data rather than by code per table:
 *
 * innotrue_enforce_layer_rules reads innotrue.layer_rule_watches (which
 * rule to evaluate when a row of a table changes, and how to find the
 * object the rule is about) and innotrue.layer_rules (the parameterised
 * check query, the error texts).  A check query gets $1 = the object's id
 * (uuid) and $2 = the changed row as json; it returns (object_key text,
 * offender text) rows, and any row means the change is refused.  The same
 * query run with both parameters NULL lists every offence in the database,
 * which is what innotrue.configuration_report() shows.
 *
 * innotrue_enforce_status_flow reads innotrue.status_transitions and refuses
 * an update of a status column to a state not reachable from the old one.
 *
 * Rules and transitions are read through index scans on the extension's
 * own indexes; their OIDs are cached per backend and forgotten on any
 * relcache invalidation of the cached relations (DROP EXTENSION included).
 * Check queries run through SPI with typed arguments.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/fmgrprotos.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/uuid.h"

#include "innotrue.h"

PG_FUNCTION_INFO_V1(innotrue_enforce_layer_rules);
PG_FUNCTION_INFO_V1(innotrue_enforce_status_flow);

/* Column numbers of innotrue.layer_rules (68_layers.sql keeps this order). */
#define Anum_layer_rules_id				1
#define Anum_layer_rules_key			2
#define Anum_layer_rules_check_sql		7
#define Anum_layer_rules_subject		9
#define Anum_layer_rules_message		10
#define Anum_layer_rules_detail_label	11
#define Anum_layer_rules_hint			12
#define Anum_layer_rules_sqlstate		13

/* Column numbers of innotrue.layer_rule_watches. */
#define Anum_watches_rule_id			2
#define Anum_watches_table_name			3
#define Anum_watches_on_insert			4
#define Anum_watches_on_update			5
#define Anum_watches_on_delete			6
#define Anum_watches_key_column			7
#define Anum_watches_parent_sql			8
#define Anum_watches_row_image			9
#define Anum_watches_is_deferred		10

/* Column numbers of innotrue.status_transitions. */
#define Anum_transitions_table_name	2
#define Anum_transitions_column_name	3
#define Anum_transitions_from_status	4
#define Anum_transitions_to_status		5

/* At most this many offenders are listed in an error's detail. */
#define MAX_LISTED_OFFENDERS 10

/* One watch joined with its rule: everything needed to evaluate it. */
typedef struct LayerRule
{
	char	   *rule_key;
	char	   *key_column;
	char	   *parent_sql;		/* NULL: the key column holds the object id */
	char		row_image;		/* 'n'ew, 'o'ld or 'b'oth, for UPDATE */
	char	   *check_sql;
	char	   *subject;
	char	   *message;
	char	   *detail_label;
	char	   *hint;
	char	   *sqlstate;
} LayerRule;

/* Per-backend cache of the OIDs of the extension's rule relations. */
typedef struct LayerOids
{
	uint64		stamp;			/* catalog generation filled under; 0 = never */
	Oid			rules;
	Oid			rules_pkey;
	Oid			watches;
	Oid			watches_idx;
	Oid			transitions;
	Oid			transitions_idx;
} LayerOids;

static LayerOids layer_oids;

/*
 * layer_oids_get
 *	  Returns the cached OIDs of the rule relations, resolving them by name
 *	  on first use or after an invalidation.
 */
static const LayerOids *
layer_oids_get(void)
{
	uint64		current;

	while ((current = innotrue_catalog_generation()) != layer_oids.stamp)
	{
		layer_oids.rules = innotrue_relation_oid("layer_rules");
		layer_oids.rules_pkey = innotrue_relation_oid("layer_rules_pkey");
		layer_oids.watches = innotrue_relation_oid("layer_rule_watches");
		layer_oids.watches_idx = innotrue_relation_oid("layer_rule_watches_table_name_idx");
		layer_oids.transitions = innotrue_relation_oid("status_transitions");
		layer_oids.transitions_idx = innotrue_relation_oid("status_transitions_flow_key");
		layer_oids.stamp = current;
	}
	return &layer_oids;
}

/*
 * text_attr
 *	  A text column of a catalog-style tuple as a palloc'd C string, or
 *	  NULL when the column is NULL.
 */
static char *
text_attr(HeapTuple tup, int attnum, TupleDesc desc)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, attnum, desc, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/*
 * rule_fill
 *	  Completes a LayerRule from its innotrue.layer_rules row, found by id
 *	  through the primary key index.
 */
static void
rule_fill(const LayerOids *oids, Datum rule_id, LayerRule *rule)
{
	Relation	rel = table_open(oids->rules, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	TupleDesc	desc = RelationGetDescr(rel);

	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_UUID_EQ, rule_id);
	scan = systable_beginscan(rel, oids->rules_pkey, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "layer rule watch points to a missing rule");
	rule->rule_key = text_attr(tup, Anum_layer_rules_key, desc);
	rule->check_sql = text_attr(tup, Anum_layer_rules_check_sql, desc);
	rule->subject = text_attr(tup, Anum_layer_rules_subject, desc);
	rule->message = text_attr(tup, Anum_layer_rules_message, desc);
	rule->detail_label = text_attr(tup, Anum_layer_rules_detail_label, desc);
	rule->hint = text_attr(tup, Anum_layer_rules_hint, desc);
	rule->sqlstate = text_attr(tup, Anum_layer_rules_sqlstate, desc);
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	if (rule->subject == NULL || rule->message == NULL ||
		rule->detail_label == NULL || rule->sqlstate == NULL ||
		strlen(rule->sqlstate) != 5)
		elog(ERROR, "layer rule \"%s\" is watched but has no error texts", rule->rule_key);
}

/*
 * rules_for_event
 *	  The rules watching this table for this event and timing (deferred or
 *	  immediate), read through the (table_name, is_deferred) index.
 */
static List *
rules_for_event(const char *table_name, bool deferred, TriggerEvent event)
{
	const LayerOids *oids = layer_oids_get();
	Relation	rel = table_open(oids->watches, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	ScanKeyData keys[2];
	SysScanDesc scan;
	HeapTuple	tup;
	List	   *found = NIL;
	List	   *rule_ids = NIL;
	ListCell   *lc;
	ListCell   *lc_id;
	int			event_attnum;

	if (TRIGGER_FIRED_BY_INSERT(event))
		event_attnum = Anum_watches_on_insert;
	else if (TRIGGER_FIRED_BY_UPDATE(event))
		event_attnum = Anum_watches_on_update;
	else
		event_attnum = Anum_watches_on_delete;

	/* systable_beginscan takes heap attribute numbers */
	ScanKeyInit(&keys[0], Anum_watches_table_name, BTEqualStrategyNumber, F_TEXTEQ,
				CStringGetTextDatum(table_name));
	ScanKeyInit(&keys[1], Anum_watches_is_deferred, BTEqualStrategyNumber, F_BOOLEQ,
				BoolGetDatum(deferred));
	scan = systable_beginscan(rel, oids->watches_idx, true, NULL, 2, keys);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		bool		isnull;
		LayerRule  *rule;
		char	   *image;

		if (!DatumGetBool(heap_getattr(tup, event_attnum, desc, &isnull)))
			continue;
		rule = palloc0(sizeof(LayerRule));
		rule->key_column = text_attr(tup, Anum_watches_key_column, desc);
		rule->parent_sql = text_attr(tup, Anum_watches_parent_sql, desc);
		image = text_attr(tup, Anum_watches_row_image, desc);
		rule->row_image = image[0];
		found = lappend(found, rule);
		rule_ids = lappend(rule_ids,
						   DatumGetPointer(datumCopy(heap_getattr(tup, Anum_watches_rule_id, desc, &isnull),
													 false, UUID_LEN)));
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	forboth(lc, found, lc_id, rule_ids)
		rule_fill(oids, PointerGetDatum(lfirst(lc_id)), (LayerRule *) lfirst(lc));
	return found;
}

/*
 * object_ids_for_row
 *	  The ids of the objects a rule is about, for one row image: the key
 *	  column's value itself, or the ids the watch's parent query maps it to
 *	  (e.g. a module's assignment config -> the module's program).
 */
static List *
object_ids_for_row(LayerRule *rule, HeapTuple row, TupleDesc desc)
{
	int			attnum = SPI_fnumber(desc, rule->key_column);
	bool		isnull;
	Datum		key;
	Oid			argtypes[1] = {UUIDOID};
	List	   *ids = NIL;

	if (attnum <= 0 || SPI_gettypeid(desc, attnum) != UUIDOID)
		elog(ERROR, "layer rule \"%s\" watches column \"%s\", which is not a uuid column",
			 rule->rule_key, rule->key_column);
	key = SPI_getbinval(row, desc, attnum, &isnull);
	if (isnull)
		return NIL;
	if (rule->parent_sql == NULL)
		return list_make1(DatumGetPointer(datumCopy(key, false, UUID_LEN)));

	if (SPI_execute_with_args(rule->parent_sql, 1, argtypes, &key, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "parent query of layer rule \"%s\" failed", rule->rule_key);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		Datum		id = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			ids = lappend(ids, DatumGetPointer(datumCopy(id, false, UUID_LEN)));
	}
	return ids;
}

/*
 * raise_offence
 *	  Raises the rule's error for the offending rows of the last check query:
 *	  message naming the object, detail listing the offenders, the rule's hint.
 */
static void
raise_offence(LayerRule *rule)
{
	StringInfoData list;
	char	   *object_key = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	const char *s = rule->sqlstate;

	initStringInfo(&list);
	for (uint64 i = 0; i < SPI_processed && i < MAX_LISTED_OFFENDERS; i++)
	{
		char	   *offender = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);

		appendStringInfo(&list, "%s%s", i > 0 ? ", " : "", offender ? offender : "?");
	}
	if (SPI_processed > MAX_LISTED_OFFENDERS)
		appendStringInfo(&list, " and " UINT64_FORMAT " more",
						 SPI_processed - MAX_LISTED_OFFENDERS);

	ereport(ERROR,
			(errcode(MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4])),
			 errmsg("%s \"%s\" %s", rule->subject, object_key ? object_key : "?", rule->message),
			 errdetail("%s: %s.", rule->detail_label, list.data),
			 rule->hint ? errhint("%s", rule->hint) : 0,
			 errcontext("layer rule \"%s\"", rule->rule_key)));
}

/*
 * check_rule_for_row
 *	  Runs a rule's check query for every object one row image points to,
 *	  passing the row itself as json; raises the rule's error on an offence.
 */
static void
check_rule_for_row(LayerRule *rule, HeapTuple row, TupleDesc desc)
{
	List	   *ids = object_ids_for_row(rule, row, desc);
	Oid			argtypes[2] = {UUIDOID, JSONOID};
	Datum		values[2];
	ListCell   *lc;

	if (ids == NIL)
		return;
	values[1] = DirectFunctionCall1(row_to_json, heap_copy_tuple_as_datum(row, desc));
	foreach(lc, ids)
	{
		values[0] = PointerGetDatum(lfirst(lc));
		if (SPI_execute_with_args(rule->check_sql, 2, argtypes, values, NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "check query of layer rule \"%s\" failed", rule->rule_key);
		if (SPI_processed > 0)
			raise_offence(rule);
	}
}

/*
 * innotrue_enforce_layer_rules
 *	  Generic AFTER ROW trigger (plain or deferred constraint trigger; the
 *	  first trigger argument says which: 'immediate' or 'deferred'):
 *	  evaluates every layer rule that watches this table and event, on the
 *	  new row, the old row or both, and refuses the change on an offence.
 */
Datum
innotrue_enforce_layer_rules(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TriggerEvent event;
	TupleDesc	desc;
	bool		deferred;
	List	   *rules;
	ListCell   *lc;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) || trigdata->tg_trigger->tgnargs != 1)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("innotrue.enforce_layer_rules must be an AFTER ROW trigger with one argument")));

	event = trigdata->tg_event;
	desc = RelationGetDescr(trigdata->tg_relation);
	deferred = strcmp(trigdata->tg_trigger->tgargs[0], "deferred") == 0;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	rules = rules_for_event(RelationGetRelationName(trigdata->tg_relation), deferred, event);
	foreach(lc, rules)
	{
		LayerRule  *rule = (LayerRule *) lfirst(lc);

		/* tg_trigtuple is the new row of an INSERT, the old row otherwise */
		if (!TRIGGER_FIRED_BY_UPDATE(event))
			check_rule_for_row(rule, trigdata->tg_trigtuple, desc);
		else
		{
			if (rule->row_image != 'o')
				check_rule_for_row(rule, trigdata->tg_newtuple, desc);
			if (rule->row_image != 'n')
				check_rule_for_row(rule, trigdata->tg_trigtuple, desc);
		}
	}
	SPI_finish();
	return PointerGetDatum(NULL);
}

/*
 * transition_keys
 *	  Fills scan keys on (table_name, column_name, from_status[, to_status])
 *	  of innotrue.status_transitions.  systable_beginscan rewrites the keys'
 *	  attribute numbers, so every scan gets freshly initialised keys.
 */
static int
transition_keys(ScanKey keys, const char *table_name, const char *column,
				const char *from_state, const char *to_state)
{
	ScanKeyInit(&keys[0], Anum_transitions_table_name, BTEqualStrategyNumber, F_TEXTEQ,
				CStringGetTextDatum(table_name));
	ScanKeyInit(&keys[1], Anum_transitions_column_name, BTEqualStrategyNumber, F_TEXTEQ,
				CStringGetTextDatum(column));
	ScanKeyInit(&keys[2], Anum_transitions_from_status, BTEqualStrategyNumber, F_TEXTEQ,
				CStringGetTextDatum(from_state));
	if (to_state == NULL)
		return 3;
	ScanKeyInit(&keys[3], Anum_transitions_to_status, BTEqualStrategyNumber, F_TEXTEQ,
				CStringGetTextDatum(to_state));
	return 4;
}

/*
 * scan_transitions
 *	  Scans innotrue.status_transitions through its unique index for the
 *	  moves out of from_state (to_state NULL) or for one move.  Returns
 *	  whether any row matched; when list is not NULL, *list receives the
 *	  matching to_status values, comma-separated (NULL for none).
 */
static bool
scan_transitions(const char *table_name, const char *column, const char *from_state,
				 const char *to_state, char **list)
{
	const LayerOids *oids = layer_oids_get();
	Relation	rel = table_open(oids->transitions, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	ScanKeyData keys[4];
	int			nkeys = transition_keys(keys, table_name, column, from_state, to_state);
	SysScanDesc scan = systable_beginscan(rel, oids->transitions_idx, true, NULL, nkeys, keys);
	HeapTuple	tup;
	StringInfoData found;

	initStringInfo(&found);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
		appendStringInfo(&found, "%s%s", found.len > 0 ? ", " : "",
						 text_attr(tup, Anum_transitions_to_status, desc));
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	if (list != NULL)
		*list = found.len > 0 ? found.data : NULL;
	return found.len > 0;
}

/*
 * innotrue_enforce_status_flow
 *	  AFTER UPDATE ROW trigger; its argument names the status column.
 *	  Refuses a change of that column to a state that
 *	  innotrue.status_transitions does not allow from the old state, naming
 *	  both states and the allowed next ones.  Unchanged values pass.
 */
Datum
innotrue_enforce_status_flow(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	const char *column;
	const char *table_name;
	int			attnum;
	char	   *from_state;
	char	   *to_state;
	char	   *next_states = NULL;
	char	   *id;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) || trigdata->tg_trigger->tgnargs != 1)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("innotrue.enforce_status_flow must be an UPDATE ROW trigger with one argument")));

	desc = RelationGetDescr(trigdata->tg_relation);
	column = trigdata->tg_trigger->tgargs[0];
	table_name = RelationGetRelationName(trigdata->tg_relation);
	attnum = SPI_fnumber(desc, column);
	if (attnum <= 0)
		elog(ERROR, "status column \"%s\" not found in \"%s\"", column, table_name);
	from_state = SPI_getvalue(trigdata->tg_trigtuple, desc, attnum);
	to_state = SPI_getvalue(trigdata->tg_newtuple, desc, attnum);
	if (from_state == NULL || to_state == NULL || strcmp(from_state, to_state) == 0)
		return PointerGetDatum(trigdata->tg_newtuple);

	if (scan_transitions(table_name, column, from_state, to_state, NULL))
		return PointerGetDatum(trigdata->tg_newtuple);
	scan_transitions(table_name, column, from_state, NULL, &next_states);
	id = SPI_getvalue(trigdata->tg_newtuple, desc, SPI_fnumber(desc, "id"));

	ereport(ERROR,
			(errcode(ERRCODE_CHECK_VIOLATION),
			 errmsg("%s %s cannot change %s from \"%s\" to \"%s\"",
					table_name, id ? id : "?", column, from_state, to_state),
			 next_states
			 ? errdetail("Allowed next states from \"%s\": %s.", from_state, next_states)
			 : errdetail("\"%s\" is a final state: no transition leaves it.", from_state),
			 errhint("The allowed transitions are listed in innotrue.status_transitions.")));
	return PointerGetDatum(NULL);	/* not reached */
}
