-- innotrue: the credit ledger's operations (issue 6, docs/credits.md). The batches and the
-- append-only ledger are in 54_credits.sql; this file adds what the operations keep on the side
-- (deductions, holds, idempotency records, the platform AI counter) and declares the C functions
-- of src/credits.c. Application roles never write any of these tables: every change goes through
-- the SECURITY DEFINER functions below, which keep remaining = sum(ledger) for every batch.

-- Deductions: one row per spend (a service, an enrollment, a captured hold). Refunds reverse
-- exactly the batches recorded here.
CREATE TABLE innotrue.credit_deductions (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id           uuid REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    organization_id   uuid REFERENCES innotrue.organizations (id) ON DELETE CASCADE,
    kind              text NOT NULL
        CONSTRAINT credit_deductions_kind_check CHECK (kind IN ('service', 'enrollment', 'hold')),
    credit_service_id uuid REFERENCES innotrue.credit_services (id),
    quantity          integer NOT NULL CONSTRAINT credit_deductions_quantity_check CHECK (quantity > 0),
    cost              bigint NOT NULL CONSTRAINT credit_deductions_cost_check CHECK (cost >= 0),
    batches           jsonb NOT NULL CONSTRAINT credit_deductions_batches_check CHECK (jsonb_typeof(batches) = 'array'),
    ai_period         date,
    reference         jsonb CONSTRAINT credit_deductions_reference_check CHECK (jsonb_typeof(reference) = 'object'),
    refunded_at       timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT credit_deductions_owner_check CHECK (num_nonnulls(user_id, organization_id) = 1)
);
SELECT innotrue.register_table('credit_deductions', '5', 'internal');
CREATE INDEX credit_deductions_user_id_idx ON innotrue.credit_deductions (user_id);
CREATE INDEX credit_deductions_organization_id_idx ON innotrue.credit_deductions (organization_id)
    WHERE organization_id IS NOT NULL;  -- partial, like the organization indexes of 54_credits.sql
CREATE INDEX credit_deductions_credit_service_id_idx ON innotrue.credit_deductions (credit_service_id);
COMMENT ON TABLE innotrue.credit_deductions IS
    'One row per spend of credits (deduct_credits, enroll_in_program, capture_hold); its id is the deduction_id of its ledger entries. Kind internal like credit_batches: the payer is a user or an organization.';
COMMENT ON COLUMN innotrue.credit_deductions.kind IS
    'service = deduct_credits; enrollment = enroll_in_program / sponsor_enrollment; hold = a captured hold (same id as the hold).';
COMMENT ON COLUMN innotrue.credit_deductions.cost IS
    'Credits spent: unit price (lowest of the standard and the user''s track prices) x quantity, or the program''s enrollment price.';
COMMENT ON COLUMN innotrue.credit_deductions.batches IS
    'JSON array [{"batch_id": uuid, "amount": n}, ...] in consumption order: where the cost was taken from; a refund gives exactly this back.';
COMMENT ON COLUMN innotrue.credit_deductions.ai_period IS
    'Month (platform time zone) whose AI counter this ai-category deduction was counted in; NULL for other categories.';
COMMENT ON COLUMN innotrue.credit_deductions.refunded_at IS
    'When refund_credits reversed the deduction; NULL = not refunded (a deduction is refunded at most once).';

-- Holds: credits reserved for a later capture (e.g. until a calendar booking is confirmed).
CREATE TABLE innotrue.credit_holds (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id           uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    credit_service_id uuid NOT NULL REFERENCES innotrue.credit_services (id),
    quantity          integer NOT NULL CONSTRAINT credit_holds_quantity_check CHECK (quantity > 0),
    cost              bigint NOT NULL CONSTRAINT credit_holds_cost_check CHECK (cost >= 0),
    batches           jsonb NOT NULL CONSTRAINT credit_holds_batches_check CHECK (jsonb_typeof(batches) = 'array'),
    ai_period         date,
    status            text NOT NULL DEFAULT 'held'
        CONSTRAINT credit_holds_status_check CHECK (status IN ('held', 'captured', 'released', 'expired')),
    expires_at        timestamptz NOT NULL,
    reference         jsonb CONSTRAINT credit_holds_reference_check CHECK (jsonb_typeof(reference) = 'object'),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT credit_holds_expires_at_check CHECK (expires_at > created_at)
);
SELECT innotrue.register_table('credit_holds', '5', 'user');
CREATE INDEX credit_holds_user_id_idx ON innotrue.credit_holds (user_id);
CREATE INDEX credit_holds_open_idx ON innotrue.credit_holds (user_id, expires_at) WHERE status = 'held';
CREATE INDEX credit_holds_open_expiry_idx ON innotrue.credit_holds (expires_at) WHERE status = 'held';
CREATE INDEX credit_holds_credit_service_id_idx ON innotrue.credit_holds (credit_service_id);
COMMENT ON TABLE innotrue.credit_holds IS
    'Credits reserved by reserve_credits: they left their batches (hold ledger entries, deduction_id = the hold id) and come back on release or expiry, or become the deduction with the same id on capture.';
COMMENT ON COLUMN innotrue.credit_holds.batches IS
    'JSON array [{"batch_id": uuid, "amount": n}, ...]: where the held credits were taken from.';
COMMENT ON COLUMN innotrue.credit_holds.status IS
    'held -> captured | released | expired. An open hold past expires_at is expired lazily by the next operation on the user''s credits, or by release_expired_holds().';
COMMENT ON COLUMN innotrue.credit_holds.ai_period IS
    'Month whose AI counter the hold was counted in (ai-category services); given back on release or expiry.';

-- Idempotency records: the request and the outcome of every keyed operation.
CREATE TABLE innotrue.credit_idempotency_keys (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    operation       text NOT NULL
        CONSTRAINT credit_idempotency_keys_operation_check CHECK (operation IN ('deduct', 'reserve')),
    owner_id        uuid NOT NULL,
    idempotency_key text NOT NULL CONSTRAINT credit_idempotency_keys_key_check CHECK (btrim(idempotency_key) <> ''),
    request         jsonb NOT NULL,
    result          jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT credit_idempotency_keys_operation_owner_key UNIQUE (operation, owner_id, idempotency_key)
);
SELECT innotrue.register_table('credit_idempotency_keys', '5', 'internal');
CREATE INDEX credit_idempotency_keys_owner_id_idx ON innotrue.credit_idempotency_keys (owner_id);
COMMENT ON TABLE innotrue.credit_idempotency_keys IS
    'The request and outcome of each deduct_credits / reserve_credits call made with an idempotency key: a repeat with the same request returns the stored outcome, a repeat with another request is refused. The row is written in the same transaction as the spend, so a rolled-back spend leaves no key behind.';
COMMENT ON COLUMN innotrue.credit_idempotency_keys.owner_id IS
    'Owner the keyed operation was made for: a user (profiles.id) or, for organization operations, an organization (organizations.id). Not a foreign key because it can be either.';
COMMENT ON COLUMN innotrue.credit_idempotency_keys.request IS
    'The normalised request (service key, quantity, reference, hold timeout); compared on a repeat.';
COMMENT ON COLUMN innotrue.credit_idempotency_keys.result IS
    'The outcome returned to the first caller (deduction JSON, or {"hold_id": ...}).';

-- Platform AI counter: credits spent on ai-category services per month.
CREATE TABLE innotrue.credit_ai_usage (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    period_start date NOT NULL UNIQUE CONSTRAINT credit_ai_usage_period_start_check CHECK (EXTRACT(DAY FROM period_start) = 1),
    used         bigint NOT NULL DEFAULT 0 CONSTRAINT credit_ai_usage_used_check CHECK (used >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('credit_ai_usage', '5', 'internal');
COMMENT ON TABLE innotrue.credit_ai_usage IS
    'Credits spent on ai-category services platform-wide per calendar month (platform time zone), net of refunds and released holds; kept within system_settings.ai_monthly_credit_limit. A counter instead of a sum over deductions so the check does not grow with history.';

-- Nobody but the extension's functions writes these tables or the ledger of 54_credits.sql.
REVOKE ALL ON innotrue.credit_batches, innotrue.credit_ledger, innotrue.credit_deductions,
              innotrue.credit_holds, innotrue.credit_idempotency_keys, innotrue.credit_ai_usage FROM PUBLIC;

-- The direct write path of a deduction (src/ledger_write.c) names a credit service in rows it
-- writes without a foreign-key query (the deduction's credit_service_id). A spend takes the ROW
-- EXCLUSIVE lock of credit_deductions before it reads the service; deleting a service, or changing
-- its id, first waits here for every such transaction, so the foreign key then sees their rows.
CREATE FUNCTION innotrue.wait_for_credit_spends()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
BEGIN
    LOCK TABLE innotrue.credit_deductions IN SHARE MODE;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION innotrue.wait_for_credit_spends() IS
    'BEFORE DELETE / UPDATE OF id statement trigger of credit_services: locks credit_deductions IN SHARE MODE, waiting for every spend in flight (they hold ROW EXCLUSIVE from before they read the service) so the foreign key sees their rows. SECURITY DEFINER: the admin deleting a service need not be able to lock the deductions.';

CREATE TRIGGER credit_services_wait_for_spends
    BEFORE DELETE OR UPDATE OF id ON innotrue.credit_services
    FOR EACH STATEMENT EXECUTE FUNCTION innotrue.wait_for_credit_spends();

-- The credit operations keep per backend the settings they use (time zone, AI cap, low-balance
-- threshold) and the credit services with whether track prices apply; a change of these tables
-- announces itself so every backend reads them again.
CREATE FUNCTION innotrue.announce_table_change()
RETURNS trigger
LANGUAGE C
VOLATILE PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'innotrue_announce_table_change';
COMMENT ON FUNCTION innotrue.announce_table_change() IS
    'AFTER trigger (C): queues a relcache invalidation of its table, sent to every backend at commit; per-backend copies of the table''s rows (the credit operations'' system settings and credit services) are then read again.';

DO $announce$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['system_settings', 'credit_services', 'credit_service_track_prices'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON innotrue.%I
                        FOR EACH ROW EXECUTE FUNCTION innotrue.announce_table_change()', t || '_announce', t);
        EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON innotrue.%I
                        FOR EACH STATEMENT EXECUTE FUNCTION innotrue.announce_table_change()', t || '_announce_truncate', t);
        -- Also when logical replication or a restore in replica mode writes them.
        EXECUTE format('ALTER TABLE innotrue.%I ENABLE ALWAYS TRIGGER %I', t, t || '_announce');
        EXECUTE format('ALTER TABLE innotrue.%I ENABLE ALWAYS TRIGGER %I', t, t || '_announce_truncate');
    END LOOP;
END
$announce$;

-- Every change of an owner's batches takes the owner's credit lock (src/credits.c, lock_owner), and
-- so does the owner's deletion: it waits for the spends in flight, and no spend writes rows naming
-- the owner until the deletion ends (its cascades then see and remove them).
CREATE FUNCTION innotrue.lock_credit_owner()
RETURNS trigger
LANGUAGE C
VOLATILE PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'innotrue_lock_credit_owner';
COMMENT ON FUNCTION innotrue.lock_credit_owner() IS
    'BEFORE DELETE / UPDATE OF id row trigger (C) of profiles and organizations: takes the credit lock of the owner (the lock every operation changing its batches holds to commit), so the deletion waits for spends in flight and no spend names the owner while it runs.';
CREATE TRIGGER credit_owner_wait_for_spends
    BEFORE DELETE OR UPDATE OF id ON innotrue.profiles
    FOR EACH ROW EXECUTE FUNCTION innotrue.lock_credit_owner();
CREATE TRIGGER credit_owner_wait_for_spends
    BEFORE DELETE OR UPDATE OF id ON innotrue.organizations
    FOR EACH ROW EXECUTE FUNCTION innotrue.lock_credit_owner();

-- Functions ---------------------------------------------------------------------------------------

CREATE FUNCTION innotrue.credit_write_path()
RETURNS text
LANGUAGE C STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_credit_write_path';
COMMENT ON FUNCTION innotrue.credit_write_path() IS
    'How a deduction made now is written: ''direct'' (the deduction, its ledger entries and batch updates written by C through the table access method, without SQL statements) or ''statements: <why>'' when the credit tables carry a column, constraint, foreign key, trigger, rule or row-level security the direct path does not know, or the transaction is not READ COMMITTED. Both paths write the same rows.';

CREATE FUNCTION innotrue.grant_credits(owner uuid, amount bigint, source text,
                                       expires_at timestamptz DEFAULT NULL, idempotency_key text DEFAULT NULL)
RETURNS uuid
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_grant_credits';
COMMENT ON FUNCTION innotrue.grant_credits(uuid, bigint, text, timestamptz, text) IS
    'Creates a credit batch of amount credits for a user or an organization (owner = profiles.id or organizations.id) with its grant ledger entry; returns the batch id. A repeated idempotency_key returns the first batch (same request) or is refused (another request).';

CREATE FUNCTION innotrue.deduct_credits(user_id uuid, service_key text, quantity integer DEFAULT 1,
                                        idempotency_key text DEFAULT NULL, reference jsonb DEFAULT NULL)
RETURNS jsonb
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_deduct_credits';
COMMENT ON FUNCTION innotrue.deduct_credits(uuid, text, integer, text, jsonb) IS
    'Spends the price of quantity x the credit service from the user''s batches (plan allowance, program allowance, then the rest; earliest expiry first, then oldest), all or nothing; returns {"deduction_id", "cost", "batches": [{"batch_id", "amount"}]}. Same idempotency_key and request = the first result.';

CREATE FUNCTION innotrue.reserve_credits(user_id uuid, service_key text, quantity integer DEFAULT 1,
                                         hold_timeout interval DEFAULT '15 minutes',
                                         idempotency_key text DEFAULT NULL, reference jsonb DEFAULT NULL)
RETURNS uuid
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_reserve_credits';
COMMENT ON FUNCTION innotrue.reserve_credits(uuid, text, integer, interval, text, jsonb) IS
    'Holds the price of a service like deduct_credits would spend it (only from batches valid for the whole hold) until capture_hold, release_hold or hold_timeout; returns the hold id.';

CREATE FUNCTION innotrue.capture_hold(hold_id uuid)
RETURNS jsonb
LANGUAGE C VOLATILE PARALLEL UNSAFE STRICT SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_capture_hold';
COMMENT ON FUNCTION innotrue.capture_hold(uuid) IS
    'Spends an open, unexpired hold: it becomes the deduction with the same id (release + capture ledger entries); returns the deduction JSON like deduct_credits.';

CREATE FUNCTION innotrue.release_hold(hold_id uuid)
RETURNS void
LANGUAGE C VOLATILE PARALLEL UNSAFE STRICT SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_release_hold';
COMMENT ON FUNCTION innotrue.release_hold(uuid) IS
    'Gives an open hold''s credits back to the batches they came from (release ledger entries).';

CREATE FUNCTION innotrue.release_expired_holds()
RETURNS integer
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_release_expired_holds';
COMMENT ON FUNCTION innotrue.release_expired_holds() IS
    'Sweep: marks every open hold past its expiry expired and gives its credits back; returns how many. Optional: the same happens lazily per user on the next credit operation.';

CREATE FUNCTION innotrue.refund_credits(deduction_id uuid)
RETURNS jsonb
LANGUAGE C VOLATILE PARALLEL UNSAFE STRICT SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_refund_credits';
COMMENT ON FUNCTION innotrue.refund_credits(uuid) IS
    'Reverses one deduction exactly: each batch it drew from gets its amount back (refund ledger entries); returns {"deduction_id", "refunded", "batches"}. A second refund is refused.';

CREATE FUNCTION innotrue.credit_balance(owner uuid,
                                        OUT available bigint, OUT held bigint, OUT by_source jsonb,
                                        OUT next_expiring_amount bigint, OUT next_expiring_at timestamptz)
RETURNS record
LANGUAGE C VOLATILE PARALLEL UNSAFE STRICT SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_credit_balance';
COMMENT ON FUNCTION innotrue.credit_balance(uuid) IS
    'Balance of a user or organization from its live batches (never a ledger scan): available, held by open holds, available by source, and the amount and instant of the next expiry. Volatile: it first makes this month''s plan allowance available and returns expired holds.';

CREATE FUNCTION innotrue.enroll_in_program(user_id uuid, program_id uuid, tier text DEFAULT NULL)
RETURNS uuid
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_enroll_in_program';
COMMENT ON FUNCTION innotrue.enroll_in_program(uuid, uuid, text) IS
    'Access gating chain in one transaction: effective plan tier >= programs.min_plan_tier, price from the tier plan or the program, deduction from the user''s credits, enrollment with the resolved program plan, program allowance batch. Returns the enrollment id.';

CREATE FUNCTION innotrue.sponsor_enrollment(organization_id uuid, user_id uuid, program_id uuid, tier text DEFAULT NULL)
RETURNS uuid
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_sponsor_enrollment';
COMMENT ON FUNCTION innotrue.sponsor_enrollment(uuid, uuid, uuid, text) IS
    'enroll_in_program paid from the organization''s credit pool for an active member: same gating chain, the price is deducted from the organization''s batches and recorded in org_sponsored_enrollments. Returns the enrollment id.';

REVOKE EXECUTE ON FUNCTION innotrue.grant_credits(uuid, bigint, text, timestamptz, text),
                           innotrue.release_expired_holds(),
                           innotrue.refund_credits(uuid),
                           innotrue.sponsor_enrollment(uuid, uuid, uuid, text) FROM PUBLIC;

-- Expiry notices -----------------------------------------------------------------------------
-- Expiry is a matter of time, not of a row changing, so no trigger can announce it: a scheduler
-- (pg_cron, the e-mail worker's loop) calls queue_credit_expiry_notices() periodically, and the
-- notices table makes every batch announced once however often it runs.

CREATE TABLE innotrue.credit_expiry_notices (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    batch_id    uuid NOT NULL UNIQUE REFERENCES innotrue.credit_batches (id) ON DELETE CASCADE,
    notified_at timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('credit_expiry_notices', '5', 'user');
CREATE INDEX credit_expiry_notices_user_id_idx ON innotrue.credit_expiry_notices (user_id);
-- Not partial on remaining > 0: an index naming remaining would make every deduction's batch
-- update non-HOT (54_credits.sql); the sweep filters remaining itself within its time window.
CREATE INDEX credit_batches_expiring_idx ON innotrue.credit_batches (expires_at)
    WHERE user_id IS NOT NULL AND expires_at IS NOT NULL;
COMMENT ON TABLE innotrue.credit_expiry_notices IS
    'One row per user batch whose coming expiry has been announced (credits_expiring), so that queue_credit_expiry_notices() announces each batch once.';
COMMENT ON COLUMN innotrue.credit_expiry_notices.notified_at IS
    'The "at" of the sweep that announced the batch.';
REVOKE ALL ON TABLE innotrue.credit_expiry_notices FROM PUBLIC;

CREATE FUNCTION innotrue.queue_credit_expiry_notices(within interval DEFAULT '7 days', at timestamptz DEFAULT now())
RETURNS integer
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE STRICT SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
DECLARE
    tz text := coalesce((SELECT s.value #>> '{}' FROM innotrue.system_settings s WHERE s.key = 'default_timezone'), 'UTC');
    due record;
    queued integer := 0;
BEGIN
    IF within <= interval '0' THEN
        RAISE EXCEPTION 'expiry notice window must be positive, not %', within
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass how far ahead to look, e.g. interval ''7 days''.';
    END IF;
    -- Claiming through the unique batch_id makes concurrent sweeps announce each batch once.
    FOR due IN
        WITH expiring AS (
            SELECT b.id, b.user_id, b.remaining, b.expires_at
              FROM innotrue.credit_batches b
             WHERE b.user_id IS NOT NULL AND b.remaining > 0 AND b.source <> 'plan_allowance'
               AND b.expires_at > queue_credit_expiry_notices.at
               AND b.expires_at <= queue_credit_expiry_notices.at + within
        ), claimed AS (
            INSERT INTO innotrue.credit_expiry_notices (user_id, batch_id, notified_at)
            SELECT e.user_id, e.id, queue_credit_expiry_notices.at FROM expiring e
            ON CONFLICT (batch_id) DO NOTHING
            RETURNING batch_id
        )
        SELECT e.* FROM expiring e JOIN claimed c ON c.batch_id = e.id ORDER BY e.expires_at, e.id
    LOOP
        PERFORM innotrue.notify(due.user_id, 'credits_expiring',
                                jsonb_build_object('credits_amount', due.remaining,
                                                   'expires_at', to_char(due.expires_at AT TIME ZONE tz, 'YYYY-MM-DD HH24:MI') || ' ' || tz,
                                                   'batch_id', due.id));
        queued := queued + 1;
    END LOOP;
    RETURN queued;
END
$$;
COMMENT ON FUNCTION innotrue.queue_credit_expiry_notices(interval, timestamptz) IS
    'Queues one credits_expiring notification per user batch with credits left that expires within the window after at (monthly plan allowances excepted: they expire every month by design); each batch is announced once. Returns how many were queued. Call it periodically from a scheduler.';
REVOKE EXECUTE ON FUNCTION innotrue.queue_credit_expiry_notices(interval, timestamptz) FROM PUBLIC;
