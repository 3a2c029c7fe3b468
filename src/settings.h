/*-------------------------------------------------------------------------
 *
 * settings.h
 *	  The platform's system settings (innotrue.system_settings) as C reads
 *	  them: each key declared once with its type, default and check, read
 *	  through typed getters; and the platform month every allowance, usage
 *	  period and cap counts in.
 *
 *-------------------------------------------------------------------------
 */
#ifndef INNOTRUE_SETTINGS_H
#define INNOTRUE_SETTINGS_H

#include "postgres.h"

#include "utils/date.h"
#include "utils/timestamp.h"

/* The settings C code reads; their rules are in settings.c's table. */
typedef enum PlatformSetting
{
	SETTING_DEFAULT_TIMEZONE,	/* text: an IANA zone; "UTC" when absent */
	SETTING_AI_MONTHLY_CREDIT_LIMIT,	/* count; -1 (no cap) when absent */
	SETTING_CREDITS_LOW_THRESHOLD,	/* count; -1 (no notice) when absent */
	SETTING_ALUMNI_GRACE_DAYS,	/* count of days; 90 when absent */
	NUM_PLATFORM_SETTINGS
} PlatformSetting;

/* The value of a text setting (valid until the settings change). */
extern const char *setting_text(PlatformSetting setting);

/* The value of a count setting: a whole number >= 0, or its default. */
extern int64 setting_count(PlatformSetting setting);

/*
 * The platform month containing at: its first day in the platform zone
 * and, when next_start is not NULL, the instant the next month starts.
 */
extern void platform_month(TimestampTz at, DateADT *start, TimestampTz *next_start);

/* platform_month of the transaction's start: "this month" for allowances and caps. */
extern DateADT platform_current_month(void);

#endif							/* INNOTRUE_SETTINGS_H */
