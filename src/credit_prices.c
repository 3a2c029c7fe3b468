/*-------------------------------------------------------------------------
 *
 * credit_prices.c
 *	  What a credit operation pays and who pays it: owners (user or
 *	  organization), the credit services and their track prices (kept per
 *	  backend), a feature's credit service, and the monthly plan allowance.
 *
 * A service's price for a user is the lowest of its standard price and the
 * prices of the user's active memberships of active tracks (unit_price).
 * The plan allowance of a month is a batch made available on the first
 * operation on the user's credits in that platform month (settings.h's
 * platform month), exactly once (a partial unique index).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/uuid.h"

#include "innotrue.h"
#include "credits.h"
#include "credits_internal.h"
#include "relscan.h"
#include "settings.h"
#include "spi_stmt.h"

/* ---------------------------------------------------------------------
 * Index scans of configuration rows
 * ---------------------------------------------------------------------
 */

enum
{
	SCAN_PROFILES,
	SCAN_PLANS,
	SCAN_SERVICES,
	SCAN_USER_TRACKS,
	SCAN_TRACKS,
	SCAN_TRACK_PRICES,
	SCAN_PLAN_ALLOWANCES,
	SCAN_FEATURE_SERVICES
};

static const RelScanSpec price_scan_specs[] = {
	[SCAN_PROFILES] = {"profiles", "profiles_pkey", 1, {"id", "plan_id"}},
	[SCAN_PLANS] = {"plans", "plans_pkey", 1, {"id", "credit_allowance"}},
	[SCAN_SERVICES] = {"credit_services", "credit_services_key_key", 1,
	{"key", "id", "category", "is_active", "credit_cost"}},
	[SCAN_USER_TRACKS] = {"user_tracks", "user_tracks_user_track_key", 1, {"user_id", "track_id", "is_active"}},
	[SCAN_TRACKS] = {"tracks", "tracks_pkey", 1, {"id", "is_active"}},
	/* Keyed by (service, track) for one price, or by service alone for "has any". */
	[SCAN_TRACK_PRICES] = {"credit_service_track_prices", "credit_service_track_prices_service_track_key", 2,
	{"credit_service_id", "track_id", "credit_cost"}},
	[SCAN_PLAN_ALLOWANCES] = {"credit_batches", "credit_batches_plan_allowance_idx", 2, {"user_id", "period_start"}},
	[SCAN_FEATURE_SERVICES] = {"credit_services", "credit_services_feature_id_idx", 1,
	{"feature_id", "key", "is_active", "track_id"}},
};
static RelScanResolved price_scan_resolved[lengthof(price_scan_specs)];
static RelScanSet price_scans = RELSCAN_SET(price_scan_specs, price_scan_resolved);

/* Columns of each spec above, in its order. */
enum
{
	PROFILE_ID, PROFILE_PLAN
};
enum
{
	PLAN_ID, PLAN_CREDIT_ALLOWANCE
};
enum
{
	SERVICE_KEY, SERVICE_ID, SERVICE_CATEGORY, SERVICE_ACTIVE, SERVICE_COST
};
enum
{
	USER_TRACK_USER, USER_TRACK_TRACK, USER_TRACK_ACTIVE
};
enum
{
	TRACK_ID, TRACK_ACTIVE
};
enum
{
	TRACK_PRICE_SERVICE, TRACK_PRICE_TRACK, TRACK_PRICE_COST
};
enum
{
	PLAN_ALLOWANCE_USER, PLAN_ALLOWANCE_PERIOD
};
enum
{
	FEATURE_SERVICE_FEATURE, FEATURE_SERVICE_KEY, FEATURE_SERVICE_ACTIVE, FEATURE_SERVICE_TRACK
};

/* ---------------------------------------------------------------------
 * Owners
 * ---------------------------------------------------------------------
 */

static SpiStatement q_org = SPI_STATEMENT("SELECT 1 FROM innotrue.organizations WHERE id = $1", UUIDOID);

/*
 * plan_allowance_of
 *	  The monthly credit allowance of a user's plan, or -1 when no profile
 *	  has this id.
 */
static int64
plan_allowance_of(Datum user_id)
{
	static const int profile_cols[] = {PROFILE_PLAN};
	static const int plan_cols[] = {PLAN_CREDIT_ALLOWANCE};
	Datum		plan_id;
	Datum		allowance;
	bool		isnull;

	if (!relscan_fetch(&price_scans, SCAN_PROFILES, 1, &user_id, 1, profile_cols, &plan_id, &isnull))
		return -1;
	if (isnull || !relscan_fetch(&price_scans, SCAN_PLANS, 1, &plan_id, 1, plan_cols, &allowance, &isnull) ||
		isnull)
		return 0;
	return DatumGetInt32(allowance);
}

/*
 * credit_user_allowance
 *	  Returns the monthly credit allowance of the user's plan; an unknown user
 *	  is an error (foreign_key_violation: the id names no profile).
 */
int64
credit_user_allowance(Datum user_id)
{
	int64		allowance = plan_allowance_of(user_id);

	if (allowance < 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown user %s", credit_uuid_text(user_id)),
				 errdetail("No row of innotrue.profiles has this id.")));
	return allowance;
}

/*
 * credit_resolve_owner
 *	  Decides whether an owner id is a user or an organization (grant_credits
 *	  and credit_balance accept both); unknown ids are an error.
 */
CreditOwner
credit_resolve_owner(Datum id)
{
	SpiArgs		a;

	if (plan_allowance_of(id) >= 0)
		return credit_owner(id, false);
	spi_args_init(&a, &q_org);
	spi_arg(&a, 1, id);
	spi_run(&q_org, &a);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown credit owner %s", credit_uuid_text(id)),
				 errdetail("The id is neither a profile nor an organization.")));
	return credit_owner(id, true);
}

/* ---------------------------------------------------------------------
 * Services and track prices
 * ---------------------------------------------------------------------
 */

/* track_active: whether a track exists and is active. */
static bool
track_active(Datum track_id)
{
	static const int cols[] = {TRACK_ACTIVE};
	Datum		active;
	bool		isnull;

	return relscan_fetch(&price_scans, SCAN_TRACKS, 1, &track_id, 1, cols, &active, &isnull) &&
		!isnull && DatumGetBool(active);
}

/*
 * track_price
 *	  The lowest price of a service for the user's active memberships of
 *	  active tracks that price it; dflt when none does.
 */
static int64
track_price(Datum service_id, Datum user_id, int64 dflt)
{
	static const int cols[] = {TRACK_PRICE_COST};
	RelScan		memberships;
	int64		best = dflt;

	relscan_begin(&memberships, &price_scans, SCAN_USER_TRACKS, 1, &user_id, relscan_statement_snapshot());
	while (relscan_next(&memberships))
	{
		Datum		keys[2];
		Datum		cost;
		bool		isnull;

		if (!relscan_get_bool(&memberships, USER_TRACK_ACTIVE))
			continue;
		keys[TRACK_PRICE_SERVICE] = service_id;
		keys[TRACK_PRICE_TRACK] = credit_copy_uuid(relscan_get_notnull(&memberships, USER_TRACK_TRACK));
		if (!track_active(keys[TRACK_PRICE_TRACK]))
			continue;
		if (relscan_fetch(&price_scans, SCAN_TRACK_PRICES, 2, keys, 1, cols, &cost, &isnull) && !isnull)
			best = Min(best, (int64) DatumGetInt32(cost));
	}
	relscan_end(&memberships);
	return best;
}

/* A credit service as kept per backend (see service_row). */
typedef struct KeptService
{
	char		key[NAMEDATALEN];	/* hash key, zero-padded */
	bool		found;			/* false: no service has this key */
	pg_uuid_t	id;
	bool		is_ai;
	bool		active;
	int64		unit;			/* standard price */
	bool		has_track_prices;	/* some track prices it differently */
} KeptService;

static KeptHash kept_services = KEPT_HASH("innotrue kept credit services", NAMEDATALEN, sizeof(KeptService));

/* read_service: reads the service with this key into *row (under the call's latest writes). */
static void
read_service(const char *key, KeptService *row)
{
	Datum		k = CStringGetTextDatum(key);
	RelScan		rs;

	memset(row, 0, sizeof(KeptService));
	relscan_begin(&rs, &price_scans, SCAN_SERVICES, 1, &k, credit_fresh_snapshot());
	row->found = relscan_next(&rs);
	if (row->found)
	{
		memcpy(&row->id, DatumGetUUIDP(relscan_get_notnull(&rs, SERVICE_ID)), UUID_LEN);
		row->is_ai = strcmp(relscan_get_text(&rs, SERVICE_CATEGORY), "ai") == 0;
		row->active = relscan_get_bool(&rs, SERVICE_ACTIVE);
		row->unit = DatumGetInt32(relscan_get_notnull(&rs, SERVICE_COST));
	}
	relscan_end(&rs);
	if (row->found)
	{
		Datum		id = UUIDPGetDatum(&row->id);

		relscan_begin(&rs, &price_scans, SCAN_TRACK_PRICES, 1, &id, credit_fresh_snapshot());
		row->has_track_prices = relscan_next(&rs);
		relscan_end(&rs);
	}
}

/*
 * service_row
 *	  The credit service with this key, read once per backend and kept until
 *	  catalog.c's generation moves: credit_services and its track prices
 *	  announce every change (trigger announce_table_change), so a spend never
 *	  prices with a row older than its own transaction's start. A key too
 *	  long to be kept is read into *scratch every time.
 */
static KeptService *
service_row(const char *key, KeptService *scratch)
{
	HTAB	   *kept;
	char		hkey[NAMEDATALEN] = {0};
	KeptService *row;
	bool		present = false;

	/*
	 * A change committed by another session is used by the next call, also
	 * inside a transaction that began before it (as settings.c does).
	 */
	AcceptInvalidationMessages();
	kept = kept_hash_current(&kept_services);
	if (strlen(key) < NAMEDATALEN)
	{
		strlcpy(hkey, key, NAMEDATALEN);
		row = hash_search(kept, hkey, HASH_FIND, &present);
		if (present)
			return row;
	}
	read_service(key, scratch);
	/* Keep it only if the reads processed no invalidation. */
	if (hkey[0] != '\0' && kept_hash_still_current(&kept_services))
	{
		row = hash_search(kept, hkey, HASH_ENTER, &present);
		memcpy(row, scratch, sizeof(KeptService));
		memcpy(row->key, hkey, NAMEDATALEN);
	}
	return scratch;
}

/* unit_price: the lowest of a service's standard price and the user's track prices. */
static int64
unit_price(const KeptService *row, Datum user_id)
{
	if (!row->has_track_prices)
		return row->unit;
	return Min(row->unit, track_price(UUIDPGetDatum(&row->id), user_id, row->unit));
}

/*
 * credit_service_charge
 *	  Prices quantity units of a credit service for a user: the lowest of the
 *	  standard cost and the prices of the user's active tracks, times quantity.
 *	  Unknown or inactive services and non-positive quantities are errors.
 *	  The service is looked up after ledger_lock_for_spend (whose lock takes
 *	  in pending invalidations), so it stays until the spend commits; the
 *	  charge says so (tables_locked) and the deduction takes them no second
 *	  time.
 */
CreditCharge
credit_service_charge(text *service_key, Datum user_id, int32 quantity)
{
	CreditCharge c;
	char	   *key = text_to_cstring(service_key);
	KeptService scratch;
	KeptService *row;

	if (quantity <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("quantity of service %s must be positive", key),
				 errdetail("Got %d.", quantity)));
	ledger_lock_for_spend();
	row = service_row(key, &scratch);
	if (!row->found)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown credit service %s", key),
				 errhint("Credit services are listed in innotrue.credit_services.")));
	if (!row->active)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("credit service %s is not active", key)));
	memset(&c, 0, sizeof(c));
	c.service_id = credit_copy_uuid(UUIDPGetDatum(&row->id));
	c.is_ai = row->is_ai;
	c.has_service = true;
	c.tables_locked = true;
	c.quantity = quantity;
	c.cost = unit_price(row, user_id) * quantity;
	return c;
}

/*
 * credit_feature_service
 *	  The credit service through which uses of a feature are charged: the
 *	  one active service linked to the feature and to no track (a
 *	  track-specific service is offered to members, not charged for every
 *	  use). Returns false when there is none; sets *service_key and, when
 *	  price is given, the user's unit price (track prices apply). Two such
 *	  services make the price of a use ambiguous: an error, or, when
 *	  ambiguous is given, false with *ambiguous set (for a caller that
 *	  explains rather than charges). Takes no lock: the spend prices the
 *	  service again under its own.
 */
bool
credit_feature_service(Datum feature_id, const char *feature_key, Datum user_id,
					   char **service_key, int64 *price, bool *ambiguous)
{
	RelScan		rs;
	bool		isnull;
	char	   *found = NULL;
	KeptService scratch;
	KeptService *row;

	relscan_begin(&rs, &price_scans, SCAN_FEATURE_SERVICES, 1, &feature_id, credit_fresh_snapshot());
	while (relscan_next(&rs))
	{
		char	   *key;

		(void) relscan_get(&rs, FEATURE_SERVICE_TRACK, &isnull);
		if (!isnull || !relscan_get_bool(&rs, FEATURE_SERVICE_ACTIVE))
			continue;
		key = relscan_get_text(&rs, FEATURE_SERVICE_KEY);
		if (found != NULL && ambiguous != NULL)
		{
			*ambiguous = true;
			relscan_end(&rs);
			return false;
		}
		if (found != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("feature \"%s\" has more than one active credit service", feature_key),
					 errdetail("Services %s and %s both charge its uses.", found, key),
					 errhint("Deactivate all but one, or link the others to a track.")));
		found = key;
	}
	relscan_end(&rs);
	if (found == NULL)
		return false;
	row = service_row(found, &scratch);
	if (!row->found || !row->active)
		return false;
	*service_key = found;
	if (price != NULL)
		*price = unit_price(row, user_id);
	return true;
}

/* ---------------------------------------------------------------------
 * The monthly plan allowance
 * ---------------------------------------------------------------------
 */

/* The allowance batch of month $3 (ending at $4) and its grant entry, unless it exists. */
static SpiStatement q_plan_allowance = SPI_STATEMENT(
	"WITH b AS (INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, period_start, expires_at)"
	"           VALUES ($1, 'plan_allowance', $2, $2, $3, $4)"
	"           ON CONFLICT (user_id, period_start) WHERE source = 'plan_allowance' DO NOTHING"
	"           RETURNING id, amount)"
	" INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount) SELECT id, 'grant', amount FROM b",
	UUIDOID, INT8OID, DATEOID, TIMESTAMPTZOID);

/*
 * credit_create_plan_allowance
 *	  Creates the user's plan_allowance batch for the current platform month
 *	  with its grant entry; it expires when the next month starts. The
 *	  partial unique index on (user_id, period_start) makes a concurrent
 *	  creation wait and then do nothing, so the allowance exists exactly once
 *	  per month.
 */
void
credit_create_plan_allowance(Datum user_id, int64 allowance)
{
	DateADT		month;
	TimestampTz next_month;
	SpiArgs		a;

	platform_month(GetCurrentTransactionStartTimestamp(), &month, &next_month);
	spi_args_init(&a, &q_plan_allowance);
	spi_arg(&a, 1, user_id);
	spi_arg(&a, 2, Int64GetDatum(allowance));
	spi_arg(&a, 3, DateADTGetDatum(month));
	spi_arg(&a, 4, TimestampTzGetDatum(next_month));
	spi_run(&q_plan_allowance, &a);
}

/*
 * credit_ensure_plan_allowance
 *	  Makes this month's plan allowance available unless it exists (an index
 *	  probe first). For operations that do not spend; a spend finds out while
 *	  it reads the batches (credit_spend.c).
 */
void
credit_ensure_plan_allowance(Datum user_id, int64 allowance)
{
	Datum		keys[2];
	RelScan		rs;
	bool		found;

	if (allowance <= 0)
		return;
	/* The common case, already there: an index probe instead of an INSERT attempt. */
	keys[PLAN_ALLOWANCE_USER] = user_id;
	keys[PLAN_ALLOWANCE_PERIOD] = DateADTGetDatum(platform_current_month());
	relscan_begin(&rs, &price_scans, SCAN_PLAN_ALLOWANCES, 2, keys, credit_fresh_snapshot());
	found = relscan_next(&rs);
	relscan_end(&rs);
	if (!found)
		credit_create_plan_allowance(user_id, allowance);
}
