-- innotrue layer 5: credits (platform-rules.md "Credits") and feature usage counters.
--
-- Accounting model. Every credit lives in a batch owned by one user or one organization. Every
-- change of a batch is a row of the append-only ledger, and the first entry of every batch is its
-- 'grant' of +amount, so at all times
--     credit_batches.remaining = sum(credit_ledger.amount) over the batch's entries
-- (innotrue.check_credit_invariants() lists the batches where this or a related rule fails).
-- Entry signs: grant, refund, release > 0; deduct, expire, hold, capture < 0; adjust either way.
-- A hold reserves credits (they leave remaining); a release gives a hold back; spending a hold is
-- written as a release of the hold plus a capture of the same amount under the same deduction_id,
-- so the identity above needs no exception. Balances (the two views) are derived from both tables.

CREATE TABLE innotrue.credit_batches (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    organization_id  uuid REFERENCES innotrue.organizations (id) ON DELETE CASCADE,
    source           text NOT NULL
        CONSTRAINT credit_batches_source_check
        CHECK (source IN ('plan_allowance', 'program_allowance', 'purchase', 'grant', 'org_purchase', 'refund', 'adjustment')),
    amount           bigint NOT NULL CONSTRAINT credit_batches_amount_check CHECK (amount > 0),
    remaining        bigint NOT NULL CONSTRAINT credit_batches_remaining_check CHECK (remaining >= 0 AND remaining <= amount),
    expires_at       timestamptz,
    period_start     date CONSTRAINT credit_batches_period_start_check CHECK (EXTRACT(DAY FROM period_start) = 1),
    enrollment_id    uuid,
    topup_package_id uuid REFERENCES innotrue.credit_topup_packages (id),
    org_package_id   uuid REFERENCES innotrue.org_credit_packages (id),
    idempotency_key  text UNIQUE CONSTRAINT credit_batches_idempotency_key_check CHECK (btrim(idempotency_key) <> ''),
    note             text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT credit_batches_owner_check CHECK (num_nonnulls(user_id, organization_id) = 1),
    CONSTRAINT credit_batches_source_owner_check CHECK (CASE
        WHEN source IN ('plan_allowance', 'program_allowance', 'purchase') THEN user_id IS NOT NULL
        WHEN source = 'org_purchase' THEN organization_id IS NOT NULL
        ELSE true END),
    CONSTRAINT credit_batches_allowance_check CHECK (
        (source <> 'plan_allowance' OR period_start IS NOT NULL)
        AND (period_start IS NULL OR source IN ('plan_allowance', 'program_allowance'))
        AND (source = 'program_allowance') = (enrollment_id IS NOT NULL)),
    CONSTRAINT credit_batches_package_check CHECK (
        (topup_package_id IS NULL OR source = 'purchase') AND (org_package_id IS NULL OR source = 'org_purchase')),
    CONSTRAINT credit_batches_expires_at_check CHECK (expires_at > created_at),
    CONSTRAINT credit_batches_enrollment_fkey FOREIGN KEY (enrollment_id, user_id)
        REFERENCES innotrue.client_enrollments (id, user_id)
) WITH (fillfactor = 80);
-- Every deduction updates remaining (and updated_at) of the batches it draws from. No index names
-- either column, not even in a predicate, so those updates are HOT (no index entry per update);
-- the fillfactor leaves room for the new row versions on the page. Spendable batches are found
-- through credit_batches_user_id_idx / _organization_id_idx and filtered on remaining. Their second
-- column, expires_at DESC NULLS FIRST (never changed after the grant, so no obstacle to HOT), hands
-- a spend the owner's batches from no expiry down to the latest expired one, where it stops: the
-- expired batches, a plan allowance a month for as long as the user stays, are never read.

SELECT innotrue.register_table('credit_batches', '5', 'internal');
CREATE INDEX credit_batches_user_id_idx ON innotrue.credit_batches (user_id, expires_at DESC NULLS FIRST);
-- The organization indexes of the credit tables are partial: almost every row belongs to a user,
-- and a NULL entry per ledger row and deduction would be written on every spend for nothing.
CREATE INDEX credit_batches_organization_id_idx ON innotrue.credit_batches (organization_id, expires_at DESC NULLS FIRST)
    WHERE organization_id IS NOT NULL;
CREATE INDEX credit_batches_enrollment_id_idx ON innotrue.credit_batches (enrollment_id);
CREATE INDEX credit_batches_topup_package_id_idx ON innotrue.credit_batches (topup_package_id);
CREATE INDEX credit_batches_org_package_id_idx ON innotrue.credit_batches (org_package_id);
CREATE UNIQUE INDEX credit_batches_plan_allowance_idx ON innotrue.credit_batches (user_id, period_start)
    WHERE source = 'plan_allowance';
CREATE UNIQUE INDEX credit_batches_program_allowance_idx ON innotrue.credit_batches (enrollment_id, period_start)
    NULLS NOT DISTINCT WHERE source = 'program_allowance';
COMMENT ON TABLE innotrue.credit_batches IS
    'Every credit lives in a batch owned by a user or an organization. remaining always equals the sum of the batch''s ledger entries. Kind internal for now because the owner is a user or an organization; it is distributed by owner later. Only remaining (and updated_at) may change; a batch is deleted only together with its owner.';
COMMENT ON COLUMN innotrue.credit_batches.user_id IS
    'Owning user; exactly one of user_id and organization_id is set.';
COMMENT ON COLUMN innotrue.credit_batches.organization_id IS
    'Owning organization (org credit pool for org-paid actions); exactly one of user_id and organization_id is set.';
COMMENT ON COLUMN innotrue.credit_batches.source IS
    'Where the credits came from. Consumption order: plan_allowance, then program_allowance, then all others; within each, earliest expires_at first (no expiry last), then oldest. plan_allowance, program_allowance and purchase batches belong to a user, org_purchase batches to an organization.';
COMMENT ON COLUMN innotrue.credit_batches.amount IS
    'Credits the batch was created with (its grant ledger entry).';
COMMENT ON COLUMN innotrue.credit_batches.remaining IS
    'Credits still spendable (0..amount): the sum of the batch''s ledger entries. Held credits are not included.';
COMMENT ON COLUMN innotrue.credit_batches.expires_at IS
    'After this instant the batch is never spent; NULL = no expiry. Plan allowances expire at the end of their month (platform time zone), top-ups after the package validity.';
COMMENT ON COLUMN innotrue.credit_batches.period_start IS
    'For allowances: first day of the month (platform time zone) the allowance is for; one plan allowance per user and month, one program allowance per enrollment and month. NULL for other sources.';
COMMENT ON COLUMN innotrue.credit_batches.enrollment_id IS
    'The enrollment whose program plan granted a program_allowance batch (an enrollment of the batch''s user); set exactly for that source.';
COMMENT ON COLUMN innotrue.credit_batches.topup_package_id IS
    'Individual credit package bought (source purchase); NULL for other sources.';
COMMENT ON COLUMN innotrue.credit_batches.org_package_id IS
    'Organization credit package bought (source org_purchase); NULL for other sources.';
COMMENT ON COLUMN innotrue.credit_batches.idempotency_key IS
    'Key of the operation that created the batch (e.g. the Stripe checkout session id); a replayed webhook finds the batch instead of granting twice.';

CREATE TABLE innotrue.credit_ledger (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    batch_id          uuid NOT NULL REFERENCES innotrue.credit_batches (id) ON DELETE CASCADE,
    user_id           uuid REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    organization_id   uuid REFERENCES innotrue.organizations (id) ON DELETE CASCADE,
    entry_type        text NOT NULL
        CONSTRAINT credit_ledger_entry_type_check
        CHECK (entry_type IN ('grant', 'deduct', 'refund', 'expire', 'hold', 'release', 'capture', 'adjust')),
    amount            bigint NOT NULL,
    deduction_id      uuid,
    idempotency_key   text CONSTRAINT credit_ledger_idempotency_key_check CHECK (btrim(idempotency_key) <> ''),
    reference         jsonb CONSTRAINT credit_ledger_reference_check CHECK (jsonb_typeof(reference) = 'object'),
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT credit_ledger_owner_check CHECK (num_nonnulls(user_id, organization_id) = 1),
    CONSTRAINT credit_ledger_amount_check CHECK (CASE
        WHEN entry_type IN ('grant', 'refund', 'release') THEN amount > 0
        WHEN entry_type IN ('deduct', 'expire', 'hold', 'capture') THEN amount < 0
        ELSE amount <> 0 END),
    CONSTRAINT credit_ledger_deduction_id_check CHECK (
        (entry_type IN ('deduct', 'refund', 'hold', 'release', 'capture')) = (deduction_id IS NOT NULL))
);
SELECT innotrue.register_table('credit_ledger', '5', 'internal');
CREATE INDEX credit_ledger_batch_id_idx ON innotrue.credit_ledger (batch_id, created_at);
CREATE INDEX credit_ledger_user_id_idx ON innotrue.credit_ledger (user_id, created_at);
CREATE INDEX credit_ledger_organization_id_idx ON innotrue.credit_ledger (organization_id, created_at)
    WHERE organization_id IS NOT NULL;
CREATE UNIQUE INDEX credit_ledger_idempotency_idx ON innotrue.credit_ledger (idempotency_key, batch_id, entry_type)
    WHERE idempotency_key IS NOT NULL;
COMMENT ON TABLE innotrue.credit_ledger IS
    'Append-only journal of every credit change, one row per batch touched: UPDATE, DELETE and TRUNCATE are refused (except the cascade that erases a deleted owner''s rows). Invariant: a batch''s remaining = sum(amount) of its entries, the first being its grant of +amount. Kind internal for now (owner is a user or an organization); distributed by owner later.';
COMMENT ON COLUMN innotrue.credit_ledger.user_id IS
    'Owner of the batch, copied from it on insert (a different owner is refused).';
COMMENT ON COLUMN innotrue.credit_ledger.organization_id IS
    'Owning organization of the batch, copied from it on insert.';
COMMENT ON COLUMN innotrue.credit_ledger.entry_type IS
    'grant (+, the batch''s first entry), deduct (-), refund (+, reverses a deduct on the same batch), expire (-, the rest of an expired batch), hold (-, reservation), release (+, returns a hold), capture (-, spends a hold, written with its release), adjust (+/-, admin correction).';
COMMENT ON COLUMN innotrue.credit_ledger.amount IS
    'Signed change of the batch''s remaining credits: positive adds, negative takes; never 0.';
COMMENT ON COLUMN innotrue.credit_ledger.deduction_id IS
    'Groups the entries of one deduction across batches; its refund, hold, release and capture entries carry the same id. Required for those entry types, NULL for grant, expire and adjust. Not a foreign key: the id is a credit_deductions row for deductions and refunds, a credit_holds row for hold and release entries; that row names the credit service and lists the batches, whose entries credit_ledger_batch_id_idx finds. Not indexed: every spend would pay for an index nothing reads.';
COMMENT ON COLUMN innotrue.credit_ledger.idempotency_key IS
    'Caller''s key of the operation; repeating it finds the first result. Unique per batch and entry type.';
COMMENT ON COLUMN innotrue.credit_ledger.reference IS
    'JSON object describing what the entry was for (session, resource, enrollment, Stripe ids, admin note).';

-- Append-only enforcement ------------------------------------------------------------------------

-- Why SECURITY DEFINER: the "owner erased" test must see every profile and organization whatever
-- RLS the caller is under, or a hidden owner would look deleted and unlock the rows.
CREATE FUNCTION innotrue.credit_owner_erased(user_id uuid, organization_id uuid)
RETURNS boolean
LANGUAGE sql
STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
    SELECT CASE
        WHEN credit_owner_erased.user_id IS NOT NULL
            THEN NOT EXISTS (SELECT 1 FROM innotrue.profiles p WHERE p.id = credit_owner_erased.user_id)
        WHEN credit_owner_erased.organization_id IS NOT NULL
            THEN NOT EXISTS (SELECT 1 FROM innotrue.organizations o WHERE o.id = credit_owner_erased.organization_id)
        ELSE false END
$$;
COMMENT ON FUNCTION innotrue.credit_owner_erased(uuid, uuid) IS
    'true when the user or organization owning a credit row no longer exists, i.e. the row is being removed by the ON DELETE CASCADE of its owner''s deletion; the append-only triggers let only that removal through.';

CREATE FUNCTION innotrue.refuse_ledger_change()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF innotrue.credit_owner_erased(OLD.user_id, OLD.organization_id) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'credit ledger is append-only'
        USING ERRCODE = 'restrict_violation',
              DETAIL = format('%s on innotrue.%I is refused: ledger entries are never changed or removed.', TG_OP, TG_TABLE_NAME),
              HINT = 'Record a correcting entry instead (adjust, refund, release or expire).';
END
$$;
COMMENT ON FUNCTION innotrue.refuse_ledger_change() IS
    'BEFORE UPDATE/DELETE (row) and BEFORE TRUNCATE (statement) trigger of credit_ledger: raises restrict_violation "credit ledger is append-only". Lets through only the cascade deletion of an erased owner''s entries.';

CREATE TRIGGER credit_ledger_append_only
    BEFORE UPDATE OR DELETE ON innotrue.credit_ledger
    FOR EACH ROW EXECUTE FUNCTION innotrue.refuse_ledger_change();
CREATE TRIGGER credit_ledger_no_truncate
    BEFORE TRUNCATE ON innotrue.credit_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION innotrue.refuse_ledger_change();

-- In C (src/triggers.c), like the batch update guard below: both fire once per batch a deduction
-- touches. The batch is read by primary key past row-level security (the rule must hold whatever
-- RLS the writer is under), seeing committed batches and the writer's own.
CREATE FUNCTION innotrue.fill_ledger_owner()
RETURNS trigger
LANGUAGE C
VOLATILE PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'innotrue_fill_ledger_owner';
COMMENT ON FUNCTION innotrue.fill_ledger_owner() IS
    'BEFORE INSERT trigger of credit_ledger (C): copies user_id/organization_id from the entry''s batch, refuses an entry whose given owner differs (check_violation) or whose batch does not exist (foreign_key_violation). Reads the batch whatever RLS applies to the writer.';

CREATE TRIGGER credit_ledger_fill_owner
    BEFORE INSERT ON innotrue.credit_ledger
    FOR EACH ROW EXECUTE FUNCTION innotrue.fill_ledger_owner();

CREATE FUNCTION innotrue.guard_credit_batch_update()
RETURNS trigger
LANGUAGE C
VOLATILE PARALLEL UNSAFE
AS 'MODULE_PATHNAME', 'innotrue_guard_credit_batch_update';
COMMENT ON FUNCTION innotrue.guard_credit_batch_update() IS
    'BEFORE UPDATE trigger of credit_batches (C): every column but remaining, note and updated_at is fixed when the batch is granted; an update changing one raises restrict_violation.';

CREATE TRIGGER credit_batches_guard
    BEFORE UPDATE ON innotrue.credit_batches
    FOR EACH ROW EXECUTE FUNCTION innotrue.guard_credit_batch_update();

CREATE FUNCTION innotrue.guard_credit_batch_delete()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
BEGIN
    IF innotrue.credit_owner_erased(OLD.user_id, OLD.organization_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'credit batches cannot be deleted'
        USING ERRCODE = 'restrict_violation',
              DETAIL = 'A batch and its ledger entries are kept for as long as their owner exists.',
              HINT = 'Expire the batch with an expire ledger entry instead.';
END
$$;
COMMENT ON FUNCTION innotrue.guard_credit_batch_delete() IS
    'BEFORE DELETE trigger of credit_batches: a batch is deleted only by the cascade of its owner''s deletion; any other delete raises restrict_violation.';

CREATE TRIGGER credit_batches_no_delete
    BEFORE DELETE ON innotrue.credit_batches
    FOR EACH ROW EXECUTE FUNCTION innotrue.guard_credit_batch_delete();

-- Invariant check ----------------------------------------------------------------------------------

CREATE FUNCTION innotrue.check_credit_invariants()
RETURNS TABLE (batch_id uuid, problem text)
LANGUAGE sql
STABLE PARALLEL SAFE
AS $$
    WITH per_batch AS (
        SELECT b.id, b.amount, b.remaining,
               coalesce(sum(l.amount), 0) AS ledger_sum,
               count(l.id) FILTER (WHERE l.entry_type = 'grant') AS grants,
               coalesce(sum(l.amount) FILTER (WHERE l.entry_type = 'grant'), 0) AS granted,
               count(l.id) FILTER (WHERE l.user_id IS DISTINCT FROM b.user_id
                                      OR l.organization_id IS DISTINCT FROM b.organization_id) AS other_owner,
               count(l.id) FILTER (WHERE l.entry_type IN ('deduct', 'hold', 'capture')
                                     AND l.created_at >= b.expires_at) AS spent_expired,
               count(l.id) FILTER (WHERE l.entry_type = 'expire') AS expiries
          FROM innotrue.credit_batches b
          LEFT JOIN innotrue.credit_ledger l ON l.batch_id = b.id
         GROUP BY b.id
    ), per_deduction AS (
        SELECT l.batch_id,
               -coalesce(sum(l.amount) FILTER (WHERE l.entry_type IN ('deduct', 'capture')), 0) AS spent,
               coalesce(sum(l.amount) FILTER (WHERE l.entry_type = 'refund'), 0) AS refunded,
               -coalesce(sum(l.amount) FILTER (WHERE l.entry_type = 'hold'), 0) AS held,
               coalesce(sum(l.amount) FILTER (WHERE l.entry_type = 'release'), 0) AS released,
               -coalesce(sum(l.amount) FILTER (WHERE l.entry_type = 'capture'), 0) AS captured
          FROM innotrue.credit_ledger l
         WHERE l.deduction_id IS NOT NULL
         GROUP BY l.batch_id, l.deduction_id
    )
    SELECT v.batch_id, v.problem
      FROM (
        SELECT id, format('remaining %s differs from the ledger sum %s', remaining, ledger_sum)
          FROM per_batch WHERE remaining <> ledger_sum
        UNION ALL
        SELECT id, format('expected one grant entry of %s, found %s totalling %s', amount, grants, granted)
          FROM per_batch WHERE grants <> 1 OR granted <> amount
        UNION ALL
        SELECT id, format('%s ledger entries carry another owner than the batch', other_owner)
          FROM per_batch WHERE other_owner > 0
        UNION ALL
        SELECT id, format('%s entries spent the batch after it expired', spent_expired)
          FROM per_batch WHERE spent_expired > 0
        UNION ALL
        SELECT id, format('expired but %s credits remain', remaining)
          FROM per_batch WHERE expiries > 0 AND remaining <> 0
        UNION ALL
        SELECT DISTINCT batch_id, 'a deduction refunded more than it spent from the batch'
          FROM per_deduction WHERE refunded > spent
        UNION ALL
        SELECT DISTINCT batch_id, 'a deduction released or captured more than it held on the batch'
          FROM per_deduction WHERE released > held OR captured > held
      ) AS v (batch_id, problem)
     ORDER BY v.batch_id, v.problem
$$;
COMMENT ON FUNCTION innotrue.check_credit_invariants() IS
    'Lists violations of the credit accounting rules, one row per batch and problem; no rows = consistent. Checks: remaining = sum of the batch''s ledger amounts; exactly one grant entry, equal to amount; entries carry the batch''s owner; nothing deducted, held or captured at or after expires_at; an expired batch has nothing left; per deduction and batch, refunds <= deducted + captured and releases, captures <= holds.';

-- Balances ---------------------------------------------------------------------------------------

-- One statement of the balance arithmetic for both kinds of owner (exactly one argument is
-- non-NULL); a simple SQL function, so the planner inlines it into the views below.
CREATE FUNCTION innotrue.credit_owner_balance(owner_user_id uuid, owner_organization_id uuid)
RETURNS TABLE (available_credits bigint, total_credits bigint, consumed_credits bigint,
               held_credits bigint, expired_credits bigint, adjusted_credits bigint)
LANGUAGE sql
STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(b.available, 0)::bigint,
           coalesce(l.granted, 0)::bigint,
           coalesce(l.consumed, 0)::bigint,
           coalesce(l.held, 0)::bigint,
           (coalesce(l.expired, 0) + coalesce(b.lapsed, 0))::bigint,
           coalesce(l.adjusted, 0)::bigint
      FROM (SELECT sum(cb.remaining) FILTER (WHERE cb.expires_at IS NULL OR cb.expires_at > now()) AS available,
                   sum(cb.remaining) FILTER (WHERE cb.expires_at <= now()) AS lapsed
              FROM innotrue.credit_batches cb
             WHERE (owner_user_id IS NOT NULL AND cb.user_id = owner_user_id)
                OR (owner_organization_id IS NOT NULL AND cb.organization_id = owner_organization_id)) AS b,
           (SELECT sum(cl.amount) FILTER (WHERE cl.entry_type = 'grant') AS granted,
                   -sum(cl.amount) FILTER (WHERE cl.entry_type IN ('deduct', 'capture', 'refund')) AS consumed,
                   -sum(cl.amount) FILTER (WHERE cl.entry_type IN ('hold', 'release')) AS held,
                   -sum(cl.amount) FILTER (WHERE cl.entry_type = 'expire') AS expired,
                   sum(cl.amount) FILTER (WHERE cl.entry_type = 'adjust') AS adjusted
              FROM innotrue.credit_ledger cl
             WHERE (owner_user_id IS NOT NULL AND cl.user_id = owner_user_id)
                OR (owner_organization_id IS NOT NULL AND cl.organization_id = owner_organization_id)) AS l
$$;
COMMENT ON FUNCTION innotrue.credit_owner_balance(uuid, uuid) IS
    'Balance figures of one credit owner (a user or an organization), derived from credit_batches and credit_ledger: available = total - consumed - held - expired + adjusted. Used by the user_credit_balances and org_credit_balances views.';

CREATE VIEW innotrue.user_credit_balances WITH (security_invoker = true) AS
SELECT p.id AS user_id, b.*
  FROM innotrue.profiles p
  CROSS JOIN LATERAL innotrue.credit_owner_balance(p.id, NULL) AS b;
COMMENT ON VIEW innotrue.user_credit_balances IS
    'Credit balance of every user (the guide''s 5.4), derived from credit_batches and credit_ledger, never stored: available = total - consumed - held - expired + adjusted. security_invoker: callers see only what RLS lets them see.';
COMMENT ON COLUMN innotrue.user_credit_balances.available_credits IS
    'Spendable now: remaining credits of the user''s unexpired batches.';
COMMENT ON COLUMN innotrue.user_credit_balances.total_credits IS
    'Credits ever received: sum of all grant entries (allowances, purchases, grants).';
COMMENT ON COLUMN innotrue.user_credit_balances.consumed_credits IS
    'Credits spent, net of refunds: deducts and captures minus refunds.';
COMMENT ON COLUMN innotrue.user_credit_balances.held_credits IS
    'Credits reserved by open holds (holds minus releases).';
COMMENT ON COLUMN innotrue.user_credit_balances.expired_credits IS
    'Credits lost to expiry: expire entries plus what is left in batches past expires_at not yet expired by an entry.';
COMMENT ON COLUMN innotrue.user_credit_balances.adjusted_credits IS
    'Net admin corrections (adjust entries).';

CREATE VIEW innotrue.org_credit_balances WITH (security_invoker = true) AS
SELECT o.id AS organization_id, b.*
  FROM innotrue.organizations o
  CROSS JOIN LATERAL innotrue.credit_owner_balance(NULL, o.id) AS b;
COMMENT ON VIEW innotrue.org_credit_balances IS
    'Credit pool balance of every organization, derived from credit_batches and credit_ledger like user_credit_balances (one pool per organization, not two ledgers): available = total - consumed - held - expired + adjusted.';
COMMENT ON COLUMN innotrue.org_credit_balances.available_credits IS
    'Spendable now: remaining credits of the organization''s unexpired batches.';
COMMENT ON COLUMN innotrue.org_credit_balances.total_credits IS
    'Credits ever received (grant entries).';
COMMENT ON COLUMN innotrue.org_credit_balances.consumed_credits IS
    'Credits spent, net of refunds.';
COMMENT ON COLUMN innotrue.org_credit_balances.held_credits IS
    'Credits reserved by open holds.';
COMMENT ON COLUMN innotrue.org_credit_balances.expired_credits IS
    'Credits lost to expiry (entries plus unexpired remainders of batches past expires_at).';
COMMENT ON COLUMN innotrue.org_credit_balances.adjusted_credits IS
    'Net admin corrections.';

-- Feature usage ----------------------------------------------------------------------------------

CREATE TABLE innotrue.feature_usage (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    feature_id   uuid NOT NULL REFERENCES innotrue.features (id),
    period_start date NOT NULL CONSTRAINT feature_usage_period_start_check CHECK (EXTRACT(DAY FROM period_start) = 1),
    used         integer NOT NULL DEFAULT 0 CONSTRAINT feature_usage_used_check CHECK (used >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT feature_usage_user_feature_period_key UNIQUE (user_id, feature_id, period_start)
);
SELECT innotrue.register_table('feature_usage', '5', 'user');
CREATE INDEX feature_usage_user_id_idx ON innotrue.feature_usage (user_id);
CREATE INDEX feature_usage_feature_id_idx ON innotrue.feature_usage (feature_id);
COMMENT ON TABLE innotrue.feature_usage IS
    'Uses of consumable features per user, feature and calendar month; remaining = limit - used (NULL limit = unlimited).';
COMMENT ON COLUMN innotrue.feature_usage.period_start IS
    'First day of the calendar month counted, in the platform time zone (system_settings.default_timezone).';
COMMENT ON COLUMN innotrue.feature_usage.used IS
    'Number of uses in the period.';
