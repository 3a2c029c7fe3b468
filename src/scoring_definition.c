/*-------------------------------------------------------------------------
 *
 * scoring_definition.c
 *	  Reading one assessment definition (system B) for scoring: its row,
 *	  questions, options and dimensions into the in-memory form of
 *	  scoring.h, the matrix cells of chosen options and the
 *	  interpretations, all through relscan.h index scans.
 *
 * This is the data layer of compute_assessment_scores: scoring.c holds the
 * rules (what an answer may be, how totals and conditions work) and asks
 * here for rows.  Keeping the reads apart keeps the table and column names
 * in one place, next to their enums.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/uuid.h"

#include "relscan.h"
#include "scoring.h"

/* ---------- what is read (relscan.h) ---------- */

enum
{
	SPEC_DEF_BY_ID, SPEC_DEF_BY_SLUG, SPEC_QUESTIONS, SPEC_OPTIONS,
	SPEC_DIMENSIONS, SPEC_SCORES, SPEC_INTERPRETATIONS
};

static const RelScanSpec scoring_specs[] = {
	[SPEC_DEF_BY_ID] = {"assessment_definitions", "assessment_definitions_pkey", 1,
	{"id", "slug", "is_active", "requires_email"}},
	[SPEC_DEF_BY_SLUG] = {"assessment_definitions", "assessment_definitions_slug_key", 1,
	{"slug", "id", "is_active", "requires_email"}},
	[SPEC_QUESTIONS] = {"assessment_questions", "assessment_questions_definition_key_key", 1,
	{"definition_id", "id", "key", "is_required", "allows_multiple", "order_index"}},
	[SPEC_OPTIONS] = {"assessment_question_options", "assessment_question_options_definition_id_idx", 1,
	{"definition_id", "id", "question_id", "key"}},
	[SPEC_DIMENSIONS] = {"assessment_dimensions", "assessment_dimensions_definition_key_key", 1,
	{"definition_id", "id", "key", "order_index"}},
	[SPEC_SCORES] = {"assessment_option_scores", "assessment_option_scores_option_dimension_key", 1,
	{"option_id", "dimension_id", "score"}},
	[SPEC_INTERPRETATIONS] = {"assessment_interpretations", "assessment_interpretations_definition_key_key", 1,
	{"definition_id", "key", "title", "body_text", "conditions", "priority"}},
};
static RelScanResolved scoring_resolved[lengthof(scoring_specs)];
static RelScanSet scoring_scans = RELSCAN_SET(scoring_specs, scoring_resolved);

/* Column positions of each spec's columns. */
enum
{
	DEF_ID, DEF_SLUG, DEF_ACTIVE, DEF_REQUIRES_EMAIL
};
enum
{
	DEFS_SLUG, DEFS_ID, DEFS_ACTIVE, DEFS_REQUIRES_EMAIL
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

/*
 * The columns read of the definition row, by either of its specs (the key
 * column comes first, so id and slug swap places).
 */
typedef struct DefinitionColumns
{
	int			id;
	int			slug;
	int			active;
	int			requires_email;
} DefinitionColumns;

static const DefinitionColumns def_by_id_columns = {DEF_ID, DEF_SLUG, DEF_ACTIVE, DEF_REQUIRES_EMAIL};
static const DefinitionColumns def_by_slug_columns = {DEFS_ID, DEFS_SLUG, DEFS_ACTIVE, DEFS_REQUIRES_EMAIL};

/* ---------- reading columns ---------- */

/*
 * get_text, get_uuid
 *	  A text column as a palloc'd C string, a uuid column copied into *out.
 *	  Every column read here is NOT NULL in the schema; relscan reports a
 *	  NULL as a corrupted definition.
 */
static char *
get_text(const RelScan *rs, int col)
{
	return TextDatumGetCString(relscan_get_notnull(rs, col));
}

static void
get_uuid(const RelScan *rs, int col, pg_uuid_t *out)
{
	memcpy(out, DatumGetUUIDP(relscan_get_notnull(rs, col)), sizeof(pg_uuid_t));
}

/* ---------- sorting and searching ---------- */

/* scoring_bytes_cmp: two byte strings as memcmp orders them, a shorter prefix first. */
int
scoring_bytes_cmp(const char *a, int alen, const char *b, int blen)
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

	return scoring_bytes_cmp(qa->key, qa->keylen, qb->key, qb->keylen);
}

/* qsort comparator: dimensions by id. */
static int
dimension_id_cmp(const void *a, const void *b)
{
	return memcmp(&((const ScoringDimension *) a)->id,
				  &((const ScoringDimension *) b)->id, sizeof(pg_uuid_t));
}

/*
 * scoring_find_question
 *	  Binary search of the definition's questions by key; -1 when absent.
 */
int
scoring_find_question(ScoringDefinition *def, const char *key, int keylen)
{
	int			lo = 0,
				hi = def->nquestions - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		ScoringQuestion *q = &def->questions[mid];
		int			r = scoring_bytes_cmp(key, keylen, q->key, q->keylen);

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
 * scoring_find_dimension_by_id
 *	  Binary search of a dimension by id; NULL when absent.
 */
ScoringDimension *
scoring_find_dimension_by_id(ScoringDefinition *def, const pg_uuid_t *id)
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
 *	  Reads the definition row whose key column (id or slug, by spec) equals
 *	  value; fills def and *active and returns true when found.
 */
static bool
lookup_definition_row(int spec, const DefinitionColumns *cols, Datum value,
					  ScoringDefinition *def, bool *active)
{
	RelScan		rs;
	bool		found = false;

	relscan_begin(&rs, &scoring_scans, spec, 1, &value, relscan_statement_snapshot());
	if (relscan_next(&rs))
	{
		get_uuid(&rs, cols->id, &def->id);
		def->slug = get_text(&rs, cols->slug);
		*active = DatumGetBool(relscan_get_notnull(&rs, cols->active));
		def->requires_email = DatumGetBool(relscan_get_notnull(&rs, cols->requires_email));
		found = true;
	}
	relscan_end(&rs);
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
		found = lookup_definition_row(SPEC_DEF_BY_ID, &def_by_id_columns,
									  UUIDPGetDatum(&id), def, &active);
	if (!found)
		found = lookup_definition_row(SPEC_DEF_BY_SLUG, &def_by_slug_columns,
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
	RelScan		rs;
	Datum		definition_id = UUIDPGetDatum(&def->id);
	int			cap = 16;

	def->nquestions = 0;
	def->questions = palloc(cap * sizeof(ScoringQuestion));
	relscan_begin(&rs, &scoring_scans, SPEC_QUESTIONS, 1, &definition_id, relscan_statement_snapshot());
	while (relscan_next(&rs))
	{
		ScoringQuestion *q;

		def->questions = grow_array(def->questions, def->nquestions, &cap, sizeof(ScoringQuestion));
		q = &def->questions[def->nquestions++];
		memset(q, 0, sizeof(*q));
		get_uuid(&rs, Q_ID, &q->id);
		q->key = get_text(&rs, Q_KEY);
		q->keylen = strlen(q->key);
		q->required = DatumGetBool(relscan_get_notnull(&rs, Q_REQUIRED));
		q->multiple = DatumGetBool(relscan_get_notnull(&rs, Q_MULTIPLE));
		q->order_index = DatumGetInt32(relscan_get_notnull(&rs, Q_ORDER));
	}
	relscan_end(&rs);
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
	RelScan		rs;
	Datum		definition_id = UUIDPGetDatum(&def->id);
	int			cap = 64;
	int			i;

	def->noptions = 0;
	def->options = palloc(cap * sizeof(ScoringOption));
	relscan_begin(&rs, &scoring_scans, SPEC_OPTIONS, 1, &definition_id, relscan_statement_snapshot());
	while (relscan_next(&rs))
	{
		ScoringOption *o;
		pg_uuid_t	qid;

		def->options = grow_array(def->options, def->noptions, &cap, sizeof(ScoringOption));
		o = &def->options[def->noptions];
		get_uuid(&rs, O_ID, &o->id);
		get_uuid(&rs, O_QUESTION, &qid);
		o->key = get_text(&rs, O_KEY);
		o->keylen = strlen(o->key);
		o->chosen = false;
		o->question = find_question_by_id(def, &qid);
		if (o->question < 0)
			continue;			/* cannot happen: composite foreign key */
		def->questions[o->question].noptions++;
		def->noptions++;
	}
	relscan_end(&rs);

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
	RelScan		rs;
	Datum		definition_id = UUIDPGetDatum(&def->id);
	int			cap = 8;

	def->ndimensions = 0;
	def->dimensions = palloc(cap * sizeof(ScoringDimension));
	relscan_begin(&rs, &scoring_scans, SPEC_DIMENSIONS, 1, &definition_id, relscan_statement_snapshot());
	while (relscan_next(&rs))
	{
		ScoringDimension *d;

		def->dimensions = grow_array(def->dimensions, def->ndimensions, &cap, sizeof(ScoringDimension));
		d = &def->dimensions[def->ndimensions++];
		get_uuid(&rs, D_ID, &d->id);
		d->key = get_text(&rs, D_KEY);
		d->order_index = DatumGetInt32(relscan_get_notnull(&rs, D_ORDER));
		d->total = 0;
	}
	relscan_end(&rs);
	qsort(def->dimensions, def->ndimensions, sizeof(ScoringDimension), dimension_id_cmp);
}

/*
 * scoring_load_definition
 *	  The definition named by name with its questions, options and
 *	  dimensions, nothing chosen and every total 0.
 */
void
scoring_load_definition(const char *name, ScoringDefinition *def)
{
	memset(def, 0, sizeof(*def));
	load_definition_header(name, def);
	load_questions(def);
	load_options(def);
	load_dimensions(def);
}

/* ---------- the matrix and the interpretations ---------- */

/*
 * scoring_read_chosen_cells
 *	  The confidential matrix rows of the chosen options, cell by cell: one
 *	  index scan on (option_id, dimension_id), restarted per chosen option
 *	  so the relations are opened once per call.
 */
void
scoring_read_chosen_cells(ScoringDefinition *def, ScoringCellFn cell)
{
	RelScan		rs;
	bool		open = false;
	int			i;

	for (i = 0; i < def->noptions; i++)
	{
		Datum		key = UUIDPGetDatum(&def->options[i].id);

		if (!def->options[i].chosen)
			continue;
		if (!open)
			relscan_begin(&rs, &scoring_scans, SPEC_SCORES, 1, &key, relscan_statement_snapshot());
		else
			relscan_rescan(&rs, 1, &key);
		open = true;
		while (relscan_next(&rs))
		{
			bool		dnull,
						snull;
			Datum		dim = relscan_get(&rs, S_DIMENSION, &dnull);
			Datum		score = relscan_get(&rs, S_SCORE, &snull);

			if (dnull || snull)
				continue;		/* both columns are NOT NULL */
			cell(def, DatumGetUUIDP(dim), DatumGetInt32(score));
		}
	}
	if (open)
		relscan_end(&rs);
}

/*
 * scoring_read_interpretations
 *	  The definition's interpretations whose conditions match accepts, in
 *	  index order; only accepted rows are copied out.
 */
ScoringInterpretation *
scoring_read_interpretations(ScoringDefinition *def, ScoringConditionsFn match, int *count)
{
	RelScan		rs;
	Datum		definition_id = UUIDPGetDatum(&def->id);
	int			cap = 8;
	int			n = 0;
	ScoringInterpretation *out = palloc(cap * sizeof(ScoringInterpretation));

	relscan_begin(&rs, &scoring_scans, SPEC_INTERPRETATIONS, 1, &definition_id, relscan_statement_snapshot());
	while (relscan_next(&rs))
	{
		Jsonb	   *cond = DatumGetJsonbP(relscan_get_notnull(&rs, I_CONDITIONS));

		if (!match(def, cond))
			continue;
		out = grow_array(out, n, &cap, sizeof(ScoringInterpretation));
		out[n].key = get_text(&rs, I_KEY);
		out[n].title = get_text(&rs, I_TITLE);
		out[n].body = get_text(&rs, I_BODY);
		out[n].priority = DatumGetInt32(relscan_get_notnull(&rs, I_PRIORITY));
		n++;
	}
	relscan_end(&rs);
	*count = n;
	return out;
}
