/*-------------------------------------------------------------------------
 *
 * credit_enroll.c
 *	  The enrollment gating chain shared by enroll_in_program (paid by the
 *	  user) and sponsor_enrollment (paid by an organization for an active
 *	  member): program open, effective plan tier high enough, price and
 *	  program plan from the tier (or the program), the enrollment row, the
 *	  deduction from the payer, the program allowance. Any error undoes it
 *	  all (the caller's statement).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "innotrue.h"
#include "credits_internal.h"
#include "entitlements.h"
#include "spi_stmt.h"

/* A program and, when tier $2 is given, that tier's plan and price. */
static SpiStatement q_program = SPI_STATEMENT(
	"SELECT p.is_active, p.min_plan_tier, p.credit_cost, p.default_program_plan_id,"
	"       t.program_plan_id, t.credit_cost, t.id IS NOT NULL"
	"  FROM innotrue.programs p"
	"  LEFT JOIN innotrue.program_tier_plans t ON t.program_id = p.id AND t.tier_name = $2"
	" WHERE p.id = $1",
	UUIDOID, TEXTOID);

/* Result columns of q_program. */
enum
{
	PROGRAM_ACTIVE = 1, PROGRAM_MIN_TIER, PROGRAM_COST, PROGRAM_DEFAULT_PLAN, TIER_PLAN, TIER_COST, TIER_FOUND
};

static SpiStatement q_insert_enrollment = SPI_STATEMENT(
	"INSERT INTO innotrue.client_enrollments (user_id, program_id, program_plan_id, tier_name)"
	" VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, program_id) WHERE status IN ('active', 'paused') DO NOTHING"
	" RETURNING id",
	UUIDOID, UUIDOID, UUIDOID, TEXTOID);

/* Result columns of q_insert_enrollment. */
enum
{
	ENROLLMENT_ID = 1
};

/* The program plan's credit allowance, as a program_allowance batch with its grant entry. */
static SpiStatement q_program_allowance = SPI_STATEMENT(
	"WITH b AS (INSERT INTO innotrue.credit_batches (user_id, source, amount, remaining, enrollment_id)"
	"           SELECT $1, 'program_allowance', pp.credit_allowance, pp.credit_allowance, $2"
	"             FROM innotrue.program_plans pp WHERE pp.id = $3 AND pp.credit_allowance > 0"
	"           RETURNING id, amount)"
	" INSERT INTO innotrue.credit_ledger (batch_id, entry_type, amount) SELECT id, 'grant', amount FROM b",
	UUIDOID, UUIDOID, UUIDOID);

static SpiStatement q_insert_sponsorship = SPI_STATEMENT(
	"INSERT INTO innotrue.org_sponsored_enrollments (organization_id, enrollment_id, user_id, credits_charged)"
	" VALUES ($1, $2, $3, $4)",
	UUIDOID, UUIDOID, UUIDOID, INT8OID);

static SpiStatement q_member = SPI_STATEMENT(
	"SELECT status = 'active' FROM innotrue.organization_members WHERE organization_id = $1 AND user_id = $2",
	UUIDOID, UUIDOID);

/* Result columns of q_member. */
enum
{
	MEMBER_ACTIVE = 1
};

/* What enrolling in a program costs and gives, from q_program. */
typedef struct ProgramTerms
{
	int32		min_tier;
	int64		cost;
	bool		has_plan;
	Datum		plan_id;		/* program plan; valid when has_plan */
} ProgramTerms;

/*
 * program_terms
 *	  Reads the program (and tier): unknown program or tier ->
 *	  foreign_key_violation, closed program ->
 *	  object_not_in_prerequisite_state.
 */
static ProgramTerms
program_terms(Datum program_id, text *tier, const char *program_text)
{
	ProgramTerms t;
	SpiArgs		a;
	bool		isnull;

	spi_args_init(&a, &q_program);
	spi_arg(&a, 1, program_id);
	if (tier != NULL)
		spi_arg(&a, 2, PointerGetDatum(tier));
	else
		spi_arg_null(&a, 2);
	spi_run(&q_program, &a);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("unknown program %s", program_text)));
	if (!DatumGetBool(spi_result_notnull(0, PROGRAM_ACTIVE)))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("program %s is not open for enrollment", program_text)));
	if (tier != NULL && !DatumGetBool(spi_result_notnull(0, TIER_FOUND)))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("program %s has no tier %s", program_text, text_to_cstring(tier))));
	t.min_tier = DatumGetInt32(spi_result_notnull(0, PROGRAM_MIN_TIER));
	if (tier != NULL)
	{
		t.cost = DatumGetInt32(spi_result_notnull(0, TIER_COST));
		t.plan_id = credit_copy_uuid(spi_result_notnull(0, TIER_PLAN));
		t.has_plan = true;
	}
	else
	{
		t.cost = DatumGetInt32(spi_result_notnull(0, PROGRAM_COST));
		t.plan_id = spi_result(0, PROGRAM_DEFAULT_PLAN, &isnull);
		t.has_plan = !isnull;
		if (t.has_plan)
			t.plan_id = credit_copy_uuid(t.plan_id);
	}
	return t;
}

/* enrollment_reference: the reference of an enrollment's deduction. */
static Datum
enrollment_reference(const char *program_text, Datum enrollment_id, Datum user_id, text *tier)
{
	JsonbParseState *state = NULL;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	jsonb_push_key(&state, "program_id");
	jsonb_push_string(&state, program_text);
	jsonb_push_key(&state, "enrollment_id");
	jsonb_push_string(&state, credit_uuid_text(enrollment_id));
	jsonb_push_key(&state, "user_id");
	jsonb_push_string(&state, credit_uuid_text(user_id));
	if (tier != NULL)
	{
		jsonb_push_key(&state, "tier");
		jsonb_push_string(&state, text_to_cstring(tier));
	}
	return JsonbPGetDatum(JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)));
}

/*
 * credit_enroll
 *	  The gating chain (file header) for user_id in program_id, paid by
 *	  payer. Returns the enrollment id.
 */
Datum
credit_enroll(CreditOwner payer, Datum user_id, Datum program_id, text *tier, AiDebts *debts)
{
	char	   *program_text = credit_uuid_text(program_id);
	ProgramTerms terms = program_terms(program_id, tier, program_text);
	int32		tier_level;
	SpiArgs		a;
	Datum		enrollment_id;

	/* An unknown user has no tier (the callers checked the user exists). */
	if (!entitlement_plan_tier(user_id, &tier_level))
		tier_level = 0;
	if (tier_level < terms.min_tier)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("plan tier too low for program %s", program_text),
				 errdetail("Effective plan tier %d, the program requires %d.", tier_level, terms.min_tier)));

	spi_args_init(&a, &q_insert_enrollment);
	spi_arg(&a, 1, user_id);
	spi_arg(&a, 2, program_id);
	credit_arg_or_null(&a, 3, terms.has_plan ? terms.plan_id : (Datum) 0);
	credit_arg_or_null(&a, 4, PointerGetDatum(tier));
	spi_run(&q_insert_enrollment, &a);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("user %s is already enrolled in program %s", credit_uuid_text(user_id), program_text)));
	enrollment_id = credit_copy_uuid(spi_result_notnull(0, ENROLLMENT_ID));

	if (terms.cost > 0)
	{
		CreditCharge c;

		memset(&c, 0, sizeof(c));
		c.quantity = 1;
		c.cost = terms.cost;
		credit_spend_deduction(payer, &c, "enrollment",
							   enrollment_reference(program_text, enrollment_id, user_id, tier),
							   psprintf("enrollment in program %s", program_text), debts);
	}
	credit_ai_settle(debts);
	if (terms.has_plan)
	{
		spi_args_init(&a, &q_program_allowance);
		spi_arg(&a, 1, user_id);
		spi_arg(&a, 2, enrollment_id);
		spi_arg(&a, 3, terms.plan_id);
		spi_run(&q_program_allowance, &a);
	}
	if (payer.is_org)
	{
		spi_args_init(&a, &q_insert_sponsorship);
		spi_arg(&a, 1, payer.id);
		spi_arg(&a, 2, enrollment_id);
		spi_arg(&a, 3, user_id);
		spi_arg(&a, 4, Int64GetDatum(terms.cost));
		spi_run(&q_insert_sponsorship, &a);
	}
	return enrollment_id;
}

/* credit_check_member: user_id is an active member of the organization; else insufficient_privilege. */
void
credit_check_member(Datum organization_id, Datum user_id)
{
	SpiArgs		a;

	spi_args_init(&a, &q_member);
	spi_arg(&a, 1, organization_id);
	spi_arg(&a, 2, user_id);
	spi_run(&q_member, &a);
	if (SPI_processed == 0 || !DatumGetBool(spi_result_notnull(0, MEMBER_ACTIVE)))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("user %s is not an active member of organization %s",
						credit_uuid_text(user_id), credit_uuid_text(organization_id))));
}
