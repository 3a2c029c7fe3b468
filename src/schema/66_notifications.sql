-- innotrue: notification delivery. Template rendering (C), innotrue.notify() honouring preferences
-- and critical types, the e-mail outbox the sender drains (claim / complete / fail with leases,
-- retries and backoff), and the business events that queue notifications in the same transaction.
-- See docs/notifications.md.

-- Rendering -----------------------------------------------------------------------------------

CREATE FUNCTION innotrue.render_template(template text, vars jsonb, strict boolean DEFAULT false,
                                         html boolean DEFAULT true)
RETURNS text
LANGUAGE C
IMMUTABLE PARALLEL SAFE STRICT
AS 'MODULE_PATHNAME', 'innotrue_render_template';
COMMENT ON FUNCTION innotrue.render_template(text, jsonb, boolean, boolean) IS
    'Renders a Mustache-style template ({{var}} HTML-escaped unless html is false, {{{var}}} raw, dotted paths, {{#x}}/{{^x}} sections, {{! comments}}) against vars. Missing variables render empty, or raise 22023 when strict; a malformed template raises 42601 with its position.';

-- Event templates: e-mails of events that are not user-facing notification types -----------------

-- Why: the 31 notification types are the guide's fixed list, and neither "an assignment was
-- submitted" (to the program's staff) nor "you are invited to an organization" (to an address that
-- may have no account yet) is one of them. Their e-mails still need a template; they are sent
-- straight to the outbox without an in-app notification or a preference.
INSERT INTO innotrue.email_templates (id, key, name, subject, body_html, body_text, variables)
SELECT innotrue.seed_id('email_templates', v.key), v.key, v.name, v.subject,
       '<!DOCTYPE html>' || E'\n' || '<html><body style="font-family:Arial,Helvetica,sans-serif;color:#1f2937;">' || E'\n'
       || '<p>Hi {{user_name}},</p>' || E'\n' || v.html || E'\n'
       || '<p style="font-size:12px;color:#6b7280;">{{platform_name}} &middot; Questions? Write to <a href="mailto:{{support_email}}">{{support_email}}</a></p>' || E'\n'
       || '</body></html>',
       'Hi {{user_name}},' || E'\n\n' || v.txt || E'\n\n-- \n{{platform_name}}\nQuestions? Write to {{support_email}}',
       v.variables
FROM (VALUES
    ('assignment_submitted', 'Assignment submitted', 'Assignment submitted: {{assignment_name}} by {{client_name}}',
     '<p>{{client_name}} submitted <strong>{{assignment_name}}</strong> in {{program_name}} ({{module_name}}). It is waiting for your review.</p>',
     '{{client_name}} submitted {{assignment_name}} in {{program_name}} ({{module_name}}). It is waiting for your review.',
     '["assignment_name", "client_name", "user_name", "program_name", "module_name", "platform_name", "support_email"]'::jsonb),
    ('org_invitation', 'Organization invitation', '{{inviter_name}} invited you to {{organization_name}}',
     '<p>{{inviter_name}} invited you to join <strong>{{organization_name}}</strong> on {{platform_name}} as {{role}}.</p><p>Your invitation code: {{invitation_token}} (valid until {{expires_at}}).</p>',
     '{{inviter_name}} invited you to join {{organization_name}} on {{platform_name}} as {{role}}. Your invitation code: {{invitation_token}} (valid until {{expires_at}}).',
     '["inviter_name", "organization_name", "user_name", "platform_name", "role", "invitation_token", "expires_at", "support_email"]'::jsonb)
) AS v (key, name, subject, html, txt, variables);

-- Outbox --------------------------------------------------------------------------------------

CREATE TABLE innotrue.email_outbox (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind            text NOT NULL
        CONSTRAINT email_outbox_kind_check CHECK (kind IN ('user', 'address')),
    user_id         uuid REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    notification_id uuid REFERENCES innotrue.notifications (id) ON DELETE SET NULL,
    type_id         uuid REFERENCES innotrue.notification_types (id),
    template_key    text NOT NULL REFERENCES innotrue.email_templates (key) ON UPDATE CASCADE,
    to_email        text NOT NULL CONSTRAINT email_outbox_to_email_check CHECK (to_email ~ '^[^@\s]+@[^@\s]+$'),
    subject         text NOT NULL,
    body_html       text NOT NULL,
    body_text       text NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
        CONSTRAINT email_outbox_status_check CHECK (status IN ('pending', 'claimed', 'sent', 'failed', 'dead')),
    attempts        integer NOT NULL DEFAULT 0 CONSTRAINT email_outbox_attempts_check CHECK (attempts >= 0),
    max_attempts    integer NOT NULL DEFAULT 5 CONSTRAINT email_outbox_max_attempts_check CHECK (max_attempts > 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_by      text,
    lease_until     timestamptz,
    last_error      text,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT email_outbox_kind_user_check CHECK ((kind = 'user') = (user_id IS NOT NULL)),
    CONSTRAINT email_outbox_claim_check CHECK ((status = 'claimed') = (claimed_by IS NOT NULL AND lease_until IS NOT NULL)),
    CONSTRAINT email_outbox_sent_check CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
SELECT innotrue.register_table('email_outbox', '5', 'internal');
CREATE INDEX email_outbox_user_id_idx ON innotrue.email_outbox (user_id);
CREATE INDEX email_outbox_notification_id_idx ON innotrue.email_outbox (notification_id);
CREATE INDEX email_outbox_type_id_idx ON innotrue.email_outbox (type_id);
CREATE INDEX email_outbox_template_key_idx ON innotrue.email_outbox (template_key);
CREATE INDEX email_outbox_due_idx ON innotrue.email_outbox (next_attempt_at) WHERE status IN ('pending', 'failed');
CREATE INDEX email_outbox_lease_idx ON innotrue.email_outbox (lease_until) WHERE status = 'claimed';
COMMENT ON TABLE innotrue.email_outbox IS
    'Rendered e-mails waiting for the sender. Workers claim due rows with a lease (claim_notifications), then complete or fail them; an expired lease makes a row claimable again (at-least-once delivery).';
COMMENT ON COLUMN innotrue.email_outbox.kind IS
    'user = to a platform user (user_id set); address = to an e-mail address without an account (organization invitations).';
COMMENT ON COLUMN innotrue.email_outbox.notification_id IS
    'In-app notification of the same event; NULL when the user turned in-app off or the event has none.';
COMMENT ON COLUMN innotrue.email_outbox.status IS
    'pending -> claimed -> sent; claimed -> failed (retry at next_attempt_at) -> claimed ...; dead after max_attempts.';
COMMENT ON COLUMN innotrue.email_outbox.attempts IS
    'Claims so far (each claim is a delivery attempt, including one whose worker died).';
COMMENT ON COLUMN innotrue.email_outbox.next_attempt_at IS
    'A pending or failed row is claimable from this time; fail_notification sets it with exponential backoff.';
COMMENT ON COLUMN innotrue.email_outbox.claimed_by IS
    'Worker holding the lease while claimed.';
COMMENT ON COLUMN innotrue.email_outbox.lease_until IS
    'End of the claim''s lease; afterwards another worker may claim the row.';

CREATE FUNCTION innotrue.email_outbox_announce()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
AS $$
BEGIN
    PERFORM pg_catalog.pg_notify('innotrue_outbox', '');
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION innotrue.email_outbox_announce() IS
    'AFTER INSERT statement trigger on email_outbox: NOTIFY innotrue_outbox so idle workers wake up when the transaction commits.';
CREATE TRIGGER email_outbox_announce AFTER INSERT ON innotrue.email_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION innotrue.email_outbox_announce();

-- Queueing ------------------------------------------------------------------------------------

CREATE FUNCTION innotrue.notification_variables(user_id uuid, to_email text, payload jsonb)
RETURNS jsonb
LANGUAGE sql
STABLE PARALLEL SAFE
AS $$
    SELECT jsonb_build_object(
               'platform_name', (SELECT s.value #>> '{}' FROM innotrue.system_settings s WHERE s.key = 'platform_name'),
               'support_email', (SELECT s.value #>> '{}' FROM innotrue.system_settings s WHERE s.key = 'support_email'),
               'user_name', coalesce((SELECT coalesce(p.full_name, split_part(p.email, '@', 1))
                                        FROM innotrue.profiles p WHERE p.id = notification_variables.user_id),
                                     split_part(to_email, '@', 1)))
           || coalesce(payload, '{}')
$$;
COMMENT ON FUNCTION innotrue.notification_variables(uuid, text, jsonb) IS
    'Template variables of a notification: platform_name and support_email from system_settings, user_name from the profile (or the address), overridden by the payload''s keys.';

CREATE FUNCTION innotrue.queue_email(user_id uuid, to_email text, template_key text, payload jsonb,
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
    'Renders an e-mail template with the notification variables and inserts it into email_outbox, to the user''s address or to to_email; returns the outbox id (NULL when the template is inactive). No preference check: callers decide.';

CREATE FUNCTION innotrue.notify(user_id uuid, type_key text, payload jsonb DEFAULT '{}')
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
    'Notifies a user: writes the in-app notification and queues the rendered e-mail, each if the user''s preference for the type and channel (default from the type) allows it; critical types are always delivered. Returns the in-app notification id (NULL when in-app is off). Unknown type: 42704.';

-- Preferences ---------------------------------------------------------------------------------

CREATE FUNCTION innotrue.refuse_disabling_critical()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    type_key text;
BEGIN
    IF NOT NEW.enabled THEN
        SELECT t.key INTO type_key FROM innotrue.notification_types t WHERE t.id = NEW.type_id AND t.is_critical;
        IF FOUND THEN
            RAISE EXCEPTION 'notification type "%" is critical and cannot be disabled', type_key
                USING ERRCODE = 'check_violation',
                      DETAIL = format('Channel %s was to be disabled.', NEW.channel);
        END IF;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION innotrue.refuse_disabling_critical() IS
    'BEFORE INSERT OR UPDATE trigger on notification_preferences: refuses a preference that disables a critical notification type (23514).';
CREATE TRIGGER refuse_disabling_critical BEFORE INSERT OR UPDATE ON innotrue.notification_preferences
    FOR EACH ROW EXECUTE FUNCTION innotrue.refuse_disabling_critical();

-- Outbox worker protocol ----------------------------------------------------------------------

CREATE FUNCTION innotrue.claim_notifications(batch_size integer, worker text, lease interval DEFAULT '5 minutes')
RETURNS SETOF innotrue.email_outbox
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE STRICT
AS $$
BEGIN
    IF batch_size < 1 OR btrim(worker) = '' OR lease <= interval '0' THEN
        RAISE EXCEPTION 'invalid claim: batch_size %, worker "%", lease %', batch_size, worker, lease
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'batch_size must be positive, worker non-empty and lease positive.';
    END IF;
    -- A claim whose worker died after the last allowed attempt will not be retried.
    UPDATE innotrue.email_outbox o
       SET status = 'dead', claimed_by = NULL, lease_until = NULL,
           last_error = coalesce(o.last_error, 'lease expired on the last attempt')
     WHERE o.id IN (SELECT x.id FROM innotrue.email_outbox x
                     WHERE x.status = 'claimed' AND x.lease_until <= now() AND x.attempts >= x.max_attempts
                       FOR UPDATE SKIP LOCKED);
    RETURN QUERY
    UPDATE innotrue.email_outbox o
       SET status = 'claimed', claimed_by = worker, lease_until = now() + lease, attempts = o.attempts + 1
     WHERE o.id IN (SELECT x.id FROM innotrue.email_outbox x
                     WHERE (x.status IN ('pending', 'failed') AND x.next_attempt_at <= now())
                        OR (x.status = 'claimed' AND x.lease_until <= now() AND x.attempts < x.max_attempts)
                     ORDER BY x.next_attempt_at, x.id
                     LIMIT batch_size
                       FOR UPDATE SKIP LOCKED)
    RETURNING o.*;
END
$$;
COMMENT ON FUNCTION innotrue.claim_notifications(integer, text, interval) IS
    'Claims up to batch_size due outbox rows (pending or failed and due, or claimed with an expired lease) for worker with a lease, skipping rows other workers hold (FOR UPDATE SKIP LOCKED); counts the attempt.';

CREATE FUNCTION innotrue.outbox_lease(id uuid, worker text)
RETURNS innotrue.email_outbox
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    msg innotrue.email_outbox;
BEGIN
    SELECT * INTO msg FROM innotrue.email_outbox o WHERE o.id = outbox_lease.id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'outbox message "%" does not exist', id USING ERRCODE = 'no_data_found';
    END IF;
    IF msg.status <> 'claimed' OR msg.claimed_by IS DISTINCT FROM worker THEN
        RAISE EXCEPTION 'outbox message "%" is not claimed by worker "%"', id, worker
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('Status %s, claimed by %s.', msg.status, coalesce(msg.claimed_by, 'nobody'));
    END IF;
    RETURN msg;
END
$$;
COMMENT ON FUNCTION innotrue.outbox_lease(uuid, text) IS
    'Locks an outbox row and checks that worker holds its claim (P0002 if missing, 55000 if not the holder); shared by complete_notification and fail_notification.';

CREATE FUNCTION innotrue.complete_notification(id uuid, worker text)
RETURNS void
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
AS $$
BEGIN
    PERFORM innotrue.outbox_lease(id, worker);
    UPDATE innotrue.email_outbox o
       SET status = 'sent', sent_at = now(), claimed_by = NULL, lease_until = NULL
     WHERE o.id = complete_notification.id;
END
$$;
COMMENT ON FUNCTION innotrue.complete_notification(uuid, text) IS
    'Marks a claimed outbox row sent; only the worker holding the claim may (55000 otherwise, P0002 for an unknown id).';

CREATE FUNCTION innotrue.fail_notification(id uuid, worker text, error text)
RETURNS text
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    msg innotrue.email_outbox := innotrue.outbox_lease(id, worker);
    next_status text := CASE WHEN msg.attempts >= msg.max_attempts THEN 'dead' ELSE 'failed' END;
BEGIN
    UPDATE innotrue.email_outbox o
       SET status = next_status, claimed_by = NULL, lease_until = NULL, last_error = error,
           next_attempt_at = now() + least(interval '1 minute' * power(2, msg.attempts - 1), interval '1 day')
     WHERE o.id = fail_notification.id;
    RETURN next_status;
END
$$;
COMMENT ON FUNCTION innotrue.fail_notification(uuid, text, text) IS
    'Records a failed delivery by the worker holding the claim: failed with a retry after 1, 2, 4, ... minutes (at most a day), or dead once max_attempts claims are used; returns the new status.';

-- Events --------------------------------------------------------------------------------------

CREATE TABLE innotrue.notification_rules (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key           text NOT NULL UNIQUE CONSTRAINT notification_rules_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    event_table   text NOT NULL CONSTRAINT notification_rules_event_table_check CHECK (event_table ~ '^[a-z][a-z0-9_]*$'),
    status_column text CONSTRAINT notification_rules_status_column_check CHECK (status_column ~ '^[a-z][a-z0-9_]*$'),
    status_value  text,
    type_key      text REFERENCES innotrue.notification_types (key) ON UPDATE CASCADE,
    template_key  text REFERENCES innotrue.email_templates (key) ON UPDATE CASCADE,
    recipients    text NOT NULL
        CONSTRAINT notification_rules_recipients_check
        CHECK (recipients IN ('row_user', 'program_staff', 'session_participants', 'invitee')),
    is_active     boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT notification_rules_status_check CHECK ((status_column IS NULL) = (status_value IS NULL)),
    CONSTRAINT notification_rules_target_check CHECK (num_nonnulls(type_key, template_key) = 1)
);
SELECT innotrue.register_table('notification_rules', '3C', 'configuration');
CREATE INDEX notification_rules_event_table_idx ON innotrue.notification_rules (event_table);
CREATE INDEX notification_rules_type_key_idx ON innotrue.notification_rules (type_key);
CREATE INDEX notification_rules_template_key_idx ON innotrue.notification_rules (template_key);
COMMENT ON TABLE innotrue.notification_rules IS
    'Which row changes queue which notification: an insert into event_table (status_column NULL), or a row whose status_column becomes status_value (insert or update), notifies the recipients with a notification type, or e-mails them a template directly.';
COMMENT ON COLUMN innotrue.notification_rules.recipients IS
    'row_user = the row''s user_id; program_staff = program_coaches of the row''s program (via its module); session_participants = participants of the session not cancelled; invitee = the profile with the row''s email, else the address itself.';
COMMENT ON COLUMN innotrue.notification_rules.type_key IS
    'Notification type sent through innotrue.notify() (preferences apply); exclusive with template_key.';
COMMENT ON COLUMN innotrue.notification_rules.template_key IS
    'E-mail template queued straight to the outbox, for events that are not a notification type; exclusive with type_key.';

CREATE FUNCTION innotrue.format_event_time(at timestamptz)
RETURNS text
LANGUAGE sql
STABLE PARALLEL SAFE STRICT
AS $$
    SELECT to_char(at AT TIME ZONE tz, 'YYYY-MM-DD HH24:MI') || ' ' || tz
      FROM (SELECT coalesce((SELECT s.value #>> '{}' FROM innotrue.system_settings s WHERE s.key = 'default_timezone'),
                            'UTC') AS tz) AS z
$$;
COMMENT ON FUNCTION innotrue.format_event_time(timestamptz) IS
    'A time as shown in notifications: YYYY-MM-DD HH24:MI in the platform''s default time zone, with the zone name.';

CREATE FUNCTION innotrue.notification_event_payload(event_table text, r jsonb)
RETURNS jsonb
LANGUAGE plpgsql
STABLE PARALLEL SAFE
AS $$
DECLARE
    payload jsonb;
BEGIN
    CASE event_table
    WHEN 'client_enrollments' THEN
        SELECT jsonb_build_object('enrollment_id', r->>'id', 'program_id', p.id, 'program_name', p.name)
          INTO payload FROM innotrue.programs p WHERE p.id = (r->>'program_id')::uuid;
    WHEN 'module_progress' THEN
        SELECT jsonb_build_object('module_id', m.id, 'module_name', m.title, 'program_name', p.name,
                                  'next_module_name', (SELECT n.title FROM innotrue.program_modules n
                                                        WHERE n.program_id = m.program_id AND n.is_active
                                                          AND n.order_index > m.order_index
                                                        ORDER BY n.order_index LIMIT 1))
          INTO payload
          FROM innotrue.program_modules m JOIN innotrue.programs p ON p.id = m.program_id
         WHERE m.id = (r->>'module_id')::uuid;
    WHEN 'module_assignments' THEN
        SELECT jsonb_build_object('assignment_id', r->>'id', 'assignment_name', t.name, 'module_name', m.title,
                                  'program_name', p.name, 'score', r->'overall_score',
                                  'client_name', (SELECT coalesce(c.full_name, c.email) FROM innotrue.profiles c
                                                   WHERE c.id = (r->>'user_id')::uuid),
                                  'reviewer_name', (SELECT coalesce(v.full_name, v.email) FROM innotrue.profiles v
                                                     WHERE v.id = (r->>'reviewed_by')::uuid))
          INTO payload
          FROM innotrue.module_assignment_types t, innotrue.program_modules m
          JOIN innotrue.programs p ON p.id = m.program_id
         WHERE t.id = (r->>'assignment_type_id')::uuid AND m.id = (r->>'module_id')::uuid;
    WHEN 'sessions' THEN
        SELECT jsonb_build_object('session_id', r->>'id', 'session_title', r->>'title',
                                  'session_start', innotrue.format_event_time((r->>'scheduled_at')::timestamptz),
                                  'meeting_url', r->>'meeting_url', 'host_name', coalesce(h.full_name, h.email))
          INTO payload FROM innotrue.profiles h WHERE h.id = (r->>'user_id')::uuid;
    WHEN 'credit_batches' THEN
        SELECT jsonb_build_object('credits_amount', (r->>'amount')::bigint,
                                  'credit_balance', coalesce(sum(b.remaining), 0),
                                  'expires_at', innotrue.format_event_time((r->>'expires_at')::timestamptz))
          INTO payload FROM innotrue.credit_batches b
         WHERE b.user_id = (r->>'user_id')::uuid AND (b.expires_at IS NULL OR b.expires_at > now());
    WHEN 'org_invitations' THEN
        SELECT jsonb_build_object('invitation_id', r->>'id', 'organization_name', o.name, 'role', r->>'role',
                                  'invitation_token', r->>'token',
                                  'expires_at', innotrue.format_event_time((r->>'expires_at')::timestamptz),
                                  'inviter_name', (SELECT coalesce(i.full_name, i.email) FROM innotrue.profiles i
                                                    WHERE i.id = (r->>'invited_by')::uuid))
          INTO payload FROM innotrue.organizations o WHERE o.id = (r->>'organization_id')::uuid;
    ELSE
        RAISE EXCEPTION 'no notification payload for table "%"', event_table USING ERRCODE = 'feature_not_supported';
    END CASE;
    RETURN jsonb_strip_nulls(coalesce(payload, '{}'));
END
$$;
COMMENT ON FUNCTION innotrue.notification_event_payload(text, jsonb) IS
    'Template variables of a business event, from the changed row (as JSON) of one of the event tables of notification_rules and the rows it refers to.';

CREATE FUNCTION innotrue.notification_event_recipients(recipients text, r jsonb)
RETURNS TABLE (user_id uuid, to_email text)
LANGUAGE sql
STABLE PARALLEL SAFE
AS $$
    SELECT (r->>'user_id')::uuid, NULL::text
     WHERE recipients = 'row_user' AND r->>'user_id' IS NOT NULL
    UNION ALL
    SELECT DISTINCT c.user_id, NULL
      FROM innotrue.program_coaches c JOIN innotrue.program_modules m ON m.program_id = c.program_id
     WHERE recipients = 'program_staff' AND m.id = (r->>'module_id')::uuid
    UNION ALL
    SELECT sp.user_id, NULL
      FROM innotrue.session_participants sp
     WHERE recipients = 'session_participants' AND sp.session_id = (r->>'id')::uuid AND sp.status <> 'cancelled'
    UNION ALL
    SELECT (SELECT p.id FROM innotrue.profiles p WHERE p.email = r->>'email'),
           CASE WHEN NOT EXISTS (SELECT 1 FROM innotrue.profiles p WHERE p.email = r->>'email') THEN r->>'email' END
     WHERE recipients = 'invitee'
$$;
COMMENT ON FUNCTION innotrue.notification_event_recipients(text, jsonb) IS
    'Recipients of an event by the rule''s recipients kind: users (user_id) or, for an invitee without an account, an address (to_email).';

-- Why SECURITY DEFINER: the writer of a business row (a client submitting an assignment) may not
-- write notifications of other users nor the outbox; the event's notifications are the extension's.
CREATE FUNCTION innotrue.queue_event_notifications()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
DECLARE
    r jsonb := to_jsonb(NEW);
    old_r jsonb := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) END;
    rule innotrue.notification_rules;
    payload jsonb;
    rcpt record;
BEGIN
    FOR rule IN
        SELECT * FROM innotrue.notification_rules x
         WHERE x.event_table = TG_TABLE_NAME AND x.is_active
           AND CASE WHEN x.status_column IS NULL THEN TG_OP = 'INSERT'
                    ELSE r->>x.status_column = x.status_value
                         AND (old_r IS NULL OR old_r->>x.status_column IS DISTINCT FROM x.status_value) END
         ORDER BY x.key
    LOOP
        payload := innotrue.notification_event_payload(TG_TABLE_NAME, r);
        FOR rcpt IN SELECT * FROM innotrue.notification_event_recipients(rule.recipients, r) LOOP
            IF rule.type_key IS NOT NULL AND rcpt.user_id IS NOT NULL THEN
                PERFORM innotrue.notify(rcpt.user_id, rule.type_key, payload);
            ELSIF rule.template_key IS NOT NULL THEN
                PERFORM innotrue.queue_email(rcpt.user_id, rcpt.to_email, rule.template_key, payload);
            END IF;
        END LOOP;
    END LOOP;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION innotrue.queue_event_notifications() IS
    'AFTER INSERT (and UPDATE OF the status column, where status rules exist) trigger on the event tables of notification_rules: for each active rule the row matches, notifies its recipients in the same transaction.';

INSERT INTO innotrue.notification_rules (id, key, event_table, status_column, status_value, type_key, template_key, recipients)
SELECT innotrue.seed_id('notification_rules', v.key), v.key, v.event_table, v.status_column, v.status_value,
       v.type_key, v.template_key, v.recipients
FROM (VALUES
    ('enrollment_created', 'client_enrollments', NULL, NULL, 'program_enrolled', NULL, 'row_user'),
    ('module_completed', 'module_progress', 'status', 'completed', 'module_completed', NULL, 'row_user'),
    ('assignment_submitted', 'module_assignments', 'status', 'submitted', NULL, 'assignment_submitted', 'program_staff'),
    ('assignment_reviewed', 'module_assignments', 'status', 'reviewed', 'assignment_graded', NULL, 'row_user'),
    ('session_scheduled', 'sessions', 'status', 'scheduled', 'session_scheduled', NULL, 'session_participants'),
    ('session_cancelled', 'sessions', 'status', 'cancelled', 'session_cancelled', NULL, 'session_participants'),
    ('credits_added', 'credit_batches', NULL, NULL, 'credits_added', NULL, 'row_user'),
    ('org_invitation', 'org_invitations', NULL, NULL, NULL, 'org_invitation', 'invitee')
) AS v (key, event_table, status_column, status_value, type_key, template_key, recipients);

-- One trigger per event table, created from the rules so the two cannot drift apart. A rule added
-- later for a new table needs its trigger (and a branch in notification_event_payload).
DO $events$
DECLARE
    t record;
BEGIN
    -- Updates matter only to status rules, and only of their status column: a table whose rules
    -- all fire on insert (credit_batches, updated by every deduction) gets an insert trigger only.
    FOR t IN SELECT event_table, string_agg(DISTINCT quote_ident(status_column), ', ') AS status_columns
               FROM innotrue.notification_rules GROUP BY event_table ORDER BY event_table LOOP
        EXECUTE format('CREATE TRIGGER queue_event_notifications AFTER INSERT%s ON innotrue.%I
                        FOR EACH ROW EXECUTE FUNCTION innotrue.queue_event_notifications()',
                       CASE WHEN t.status_columns IS NOT NULL THEN ' OR UPDATE OF ' || t.status_columns END,
                       t.event_table);
    END LOOP;
END
$events$;

REVOKE EXECUTE ON FUNCTION innotrue.notify(uuid, text, jsonb),
                           innotrue.queue_email(uuid, text, text, jsonb, uuid, uuid),
                           innotrue.claim_notifications(integer, text, interval),
                           innotrue.outbox_lease(uuid, text),
                           innotrue.complete_notification(uuid, text),
                           innotrue.fail_notification(uuid, text, text)
    FROM PUBLIC;
