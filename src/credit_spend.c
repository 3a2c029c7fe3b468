/*-------------------------------------------------------------------------
 *
 * credit_spend.c
 *	  Spending an owner's credits, all or nothing: "lock, read, plan"
 *	  (lock_read_plan) decides which batches pay and counts AI spends, then
 *	  one writer per mode writes it: a deduction (credit_spend_deduction,
 *	  directly through ledger_write.c or by one SQL statement) or a hold
 *	  (credit_spend_hold). Both notify on a low-balance crossing.
 *
 * Lock order (credit_batches.c has the whole of it): a deduction first
 * takes the ledger tables' ROW EXCLUSIVE locks (ledger_lock_for_spend,
 * taken once: by credit_service_charge when a service is charged, else by
 * the deduction writer) and opens them for the direct path, then the
 * owner's credit lock, with the AI counter's when the spend is an AI one or
 * AI give-backs of expired holds are owed (AiDebts, settled after the
 * owner's batches are read and before this spend counts its own).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "innotrue.h"
#include "credits_internal.h"
#include "settings.h"
#include "spi_stmt.h"

/* A planned spend: parallel arrays of batch ids, their rows and (positive) amounts. */
typedef struct SpendPlan
{
	int			n;
	Datum	   *batch_ids;
	HeapTuple  *batch_rows;
	Datum	   *amounts;
	int64		available;		/* spendable before the spend */
	Datum		ai_period;		/* date of the AI counter counted in; (Datum) 0 = none */
} SpendPlan;

/*
 * credit_prepare_user
 *	  What every operation on a user's credits does before locking batches
 *	  (the caller checked the user with credit_user_allowance): returns the
 *	  user's expired holds. The owner it returns carries the plan's monthly
 *	  allowance, which a spend makes available (operations that do not spend
 *	  call credit_ensure_plan_allowance).
 */
CreditOwner
credit_prepare_user(Datum user_id, int64 allowance, AiDebts *debts)
{
	CreditOwner owner = credit_owner(user_id, false);

	owner.allowance = allowance;
	credit_expire_holds(user_id, debts);
	return owner;
}

/*
 * plan_spend
 *	  Chooses which batches pay cost, in consumption order, all or nothing:
 *	  raises the shortfall error (available vs needed) when the batches do
 *	  not cover it, before anything was written.
 */
static SpendPlan
plan_spend(SpendableBatch *rows, int n, int64 cost, const char *what)
{
	SpendPlan	p;
	int64		need = cost;
	int			i;

	p.n = 0;
	p.ai_period = (Datum) 0;
	p.batch_ids = palloc(sizeof(Datum) * Max(n, 1));
	p.batch_rows = palloc(sizeof(HeapTuple) * Max(n, 1));
	p.amounts = palloc(sizeof(Datum) * Max(n, 1));
	p.available = credit_batches_total(rows, n);
	if (p.available < cost)
		ereport(ERROR,
				(errcode(ERRCODE_CREDITS_SHORTFALL),
				 errmsg("insufficient credits for %s", what),
				 errdetail("Available %lld, needed %lld, short by %lld.",
						   (long long) p.available, (long long) cost,
						   (long long) (cost - p.available))));
	for (i = 0; i < n && need > 0; i++)
	{
		int64		take = Min(rows[i].remaining, need);

		p.batch_ids[p.n] = rows[i].id;
		p.batch_rows[p.n] = rows[i].tuple;
		p.amounts[p.n] = Int64GetDatum(take);
		p.n++;
		need -= take;
	}
	return p;
}

/*
 * read_batches
 *	  The owner's spendable batches (valid after valid_after), this month's
 *	  plan allowance made available first when the owner has one and it does
 *	  not exist yet (the first spend of the month).
 */
static SpendableBatch *
read_batches(CreditOwner owner, TimestampTz valid_after, int *n)
{
	SpendableBatch *rows;
	DateADT		month;
	bool		allowance_found;

	if (owner.allowance <= 0)
		return credit_read_spendable_batches(owner, valid_after, n, NULL, NULL);
	month = platform_current_month();
	rows = credit_read_spendable_batches(owner, valid_after, n, &month, &allowance_found);
	if (allowance_found)
		return rows;
	credit_create_plan_allowance(owner.id, owner.allowance);
	return credit_read_spendable_batches(owner, valid_after, n, NULL, NULL);
}

/*
 * lock_read_plan
 *	  The part every spend shares: takes the owner's credit lock (and the AI
 *	  counter's, see the file header), reads the spendable batches, plans
 *	  the charge all or nothing, gives back the AI counts of expired holds
 *	  and counts this spend in the AI counter when it is an AI one. Nothing
 *	  is written to the batches yet.
 */
static SpendPlan
lock_read_plan(CreditOwner owner, const CreditCharge *c, TimestampTz valid_after, const char *what,
			   AiDebts *debts)
{
	SpendableBatch *rows;
	SpendPlan	p;
	int			n;

	credit_lock_owner_for(owner, c->is_ai || debts->n > 0);
	rows = read_batches(owner, valid_after, &n);
	p = plan_spend(rows, n, c->cost, what);
	credit_ai_settle(debts);
	if (c->is_ai)
		p.ai_period = DateADTGetDatum(credit_ai_take(c->cost));
	return p;
}

/*
 * The notifications capability's entry point (PL/pgSQL, 66_notifications.sql
 * and its 0.2.0 replacement): it applies the user's preferences.
 */
static SpiStatement q_notify = SPI_STATEMENT("SELECT innotrue.notify($1, 'credits_low', $2)", UUIDOID, JSONBOID);

/*
 * notify_if_low
 *	  Queues one credits_low notification when a user's available balance
 *	  crosses from >= threshold to below it (once per crossing: the next one
 *	  needs the balance to be back at or above the threshold first), through
 *	  the notifications capability (its preferences apply).
 */
static void
notify_if_low(CreditOwner owner, int64 before, int64 after)
{
	int64		threshold;
	JsonbParseState *state = NULL;
	JsonbValue *payload;
	SpiArgs		a;

	if (owner.is_org)
		return;
	threshold = setting_count(SETTING_CREDITS_LOW_THRESHOLD);
	if (threshold < 0 || !(before >= threshold && after < threshold))
		return;
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	jsonb_push_key(&state, "available");
	jsonb_push_int(&state, after);
	jsonb_push_key(&state, "threshold");
	jsonb_push_int(&state, threshold);
	payload = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	spi_args_init(&a, &q_notify);
	spi_arg(&a, 1, owner.id);
	spi_arg(&a, 2, JsonbPGetDatum(JsonbValueToJsonb(payload)));
	spi_run(&q_notify, &a);
}

/* ---------------------------------------------------------------------
 * Writer: a deduction
 * ---------------------------------------------------------------------
 */

/*
 * A whole deduction in one statement (one executor run instead of two while
 * the owner's batches are locked): the row (batch ids $8 and positive amounts
 * $9 become its batches JSON), the batch updates by the negated amounts $12,
 * and one 'deduct' entry per batch under the new deduction's id.
 */
static SpiStatement q_spend_deduction = SPI_STATEMENT(
	"WITH d AS (INSERT INTO innotrue.credit_deductions (id, user_id, organization_id, kind, credit_service_id,"
	"                                                   quantity, cost, batches, ai_period, reference)"
	"           SELECT coalesce($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7,"
	"                  coalesce((SELECT jsonb_agg(jsonb_build_object('batch_id', t.i, 'amount', t.a) ORDER BY t.o)"
	"                              FROM unnest($8::uuid[], $9::bigint[]) WITH ORDINALITY AS t (i, a, o)), '[]'),"
	"                  $10, $11"
	"           RETURNING id, jsonb_build_object('deduction_id', id, 'cost', cost, 'batches', batches) AS result),"
	" u AS (UPDATE innotrue.credit_batches b SET remaining = b.remaining + p.amt"
	"         FROM unnest($8::uuid[], $12::bigint[]) AS p (id, amt) WHERE b.id = p.id),"
	" l AS (INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount, deduction_id, reference)"
	"       SELECT p.id, 'deduct', p.amt, d.id, $11 FROM d, unnest($8::uuid[], $12::bigint[]) AS p (id, amt))"
	" SELECT id, result FROM d",
	UUIDOID, UUIDOID, UUIDOID, TEXTOID, UUIDOID, INT4OID, INT8OID, UUIDARRAYOID, INT8ARRAYOID, DATEOID, JSONBOID,
	INT8ARRAYOID);

/* Result columns of q_spend_deduction. */
enum
{
	SPEND_DEDUCTION_ID = 1, SPEND_DEDUCTION_RESULT
};

/*
 * write_deduction_statement
 *	  The statement write path of a deduction (ledger_write.c has the direct
 *	  one): its row, batch updates and ledger entries in one SQL statement,
 *	  with every constraint and trigger of the tables. Returns the deduction
 *	  JSON.
 */
static Datum
write_deduction_statement(const DeductionWrite *d)
{
	SpiArgs		a;

	spi_args_init(&a, &q_spend_deduction);
	spi_arg_null(&a, 1);
	credit_arg_or_null(&a, 2, d->user_id);
	credit_arg_or_null(&a, 3, d->organization_id);
	spi_arg(&a, 4, CStringGetTextDatum(d->kind));
	credit_arg_or_null(&a, 5, d->service_id);
	spi_arg(&a, 6, Int32GetDatum(d->quantity));
	spi_arg(&a, 7, Int64GetDatum(d->cost));
	spi_arg(&a, 8, credit_uuid_array(d->batch_ids, d->nbatches));
	spi_arg(&a, 9, credit_int8_array(d->amounts, d->nbatches));
	credit_arg_or_null(&a, 10, d->ai_period);
	credit_arg_or_null(&a, 11, d->reference);
	spi_arg(&a, 12, credit_int8_array(credit_negate_amounts(d->amounts, d->nbatches), d->nbatches));
	spi_run(&q_spend_deduction, &a);
	return PointerGetDatum(DatumGetJsonbPCopy(spi_result_notnull(0, SPEND_DEDUCTION_RESULT)));
}

/*
 * credit_spend_deduction
 *	  Spends the charge from the owner's batches valid now and writes the
 *	  deduction: directly when ledger_direct_refusal() allows (its tables
 *	  opened before the owner lock), else by statement. Returns the
 *	  deduction JSON.
 */
Datum
credit_spend_deduction(CreditOwner owner, const CreditCharge *c, const char *kind, Datum reference,
					   const char *what, AiDebts *debts)
{
	DirectWriter *writer = NULL;
	SpendPlan	p;
	DeductionWrite d;
	Datum		result;

	/* The tables' locks first: no change of their definition can come between verdict and write. */
	if (!c->tables_locked)
		ledger_lock_for_spend();
	if (ledger_direct_refusal() == NULL)
		writer = ledger_direct_begin();
	p = lock_read_plan(owner, c, GetCurrentTransactionStartTimestamp(), what, debts);

	d.user_id = owner.is_org ? (Datum) 0 : owner.id;
	d.organization_id = owner.is_org ? owner.id : (Datum) 0;
	d.kind = kind;
	d.service_id = c->has_service ? c->service_id : (Datum) 0;
	d.quantity = c->quantity;
	d.cost = c->cost;
	d.nbatches = p.n;
	d.batch_rows = p.batch_rows;
	d.batch_ids = p.batch_ids;
	d.amounts = p.amounts;
	d.ai_period = p.ai_period;
	d.reference = reference;
	if (writer != NULL)
		result = ledger_write_deduction(writer, &d);
	else
		result = write_deduction_statement(&d);
	notify_if_low(owner, p.available, p.available - c->cost);
	return result;
}

/* ---------------------------------------------------------------------
 * Writer: a hold
 * ---------------------------------------------------------------------
 */

static SpiStatement q_insert_hold = SPI_STATEMENT(
	"INSERT INTO innotrue.credit_holds (user_id, credit_service_id, quantity, cost, batches, ai_period, expires_at,"
	"                                   reference)"
	" SELECT $1, $2, $3, $4,"
	"        coalesce((SELECT jsonb_agg(jsonb_build_object('batch_id', t.i, 'amount', t.a) ORDER BY t.o)"
	"                    FROM unnest($5::uuid[], $6::bigint[]) WITH ORDINALITY AS t (i, a, o)), '[]'),"
	"        $7, $8, $9"
	" RETURNING id",
	UUIDOID, UUIDOID, INT4OID, INT8OID, UUIDARRAYOID, INT8ARRAYOID, DATEOID, TIMESTAMPTZOID, JSONBOID);

/* Result columns of q_insert_hold. */
enum
{
	INSERTED_HOLD_ID = 1
};

/*
 * credit_spend_hold
 *	  Takes the charge from the owner's batches valid for the whole hold
 *	  (until hold_expires) into a new hold with its 'hold' ledger entries.
 *	  Returns the hold id.
 */
Datum
credit_spend_hold(CreditOwner owner, const CreditCharge *c, Datum reference, TimestampTz hold_expires,
				  const char *what, AiDebts *debts)
{
	SpendPlan	p = lock_read_plan(owner, c, hold_expires, what, debts);
	SpiArgs		a;
	Datum		id;

	spi_args_init(&a, &q_insert_hold);
	spi_arg(&a, 1, owner.id);
	spi_arg(&a, 2, c->service_id);
	spi_arg(&a, 3, Int32GetDatum(c->quantity));
	spi_arg(&a, 4, Int64GetDatum(c->cost));
	spi_arg(&a, 5, credit_uuid_array(p.batch_ids, p.n));
	spi_arg(&a, 6, credit_int8_array(p.amounts, p.n));
	credit_arg_or_null(&a, 7, p.ai_period);
	spi_arg(&a, 8, TimestampTzGetDatum(hold_expires));
	credit_arg_or_null(&a, 9, reference);
	spi_run(&q_insert_hold, &a);
	id = credit_copy_uuid(spi_result_notnull(0, INSERTED_HOLD_ID));
	credit_apply_entries(p.batch_ids, credit_negate_amounts(p.amounts, p.n), p.n, "hold", id, reference);
	notify_if_low(owner, p.available, p.available - c->cost);
	return id;
}

/*
 * credit_deduct_service
 *	  The spend of deduct_credits once its user is known (allowance from
 *	  credit_user_allowance) and its key claimed: returns the user's expired
 *	  holds, prices the service and spends it all or nothing. Returns the
 *	  deduction JSON.
 */
Datum
credit_deduct_service(Datum user_id, int64 allowance, text *service_key, int32 quantity, Datum reference)
{
	AiDebts		debts = {0};
	CreditOwner owner = credit_prepare_user(user_id, allowance, &debts);
	CreditCharge c = credit_service_charge(service_key, user_id, quantity);

	return credit_spend_deduction(owner, &c, "service", reference, text_to_cstring(service_key), &debts);
}
