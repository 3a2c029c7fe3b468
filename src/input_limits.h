/*-------------------------------------------------------------------------
 *
 * input_limits.h
 *	  The bounds every SQL-callable entry point applies to what a caller
 *	  passes, in one place (documented in docs/input-limits.md).
 *
 * Each check raises a clear error naming the argument before anything is
 * written; no bound depends on the data, so a caller can validate up front.
 * The PL/pgSQL functions that take payloads or timestamps (notify,
 * queue_email, set_assessment_interest_status, queue_credit_expiry_notices)
 * repeat the same numbers in their checks; sql/input_limits.sql tests both
 * sides at the boundary.
 *
 *-------------------------------------------------------------------------
 */
#ifndef INNOTRUE_INPUT_LIMITS_H
#define INNOTRUE_INPUT_LIMITS_H

#include "postgres.h"

#include "utils/jsonb.h"
#include "utils/timestamp.h"

/* Credits granted at once (grant_credits.amount). */
#define INNOTRUE_MAX_CREDIT_AMOUNT		INT64CONST(1000000000000)	/* 10^12 */

/* Credits one owner may hold in live batches (remaining > 0) after a grant:
 * with it, no sum of an owner's batches, holds or balance can overflow a
 * bigint (10^15 is 1/9223 of its range). */
#define INNOTRUE_MAX_CREDIT_BALANCE		INT64CONST(1000000000000000)	/* 10^15 */

/* Units of a service bought in one call (deduct_credits / reserve_credits
 * quantity), and uses recorded in one call (record_feature_usage amount). */
#define INNOTRUE_MAX_QUANTITY			1000000

/* Idempotency keys and the names a caller passes (service_key, tier): 1 to 200
 * characters. */
#define INNOTRUE_MAX_KEY_LENGTH			200

/* References (deduct/reserve) and notification payloads: at most 8 KB as
 * JSON text (the jsonb value's canonical text form). */
#define INNOTRUE_MAX_JSON_BYTES			8192

/* Timestamps a caller passes (expiries, usage and interest times): finite,
 * from 1900-01-01 up to (excluding) 3000-01-01, UTC. */
#define INNOTRUE_MIN_TIMESTAMP_YEAR		1900
#define INNOTRUE_MAX_TIMESTAMP_YEAR		3000	/* exclusive */

extern void innotrue_check_key(text *key, const char *argname);
extern void innotrue_check_json_size(Jsonb *value, const char *argname);
extern void innotrue_check_text_size(text *value, const char *argname);
extern void innotrue_check_timestamp(TimestampTz value, const char *argname);
extern void innotrue_check_count(int64 value, int64 max, const char *argname);
extern int64 innotrue_add_credits(int64 a, int64 b, const char *what);

#endif							/* INNOTRUE_INPUT_LIMITS_H */
