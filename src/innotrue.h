/*-------------------------------------------------------------------------
 *
 * innotrue.h
 *	  Declarations shared by the innotrue C sources.
 *
 *-------------------------------------------------------------------------
 */
#ifndef INNOTRUE_H
#define INNOTRUE_H

#include "postgres.h"

#include "access/htup.h"
#include "fmgr.h"
#include "utils/jsonb.h"
#include "utils/snapshot.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

/* Name of the extension's schema; fixed by innotrue.control (not relocatable). */
#define INNOTRUE_SCHEMA "innotrue"

extern char *innotrue_user_id_setting;
extern int	innotrue_entitlement_cache_size;

/* innotrue.c: null_value_not_allowed for a NULL required argument (functions with optional ones). */
extern void innotrue_require_arg(FunctionCallInfo fcinfo, int n, const char *name);

/* catalog.c: the extension's relations by name, and the generation that
 * tells a per-backend OID cache it must resolve its names again. */
extern Oid	innotrue_relation_oid(const char *relname);
extern uint64 innotrue_catalog_generation(void);

/* identity.c: the current platform user (a trusted auth.uid(), the sub of
 * request.jwt.claims, request.jwt.claim.sub, innotrue.user_id: the first one
 * present decides); *isnull when anonymous. */
extern Datum innotrue_current_user(bool *isnull);

/* entitlement_cache.c: per-user resolved entitlements that no snapshot can
 * see stale.  entcache_usable() first in every call (it processes pending
 * invalidations); then entcache_find() may serve, entcache_store() keep. */
extern bool entcache_usable(Snapshot snapshot);
extern const void *entcache_find(const pg_uuid_t *user_id, TimestampTz at);
extern void entcache_store(Snapshot snapshot, const pg_uuid_t *user_id,
						   TimestampTz valid_from, TimestampTz valid_until,
						   const void *data, Size size);
extern uint64 entcache_epoch(void);

/* credits.c: the lock of all the credits of one owner (user or organization),
 * held to the end of the transaction; also taken when the owner is deleted. */
#define CREDIT_OWNER_LOCK_SPACE 26996	/* advisory locktag field4 ('it'); SQL uses 1 and 2 */
extern void innotrue_lock_credit_owner_id(Datum owner_id);

/* ledger_write.c: a deduction written through the table AM instead of SQL
 * statements, while the credit tables are as the extension made them. */
typedef struct DeductionWrite
{
	Datum		user_id;		/* uuid, or (Datum) 0 when an organization pays */
	Datum		organization_id;	/* uuid, or (Datum) 0 when a user pays */
	const char *kind;
	Datum		service_id;		/* uuid, or (Datum) 0 */
	int32		quantity;
	int64		cost;
	int			nbatches;
	HeapTuple  *batch_rows;		/* current versions, read under the owner lock */
	Datum	   *batch_ids;		/* uuid */
	Datum	   *amounts;		/* int64 > 0, what each batch gives */
	Datum		ai_period;		/* date, or (Datum) 0 */
	Datum		reference;		/* jsonb object, or (Datum) 0 */
} DeductionWrite;

typedef struct DirectWriter DirectWriter;

extern const char *ledger_direct_refusal(void);
extern DirectWriter *ledger_direct_begin(void);
extern Datum ledger_write_deduction(DirectWriter *w, const DeductionWrite *d);
extern void ledger_lock_for_spend(void);

/* jsonb_push.c: building jsonb values in C (pushJsonbValue). */
struct JsonbParseState;
extern void jsonb_push_key(struct JsonbParseState **st, const char *key);
extern void jsonb_push_string(struct JsonbParseState **st, const char *val);
extern void jsonb_push_int(struct JsonbParseState **st, int64 val);
extern void jsonb_push_bool(struct JsonbParseState **st, bool val);
extern void jsonb_push_null(struct JsonbParseState **st);
extern void jsonb_push_jsonb(struct JsonbParseState **st, Jsonb *jb);

#endif							/* INNOTRUE_H */
