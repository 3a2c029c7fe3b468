/*-------------------------------------------------------------------------
 *
 * credits.c
 *	  The credit ledger's SQL entry points (grants, deductions, holds,
 *	  refunds, balances, enrollment; issue 6, docs/credits.md) and what
 *	  credits.h offers other C files: each checks its arguments, connects
 *	  to SPI and calls the layer that does the work (credits_internal.h
 *	  lists the files). Keyed calls (idempotency keys) are handled here.
 *
 * Hot reads (the user's plan, the batches, track memberships and prices,
 * the probes for this month's plan allowance and expired holds) are index
 * scans through relscan.h; settings come from settings.h and the credit
 * services are kept per backend until their tables announce a change. A
 * deduction is written directly (ledger_write.c) or by one SPI statement;
 * holds, captures, releases and refunds go through SPI with named, saved
 * statements (spi_stmt.h). The spending plan (which batch gives how much)
 * is computed in C (credit_spend.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "innotrue.h"
#include "credits.h"
#include "credits_internal.h"
#include "input_limits.h"
#include "spi_stmt.h"

PG_FUNCTION_INFO_V1(innotrue_grant_credits);
PG_FUNCTION_INFO_V1(innotrue_deduct_credits);
PG_FUNCTION_INFO_V1(innotrue_reserve_credits);
PG_FUNCTION_INFO_V1(innotrue_capture_hold);
PG_FUNCTION_INFO_V1(innotrue_release_hold);
PG_FUNCTION_INFO_V1(innotrue_release_expired_holds);
PG_FUNCTION_INFO_V1(innotrue_refund_credits);
PG_FUNCTION_INFO_V1(innotrue_credit_balance);
PG_FUNCTION_INFO_V1(innotrue_enroll_in_program);
PG_FUNCTION_INFO_V1(innotrue_sponsor_enrollment);

/* ---------------------------------------------------------------------
 * Idempotency
 * ---------------------------------------------------------------------
 */

static SpiStatement q_idem_claim = SPI_STATEMENT(
	"INSERT INTO innotrue.credit_idempotency_keys (operation, owner_id, idempotency_key, request)"
	" VALUES ($1, $2, $3, $4) ON CONFLICT (operation, owner_id, idempotency_key) DO NOTHING RETURNING id",
	TEXTOID, UUIDOID, TEXTOID, JSONBOID);

static SpiStatement q_idem_lookup = SPI_STATEMENT(
	"SELECT request = $4, result FROM innotrue.credit_idempotency_keys"
	" WHERE operation = $1 AND owner_id = $2 AND idempotency_key = $3",
	TEXTOID, UUIDOID, TEXTOID, JSONBOID);

/* Result columns of q_idem_lookup. */
enum
{
	IDEM_SAME_REQUEST = 1, IDEM_RESULT
};

static SpiStatement q_idem_store = SPI_STATEMENT(
	"UPDATE innotrue.credit_idempotency_keys SET result = $4"
	" WHERE operation = $1 AND owner_id = $2 AND idempotency_key = $3",
	TEXTOID, UUIDOID, TEXTOID, JSONBOID);

/* idem_args: the arguments every idempotency statement takes. */
static void
idem_args(SpiArgs *a, const SpiStatement *q, const char *operation, Datum owner_id, text *key, Datum value)
{
	spi_args_init(a, q);
	spi_arg(a, 1, CStringGetTextDatum(operation));
	spi_arg(a, 2, owner_id);
	spi_arg(a, 3, PointerGetDatum(key));
	spi_arg(a, 4, value);
}

/*
 * credit_idempotency_claim
 *	  Claims an idempotency key for (operation, owner). Returns NULL when the
 *	  key is new (the caller proceeds and stores its result with
 *	  credit_idempotency_store), else the stored result of the first call. A
 *	  concurrent first call with the same key makes this wait until it
 *	  commits or rolls back. The same key with another request is an error.
 */
Jsonb *
credit_idempotency_claim(const char *operation, Datum owner_id, text *key, Datum request)
{
	SpiArgs		a;
	bool		isnull;
	Datum		result;

	idem_args(&a, &q_idem_claim, operation, owner_id, key, request);
	spi_run(&q_idem_claim, &a);
	if (SPI_processed > 0)
		return NULL;
	idem_args(&a, &q_idem_lookup, operation, owner_id, key, request);
	spi_run(&q_idem_lookup, &a);
	if (SPI_processed == 0)
		elog(ERROR, "innotrue credits: idempotency key vanished");
	if (!DatumGetBool(spi_result_notnull(0, IDEM_SAME_REQUEST)) && strcmp(operation, "use_feature") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("idempotency key %s was already used for another request", text_to_cstring(key)),
				 errdetail("A use_feature call with this key and a different feature, quantity or reference exists."),
				 errhint("Use a new key for a new request.")));
	if (!DatumGetBool(spi_result_notnull(0, IDEM_SAME_REQUEST)))
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("idempotency key %s was already used for another request", text_to_cstring(key)),
				 errdetail("A %s with this key and a different service, quantity, reference or timeout exists.", operation),
				 errhint("Use a new key for a new request.")));
	result = spi_result(0, IDEM_RESULT, &isnull);
	if (isnull)
		elog(ERROR, "innotrue credits: idempotency key %s has no stored result", text_to_cstring(key));
	return DatumGetJsonbPCopy(result);
}

/* credit_idempotency_store: records the outcome of a keyed operation. */
void
credit_idempotency_store(const char *operation, Datum owner_id, text *key, Datum result)
{
	SpiArgs		a;

	idem_args(&a, &q_idem_store, operation, owner_id, key, result);
	spi_run(&q_idem_store, &a);
}

/* service_request: the normalised request JSON of a keyed deduct/reserve, compared on repeats. */
static Datum
service_request(text *service_key, int32 quantity, Datum reference, const char *timeout)
{
	JsonbParseState *state = NULL;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	jsonb_push_key(&state, "service");
	jsonb_push_string(&state, text_to_cstring(service_key));
	jsonb_push_key(&state, "quantity");
	jsonb_push_int(&state, quantity);
	jsonb_push_key(&state, "reference");
	if (reference == (Datum) 0)
		jsonb_push_null(&state);
	else
		jsonb_push_jsonb(&state, reference);
	if (timeout != NULL)
	{
		jsonb_push_key(&state, "timeout");
		jsonb_push_string(&state, timeout);
	}
	return JsonbPGetDatum(JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)));
}

/* ---------------------------------------------------------------------
 * Argument checks
 * ---------------------------------------------------------------------
 */

/* check_quantity: a quantity above INNOTRUE_MAX_QUANTITY is refused before anything is read
 * (non-positive ones by credit_service_charge, which names the service). */
static void
check_quantity(int32 quantity)
{
	innotrue_check_count(quantity, INNOTRUE_MAX_QUANTITY, "quantity");
}

/* check_reference: a reference must be a JSON object (it is stored in object-only columns). */
static Datum
check_reference(FunctionCallInfo fcinfo, int n)
{
	Jsonb	   *j;

	if (PG_ARGISNULL(n))
		return (Datum) 0;
	j = PG_GETARG_JSONB_P(n);
	if (!JB_ROOT_IS_OBJECT(j))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("reference must be a JSON object")));
	innotrue_check_json_size(j, "reference");
	return PointerGetDatum(j);
}

/* optional_key: argument n, a key checked as name says, or NULL. */
static text *
optional_key(FunctionCallInfo fcinfo, int n, const char *name)
{
	text	   *key;

	if (PG_ARGISNULL(n))
		return NULL;
	key = PG_GETARG_TEXT_PP(n);
	innotrue_check_key(key, name);
	return key;
}

/* ---------------------------------------------------------------------
 * Spending
 * ---------------------------------------------------------------------
 */

/*
 * innotrue_deduct_credits
 *	  deduct_credits(user_id, service_key, quantity, idempotency_key, reference)
 *	  -> jsonb: spends the service's price from the user's credits, all or
 *	  nothing; a repeated key returns the first result.
 */
Datum
innotrue_deduct_credits(PG_FUNCTION_ARGS)
{
	Datum		user_id;
	text	   *service_key;
	text	   *key;
	Datum		reference;
	Datum		result;

	innotrue_require_arg(fcinfo, 0, "user_id");
	innotrue_require_arg(fcinfo, 1, "service_key");
	innotrue_require_arg(fcinfo, 2, "quantity");
	user_id = PG_GETARG_DATUM(0);
	service_key = PG_GETARG_TEXT_PP(1);
	innotrue_check_key(service_key, "service_key");
	check_quantity(PG_GETARG_INT32(2));
	reference = check_reference(fcinfo, 4);
	key = optional_key(fcinfo, 3, "idempotency_key");

	SPI_connect();
	result = SPI_datumTransfer(credit_deduct_keyed(user_id, service_key, PG_GETARG_INT32(2), key, reference),
							   false, -1);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * credit_deduct_keyed
 *	  deduct_credits for another capability (unlock_resource, use_feature's
 *	  charge): quantity
 *	  units of a service from the user's credits, all or nothing; with a key
 *	  (NULL = none) a repeated call returns the first result instead of
 *	  spending again.  The caller is connected to SPI; the quantity is
 *	  bounded here as deduct_credits bounds it.
 */
Datum
credit_deduct_keyed(Datum user_id, text *service_key, int32 quantity, text *key, Datum reference)
{
	int64		allowance;
	Datum		result;

	check_quantity(quantity);
	allowance = credit_user_allowance(user_id);
	if (key != NULL)
	{
		Jsonb	   *first = credit_idempotency_claim("deduct", user_id, key,
													 service_request(service_key, quantity, reference, NULL));

		if (first != NULL)
			return PointerGetDatum(first);
	}
	result = credit_deduct_service(user_id, allowance, service_key, quantity, reference);
	if (key != NULL)
		credit_idempotency_store("deduct", user_id, key, result);
	return result;
}

/* hold_result: the stored result of a keyed reserve, {"hold_id": ...}. */
static Datum
hold_result(Datum hold_id)
{
	JsonbParseState *state = NULL;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	jsonb_push_key(&state, "hold_id");
	jsonb_push_string(&state, credit_uuid_text(hold_id));
	return JsonbPGetDatum(JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)));
}

/* hold_expiry: now() + timeout, which must be positive; *timeout_text its text for requests. */
static TimestampTz
hold_expiry(Interval *timeout, char **timeout_text)
{
	Interval	zero;
	Datum		expires;

	memset(&zero, 0, sizeof(zero));
	*timeout_text = DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(timeout)));
	if (!DatumGetBool(DirectFunctionCall2(interval_gt, IntervalPGetDatum(timeout), IntervalPGetDatum(&zero))))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hold_timeout must be positive"),
				 errdetail("Got %s.", *timeout_text)));
	expires = DirectFunctionCall2(timestamptz_pl_interval,
								  TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
								  IntervalPGetDatum(timeout));
	innotrue_check_timestamp(DatumGetTimestampTz(expires), "now() + hold_timeout");
	return DatumGetTimestampTz(expires);
}

/*
 * innotrue_reserve_credits
 *	  reserve_credits(user_id, service_key, quantity, hold_timeout,
 *	  idempotency_key, reference) -> hold id: takes the price into a hold that
 *	  lasts hold_timeout, drawing only from batches valid for the whole hold.
 */
Datum
innotrue_reserve_credits(PG_FUNCTION_ARGS)
{
	Datum		user_id;
	text	   *service_key;
	text	   *key;
	Datum		reference;
	TimestampTz expires;
	char	   *timeout_text;
	CreditCharge c;
	CreditOwner owner;
	Datum		hold_id;
	int64		allowance;
	AiDebts		debts = {0};

	innotrue_require_arg(fcinfo, 0, "user_id");
	innotrue_require_arg(fcinfo, 1, "service_key");
	innotrue_require_arg(fcinfo, 2, "quantity");
	innotrue_require_arg(fcinfo, 3, "hold_timeout");
	user_id = PG_GETARG_DATUM(0);
	service_key = PG_GETARG_TEXT_PP(1);
	innotrue_check_key(service_key, "service_key");
	check_quantity(PG_GETARG_INT32(2));
	key = optional_key(fcinfo, 4, "idempotency_key");
	reference = check_reference(fcinfo, 5);
	expires = hold_expiry(PG_GETARG_INTERVAL_P(3), &timeout_text);

	SPI_connect();
	allowance = credit_user_allowance(user_id);
	if (key != NULL)
	{
		Datum		request = service_request(service_key, PG_GETARG_INT32(2), reference, timeout_text);
		Jsonb	   *first = credit_idempotency_claim("reserve", user_id, key, request);

		if (first != NULL)
		{
			Datum		id;

			id = DirectFunctionCall2(jsonb_object_field_text, JsonbPGetDatum(first),
									 CStringGetTextDatum("hold_id"));
			id = DirectFunctionCall1(uuid_in, CStringGetDatum(TextDatumGetCString(id)));
			id = SPI_datumTransfer(id, false, UUID_LEN);
			SPI_finish();
			PG_RETURN_DATUM(id);
		}
	}
	owner = credit_prepare_user(user_id, allowance, &debts);
	c = credit_service_charge(service_key, user_id, PG_GETARG_INT32(2));
	hold_id = credit_spend_hold(owner, &c, reference, expires, text_to_cstring(service_key), &debts);
	if (key != NULL)
		credit_idempotency_store("reserve", user_id, key, hold_result(hold_id));
	hold_id = SPI_datumTransfer(hold_id, false, UUID_LEN);
	SPI_finish();
	PG_RETURN_DATUM(hold_id);
}

/* ---------------------------------------------------------------------
 * Holds and refunds
 * ---------------------------------------------------------------------
 */

/*
 * innotrue_capture_hold
 *	  capture_hold(hold_id) -> jsonb: turns an open hold into the deduction
 *	  with the same id.
 */
Datum
innotrue_capture_hold(PG_FUNCTION_ARGS)
{
	Datum		result;

	SPI_connect();
	result = SPI_datumTransfer(credit_capture_hold(PG_GETARG_DATUM(0)), false, -1);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * innotrue_release_hold
 *	  release_hold(hold_id): gives an open hold's credits back.
 */
Datum
innotrue_release_hold(PG_FUNCTION_ARGS)
{
	SPI_connect();
	credit_release_hold(PG_GETARG_DATUM(0));
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * innotrue_release_expired_holds
 *	  release_expired_holds() -> integer: the sweep that returns every expired
 *	  open hold (the same happens lazily per user).
 */
Datum
innotrue_release_expired_holds(PG_FUNCTION_ARGS)
{
	int			n;
	AiDebts		debts = {0};

	SPI_connect();
	n = credit_expire_holds((Datum) 0, &debts);
	credit_ai_settle(&debts);
	SPI_finish();
	PG_RETURN_INT32(n);
}

/*
 * innotrue_refund_credits
 *	  refund_credits(deduction_id) -> jsonb: gives each batch of a deduction
 *	  exactly what it gave (refund entries), once.
 */
Datum
innotrue_refund_credits(PG_FUNCTION_ARGS)
{
	Datum		result;

	SPI_connect();
	result = SPI_datumTransfer(credit_refund(PG_GETARG_DATUM(0)), false, -1);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/* ---------------------------------------------------------------------
 * Balances and grants
 * ---------------------------------------------------------------------
 */

/*
 * innotrue_credit_balance
 *	  credit_balance(owner) -> (available, held, by_source, next_expiring_amount,
 *	  next_expiring_at).
 */
Datum
innotrue_credit_balance(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[NUM_CREDIT_BALANCE_COLUMNS];
	bool		nulls[NUM_CREDIT_BALANCE_COLUMNS];
	HeapTuple	tuple;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "innotrue credits: credit_balance must return a record");
	SPI_connect();
	credit_balance(PG_GETARG_DATUM(0), values, nulls);
	/* The row is built in the caller's memory, not SPI's (freed by SPI_finish). */
	values[CREDIT_BALANCE_BY_SOURCE] = SPI_datumTransfer(values[CREDIT_BALANCE_BY_SOURCE], false, -1);
	SPI_finish();
	tuple = heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls);
	PG_RETURN_DATUM(HeapTupleGetDatum(tuple));
}

/* grantable_source: whether grant_credits may create a batch of this source. */
static bool
grantable_source(const char *source)
{
	static const char *const sources[] = {"purchase", "grant", "org_purchase", "refund", "adjustment"};
	int			i;

	for (i = 0; i < lengthof(sources); i++)
		if (strcmp(source, sources[i]) == 0)
			return true;
	return false;
}

/*
 * check_grant
 *	  The checks of grant_credits's arguments that need no table: a
 *	  positive amount within limits, a grantable source, an expiry in the
 *	  future, well-formed keys.
 */
static void
check_grant(FunctionCallInfo fcinfo, int64 amount, const char *source)
{
	if (amount <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("amount of a credit grant must be positive"),
				 errdetail("Got %lld for source %s.", (long long) amount, source)));
	if (strcmp(source, "plan_allowance") == 0 || strcmp(source, "program_allowance") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source %s cannot be granted directly", source),
				 errhint("Plan allowances are made available on first use in a month, program allowances on enrollment.")));
	if (!grantable_source(source))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown credit source %s", source),
				 errhint("Grantable sources: purchase, grant, org_purchase, refund, adjustment.")));
	innotrue_check_count(amount, INNOTRUE_MAX_CREDIT_AMOUNT, "amount");
	if (!PG_ARGISNULL(3))
		innotrue_check_timestamp(PG_GETARG_TIMESTAMPTZ(3), "expires_at");
	if (!PG_ARGISNULL(4))
		innotrue_check_key(PG_GETARG_TEXT_PP(4), "idempotency_key");
	if (!PG_ARGISNULL(3) && PG_GETARG_TIMESTAMPTZ(3) <= GetCurrentTransactionStartTimestamp())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expires_at of a credit grant must be in the future"),
				 errdetail("Source %s.", source)));
}

/*
 * innotrue_grant_credits
 *	  grant_credits(owner, amount, source, expires_at, idempotency_key) -> batch
 *	  id: a new batch with its grant entry; a repeated key returns the first
 *	  batch when the request is the same and is refused otherwise.
 */
Datum
innotrue_grant_credits(PG_FUNCTION_ARGS)
{
	Datum		batch_id;

	innotrue_require_arg(fcinfo, 0, "owner");
	innotrue_require_arg(fcinfo, 1, "amount");
	innotrue_require_arg(fcinfo, 2, "source");
	innotrue_check_key(PG_GETARG_TEXT_PP(2), "source");
	check_grant(fcinfo, PG_GETARG_INT64(1), text_to_cstring(PG_GETARG_TEXT_PP(2)));

	SPI_connect();
	batch_id = credit_grant(PG_GETARG_DATUM(0), PG_GETARG_TEXT_PP(2), PG_GETARG_INT64(1), !PG_ARGISNULL(3),
							PG_ARGISNULL(3) ? 0 : PG_GETARG_TIMESTAMPTZ(3),
							PG_ARGISNULL(4) ? NULL : PG_GETARG_TEXT_PP(4));
	batch_id = SPI_datumTransfer(batch_id, false, UUID_LEN);
	SPI_finish();
	PG_RETURN_DATUM(batch_id);
}

/* ---------------------------------------------------------------------
 * Enrollment
 * ---------------------------------------------------------------------
 */

/*
 * innotrue_enroll_in_program
 *	  enroll_in_program(user_id, program_id, tier) -> enrollment id, paid from
 *	  the user's own credits.
 */
Datum
innotrue_enroll_in_program(PG_FUNCTION_ARGS)
{
	CreditOwner payer;
	Datum		id;
	AiDebts		debts = {0};

	innotrue_require_arg(fcinfo, 0, "user_id");
	innotrue_require_arg(fcinfo, 1, "program_id");
	if (!PG_ARGISNULL(2))
		innotrue_check_key(PG_GETARG_TEXT_PP(2), "tier");
	SPI_connect();
	payer = credit_prepare_user(PG_GETARG_DATUM(0), credit_user_allowance(PG_GETARG_DATUM(0)), &debts);
	id = credit_enroll(payer, PG_GETARG_DATUM(0), PG_GETARG_DATUM(1),
					   PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2), &debts);
	id = SPI_datumTransfer(id, false, UUID_LEN);
	SPI_finish();
	PG_RETURN_DATUM(id);
}

/*
 * innotrue_sponsor_enrollment
 *	  sponsor_enrollment(organization_id, user_id, program_id, tier) ->
 *	  enrollment id, paid from the organization's pool for an active member.
 */
Datum
innotrue_sponsor_enrollment(PG_FUNCTION_ARGS)
{
	CreditOwner payer;
	Datum		id;
	AiDebts		debts = {0};

	innotrue_require_arg(fcinfo, 0, "organization_id");
	innotrue_require_arg(fcinfo, 1, "user_id");
	innotrue_require_arg(fcinfo, 2, "program_id");
	if (!PG_ARGISNULL(3))
		innotrue_check_key(PG_GETARG_TEXT_PP(3), "tier");
	SPI_connect();
	credit_user_allowance(PG_GETARG_DATUM(1));
	payer = credit_resolve_owner(PG_GETARG_DATUM(0));
	if (!payer.is_org)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown organization %s", credit_uuid_text(PG_GETARG_DATUM(0)))));
	credit_check_member(PG_GETARG_DATUM(0), PG_GETARG_DATUM(1));
	id = credit_enroll(payer, PG_GETARG_DATUM(1), PG_GETARG_DATUM(2),
					   PG_ARGISNULL(3) ? NULL : PG_GETARG_TEXT_PP(3), &debts);
	id = SPI_datumTransfer(id, false, UUID_LEN);
	SPI_finish();
	PG_RETURN_DATUM(id);
}
