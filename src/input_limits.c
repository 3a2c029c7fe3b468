/*-------------------------------------------------------------------------
 *
 * input_limits.c
 *	  The checks of input_limits.h: each raises an error naming the
 *	  argument (22023 for keys and sizes, 22003 for counts and credit sums,
 *	  22008 for timestamps) and never quotes more than the bound allows.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "datatype/timestamp.h"
#include "mb/pg_wchar.h"
#include "utils/datetime.h"

#include "input_limits.h"

/*
 * innotrue_check_key
 *	  An idempotency key must have 1 to INNOTRUE_MAX_KEY_LENGTH characters.
 */
void
innotrue_check_key(text *key, const char *argname)
{
	int			bytes = VARSIZE_ANY_EXHDR(key);
	int			chars;

	/* no character takes less than a byte: the byte count bounds the work */
	if (bytes > INNOTRUE_MAX_KEY_LENGTH * MAX_MULTIBYTE_CHAR_LEN)
		chars = INNOTRUE_MAX_KEY_LENGTH + 1;
	else
		chars = pg_mbstrlen_with_len(VARDATA_ANY(key), bytes);
	if (chars < 1 || chars > INNOTRUE_MAX_KEY_LENGTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must have 1 to %d characters", argname, INNOTRUE_MAX_KEY_LENGTH),
				 chars < 1 ? errdetail("It is empty.") : errdetail("It has more than %d.", INNOTRUE_MAX_KEY_LENGTH)));
}

/* check_size: the shared refusal of a reference or payload over INNOTRUE_MAX_JSON_BYTES. */
static void
check_size(size_t len, const char *argname, const char *measured_as)
{
	if (len > INNOTRUE_MAX_JSON_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s is too large", argname),
				 errdetail("It takes %zu bytes%s; at most %d are accepted.", len, measured_as, INNOTRUE_MAX_JSON_BYTES)));
}

/*
 * innotrue_check_json_size
 *	  A reference or payload may take at most INNOTRUE_MAX_JSON_BYTES as JSON
 *	  text (jsonb's canonical output, what the caller reads back).  Measured
 *	  on the text: the binary size bounds it neither way (a short number can
 *	  print as thousands of digits).
 */
void
innotrue_check_json_size(Jsonb *value, const char *argname)
{
	char	   *text = JsonbToCString(NULL, &value->root, VARSIZE(value));
	size_t		len = strlen(text);

	pfree(text);
	check_size(len, argname, " as JSON text");
}

/* innotrue_check_text_size: a reference passed as text (use_feature) has the same bound. */
void
innotrue_check_text_size(text *value, const char *argname)
{
	check_size(VARSIZE_ANY_EXHDR(value), argname, "");
}

/*
 * innotrue_check_timestamp
 *	  A timestamp a caller passes must be finite and within the years
 *	  INNOTRUE_MIN_TIMESTAMP_YEAR to INNOTRUE_MAX_TIMESTAMP_YEAR (exclusive).
 */
void
innotrue_check_timestamp(TimestampTz value, const char *argname)
{
	TimestampTz lo = (TimestampTz) (date2j(INNOTRUE_MIN_TIMESTAMP_YEAR, 1, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;
	TimestampTz hi = (TimestampTz) (date2j(INNOTRUE_MAX_TIMESTAMP_YEAR, 1, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;

	if (TIMESTAMP_NOT_FINITE(value))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_FIELD_OVERFLOW),
				 errmsg("%s must be a finite timestamp", argname)));
	if (value < lo || value >= hi)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_FIELD_OVERFLOW),
				 errmsg("%s is out of range", argname),
				 errdetail("Timestamps from %d-01-01 to before %d-01-01 (UTC) are accepted.",
						   INNOTRUE_MIN_TIMESTAMP_YEAR, INNOTRUE_MAX_TIMESTAMP_YEAR)));
}

/*
 * innotrue_check_count
 *	  A positive count (amount, quantity) must not pass max.  Callers check
 *	  "must be positive" themselves, with their own wording.
 */
void
innotrue_check_count(int64 value, int64 max, const char *argname)
{
	if (value > max)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s is too large", argname),
				 errdetail("Got %lld; at most %lld is accepted.", (long long) value, (long long) max)));
}

/*
 * innotrue_add_credits
 *	  a + b with an error instead of a wrapped sum.  The bounds above make it
 *	  unreachable through the extension's functions; it guards rows written
 *	  around them.
 */
int64
innotrue_add_credits(int64 a, int64 b, const char *what)
{
	int64		sum;

	if (pg_add_s64_overflow(a, b, &sum))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s is out of range", what),
				 errhint("No owner may hold more than %lld credits.", (long long) INNOTRUE_MAX_CREDIT_BALANCE)));
	return sum;
}
