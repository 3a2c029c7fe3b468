/*-------------------------------------------------------------------------
 *
 * feature_usage.c
 *	  Metering of consumable features: the usage period, the month's count
 *	  of uses (feature_usage), and record_feature_usage, which counts uses
 *	  against the merged monthly limit.  use_feature (feature_use.c) counts
 *	  its included uses through the same guarded write.
 *
 * The usage period is the platform month (settings.c, platform_month).
 * Counting is one INSERT ... ON CONFLICT DO UPDATE whose guard refuses to
 * pass the limit: the conflicting row is locked and the guard re-checked
 * on its latest version, so two sessions can never both take the last use.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "innotrue.h"
#include "entitlements_internal.h"
#include "input_limits.h"
#include "settings.h"
#include "spi_stmt.h"

PG_FUNCTION_INFO_V1(innotrue_usage_period);
PG_FUNCTION_INFO_V1(innotrue_record_feature_usage);

/* Adds $4 uses to the period's counter unless the count would pass limit $5 (NULL = unlimited). */
static SpiStatement q_count_use = SPI_STATEMENT(
	"INSERT INTO innotrue.feature_usage AS u (user_id, feature_id, period_start, used) "
	"VALUES ($1, $2, $3, $4) "
	"ON CONFLICT (user_id, feature_id, period_start) DO UPDATE "
	"SET used = u.used + excluded.used "
	"WHERE u.used::bigint + excluded.used <= coalesce($5::integer, 2147483647) "
	"RETURNING u.used",
	UUIDOID, UUIDOID, DATEOID, INT4OID, INT4OID);

/* The period's count under a new snapshot (the last committed one). */
static SpiStatement q_latest_usage = SPI_STATEMENT(
	"SELECT used FROM innotrue.feature_usage "
	"WHERE user_id = $1 AND feature_id = $2 AND period_start = $3",
	UUIDOID, UUIDOID, DATEOID);

/* The result column of both statements. */
enum
{
	USAGE_RESULT_USED = 1
};

/*
 * innotrue_usage_period
 *	  usage_period(at) -> (period_start date, next_reset timestamptz): the
 *	  metering month containing at (the platform month).
 */
Datum
innotrue_usage_period(PG_FUNCTION_ARGS)
{
	enum
	{
		PERIOD_START, PERIOD_NEXT_RESET, NUM_PERIOD_COLUMNS
	};
	TupleDesc	tupdesc;
	DateADT		start;
	TimestampTz next;
	Datum		values[NUM_PERIOD_COLUMNS];
	bool		nulls[NUM_PERIOD_COLUMNS] = {false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	innotrue_check_timestamp(PG_GETARG_TIMESTAMPTZ(0), "at");
	platform_month(PG_GETARG_TIMESTAMPTZ(0), &start, &next);
	values[PERIOD_START] = DateADTGetDatum(start);
	values[PERIOD_NEXT_RESET] = TimestampTzGetDatum(next);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/* entitlement_usage_period: the first day of the metering month containing at. */
DateADT
entitlement_usage_period(TimestampTz at)
{
	DateADT		period_start;

	platform_month(at, &period_start, NULL);
	return period_start;
}

/* usage_in_period: feature_usage.used for one user, feature and period (0 when no row). */
static int32
usage_in_period(Datum user_id, Datum feature_id, DateADT period_start)
{
	LookupScan	ls;
	Datum		keys[3];
	int32		used = 0;

	keys[USAGE_USER_ID] = user_id;
	keys[USAGE_FEATURE_ID] = feature_id;
	keys[USAGE_PERIOD_START] = DateADTGetDatum(period_start);
	lookup_begin(&ls, LK_USAGE, 3, keys);
	if (lookup_next(&ls))
	{
		bool		isnull;
		Datum		d = lookup_get(&ls, USAGE_USED, &isnull);

		used = isnull ? 0 : DatumGetInt32(d);
	}
	lookup_end(&ls);
	return used;
}

/*
 * usage_fill
 *	  Fills FeatureState.used of a resolution from the user's feature_usage
 *	  rows of the period: one index scan for all features instead of one
 *	  per feature.
 */
void
usage_fill(Datum user_id, DateADT period_start, UserResolution *r)
{
	LookupScan	ls;

	lookup_begin(&ls, LK_USAGE, 1, &user_id);
	while (lookup_next(&ls))
	{
		bool		isnull;
		FeatureState *fs;
		Datum		used;

		if (DatumGetDateADT(lookup_get(&ls, USAGE_PERIOD_START, &isnull)) != period_start)
			continue;
		fs = resolution_feature(r, lookup_get(&ls, USAGE_FEATURE_ID, &isnull));
		used = lookup_get(&ls, USAGE_USED, &isnull);
		if (fs != NULL && !isnull)
			fs->used = DatumGetInt32(used);
	}
	lookup_end(&ls);
}

/*
 * entitlement_usage
 *	  feature_usage.used of one user, feature and period: under the
 *	  statement's snapshot, or (latest) the last committed count, which a
 *	  caller that has just waited on the usage row needs.
 */
int32
entitlement_usage(Datum user_id, Datum feature_id, DateADT period_start, bool latest)
{
	SpiArgs		args;
	int32		used = 0;

	if (!latest)
		return usage_in_period(user_id, feature_id, period_start);
	spi_args_init(&args, &q_latest_usage);
	spi_arg(&args, 1, user_id);
	spi_arg(&args, 2, feature_id);
	spi_arg(&args, 3, DateADTGetDatum(period_start));
	SPI_connect();
	/* Not read-only: the statement takes a new snapshot, which sees what the wait was for. */
	if (spi_run(&q_latest_usage, &args) != SPI_OK_SELECT)
		elog(ERROR, "innotrue: unexpected result of: %s", q_latest_usage.sql);
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = spi_result(0, USAGE_RESULT_USED, &isnull);

		used = isnull ? 0 : DatumGetInt32(d);
	}
	SPI_finish();
	return used;
}

/*
 * entitlement_count_use
 *	  Adds amount uses to the period's counter unless that would pass the
 *	  grant's limit.  The conflicting row is locked and the guard re-checked
 *	  on its latest version, so concurrent callers serialize on it; a
 *	  refusal leaves the row locked by this transaction.  Returns false
 *	  (nothing written) when the guard refuses; *used gets the new count
 *	  otherwise.
 */
bool
entitlement_count_use(Datum user_id, Datum feature_id, DateADT period_start, int32 amount,
					  const FeatureGrant *grant, int32 *used)
{
	SpiArgs		args;
	bool		done = false;

	spi_args_init(&args, &q_count_use);
	spi_arg(&args, 1, user_id);
	spi_arg(&args, 2, feature_id);
	spi_arg(&args, 3, DateADTGetDatum(period_start));
	spi_arg(&args, 4, Int32GetDatum(amount));
	if (grant->unlimited)
		spi_arg_null(&args, 5);
	else
		spi_arg(&args, 5, Int32GetDatum(grant->limit));
	SPI_connect();
	if (spi_run(&q_count_use, &args) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "innotrue: unexpected result of: %s", q_count_use.sql);
	if (SPI_processed == 1)
	{
		*used = DatumGetInt32(spi_result_notnull(0, USAGE_RESULT_USED));
		done = true;
	}
	SPI_finish();
	return done;
}

/*
 * entitlement_refuse_ungranted
 *	  The error of a use of a feature the user is not granted (inactive,
 *	  denied, or granted by no source): 42501, for record_feature_usage and
 *	  use_feature alike.
 */
void
entitlement_refuse_ungranted(Datum user_id, const char *feature_key, const FeatureGrant *grant)
{
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("feature \"%s\" is not granted to user %s", feature_key,
					DatumGetCString(DirectFunctionCall1(uuid_out, user_id))),
			 errdetail(!grant->active ? "The feature is inactive." :
					   grant->denied ? "The feature is denied to this user." :
					   "No entitlement source grants it."),
			 errhint("innotrue.explain_entitlement() shows every source considered.")));
}

/*
 * innotrue_record_feature_usage
 *	  record_feature_usage(user_id, feature_key, amount, at) -> remaining
 *	  (NULL when unlimited).  Refuses, recording nothing: a non-positive
 *	  amount (22023), a feature not granted or denied (42501), and a use that
 *	  would pass the month's limit (54000 program_limit_exceeded).
 */
Datum
innotrue_record_feature_usage(PG_FUNCTION_ARGS)
{
	Datum		user_id = PG_GETARG_DATUM(0);
	text	   *key = PG_GETARG_TEXT_PP(1);
	int32		amount = PG_GETARG_INT32(2);
	TimestampTz at = PG_GETARG_TIMESTAMPTZ(3);
	char	   *key_str;
	bool		active;
	Datum		feature_id;
	FeatureGrant grant;
	DateADT		period_start;
	int32		used;

	innotrue_check_key(key, "feature_key");
	innotrue_check_count(amount, INNOTRUE_MAX_QUANTITY, "amount");
	innotrue_check_timestamp(at, "at");
	key_str = text_to_cstring(key);
	feature_id = entitlement_feature_id(key, &active);
	if (amount <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("usage amount of feature \"%s\" must be positive", key_str),
				 errdetail("The amount given was %d.", amount)));
	entitlement_grant(user_id, feature_id, active, at, &grant);
	if (!grant.granted)
		entitlement_refuse_ungranted(user_id, key_str, &grant);

	period_start = entitlement_usage_period(at);
	if (!grant.unlimited && amount > grant.limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("monthly limit of feature \"%s\" would be exceeded", key_str),
				 errdetail("Limit %d, requested %d.", grant.limit, amount)));
	if (!entitlement_count_use(user_id, feature_id, period_start, amount, &grant, &used))
	{
		if (grant.unlimited)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("usage of feature \"%s\" this month would pass the largest count", key_str),
					 errdetail("A monthly usage counter holds at most %d.", PG_INT32_MAX)));
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("monthly limit of feature \"%s\" would be exceeded", key_str),
				 errdetail("Limit %d, used %d this month, requested %d.", grant.limit,
						   usage_in_period(user_id, feature_id, period_start), amount)));
	}
	if (grant.unlimited)
		PG_RETURN_NULL();
	PG_RETURN_INT32(Max(grant.limit - used, 0));
}
