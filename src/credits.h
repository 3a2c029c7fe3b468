/*-------------------------------------------------------------------------
 *
 * credits.h
 *	  What the credit capability (credits.c, credit_prices.c) offers other C
 *	  files beyond its SQL entry points: the
 *	  price and spend of a feature's credit service and keyed calls (the
 *	  half of use_feature that feature_use.c does not own). Every function
 *	  but credit_feature_service needs the caller connected to SPI.
 *
 *-------------------------------------------------------------------------
 */
#ifndef INNOTRUE_CREDITS_H
#define INNOTRUE_CREDITS_H

#include "postgres.h"

#include "utils/jsonb.h"

extern bool credit_feature_service(Datum feature_id, const char *feature_key, Datum user_id,
								   char **service_key, int64 *price, bool *ambiguous);
extern Datum credit_deduct_keyed(Datum user_id, text *service_key, int32 quantity, text *key,
								 Datum reference);
extern Jsonb *credit_idempotency_claim(const char *operation, Datum owner_id, text *key, Datum request);
extern void credit_idempotency_store(const char *operation, Datum owner_id, text *key, Datum result);

#endif							/* INNOTRUE_CREDITS_H */
