/*-------------------------------------------------------------------------
 *
 * credits_internal.h
 *	  How the files of the credit capability call each other (credits.h is
 *	  what the rest of the extension sees).
 *
 *	  credits.c			SQL entry points, keyed (idempotent) calls
 *	  credit_batches.c	owner and AI-counter locks, spendable batches, ledger entries
 *	  credit_spend.c	spending: lock, read, plan; one writer per mode
 *	  credit_holds.c	capture, release, expiry of holds; refunds
 *	  credit_prices.c	owners, services, track prices, plan allowances
 *	  credit_grants.c	grants and balances
 *	  credit_enroll.c	the enrollment gating chain
 *
 * Lock order of every path (no deadlock between them): hold or deduction
 * row -> the tables' ROW EXCLUSIVE locks (ledger_lock_for_spend) -> owner
 * lock -> batch rows -> AI counter.  credit_batches.c explains each.
 *
 *-------------------------------------------------------------------------
 */
#ifndef INNOTRUE_CREDITS_INTERNAL_H
#define INNOTRUE_CREDITS_INTERNAL_H

#include "postgres.h"

#include "access/htup.h"
#include "utils/date.h"
#include "utils/jsonb.h"
#include "utils/snapshot.h"
#include "utils/timestamp.h"

#include "spi_stmt.h"

/*
 * SQLSTATE of a deduction that the owner's credits cannot cover. A shortfall
 * is the violation of the rule "a balance never goes negative", the same
 * rule credit_batches_remaining_check states, hence check_violation (23514).
 */
#define ERRCODE_CREDITS_SHORTFALL	ERRCODE_CHECK_VIOLATION

/* Who owns credits: a user (profiles.id) or an organization. */
typedef struct CreditOwner
{
	Datum		id;				/* uuid */
	bool		is_org;
	int64		allowance;		/* monthly plan allowance a spend makes available first; 0 = none */
} CreditOwner;

/* One spendable batch as read by credit_read_spendable_batches. */
typedef struct SpendableBatch
{
	HeapTuple	tuple;			/* the batch row as read (its current version) */
	Datum		id;				/* uuid, palloc'd copy */
	int			rank;			/* 0 plan allowance, 1 program allowance, 2 rest */
	bool		has_expiry;
	TimestampTz expires_at;
	TimestampTz created_at;
	int64		remaining;
} SpendableBatch;

/*
 * AI counter give-backs of released or expired holds, applied only after every
 * batch lock of the call is taken: the platform AI counter is one row all AI
 * spends queue on, so it is always locked last (batches -> AI counter).
 */
typedef struct AiDebts
{
	int			n;
	int			cap;
	Datum	   *periods;
	int64	   *costs;
} AiDebts;

/* What is being paid for. */
typedef struct CreditCharge
{
	Datum		service_id;		/* uuid; valid when has_service */
	bool		has_service;
	bool		is_ai;
	bool		tables_locked;	/* credit_service_charge took ledger_lock_for_spend */
	int32		quantity;
	int64		cost;
} CreditCharge;

/* credit_batches.c: values */
extern Datum credit_copy_uuid(Datum d);
extern char *credit_uuid_text(Datum d);
extern Datum credit_uuid_array(Datum *elems, int n);
extern Datum credit_int8_array(Datum *elems, int n);
extern Datum *credit_array_elems(Datum arr, Oid elemtype, int *n);
extern Datum *credit_negate_amounts(Datum *amounts, int n);
extern Snapshot credit_fresh_snapshot(void);
extern void credit_arg_or_null(SpiArgs *a, int n, Datum value);

/* credit_batches.c: owners and locks */
extern CreditOwner credit_owner(Datum id, bool is_org);
extern void credit_lock_owner(CreditOwner owner);
extern void credit_lock_owner_and_ai(CreditOwner owner);
extern void credit_lock_owner_for(CreditOwner owner, bool ai);

/* credit_batches.c: batches and ledger entries */
extern SpendableBatch *credit_read_spendable_batches(CreditOwner owner, TimestampTz valid_after, int *n,
													 const DateADT *month, bool *month_allowance_found);
extern int64 credit_batches_total(const SpendableBatch *rows, int n);
extern void credit_apply_entries(Datum *batch_ids, Datum *signed_amounts, int n, const char *entry_type,
								 Datum deduction_id, Datum reference);

/* credit_batches.c: the platform AI counter */
extern DateADT credit_ai_take(int64 cost);
extern void credit_ai_give_back(Datum period, int64 cost);
extern void credit_ai_defer(AiDebts *d, Datum period, int64 cost);
extern void credit_ai_settle(AiDebts *d);

/* credit_prices.c */
extern int64 credit_user_allowance(Datum user_id);
extern CreditOwner credit_resolve_owner(Datum id);
extern CreditCharge credit_service_charge(text *service_key, Datum user_id, int32 quantity);
extern void credit_create_plan_allowance(Datum user_id, int64 allowance);
extern void credit_ensure_plan_allowance(Datum user_id, int64 allowance);

/* credit_holds.c */
extern int	credit_expire_holds(Datum user_id, AiDebts *debts);
extern Datum credit_capture_hold(Datum hold_id);
extern void credit_release_hold(Datum hold_id);
extern Datum credit_refund(Datum deduction_id);

/* credit_spend.c */
extern CreditOwner credit_prepare_user(Datum user_id, int64 allowance, AiDebts *debts);
extern Datum credit_spend_deduction(CreditOwner owner, const CreditCharge *c, const char *kind,
									Datum reference, const char *what, AiDebts *debts);
extern Datum credit_spend_hold(CreditOwner owner, const CreditCharge *c, Datum reference,
							   TimestampTz hold_expires, const char *what, AiDebts *debts);
extern Datum credit_deduct_service(Datum user_id, int64 allowance, text *service_key, int32 quantity,
								   Datum reference);

/* credit_grants.c; the columns of credit_balance()'s row, in its order */
enum
{
	CREDIT_BALANCE_AVAILABLE, CREDIT_BALANCE_HELD, CREDIT_BALANCE_BY_SOURCE, CREDIT_BALANCE_NEXT_AMOUNT,
	CREDIT_BALANCE_NEXT_AT, NUM_CREDIT_BALANCE_COLUMNS
};

extern Datum credit_grant(Datum owner_id, text *source_text, int64 amount, bool has_expiry,
						  TimestampTz expires_at, text *key);
extern void credit_balance(Datum id, Datum *values, bool *nulls);

/* credit_enroll.c */
extern Datum credit_enroll(CreditOwner payer, Datum user_id, Datum program_id, text *tier, AiDebts *debts);
extern void credit_check_member(Datum organization_id, Datum user_id);

#endif							/* INNOTRUE_CREDITS_INTERNAL_H */
