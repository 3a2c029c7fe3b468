/*-------------------------------------------------------------------------
 *
 * settings.c
 *	  One reader for the system settings the C code uses, and the one
 *	  definition of the platform month.
 *
 * Each setting is declared once below: key, type, default when the row is
 * absent, and the check a present value must pass.  Values are read under
 * the latest snapshot (so a setting takes effect for every statement that
 * starts after its change commits, at any isolation level) and kept per
 * backend until the catalog generation moves: system_settings announces
 * every change (trigger announce_table_change), and the announcement is
 * sent only after the change is visible, so a kept value is never older
 * than what a new snapshot would read.  In a parallel worker, where no new
 * snapshot may be taken, values are read under the statement's snapshot
 * and not kept.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/parallel.h"
#include "access/xact.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "pgtime.h"
#include "utils/snapmgr.h"

#include "innotrue.h"
#include "relscan.h"
#include "settings.h"

typedef enum SettingType
{
	SETTING_TYPE_TEXT,			/* a JSON string */
	SETTING_TYPE_COUNT			/* a JSON number, rounded to a whole number >= 0 */
} SettingType;

typedef struct SettingSpec
{
	const char *key;
	SettingType type;
	const char *text_default;
	int64		count_default;
	int64		count_max;
	bool		is_zone;		/* a text setting that names a time zone */
	const char *hint;			/* for a value of the wrong shape */
} SettingSpec;

static const SettingSpec setting_specs[NUM_PLATFORM_SETTINGS] = {
	[SETTING_DEFAULT_TIMEZONE] = {"default_timezone", SETTING_TYPE_TEXT, "UTC", 0, 0, true,
	"Set it to a time zone name as a JSON string, e.g. \"Europe/Berlin\"."},
	[SETTING_AI_MONTHLY_CREDIT_LIMIT] = {"ai_monthly_credit_limit", SETTING_TYPE_COUNT, NULL, -1, PG_INT64_MAX, false,
	"Set it to a whole number of credits, e.g. 1000."},
	[SETTING_CREDITS_LOW_THRESHOLD] = {"credits_low_threshold", SETTING_TYPE_COUNT, NULL, -1, PG_INT64_MAX, false,
	"Set it to a whole number of credits, e.g. 10."},
	[SETTING_ALUMNI_GRACE_DAYS] = {"alumni_grace_days", SETTING_TYPE_COUNT, NULL, 90, PG_INT32_MAX, false,
	"Set it to a whole number of days, e.g. 90."},
};

/* system_settings by key. */
enum
{
	SS_KEY, SS_VALUE
};

static const RelScanSpec settings_scan_specs[] = {
	{"system_settings", "system_settings_key_key", 1, {"key", "value"}},
};
static RelScanResolved settings_scan_resolved[lengthof(settings_scan_specs)];
static RelScanSet settings_scans = RELSCAN_SET(settings_scan_specs, settings_scan_resolved);

/* Values kept per backend (in TopMemoryContext) and the generation each was read under (0 = none). */
typedef struct SettingValue
{
	char	   *text;
	int64		count;
} SettingValue;

static SettingValue kept_values[NUM_PLATFORM_SETTINGS];
static uint64 kept_generation[NUM_PLATFORM_SETTINGS];

/*
 * check_value
 *	  A present setting's value as its spec declares it; an error naming the
 *	  setting when the value has the wrong shape.
 */
static SettingValue
check_value(const SettingSpec *spec, Jsonb *value)
{
	SettingValue result = {0};
	JsonbValue	scalar;
	Datum		count;
	bool		is_scalar = JsonbExtractScalar(&value->root, &scalar);

	if (spec->type == SETTING_TYPE_TEXT)
	{
		if (!is_scalar || scalar.type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("system setting \"%s\" must be a JSON string", spec->key),
					 errhint("%s", spec->hint)));
		result.text = pnstrdup(scalar.val.string.val, scalar.val.string.len);
		if (spec->is_zone && pg_tzset(result.text) == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("system setting \"%s\" names an unknown time zone: \"%s\"", spec->key, result.text),
					 errhint("%s", spec->hint)));
		return result;
	}
	if (!is_scalar || scalar.type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("system setting \"%s\" is not a number", spec->key),
				 errhint("%s", spec->hint)));
	/* Rounded to a whole number, then checked before it is converted, so no cast error escapes. */
	count = DirectFunctionCall2(numeric_round, NumericGetDatum(scalar.val.numeric), Int32GetDatum(0));
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, count, NumericGetDatum(int64_to_numeric(0)))) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("system setting \"%s\" is negative: %s", spec->key,
						DatumGetCString(DirectFunctionCall1(numeric_out, count))),
				 errhint("%s", spec->hint)));
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, count,
										  NumericGetDatum(int64_to_numeric(spec->count_max)))) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("system setting \"%s\" is too large: %s", spec->key,
						DatumGetCString(DirectFunctionCall1(numeric_out, count))),
				 errhint("%s", spec->hint)));
	result.count = DatumGetInt64(DirectFunctionCall1(numeric_int8, count));
	return result;
}

/* read_value: one setting under snapshot; its default when the row is absent. */
static SettingValue
read_value(PlatformSetting setting, Snapshot snapshot)
{
	const SettingSpec *spec = &setting_specs[setting];
	SettingValue result = {(char *) spec->text_default, spec->count_default};
	Datum		key = CStringGetTextDatum(spec->key);
	RelScan		rs;

	relscan_begin(&rs, &settings_scans, 0, 1, &key, snapshot);
	if (relscan_next(&rs))
		result = check_value(spec, DatumGetJsonbP(relscan_get_notnull(&rs, SS_VALUE)));
	relscan_end(&rs);
	return result;
}

/*
 * keep_value
 *	  Reads one setting again under the latest snapshot when the catalog
 *	  generation moved since it was kept.  Each setting is kept and checked
 *	  on its own, so a malformed value fails only the calls that need it.
 */
static void
keep_value(PlatformSetting setting)
{
	const SettingSpec *spec = &setting_specs[setting];
	SettingValue fresh;
	uint64		generation;

	AcceptInvalidationMessages();
	generation = innotrue_catalog_generation();
	if (kept_generation[setting] == generation)
		return;
	fresh = read_value(setting, GetLatestSnapshot());
	if (kept_values[setting].text != NULL && kept_values[setting].text != spec->text_default)
		pfree(kept_values[setting].text);
	kept_values[setting] = fresh;
	if (fresh.text != NULL && fresh.text != spec->text_default)
		kept_values[setting].text = MemoryContextStrdup(TopMemoryContext, fresh.text);
	/* Keep it only if reading processed no invalidation. */
	kept_generation[setting] = generation == innotrue_catalog_generation() ? generation : 0;
}

/* current_value: a setting's value, kept or (in a parallel worker) read now. */
static SettingValue
current_value(PlatformSetting setting)
{
	Assert(setting >= 0 && setting < NUM_PLATFORM_SETTINGS);
	if (IsInParallelMode())
		return read_value(setting, relscan_statement_snapshot());
	keep_value(setting);
	return kept_values[setting];
}

/* setting_text: a text setting's value. */
const char *
setting_text(PlatformSetting setting)
{
	Assert(setting_specs[setting].type == SETTING_TYPE_TEXT);
	return current_value(setting).text;
}

/* setting_count: a count setting's value. */
int64
setting_count(PlatformSetting setting)
{
	Assert(setting_specs[setting].type == SETTING_TYPE_COUNT);
	return current_value(setting).count;
}

/*
 * platform_month
 *	  The calendar month containing at in the platform zone: its first day
 *	  and the instant the next one starts.  The last answer is kept, as
 *	  every call of a transaction usually asks for the same instant.
 */
void
platform_month(TimestampTz at, DateADT *start, TimestampTz *next_start)
{
	static TimestampTz kept_at = DT_NOBEGIN;
	static uint64 kept_at_generation = 0;
	static DateADT kept_start;
	static TimestampTz kept_next;
	const char *zone_name = setting_text(SETTING_DEFAULT_TIMEZONE);
	uint64		zone_generation = kept_generation[SETTING_DEFAULT_TIMEZONE];

	if (at != kept_at || kept_at_generation != zone_generation || zone_generation == 0)
	{
		Datum		zone = CStringGetTextDatum(zone_name);
		Interval	one_month = {0};
		Datum		local = DirectFunctionCall2(timestamptz_zone, zone, TimestampTzGetDatum(at));
		Datum		month = DirectFunctionCall2(timestamp_trunc, CStringGetTextDatum("month"), local);

		one_month.month = 1;
		kept_start = DatumGetDateADT(DirectFunctionCall1(timestamp_date, month));
		kept_next = DatumGetTimestampTz(DirectFunctionCall2(timestamp_zone, zone,
															DirectFunctionCall2(timestamp_pl_interval, month,
																				IntervalPGetDatum(&one_month))));
		kept_at = at;
		kept_at_generation = zone_generation;
	}
	*start = kept_start;
	if (next_start != NULL)
		*next_start = kept_next;
}

/* platform_current_month: the platform month of the transaction's start. */
DateADT
platform_current_month(void)
{
	DateADT		start;

	platform_month(GetCurrentTransactionStartTimestamp(), &start, NULL);
	return start;
}
