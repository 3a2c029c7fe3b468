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
 * Rules, watches and transitions are read through relscan.h (columns by
 * name, each spec's positions in an enum next to it).  Parent and check
 * queries are data, not statements kept here, so they run through
 * SPI_execute_with_args with typed arguments at named positions.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgrprotos.h"
#include "utils/rel.h"
#include "utils/uuid.h"

#include "innotrue.h"
#include "relscan.h"

PG_FUNCTION_INFO_V1(innotrue_enforce_layer_rules);
PG_FUNCTION_INFO_V1(innotrue_enforce_status_flow);

/* What the triggers read (relscan.h). */
enum
{
	SPEC_RULES,					/* layer_rules by id */
	SPEC_WATCHES,				/* layer_rule_watches by (table_name, is_deferred) */
	SPEC_TRANSITIONS			/* status_transitions by its flow key */
};

static const RelScanSpec layer_specs[] = {
	[SPEC_RULES] = {"layer_rules", "layer_rules_pkey", 1,
	{"id", "key", "check_sql", "subject", "message", "detail_label", "hint", "sqlstate"}},
	[SPEC_WATCHES] = {"layer_rule_watches", "layer_rule_watches_table_name_idx", 2,
	{"table_name", "is_deferred", "rule_id", "on_insert", "on_update", "on_delete", "key_column",
	"parent_sql", "row_image"}},
	[SPEC_TRANSITIONS] = {"status_transitions", "status_transitions_flow_key", 4,
	{"table_name", "column_name", "from_status", "to_status"}},
};
static RelScanResolved layer_resolved[lengthof(layer_specs)];
static RelScanSet layer_scans = RELSCAN_SET(layer_specs, layer_resolved);

/* Column positions of each spec's columns. */
enum
{
	RULE_ID, RULE_KEY, RULE_CHECK_SQL, RULE_SUBJECT, RULE_MESSAGE, RULE_DETAIL_LABEL, RULE_HINT,
	RULE_SQLSTATE
};
enum
{
	WATCH_TABLE_NAME, WATCH_IS_DEFERRED, WATCH_RULE_ID, WATCH_ON_INSERT, WATCH_ON_UPDATE,
	WATCH_ON_DELETE, WATCH_KEY_COLUMN, WATCH_PARENT_SQL, WATCH_ROW_IMAGE
};
enum
{
	TRANS_TABLE_NAME, TRANS_COLUMN_NAME, TRANS_FROM_STATUS, TRANS_TO_STATUS
};

/*
 * Rules, watches and transitions are configuration read as catalogs are:
 * under the latest catalog snapshot (relscan passes NULL on to
 * systable_beginscan_ordered), so a change committed by another session
 * counts from the next row checked, at any isolation level.
 */
#define LAYER_SNAPSHOT NULL

/*
 * The data-driven statements: a watch's parent query takes $1 = the key
 * column's value and returns object ids; a rule's check query takes $1 =
 * the object id and $2 = the changed row as json and returns
 * (object_key, offender) rows.  Argument and result positions:
 */
enum
{
	PARENT_ARG_KEY, PARENT_NARGS
};
enum
{
	PARENT_RESULT_ID = 1
};
enum
{
	CHECK_ARG_OBJECT_ID, CHECK_ARG_ROW, CHECK_NARGS
};
enum
{
	CHECK_RESULT_OBJECT_KEY = 1, CHECK_RESULT_OFFENDER
};

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

/*
 * rule_fill
 *	  Completes a LayerRule from its innotrue.layer_rules row, found by id
 *	  through the primary key index.
 */
static void
rule_fill(Datum rule_id, LayerRule *rule)
{
	RelScan		rs;

	relscan_begin(&rs, &layer_scans, SPEC_RULES, 1, &rule_id, LAYER_SNAPSHOT);
	if (!relscan_next(&rs))
		elog(ERROR, "layer rule watch points to a missing rule");
	rule->rule_key = relscan_get_text(&rs, RULE_KEY);
	rule->check_sql = relscan_get_text(&rs, RULE_CHECK_SQL);
	rule->subject = relscan_get_text(&rs, RULE_SUBJECT);
	rule->message = relscan_get_text(&rs, RULE_MESSAGE);
	rule->detail_label = relscan_get_text(&rs, RULE_DETAIL_LABEL);
	rule->hint = relscan_get_text(&rs, RULE_HINT);
	rule->sqlstate = relscan_get_text(&rs, RULE_SQLSTATE);
	relscan_end(&rs);

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
	RelScan		rs;
	Datum		keys[2];
	List	   *found = NIL;
	List	   *rule_ids = NIL;
	ListCell   *lc;
	ListCell   *lc_id;
	int			event_col;

	if (TRIGGER_FIRED_BY_INSERT(event))
		event_col = WATCH_ON_INSERT;
	else if (TRIGGER_FIRED_BY_UPDATE(event))
		event_col = WATCH_ON_UPDATE;
	else
		event_col = WATCH_ON_DELETE;

	keys[WATCH_TABLE_NAME] = CStringGetTextDatum(table_name);
	keys[WATCH_IS_DEFERRED] = BoolGetDatum(deferred);
	relscan_begin(&rs, &layer_scans, SPEC_WATCHES, 2, keys, LAYER_SNAPSHOT);
	while (relscan_next(&rs))
	{
		LayerRule  *rule;
		char	   *image;

		if (!relscan_get_bool(&rs, event_col))
			continue;
		rule = palloc0(sizeof(LayerRule));
		rule->key_column = relscan_get_text(&rs, WATCH_KEY_COLUMN);
		rule->parent_sql = relscan_get_text(&rs, WATCH_PARENT_SQL);
		image = relscan_get_text(&rs, WATCH_ROW_IMAGE);
		rule->row_image = image[0];
		found = lappend(found, rule);
		rule_ids = lappend(rule_ids,
						   DatumGetPointer(datumCopy(relscan_get_notnull(&rs, WATCH_RULE_ID),
													 false, UUID_LEN)));
	}
	relscan_end(&rs);

	forboth(lc, found, lc_id, rule_ids)
		rule_fill(PointerGetDatum(lfirst(lc_id)), (LayerRule *) lfirst(lc));
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
	Oid			argtypes[PARENT_NARGS] = {[PARENT_ARG_KEY] = UUIDOID};
	Datum		values[PARENT_NARGS];
	List	   *ids = NIL;

	if (attnum <= 0 || SPI_gettypeid(desc, attnum) != UUIDOID)
		elog(ERROR, "layer rule \"%s\" watches column \"%s\", which is not a uuid column",
			 rule->rule_key, rule->key_column);
	key = SPI_getbinval(row, desc, attnum, &isnull);
	if (isnull)
		return NIL;
	if (rule->parent_sql == NULL)
		return list_make1(DatumGetPointer(datumCopy(key, false, UUID_LEN)));

	values[PARENT_ARG_KEY] = key;
	if (SPI_execute_with_args(rule->parent_sql, PARENT_NARGS, argtypes, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "parent query of layer rule \"%s\" failed", rule->rule_key);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		Datum		id = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, PARENT_RESULT_ID, &isnull);

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
	char	   *object_key = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
										 CHECK_RESULT_OBJECT_KEY);
	const char *s = rule->sqlstate;

	initStringInfo(&list);
	for (uint64 i = 0; i < SPI_processed && i < MAX_LISTED_OFFENDERS; i++)
	{
		char	   *offender = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc,
											  CHECK_RESULT_OFFENDER);

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
	Oid			argtypes[CHECK_NARGS] = {[CHECK_ARG_OBJECT_ID] = UUIDOID, [CHECK_ARG_ROW] = JSONOID};
	Datum		values[CHECK_NARGS];
	ListCell   *lc;

	if (ids == NIL)
		return;
	values[CHECK_ARG_ROW] = DirectFunctionCall1(row_to_json, heap_copy_tuple_as_datum(row, desc));
	foreach(lc, ids)
	{
		values[CHECK_ARG_OBJECT_ID] = PointerGetDatum(lfirst(lc));
		if (SPI_execute_with_args(rule->check_sql, CHECK_NARGS, argtypes, values, NULL, false, 0) != SPI_OK_SELECT)
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
	RelScan		rs;
	Datum		keys[4];
	StringInfoData found;

	keys[TRANS_TABLE_NAME] = CStringGetTextDatum(table_name);
	keys[TRANS_COLUMN_NAME] = CStringGetTextDatum(column);
	keys[TRANS_FROM_STATUS] = CStringGetTextDatum(from_state);
	if (to_state != NULL)
		keys[TRANS_TO_STATUS] = CStringGetTextDatum(to_state);
	initStringInfo(&found);
	relscan_begin(&rs, &layer_scans, SPEC_TRANSITIONS, to_state != NULL ? 4 : 3, keys, LAYER_SNAPSHOT);
	while (relscan_next(&rs))
		appendStringInfo(&found, "%s%s", found.len > 0 ? ", " : "",
						 relscan_get_text(&rs, TRANS_TO_STATUS));
	relscan_end(&rs);
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
