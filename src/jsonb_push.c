/*-------------------------------------------------------------------------
 *
 * jsonb_push.c
 *	  Small helpers for building jsonb values with pushJsonbValue, shared by
 *	  the C files that return JSON built in C (scoring.c, access.c,
 *	  ledger_write.c) rather than parsed from text.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "innotrue.h"

/* push_text: a string as the given token (WJB_KEY or WJB_VALUE). */
static void
push_text(JsonbParseState **st, JsonbIteratorToken token, const char *s)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) s;
	v.val.string.len = strlen(s);
	pushJsonbValue(st, token, &v);
}

/* jsonb_push_key: an object key. */
void
jsonb_push_key(JsonbParseState **st, const char *key)
{
	push_text(st, WJB_KEY, key);
}

/* jsonb_push_string: a string value. */
void
jsonb_push_string(JsonbParseState **st, const char *val)
{
	push_text(st, WJB_VALUE, val);
}

/* jsonb_push_int: an integer value, as a JSON number. */
void
jsonb_push_int(JsonbParseState **st, int64 val)
{
	JsonbValue	v;

	v.type = jbvNumeric;
	v.val.numeric = int64_to_numeric(val);
	pushJsonbValue(st, WJB_VALUE, &v);
}

/* jsonb_push_bool: a boolean value. */
void
jsonb_push_bool(JsonbParseState **st, bool val)
{
	JsonbValue	v;

	v.type = jbvBool;
	v.val.boolean = val;
	pushJsonbValue(st, WJB_VALUE, &v);
}

/* jsonb_push_null: a JSON null value. */
void
jsonb_push_null(JsonbParseState **st)
{
	JsonbValue	v;

	v.type = jbvNull;
	pushJsonbValue(st, WJB_VALUE, &v);
}

/* jsonb_push_jsonb: a jsonb document (object, array or scalar) as a value. */
void
jsonb_push_jsonb(JsonbParseState **st, Jsonb *jb)
{
	JsonbValue	v;

	v.type = jbvBinary;
	v.val.binary.data = &jb->root;
	v.val.binary.len = VARSIZE(jb) - VARHDRSZ;
	pushJsonbValue(st, WJB_VALUE, &v);
}
