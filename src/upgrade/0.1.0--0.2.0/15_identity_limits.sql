-- Identity and input limits (issue 16, items 5 and 6).
--
-- current_user_id() keeps its C symbol; identity.c now decides which sources to trust (see its
-- comment). The C entry points apply the bounds of src/input_limits.h themselves; the PL/pgSQL
-- functions below repeat the same numbers (INNOTRUE_MAX_JSON_BYTES = 8192, timestamps from
-- 1900-01-01 to before 3000-01-01 UTC), and sql/input_limits.sql tests both at the boundary.

COMMENT ON FUNCTION innotrue.current_user_id() IS
    'The current platform user for RLS and the current-user functions, from the first source present: auth.uid() only when it and schema auth are owned by a superuser or the extension''s owner (called as the session''s role), else the sub of JSON setting request.jwt.claims (claims without a sub = anonymous), else setting request.jwt.claim.sub, else setting innotrue.user_id, else NULL (anonymous). Malformed values are errors naming the setting: not a uuid or not JSON 22P02, claims not an object or sub not a string 22023.';

COMMENT ON FUNCTION innotrue.grant_credits(uuid, bigint, text, timestamptz, text) IS
    'Creates a credit batch of amount credits for a user or an organization (owner = profiles.id or organizations.id) with its grant ledger entry; returns the batch id. A repeated idempotency_key returns the first batch (same request) or is refused (another request, 23505). Refused, changing nothing: amount <= 0, unknown or non-grantable source, source or idempotency_key not 1-200 characters, expires_at not in the future (22023); amount above 10^12, or the owner''s unspent credits would pass 10^15 (22003); expires_at infinite or outside 1900-3000 (22008).';

COMMENT ON FUNCTION innotrue.deduct_credits(uuid, text, integer, text, jsonb) IS
    'Spends the price of quantity x the credit service from the user''s batches (plan allowance, program allowance, then the rest; earliest expiry first, then oldest), all or nothing; returns {"deduction_id", "cost", "batches": [{"batch_id", "amount"}]}. Same idempotency_key and request = the first result. Refused, changing nothing: quantity <= 0, service_key or idempotency_key not 1-200 characters, reference not an object or above 8192 bytes as JSON text (22023); quantity above 1,000,000 (22003).';

COMMENT ON FUNCTION innotrue.reserve_credits(uuid, text, integer, interval, text, jsonb) IS
    'Holds the price of a service like deduct_credits would spend it (only from batches valid for the whole hold) until capture_hold, release_hold or hold_timeout; returns the hold id. Input limits as deduct_credits; a hold ending after 3000-01-01 is refused (22008).';

COMMENT ON FUNCTION innotrue.enroll_in_program(uuid, uuid, text) IS
    'Access gating chain in one transaction: effective plan tier >= programs.min_plan_tier, price from the tier plan or the program, deduction from the user''s credits, enrollment with the resolved program plan, program allowance batch. Returns the enrollment id. A tier must have 1-200 characters (22023).';

COMMENT ON FUNCTION innotrue.sponsor_enrollment(uuid, uuid, uuid, text) IS
    'enroll_in_program paid from the organization''s credit pool for an active member: same gating chain, the price is deducted from the organization''s batches and recorded in org_sponsored_enrollments. Returns the enrollment id. A tier must have 1-200 characters (22023).';

COMMENT ON FUNCTION innotrue.record_feature_usage(uuid, text, integer, timestamptz) IS
    'Counts amount uses of a feature in the month containing at and returns the remaining uses (NULL = unlimited). Refuses and records nothing: amount <= 0 or feature_key not 1-200 characters (22023), amount above 1,000,000 or an unlimited counter passing 2147483647 (22003), at infinite or outside 1900-3000 (22008), feature not granted or denied (42501), limit would be exceeded (54000). Concurrent calls serialize on the usage row.';

COMMENT ON FUNCTION innotrue.usage_period(timestamptz) IS
    'The usage-metering month containing at: its first day in system_settings.default_timezone (feature_usage.period_start) and the instant the next month starts there. at infinite or outside 1900-3000: 22008.';

COMMENT ON FUNCTION innotrue.resolve_entitlements(uuid, timestamptz) IS
    'One row per active feature the user is granted or denied as of at, ordered by key: enabled, limit (NULL = unlimited), used this month, remaining, winning source, all granting sources, denied. at infinite or outside 1900-3000: 22008.';

COMMENT ON FUNCTION innotrue.entitlement_sources(uuid, text, timestamptz) IS
    'Every source row bearing on one feature for one user: source, the plan/program plan/add-on/track/denial it comes through, its limit, effect (grant, none, deny) and why it is ignored (NULL = counted). The data behind explain_entitlement. at infinite or outside 1900-3000: 22008.';

-- Notification payloads: at most 8192 bytes as JSON text (22023), before anything is read or written.
CREATE OR REPLACE FUNCTION innotrue.notify(user_id uuid, type_key text, payload jsonb DEFAULT '{}')
RETURNS uuid
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    nt innotrue.notification_types;
    want_in_app boolean;
    want_email boolean;
    title text;
    notification_id uuid;
BEGIN
    IF payload IS NULL OR jsonb_typeof(payload) <> 'object' THEN
        RAISE EXCEPTION 'notification payload must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF octet_length(payload::text) > 8192 THEN
        RAISE EXCEPTION 'payload is too large' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('It takes %s bytes as JSON text; at most 8192 are accepted.', octet_length(payload::text));
    END IF;
    SELECT * INTO nt FROM innotrue.notification_types t WHERE t.key = notify.type_key;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown notification type "%"', type_key USING ERRCODE = 'undefined_object',
            HINT = 'Notification types are listed in innotrue.notification_types.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM innotrue.profiles p WHERE p.id = notify.user_id) THEN
        RAISE EXCEPTION 'unknown user "%"', user_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF NOT nt.is_active THEN
        RETURN NULL;
    END IF;

    SELECT nt.is_critical OR coalesce(bool_or(p.enabled) FILTER (WHERE p.channel = 'in_app'), nt.default_in_app),
           nt.email_template_key IS NOT NULL
           AND (nt.is_critical OR coalesce(bool_or(p.enabled) FILTER (WHERE p.channel = 'email'), nt.default_email))
      INTO want_in_app, want_email
      FROM innotrue.notification_preferences p
     WHERE p.user_id = notify.user_id AND p.type_id = nt.id;

    IF want_in_app THEN
        title := coalesce(innotrue.render_template(
                              (SELECT e.subject FROM innotrue.email_templates e WHERE e.key = nt.email_template_key),
                              innotrue.notification_variables(user_id, NULL, payload), html => false),
                          nt.name);
        INSERT INTO innotrue.notifications (user_id, type_id, title, payload)
        VALUES (user_id, nt.id, CASE WHEN btrim(title) = '' THEN nt.name ELSE title END, payload)
        RETURNING id INTO notification_id;
    END IF;
    IF want_email THEN
        PERFORM innotrue.queue_email(user_id, NULL, nt.email_template_key, payload, notification_id, nt.id);
    END IF;
    RETURN notification_id;
END
$$;

COMMENT ON FUNCTION innotrue.notify(uuid, text, jsonb) IS
    'Notifies a user: writes the in-app notification and queues the rendered e-mail, each if the user''s preference for the type and channel (default from the type) allows it; critical types are always delivered. Returns the in-app notification id (NULL when in-app is off). Payload not an object or above 8192 bytes as JSON text: 22023; unknown type: 42704.';

CREATE OR REPLACE FUNCTION innotrue.queue_email(user_id uuid, to_email text, template_key text, payload jsonb,
                                     notification_id uuid DEFAULT NULL, type_id uuid DEFAULT NULL)
RETURNS uuid
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    tpl innotrue.email_templates;
    vars jsonb;
    address text := coalesce(to_email, (SELECT p.email FROM innotrue.profiles p WHERE p.id = queue_email.user_id));
    outbox_id uuid;
BEGIN
    IF octet_length(payload::text) > 8192 THEN
        RAISE EXCEPTION 'payload is too large' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('It takes %s bytes as JSON text; at most 8192 are accepted.', octet_length(payload::text));
    END IF;
    SELECT * INTO tpl FROM innotrue.email_templates t WHERE t.key = queue_email.template_key;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown e-mail template "%"', template_key USING ERRCODE = 'undefined_object';
    END IF;
    IF NOT tpl.is_active OR address IS NULL THEN
        RETURN NULL;
    END IF;
    vars := innotrue.notification_variables(user_id, address, payload);
    INSERT INTO innotrue.email_outbox (kind, user_id, notification_id, type_id, template_key, to_email,
                                       subject, body_html, body_text)
    VALUES (CASE WHEN user_id IS NULL THEN 'address' ELSE 'user' END, user_id, notification_id, type_id,
            tpl.key, address,
            innotrue.render_template(tpl.subject, vars, html => false),
            innotrue.render_template(tpl.body_html, vars),
            innotrue.render_template(tpl.body_text, vars, html => false))
    RETURNING id INTO outbox_id;
    RETURN outbox_id;
END
$$;

COMMENT ON FUNCTION innotrue.queue_email(uuid, text, text, jsonb, uuid, uuid) IS
    'Renders an e-mail template with the notification variables and inserts it into email_outbox, to the user''s address or to to_email; returns the outbox id (NULL when the template is inactive). No preference check: callers decide. Payload above 8192 bytes as JSON text: 22023.';

-- Interest and expiry-sweep timestamps: finite, from 1900 to before 3000 (22008).
CREATE OR REPLACE FUNCTION innotrue.set_assessment_interest_status(registration_id uuid, status text,
                                                        notes text DEFAULT NULL,
                                                        at timestamptz DEFAULT now())
RETURNS void
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
BEGIN
    IF registration_id IS NULL OR status IS NULL OR at IS NULL THEN
        RAISE EXCEPTION 'registration_id, status and at must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT isfinite(at) THEN
        RAISE EXCEPTION 'at must be a finite timestamp' USING ERRCODE = 'datetime_field_overflow';
    END IF;
    IF at < timestamptz '1900-01-01 00:00:00+00' OR at >= timestamptz '3000-01-01 00:00:00+00' THEN
        RAISE EXCEPTION 'at is out of range' USING ERRCODE = 'datetime_field_overflow',
            DETAIL = 'Timestamps from 1900-01-01 to before 3000-01-01 (UTC) are accepted.';
    END IF;
    IF status NOT IN ('pending', 'contacted', 'completed', 'declined') THEN
        RAISE EXCEPTION 'unknown interest registration status "%"', status
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'One of pending, contacted, completed, declined.';
    END IF;
    UPDATE innotrue.assessment_interest_registrations r
       SET status = set_assessment_interest_status.status,
           notes = coalesce(set_assessment_interest_status.notes, r.notes),
           contacted_at = CASE WHEN set_assessment_interest_status.status = 'pending' THEN NULL
                               WHEN r.status = 'pending'
                               THEN set_assessment_interest_status.at
                               ELSE r.contacted_at END
     WHERE r.id = set_assessment_interest_status.registration_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown interest registration %', registration_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;

COMMENT ON FUNCTION innotrue.set_assessment_interest_status(uuid, text, text, timestamptz) IS
    'Admin step of an interest registration: pending -> contacted (contacted_at := at) -> completed | declined; other moves are refused. Notes replace the stored ones when given. at infinite or outside 1900-3000: 22008.';

CREATE OR REPLACE FUNCTION innotrue.queue_credit_expiry_notices(within interval DEFAULT '7 days', at timestamptz DEFAULT now())
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
    IF NOT isfinite(at) THEN
        RAISE EXCEPTION 'at must be a finite timestamp' USING ERRCODE = 'datetime_field_overflow';
    END IF;
    IF at < timestamptz '1900-01-01 00:00:00+00' OR at >= timestamptz '3000-01-01 00:00:00+00' THEN
        RAISE EXCEPTION 'at is out of range' USING ERRCODE = 'datetime_field_overflow',
            DETAIL = 'Timestamps from 1900-01-01 to before 3000-01-01 (UTC) are accepted.';
    END IF;
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
    'Queues one credits_expiring notification per user batch with credits left that expires within the window after at (monthly plan allowances excepted: they expire every month by design); each batch is announced once. Returns how many were queued. Call it periodically from a scheduler. within <= 0: 22023; at infinite or outside 1900-3000: 22008.';
