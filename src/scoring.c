/*-------------------------------------------------------------------------
 *
 * scoring.c
 *	  Server-side scoring of assessment definitions (system B):
 *	  innotrue.compute_assessment_scores().
 *
 * An answer document maps question keys to one option key (single choice)
 * or an array of option keys (multiple choice).  The function validates the
 * document against the definition, sums the confidential matrix
 * (assessment_option_scores) per dimension, evaluates the interpretation
 * conditions against those sums and, when asked to, stores the response.
 *
 * This file holds the rules: what an answer may be, how totals and
 * interpretation conditions work, when an e-mail is required, and the one
 * write (the response row, a kept SPI statement of spi_stmt.h).  The
 * definition, its matrix and its interpretations are read by
 * scoring_definition.c through scoring.h.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/uuid.h"

#include "innotrue.h"
#include "scoring.h"
#include "spi_stmt.h"

PG_FUNCTION_INFO_V1(innotrue_compute_assessment_scores);

/* The one write: the response row, its id returned. */
static SpiStatement q_insert_response = SPI_STATEMENT(
	"INSERT INTO innotrue.assessment_responses"
	" (definition_id, user_id, respondent_email, answers, dimension_scores, interpretations)"
	" VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
	UUIDOID, UUIDOID, TEXTOID, JSONBOID, JSONBOID, JSONBOID);

enum
{
	INSERTED_ID = 1
};

/* ---------- validating the answer document ---------- */

/*
 * jsonb_type_name
 *	  Name of a JSON value's type for error details.
 */
static const char *
jsonb_type_name(JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "string";
		case jbvNumeric:
			return "number";
		case jbvBool:
			return "boolean";
		case jbvBinary:
			return JsonContainerIsArray(v->val.binary.data) ? "array" : "object";
		default:
			return "value";
	}
}

/*
 * report_bad_answer_type
 *	  Raises the structural error for an answer that is neither an option key
 *	  nor an array of option keys (22P02).
 */
static void
report_bad_answer_type(ScoringQuestion *q, JsonbValue *v, bool in_array)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("answer to question \"%s\" must be an option key or an array of option keys",
					q->key),
			 errdetail(in_array ? "The array contains a JSON %s." : "Got a JSON %s.",
					   jsonb_type_name(v))));
}

/*
 * choose_option
 *	  Marks the option with key (key, keylen) of question q as chosen;
 *	  refuses unknown options, options of another question and duplicates.
 */
static void
choose_option(ScoringDefinition *def, ScoringQuestion *q, const char *key, int keylen)
{
	char	   *optkey = pnstrdup(key, keylen);
	int			i;

	for (i = 0; i < q->noptions; i++)
	{
		ScoringOption *o = &def->options[q->options[i]];

		if (scoring_bytes_cmp(o->key, o->keylen, key, keylen) == 0)
		{
			if (o->chosen)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("duplicate option \"%s\" for question \"%s\"", optkey, q->key)));
			o->chosen = true;
			q->answered = true;
			return;
		}
	}
	for (i = 0; i < def->noptions; i++)
	{
		ScoringOption *o = &def->options[i];

		if (scoring_bytes_cmp(o->key, o->keylen, key, keylen) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"%s\" does not belong to question \"%s\"", optkey, q->key),
					 errdetail("It is an option of question \"%s\".",
							   def->questions[o->question].key)));
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown option \"%s\" for question \"%s\"", optkey, q->key)));
}

/*
 * choose_option_list
 *	  Applies an array answer to question q: only multiple-choice questions
 *	  take one, and every element must be an option key.
 */
static void
choose_option_list(ScoringDefinition *def, ScoringQuestion *q, JsonbContainer *array)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (!q->multiple)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("question \"%s\" takes a single option, not an array", q->key)));
	it = JsonbIteratorInit(array);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if (v.type != jbvString)
			report_bad_answer_type(q, &v, true);
		choose_option(def, q, v.val.string.val, v.val.string.len);
	}
}

/*
 * apply_answers
 *	  Walks the answer document in its (deterministic) key order and marks
 *	  the chosen options; the first offending key raises the error.
 */
static void
apply_answers(ScoringDefinition *def, Jsonb *answers)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	ScoringQuestion *q = NULL;

	if (!JB_ROOT_IS_OBJECT(answers))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("answers must be a JSON object of question keys"),
				 errdetail("Got a JSON %s.",
						   JB_ROOT_IS_SCALAR(answers) ? "scalar" : "array")));

	it = JsonbIteratorInit(&answers->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			int			qi = scoring_find_question(def, v.val.string.val, v.val.string.len);

			if (qi < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("unknown question \"%s\"",
								pnstrdup(v.val.string.val, v.val.string.len)),
						 errdetail("Assessment definition \"%s\" has no question with this key.",
								   def->slug)));
			q = &def->questions[qi];
		}
		else if (tok == WJB_VALUE)
		{
			if (v.type == jbvString)
				choose_option(def, q, v.val.string.val, v.val.string.len);
			else if (v.type == jbvBinary && JsonContainerIsArray(v.val.binary.data))
				choose_option_list(def, q, v.val.binary.data);
			else
				report_bad_answer_type(q, &v, false);
		}
	}
}

/* qsort comparator: question pointers by order_index. */
static int
question_order_cmp(const void *a, const void *b)
{
	const ScoringQuestion *qa = *(ScoringQuestion *const *) a;
	const ScoringQuestion *qb = *(ScoringQuestion *const *) b;

	return (qa->order_index > qb->order_index) - (qa->order_index < qb->order_index);
}

/*
 * check_required_answered
 *	  Refuses the document when required questions are unanswered (an empty
 *	  array counts as unanswered), naming all of them in display order.
 */
static void
check_required_answered(ScoringDefinition *def)
{
	ScoringQuestion **missing = palloc(Max(1, def->nquestions) * sizeof(ScoringQuestion *));
	int			nmissing = 0;
	int			i;
	StringInfoData buf;

	for (i = 0; i < def->nquestions; i++)
		if (def->questions[i].required && !def->questions[i].answered)
			missing[nmissing++] = &def->questions[i];
	if (nmissing == 0)
		return;
	qsort(missing, nmissing, sizeof(ScoringQuestion *), question_order_cmp);
	initStringInfo(&buf);
	for (i = 0; i < nmissing; i++)
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "", missing[i]->key);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("missing answers to required questions: %s", buf.data)));
}

/* ---------- scoring ---------- */

/* add_cell: one matrix cell of a chosen option counts for its dimension, if the definition has it. */
static void
add_cell(ScoringDefinition *def, const pg_uuid_t *dimension_id, int32 score)
{
	ScoringDimension *d = scoring_find_dimension_by_id(def, dimension_id);

	if (d != NULL)
		d->total += score;
}

/*
 * sum_scores
 *	  Adds the matrix scores of every chosen option to its dimensions (a
 *	  cell of a dimension the definition lacks adds nothing).
 */
static void
sum_scores(ScoringDefinition *def)
{
	scoring_read_chosen_cells(def, add_cell);
}

/*
 * find_dimension_total
 *	  The score of the dimension with key (key, keylen); false when the
 *	  definition has no such dimension.
 */
static bool
find_dimension_total(ScoringDefinition *def, const char *key, int keylen, int64 *total)
{
	int			i;

	for (i = 0; i < def->ndimensions; i++)
	{
		ScoringDimension *d = &def->dimensions[i];

		if (scoring_bytes_cmp(d->key, strlen(d->key), key, keylen) == 0)
		{
			*total = d->total;
			return true;
		}
	}
	return false;
}

/*
 * bounds_hold
 *	  True when score lies within the {"min": x, "max": y} object bounds
 *	  (inclusive, either optional).  A non-object or non-numeric bound (which
 *	  the table's CHECK forbids) never holds.
 */
static bool
bounds_hold(JsonbValue *bounds, int64 score)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	Numeric		num = int64_to_numeric(score);
	bool		is_min = false;

	if (bounds->type != jbvBinary || !JsonContainerIsObject(bounds->val.binary.data))
		return false;
	it = JsonbIteratorInit(bounds->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		int			cmp;

		if (tok == WJB_KEY)
		{
			is_min = (v.val.string.len == 3 && memcmp(v.val.string.val, "min", 3) == 0);
			continue;
		}
		if (tok != WJB_VALUE)
			continue;
		if (v.type != jbvNumeric)
			return false;
		cmp = DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(num),
												NumericGetDatum(v.val.numeric)));
		if (is_min ? cmp < 0 : cmp > 0)
			return false;
	}
	return true;
}

/*
 * conditions_hold
 *	  Evaluates an interpretation's conditions object against the dimension
 *	  scores: every listed dimension must hold; an empty object, or one that
 *	  names a dimension the definition lacks, never matches.
 */
static bool
conditions_hold(ScoringDefinition *def, Jsonb *conditions)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int64		total = 0;
	bool		any = false;

	if (!JB_ROOT_IS_OBJECT(conditions))
		return false;
	it = JsonbIteratorInit(&conditions->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			if (!find_dimension_total(def, v.val.string.val, v.val.string.len, &total))
				return false;
			any = true;
		}
		else if (tok == WJB_VALUE && !bounds_hold(&v, total))
			return false;
	}
	return any;
}

/* qsort comparator: interpretations by priority descending, then key bytes. */
static int
interpretation_cmp(const void *a, const void *b)
{
	const ScoringInterpretation *ia = a;
	const ScoringInterpretation *ib = b;

	if (ia->priority != ib->priority)
		return (ia->priority < ib->priority) - (ia->priority > ib->priority);
	return strcmp(ia->key, ib->key);
}

/*
 * match_interpretations
 *	  Returns the interpretations whose conditions hold, highest priority
 *	  first (ties by key), and their count in *count.
 */
static ScoringInterpretation *
match_interpretations(ScoringDefinition *def, int *count)
{
	ScoringInterpretation *matched = scoring_read_interpretations(def, conditions_hold, count);

	qsort(matched, *count, sizeof(ScoringInterpretation), interpretation_cmp);
	return matched;
}

/* ---------- building the result ---------- */

/*
 * build_dimension_scores
 *	  {"<dimension key>": score, ...} for every dimension of the definition.
 */
static Jsonb *
build_dimension_scores(ScoringDefinition *def)
{
	JsonbParseState *st = NULL;
	int			i;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < def->ndimensions; i++)
	{
		jsonb_push_key(&st, def->dimensions[i].key);
		jsonb_push_int(&st, def->dimensions[i].total);
	}
	return JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL));
}

/*
 * build_interpretations
 *	  [{"key", "title", "body", "priority"}, ...] in the given order.
 */
static Jsonb *
build_interpretations(ScoringInterpretation *interp, int n)
{
	JsonbParseState *st = NULL;
	int			i;

	pushJsonbValue(&st, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < n; i++)
	{
		pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
		jsonb_push_key(&st, "key");
		jsonb_push_string(&st, interp[i].key);
		jsonb_push_key(&st, "title");
		jsonb_push_string(&st, interp[i].title);
		jsonb_push_key(&st, "body");
		jsonb_push_string(&st, interp[i].body);
		jsonb_push_key(&st, "priority");
		jsonb_push_int(&st, interp[i].priority);
		pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	}
	return JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_ARRAY, NULL));
}

/*
 * build_result
 *	  The function's result document; response_id only when a row was stored.
 */
static Jsonb *
build_result(ScoringDefinition *def, Jsonb *scores, Jsonb *interps, Datum *response_id)
{
	JsonbParseState *st = NULL;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	jsonb_push_key(&st, "definition");
	jsonb_push_string(&st, def->slug);
	jsonb_push_key(&st, "dimension_scores");
	jsonb_push_jsonb(&st, JsonbPGetDatum(scores));
	jsonb_push_key(&st, "interpretations");
	jsonb_push_jsonb(&st, JsonbPGetDatum(interps));
	if (response_id != NULL)
	{
		jsonb_push_key(&st, "response_id");
		jsonb_push_string(&st, DatumGetCString(DirectFunctionCall1(uuid_out, *response_id)));
	}
	return JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL));
}

/* ---------- storing the response ---------- */

/*
 * normalize_email
 *	  Lower-cases the respondent's e-mail and checks it has the shape the
 *	  table requires (one @, no blanks); NULL stays NULL.
 */
static text *
normalize_email(text *raw)
{
	text	   *lowered;
	char	   *s;
	char	   *at;
	char	   *p;

	if (raw == NULL)
		return NULL;
	lowered = DatumGetTextPP(DirectFunctionCall1Coll(lower, DEFAULT_COLLATION_OID,
													 PointerGetDatum(raw)));
	s = text_to_cstring(lowered);
	at = strchr(s, '@');
	for (p = s; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f')
			break;
	if (*p != '\0' || at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid respondent e-mail \"%s\"", text_to_cstring(raw))));
	return lowered;
}

/*
 * store_response
 *	  Inserts the assessment_responses row and returns its id (allocated in
 *	  the caller's memory context).
 */
static Datum
store_response(ScoringDefinition *def, Datum user_id, bool user_null, text *email,
			   Jsonb *answers, Jsonb *scores, Jsonb *interps)
{
	pg_uuid_t  *id = palloc(sizeof(pg_uuid_t));
	SpiArgs		a;
	int			rc;

	SPI_connect();
	spi_args_init(&a, &q_insert_response);
	spi_arg(&a, 1, UUIDPGetDatum(&def->id));
	if (user_null)
		spi_arg_null(&a, 2);
	else
		spi_arg(&a, 2, user_id);
	if (email == NULL)
		spi_arg_null(&a, 3);
	else
		spi_arg(&a, 3, PointerGetDatum(email));
	spi_arg(&a, 4, JsonbPGetDatum(answers));
	spi_arg(&a, 5, JsonbPGetDatum(scores));
	spi_arg(&a, 6, JsonbPGetDatum(interps));
	rc = spi_run(&q_insert_response, &a);
	if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("storing the assessment response failed: %s", SPI_result_code_string(rc))));
	memcpy(id, DatumGetUUIDP(spi_result_notnull(0, INSERTED_ID)), sizeof(pg_uuid_t));
	SPI_finish();
	return UUIDPGetDatum(id);
}

/* ---------- entry point ---------- */

/*
 * require_arg
 *	  Refuses a NULL argument that has no meaning (the function is not STRICT
 *	  because respondent_email may be NULL).
 */
static void
require_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"%s\" must not be null", name)));
}

/*
 * innotrue_compute_assessment_scores
 *	  compute_assessment_scores(definition, answers, respondent_email, store):
 *	  validates the answers, scores them through the confidential matrix,
 *	  matches interpretations and optionally stores the response.
 */
Datum
innotrue_compute_assessment_scores(PG_FUNCTION_ARGS)
{
	ScoringDefinition def;
	Jsonb	   *answers;
	text	   *email;
	bool		store;
	Jsonb	   *scores;
	Jsonb	   *interps;
	ScoringInterpretation *matched;
	int			nmatched;
	Datum		response_id;

	require_arg(fcinfo, 0, "definition");
	require_arg(fcinfo, 1, "answers");
	require_arg(fcinfo, 3, "store");
	answers = PG_GETARG_JSONB_P(1);
	store = PG_GETARG_BOOL(3);
	email = normalize_email(PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2));

	scoring_load_definition(text_to_cstring(PG_GETARG_TEXT_PP(0)), &def);

	apply_answers(&def, answers);
	check_required_answered(&def);
	sum_scores(&def);
	matched = match_interpretations(&def, &nmatched);
	scores = build_dimension_scores(&def);
	interps = build_interpretations(matched, nmatched);

	if (!store)
		PG_RETURN_JSONB_P(build_result(&def, scores, interps, NULL));

	{
		bool		user_null;
		Datum		user_id = innotrue_current_user(&user_null);

		if (def.requires_email && user_null && email == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("assessment definition \"%s\" requires a respondent e-mail", def.slug),
					 errhint("Pass respondent_email, or store => false to score without storing.")));
		response_id = store_response(&def, user_id, user_null, email, answers, scores, interps);
	}
	PG_RETURN_JSONB_P(build_result(&def, scores, interps, &response_id));
}
