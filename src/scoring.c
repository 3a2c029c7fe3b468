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
 * Reads go through index scans on the extension's own indexes; the relation,
 * index and column numbers are looked up by name once per backend and
 * forgotten whenever a relcache invalidation touches one of them (e.g. the
 * extension was dropped and created again).  The one write goes through a
 * prepared SPI plan with typed arguments.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/relscan.h"
#include "access/tableam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/uuid.h"

#include "compat.h"
#include "innotrue.h"

PG_FUNCTION_INFO_V1(innotrue_compute_assessment_scores);

/* ---------- catalog lookups cached per backend ---------- */

#define SCORING_MAX_COLS 8

/* One relation read through one of its indexes, with the columns we use. */
typedef struct ScoringSource
{
	const char *relname;
	const char *indexname;
	const char *colnames[SCORING_MAX_COLS];
	Oid			relid;
	Oid			indexid;
	AttrNumber	attnums[SCORING_MAX_COLS];
} ScoringSource;

/* Column positions inside ScoringSource.colnames, per source. */
enum
{
	DEF_ID, DEF_SLUG, DEF_ACTIVE, DEF_REQUIRES_EMAIL
};
enum
{
	Q_DEFINITION, Q_ID, Q_KEY, Q_REQUIRED, Q_MULTIPLE, Q_ORDER
};
enum
{
	O_DEFINITION, O_ID, O_QUESTION, O_KEY
};
enum
{
	D_DEFINITION, D_ID, D_KEY, D_ORDER
};
enum
{
	S_OPTION, S_DIMENSION, S_SCORE
};
enum
{
	I_DEFINITION, I_KEY, I_TITLE, I_BODY, I_CONDITIONS, I_PRIORITY
};

enum
{
	SRC_DEF_BY_ID, SRC_DEF_BY_SLUG, SRC_QUESTIONS, SRC_OPTIONS,
	SRC_DIMENSIONS, SRC_SCORES, SRC_INTERPRETATIONS, SRC_COUNT
};

static ScoringSource sources[SRC_COUNT] = {
	{"assessment_definitions", "assessment_definitions_pkey",
	{"id", "slug", "is_active", "requires_email"}},
	{"assessment_definitions", "assessment_definitions_slug_key",
	{"slug", "id", "is_active", "requires_email"}},
	{"assessment_questions", "assessment_questions_definition_key_key",
	{"definition_id", "id", "key", "is_required", "allows_multiple", "order_index"}},
	{"assessment_question_options", "assessment_question_options_definition_id_idx",
	{"definition_id", "id", "question_id", "key"}},
	{"assessment_dimensions", "assessment_dimensions_definition_key_key",
	{"definition_id", "id", "key", "order_index"}},
	{"assessment_option_scores", "assessment_option_scores_option_dimension_key",
	{"option_id", "dimension_id", "score"}},
	{"assessment_interpretations", "assessment_interpretations_definition_key_key",
	{"definition_id", "key", "title", "body_text", "conditions", "priority"}},
};

/* Catalog generation (catalog.c) the sources were resolved under; 0 = never. */
static uint64 sources_stamp = 0;
static SPIPlanPtr insert_plan = NULL;

/* ---------- in-memory copy of one definition ---------- */

typedef struct ScoringOption
{
	pg_uuid_t	id;
	const char *key;
	int			keylen;
	int			question;		/* index into ScoringDefinition.questions */
	bool		chosen;
} ScoringOption;

typedef struct ScoringQuestion
{
	pg_uuid_t	id;
	const char *key;
	int			keylen;
	bool		required;
	bool		multiple;
	int			order_index;
	bool		answered;
	int			noptions;
	int		   *options;		/* indexes into ScoringDefinition.options */
} ScoringQuestion;

typedef struct ScoringDimension
{
	pg_uuid_t	id;
	const char *key;
	int			order_index;
	int64		total;
} ScoringDimension;

typedef struct ScoringInterpretation
{
	const char *key;
	const char *title;
	const char *body;
	int32		priority;
} ScoringInterpretation;

typedef struct ScoringDefinition
{
	pg_uuid_t	id;
	char	   *slug;
	bool		requires_email;
	int			nquestions;
	ScoringQuestion *questions; /* sorted by key bytes */
	int			noptions;
	ScoringOption *options;
	int			ndimensions;
	ScoringDimension *dimensions;	/* sorted by id */
} ScoringDefinition;

/*
 * resolve_sources
 *	  Looks up (once per backend, again after an invalidation) the OIDs of the
 *	  scoring tables, their indexes and column numbers in schema innotrue.
 */
static void
resolve_sources(void)
{
	uint64		current;

	while ((current = innotrue_catalog_generation()) != sources_stamp)
	{
		int			i;

		for (i = 0; i < SRC_COUNT; i++)
		{
			ScoringSource *s = &sources[i];
			int			c;

			s->relid = innotrue_relation_oid(s->relname);
			s->indexid = innotrue_relation_oid(s->indexname);
			for (c = 0; c < SCORING_MAX_COLS && s->colnames[c] != NULL; c++)
			{
				s->attnums[c] = get_attnum(s->relid, s->colnames[c]);
				if (s->attnums[c] == InvalidAttrNumber)
					ereport(ERROR,
							(errcode(ERRCODE_UNDEFINED_COLUMN),
							 errmsg("innotrue scoring column \"%s.%s\" is missing",
									s->relname, s->colnames[c])));
			}
		}
		sources_stamp = current;
	}
}

/* ---------- index scans ---------- */

typedef struct ScoringScan
{
	ScoringSource *src;
	Relation	rel;
	SysScanDesc scan;
	ScanKeyData key;
} ScoringScan;

/*
 * scan_begin
 *	  Starts an index scan of source src for rows whose first indexed column
 *	  (colnames[0]) equals value, compared with procedure eqproc.
 */
static void
scan_begin(ScoringScan *s, int src, RegProcedure eqproc, Datum value)
{
	s->src = &sources[src];
	s->rel = table_open(s->src->relid, AccessShareLock);
	ScanKeyInit(&s->key, s->src->attnums[0], BTEqualStrategyNumber, eqproc, value);
	s->scan = systable_beginscan(s->rel, s->src->indexid, true,
								 GetActiveSnapshot(), 1, &s->key);
}

/*
 * scan_next
 *	  Returns the next matching tuple, or NULL at the end of the scan.
 */
static HeapTuple
scan_next(ScoringScan *s)
{
	return systable_getnext(s->scan);
}

/*
 * scan_end
 *	  Ends the scan and releases the relation (the lock stays to end of
 *	  transaction, as for any read).
 */
static void
scan_end(ScoringScan *s)
{
	systable_endscan(s->scan);
	table_close(s->rel, NoLock);
}

/*
 * scan_get
 *	  Returns column col (a ScoringSource.colnames position) of tuple tup;
 *	  every column we read is NOT NULL in the schema, a NULL is reported as
 *	  a corrupted definition rather than crashing.
 */
static Datum
scan_get(ScoringScan *s, HeapTuple tup, int col)
{
	bool		isnull;
	Datum		d;

	d = heap_getattr(tup, s->src->attnums[col], RelationGetDescr(s->rel), &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unexpected null in column \"%s.%s\"",
						s->src->relname, s->src->colnames[col])));
	return d;
}

/*
 * scan_get_text
 *	  Returns a text column of tuple tup as a palloc'd C string.
 */
static char *
scan_get_text(ScoringScan *s, HeapTuple tup, int col)
{
	return TextDatumGetCString(scan_get(s, tup, col));
}

/*
 * scan_get_uuid
 *	  Copies a uuid column of tuple tup into *out.
 */
static void
scan_get_uuid(ScoringScan *s, HeapTuple tup, int col, pg_uuid_t *out)
{
	memcpy(out, DatumGetUUIDP(scan_get(s, tup, col)), sizeof(pg_uuid_t));
}

/* ---------- sorting and searching helpers ---------- */

/* Compares two byte strings as memcmp would, shorter-prefix first. */
static int
bytes_cmp(const char *a, int alen, const char *b, int blen)
{
	int			r = memcmp(a, b, Min(alen, blen));

	if (r != 0)
		return r;
	return (alen > blen) - (alen < blen);
}

/* qsort comparator: questions by key bytes. */
static int
question_key_cmp(const void *a, const void *b)
{
	const ScoringQuestion *qa = a;
	const ScoringQuestion *qb = b;

	return bytes_cmp(qa->key, qa->keylen, qb->key, qb->keylen);
}

/* qsort comparator: dimensions by id. */
static int
dimension_id_cmp(const void *a, const void *b)
{
	return memcmp(&((const ScoringDimension *) a)->id,
				  &((const ScoringDimension *) b)->id, sizeof(pg_uuid_t));
}

/*
 * find_question
 *	  Binary search of the definition's questions by key; -1 when absent.
 */
static int
find_question(ScoringDefinition *def, const char *key, int keylen)
{
	int			lo = 0,
				hi = def->nquestions - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		ScoringQuestion *q = &def->questions[mid];
		int			r = bytes_cmp(key, keylen, q->key, q->keylen);

		if (r == 0)
			return mid;
		if (r < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

/*
 * find_question_by_id
 *	  Linear search of a question by id (used once per option while loading;
 *	  definitions have tens of questions).
 */
static int
find_question_by_id(ScoringDefinition *def, const pg_uuid_t *id)
{
	int			i;

	for (i = 0; i < def->nquestions; i++)
		if (memcmp(&def->questions[i].id, id, sizeof(pg_uuid_t)) == 0)
			return i;
	return -1;
}

/*
 * find_dimension_by_id
 *	  Binary search of a dimension by id; NULL when absent.
 */
static ScoringDimension *
find_dimension_by_id(ScoringDefinition *def, const pg_uuid_t *id)
{
	ScoringDimension probe;

	probe.id = *id;
	return bsearch(&probe, def->dimensions, def->ndimensions,
				   sizeof(ScoringDimension), dimension_id_cmp);
}

/* ---------- loading a definition ---------- */

/*
 * grow_array
 *	  Returns arr with room for one more element of size elem beyond n,
 *	  doubling *cap when full (the loaders do not know their row counts).
 */
static void *
grow_array(void *arr, int n, int *cap, Size elem)
{
	if (n < *cap)
		return arr;
	*cap *= 2;
	return repalloc(arr, *cap * elem);
}

/*
 * parse_canonical_uuid
 *	  True when s is a uuid in canonical 8-4-4-4-12 hex form (so a definition
 *	  argument is looked up by id first); never raises.
 */
static bool
parse_canonical_uuid(const char *s, pg_uuid_t *out)
{
	int			i;

	if (strlen(s) != 36)
		return false;
	for (i = 0; i < 36; i++)
	{
		if (i == 8 || i == 13 || i == 18 || i == 23)
		{
			if (s[i] != '-')
				return false;
		}
		else if (!isxdigit((unsigned char) s[i]))
			return false;
	}
	memcpy(out, DatumGetUUIDP(DirectFunctionCall1(uuid_in, CStringGetDatum(s))),
		   sizeof(pg_uuid_t));
	return true;
}

/*
 * lookup_definition_row
 *	  Reads the definition row matching value through source src (by id or
 *	  by slug); fills def and *active and returns true when found.
 */
static bool
lookup_definition_row(int src, RegProcedure eqproc, Datum value,
					  ScoringDefinition *def, bool *active)
{
	ScoringScan s;
	HeapTuple	tup;
	bool		found = false;
	int			idcol = (src == SRC_DEF_BY_ID) ? DEF_ID : DEF_SLUG;
	int			slugcol = (src == SRC_DEF_BY_ID) ? DEF_SLUG : DEF_ID;

	scan_begin(&s, src, eqproc, value);
	if ((tup = scan_next(&s)) != NULL)
	{
		scan_get_uuid(&s, tup, idcol, &def->id);
		def->slug = scan_get_text(&s, tup, slugcol);
		*active = DatumGetBool(scan_get(&s, tup, DEF_ACTIVE));
		def->requires_email = DatumGetBool(scan_get(&s, tup, DEF_REQUIRES_EMAIL));
		found = true;
	}
	scan_end(&s);
	return found;
}

/*
 * load_definition_header
 *	  Resolves the definition argument (canonical uuid = id, tried first;
 *	  otherwise slug) and refuses unknown and inactive definitions.
 */
static void
load_definition_header(const char *name, ScoringDefinition *def)
{
	pg_uuid_t	id;
	bool		active = false;
	bool		found = false;

	if (parse_canonical_uuid(name, &id))
		found = lookup_definition_row(SRC_DEF_BY_ID, F_UUID_EQ,
									  UUIDPGetDatum(&id), def, &active);
	if (!found)
		found = lookup_definition_row(SRC_DEF_BY_SLUG, F_TEXTEQ,
									  CStringGetTextDatum(name), def, &active);
	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown assessment definition \"%s\"", name),
				 errhint("Pass the definition's slug or id.")));
	if (!active)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("assessment definition \"%s\" is not active", def->slug)));
}

/*
 * load_questions
 *	  Reads the definition's questions and sorts them by key for lookup.
 */
static void
load_questions(ScoringDefinition *def)
{
	ScoringScan s;
	HeapTuple	tup;
	int			cap = 16;

	def->nquestions = 0;
	def->questions = palloc(cap * sizeof(ScoringQuestion));
	scan_begin(&s, SRC_QUESTIONS, F_UUID_EQ, UUIDPGetDatum(&def->id));
	while ((tup = scan_next(&s)) != NULL)
	{
		ScoringQuestion *q;

		def->questions = grow_array(def->questions, def->nquestions, &cap, sizeof(ScoringQuestion));
		q = &def->questions[def->nquestions++];
		memset(q, 0, sizeof(*q));
		scan_get_uuid(&s, tup, Q_ID, &q->id);
		q->key = scan_get_text(&s, tup, Q_KEY);
		q->keylen = strlen(q->key);
		q->required = DatumGetBool(scan_get(&s, tup, Q_REQUIRED));
		q->multiple = DatumGetBool(scan_get(&s, tup, Q_MULTIPLE));
		q->order_index = DatumGetInt32(scan_get(&s, tup, Q_ORDER));
	}
	scan_end(&s);
	qsort(def->questions, def->nquestions, sizeof(ScoringQuestion), question_key_cmp);
}

/*
 * load_options
 *	  Reads the definition's answer options and attaches each to its
 *	  question's option list.
 */
static void
load_options(ScoringDefinition *def)
{
	ScoringScan s;
	HeapTuple	tup;
	int			cap = 64;
	int			i;

	def->noptions = 0;
	def->options = palloc(cap * sizeof(ScoringOption));
	scan_begin(&s, SRC_OPTIONS, F_UUID_EQ, UUIDPGetDatum(&def->id));
	while ((tup = scan_next(&s)) != NULL)
	{
		ScoringOption *o;
		pg_uuid_t	qid;

		def->options = grow_array(def->options, def->noptions, &cap, sizeof(ScoringOption));
		o = &def->options[def->noptions];
		scan_get_uuid(&s, tup, O_ID, &o->id);
		scan_get_uuid(&s, tup, O_QUESTION, &qid);
		o->key = scan_get_text(&s, tup, O_KEY);
		o->keylen = strlen(o->key);
		o->chosen = false;
		o->question = find_question_by_id(def, &qid);
		if (o->question < 0)
			continue;			/* cannot happen: composite foreign key */
		def->questions[o->question].noptions++;
		def->noptions++;
	}
	scan_end(&s);

	for (i = 0; i < def->nquestions; i++)
	{
		def->questions[i].options = palloc(Max(1, def->questions[i].noptions) * sizeof(int));
		def->questions[i].noptions = 0;
	}
	for (i = 0; i < def->noptions; i++)
	{
		ScoringQuestion *q = &def->questions[def->options[i].question];

		q->options[q->noptions++] = i;
	}
}

/*
 * load_dimensions
 *	  Reads the definition's dimensions (scores start at 0) sorted by id.
 */
static void
load_dimensions(ScoringDefinition *def)
{
	ScoringScan s;
	HeapTuple	tup;
	int			cap = 8;

	def->ndimensions = 0;
	def->dimensions = palloc(cap * sizeof(ScoringDimension));
	scan_begin(&s, SRC_DIMENSIONS, F_UUID_EQ, UUIDPGetDatum(&def->id));
	while ((tup = scan_next(&s)) != NULL)
	{
		ScoringDimension *d;

		def->dimensions = grow_array(def->dimensions, def->ndimensions, &cap, sizeof(ScoringDimension));
		d = &def->dimensions[def->ndimensions++];
		scan_get_uuid(&s, tup, D_ID, &d->id);
		d->key = scan_get_text(&s, tup, D_KEY);
		d->order_index = DatumGetInt32(scan_get(&s, tup, D_ORDER));
		d->total = 0;
	}
	scan_end(&s);
	qsort(def->dimensions, def->ndimensions, sizeof(ScoringDimension), dimension_id_cmp);
}

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

		if (bytes_cmp(o->key, o->keylen, key, keylen) == 0)
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

		if (bytes_cmp(o->key, o->keylen, key, keylen) == 0)
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
			int			qi = find_question(def, v.val.string.val, v.val.string.len);

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

/*
 * sum_scores
 *	  Adds the matrix scores of every chosen option to its dimensions: one
 *	  index scan on (option_id, dimension_id), rescanned per chosen option so
 *	  the relation and index are opened once per call.
 */
static void
sum_scores(ScoringDefinition *def)
{
	ScoringSource *src = &sources[SRC_SCORES];
	Relation	heap = table_open(src->relid, AccessShareLock);
	Relation	index = index_open(src->indexid, AccessShareLock);
	IndexScanDesc scan = compat_index_beginscan(heap, index, GetActiveSnapshot(), 1, 0);
	TupleTableSlot *slot = table_slot_create(heap, NULL);
	int			i;

	for (i = 0; i < def->noptions; i++)
	{
		ScanKeyData key;

		if (!def->options[i].chosen)
			continue;
		/* index column 1 is option_id */
		ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_UUID_EQ,
					UUIDPGetDatum(&def->options[i].id));
		index_rescan(scan, &key, 1, NULL, 0);
		while (index_getnext_slot(scan, ForwardScanDirection, slot))
		{
			bool		dnull,
						snull;
			Datum		dim = slot_getattr(slot, src->attnums[S_DIMENSION], &dnull);
			Datum		score = slot_getattr(slot, src->attnums[S_SCORE], &snull);
			ScoringDimension *d;

			if (dnull || snull)
				continue;		/* both columns are NOT NULL */
			d = find_dimension_by_id(def, DatumGetUUIDP(dim));
			if (d != NULL)
				d->total += DatumGetInt32(score);
		}
	}
	ExecDropSingleTupleTableSlot(slot);
	index_endscan(scan);
	index_close(index, NoLock);
	table_close(heap, NoLock);
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

		if (bytes_cmp(d->key, strlen(d->key), key, keylen) == 0)
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
	ScoringScan s;
	HeapTuple	tup;
	int			cap = 8;
	int			n = 0;
	ScoringInterpretation *out = palloc(cap * sizeof(ScoringInterpretation));

	scan_begin(&s, SRC_INTERPRETATIONS, F_UUID_EQ, UUIDPGetDatum(&def->id));
	while ((tup = scan_next(&s)) != NULL)
	{
		Jsonb	   *cond = DatumGetJsonbP(scan_get(&s, tup, I_CONDITIONS));

		if (!conditions_hold(def, cond))
			continue;
		out = grow_array(out, n, &cap, sizeof(ScoringInterpretation));
		out[n].key = scan_get_text(&s, tup, I_KEY);
		out[n].title = scan_get_text(&s, tup, I_TITLE);
		out[n].body = scan_get_text(&s, tup, I_BODY);
		out[n].priority = DatumGetInt32(scan_get(&s, tup, I_PRIORITY));
		n++;
	}
	scan_end(&s);
	qsort(out, n, sizeof(ScoringInterpretation), interpretation_cmp);
	*count = n;
	return out;
}

/* ---------- building the result ---------- */

/* Pushes an already built jsonb document as a value. */
static void
push_jsonb(JsonbParseState **st, Jsonb *jb)
{
	JsonbValue	v;

	v.type = jbvBinary;
	v.val.binary.data = &jb->root;
	v.val.binary.len = VARSIZE(jb) - VARHDRSZ;
	pushJsonbValue(st, WJB_VALUE, &v);
}

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
	push_jsonb(&st, scores);
	jsonb_push_key(&st, "interpretations");
	push_jsonb(&st, interps);
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
	Datum		values[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};
	pg_uuid_t  *id = palloc(sizeof(pg_uuid_t));
	bool		isnull;
	int			rc;

	SPI_connect();
	if (insert_plan == NULL)
	{
		Oid			types[6] = {UUIDOID, UUIDOID, TEXTOID, JSONBOID, JSONBOID, JSONBOID};
		SPIPlanPtr	plan;

		plan = SPI_prepare("INSERT INTO innotrue.assessment_responses"
						   " (definition_id, user_id, respondent_email, answers, dimension_scores, interpretations)"
						   " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", 6, types);
		if (plan == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not prepare the assessment response insert: %s",
							SPI_result_code_string(SPI_result))));
		SPI_keepplan(plan);
		insert_plan = plan;
	}
	values[0] = UUIDPGetDatum(&def->id);
	values[1] = user_id;
	nulls[1] = user_null ? 'n' : ' ';
	values[2] = PointerGetDatum(email);
	nulls[2] = email == NULL ? 'n' : ' ';
	values[3] = JsonbPGetDatum(answers);
	values[4] = JsonbPGetDatum(scores);
	values[5] = JsonbPGetDatum(interps);
	rc = SPI_execute_plan(insert_plan, values, nulls, false, 1);
	if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("storing the assessment response failed: %s", SPI_result_code_string(rc))));
	memcpy(id, DatumGetUUIDP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)),
		   sizeof(pg_uuid_t));
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

	resolve_sources();
	memset(&def, 0, sizeof(def));
	load_definition_header(text_to_cstring(PG_GETARG_TEXT_PP(0)), &def);
	load_questions(&def);
	load_options(&def);
	load_dimensions(&def);

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
