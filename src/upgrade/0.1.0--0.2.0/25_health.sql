-- Health and monitoring (issue 18, item 6; docs/operations.md "Monitoring"): one function that a
-- monitoring system polls, returning one row per check with status ok, warning or error.

CREATE FUNCTION innotrue.health(expiring_within_days integer DEFAULT 7)
RETURNS TABLE (check_name text, status text, detail text)
LANGUAGE plpgsql
VOLATILE PARALLEL RESTRICTED STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n bigint;
    m bigint;
    k bigint;
    t text;
    oldest interval;
    r record;
BEGIN
    IF expiring_within_days < 0 THEN
        RAISE EXCEPTION 'expiring_within_days must not be negative'
            USING ERRCODE = 'invalid_parameter_value', DETAIL = format('Got %s.', expiring_within_days);
    END IF;

    -- Ledger: every batch's remaining is the sum of its entries (and the other accounting rules).
    SELECT count(*), count(DISTINCT i.batch_id), min(i.problem) INTO n, m, t
      FROM innotrue.check_credit_invariants() AS i;
    check_name := 'ledger_invariants';
    status := CASE WHEN n = 0 THEN 'ok' ELSE 'error' END;
    detail := CASE WHEN n = 0 THEN 'every batch agrees with its ledger entries'
                   ELSE format('%s problem(s) on %s batch(es), e.g. %s (see innotrue.check_credit_invariants())', n, m, t) END;
    RETURN NEXT;

    SELECT count(*) INTO n FROM innotrue.credit_batches b WHERE b.remaining < 0;
    check_name := 'negative_remaining';
    status := CASE WHEN n = 0 THEN 'ok' ELSE 'error' END;
    detail := format('%s batch(es) with a negative remaining', n);
    RETURN NEXT;

    -- The platform AI counter equals the AI spend it counts (open holds and unrefunded deductions).
    SELECT count(*) INTO n
      FROM innotrue.credit_ai_usage a
     WHERE a.used <> (SELECT coalesce(sum(d.cost), 0) FROM innotrue.credit_deductions d
                       WHERE d.ai_period = a.period_start AND d.refunded_at IS NULL)
                   + (SELECT coalesce(sum(h.cost), 0) FROM innotrue.credit_holds h
                       WHERE h.ai_period = a.period_start AND h.status = 'held');
    check_name := 'ai_counter';
    status := CASE WHEN n = 0 THEN 'ok' ELSE 'error' END;
    detail := format('%s month(s) whose AI counter differs from the AI spend', n);
    RETURN NEXT;

    -- Holds past their expiry still open: given back lazily or by release_expired_holds().
    SELECT count(*), max(now() - h.expires_at) INTO n, oldest
      FROM innotrue.credit_holds h WHERE h.status = 'held' AND h.expires_at <= now();
    check_name := 'expired_holds_open';
    status := CASE WHEN n = 0 OR oldest < interval '1 hour' THEN 'ok' ELSE 'warning' END;
    detail := CASE WHEN n = 0 THEN 'no open hold past its expiry'
                   ELSE format('%s open hold(s) past expiry, the oldest expired %s min ago; run innotrue.release_expired_holds()',
                               n, floor(extract(epoch FROM oldest) / 60)) END;
    RETURN NEXT;

    -- Credits about to expire (information for support and for the expiry notices).
    SELECT coalesce(sum(b.remaining), 0), count(*), count(DISTINCT coalesce(b.user_id, b.organization_id))
      INTO n, m, k
      FROM innotrue.credit_batches b
     WHERE b.remaining > 0 AND b.expires_at > now()
       AND b.expires_at <= now() + make_interval(days => expiring_within_days);
    check_name := 'credits_expiring';
    status := 'ok';
    detail := format('%s credit(s) in %s batch(es) of %s owner(s) expire within %s day(s)', n, m, k, expiring_within_days);
    RETURN NEXT;

    -- The e-mail outbox: backlog by status, age of the oldest due row, leases past their end.
    SELECT count(*) FILTER (WHERE o.status IN ('pending', 'failed')),
           count(*) FILTER (WHERE o.status = 'claimed'),
           count(*) FILTER (WHERE o.status = 'dead'),
           max(now() - o.next_attempt_at) FILTER (WHERE o.status IN ('pending', 'failed') AND o.next_attempt_at <= now())
      INTO n, m, k, oldest
      FROM innotrue.email_outbox o WHERE o.status <> 'sent';
    check_name := 'outbox_backlog';
    status := CASE WHEN oldest IS NULL OR oldest < interval '15 minutes' THEN 'ok'
                   WHEN oldest < interval '1 hour' THEN 'warning' ELSE 'error' END;
    detail := format('%s waiting (pending or failed), %s claimed; oldest due %s', n, m,
                     coalesce(floor(extract(epoch FROM oldest) / 60) || ' min ago', 'none'));
    RETURN NEXT;

    check_name := 'outbox_dead';
    status := CASE WHEN k = 0 THEN 'ok' ELSE 'warning' END;
    detail := format('%s e-mail(s) given up after their last attempt', k);
    RETURN NEXT;

    SELECT count(*), max(now() - o.lease_until) INTO n, oldest
      FROM innotrue.email_outbox o WHERE o.status = 'claimed' AND o.lease_until < now();
    check_name := 'outbox_leases_expired';
    status := CASE WHEN n = 0 THEN 'ok' ELSE 'warning' END;
    detail := CASE WHEN n = 0 THEN 'no claimed e-mail past its lease'
                   ELSE format('%s claimed e-mail(s) past their lease (the oldest by %s min): a sender stopped; they are claimable again',
                               n, floor(extract(epoch FROM oldest) / 60)) END;
    RETURN NEXT;

    -- The configuration report's problems (broken: rules violated; missing: required items absent).
    SELECT count(*) FILTER (WHERE c.status = 'broken'), count(*) FILTER (WHERE c.status = 'missing'),
           string_agg(c.item, '; ' ORDER BY c.status, c.item) FILTER (WHERE c.status IN ('broken', 'missing'))
      INTO n, m, t
      FROM innotrue.configuration_report() AS c;
    check_name := 'configuration';
    status := CASE WHEN n > 0 THEN 'error' WHEN m > 0 THEN 'warning' ELSE 'ok' END;
    detail := format('%s broken, %s missing%s', n, m,
                     CASE WHEN t IS NULL THEN '' ELSE ': ' || left(t, 300) || CASE WHEN length(t) > 300 THEN ' ...' ELSE '' END END);
    RETURN NEXT;

    -- Deductions written by statement instead of directly cost several times more (docs/credits.md).
    t := innotrue.credit_write_path();
    check_name := 'credit_write_path';
    status := CASE WHEN t = 'direct' OR t LIKE '%isolation level%' THEN 'ok' ELSE 'warning' END;
    detail := t;
    RETURN NEXT;

    -- Settings known at session start only when the library is preloaded (docs/operations.md).
    check_name := 'library_preloaded';
    status := CASE WHEN 'innotrue' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ','))
                     OR 'innotrue' = ANY (string_to_array(replace(current_setting('session_preload_libraries'), ' ', ''), ','))
                   THEN 'ok' ELSE 'warning' END;
    detail := format('shared_preload_libraries = %L, session_preload_libraries = %L',
                     current_setting('shared_preload_libraries'), current_setting('session_preload_libraries'));
    RETURN NEXT;

    -- This backend's entitlement cache (each connection has its own).
    SELECT * INTO r FROM innotrue.entitlement_cache_stats();
    check_name := 'entitlement_cache';
    status := 'ok';
    detail := format('this connection: %s user(s), %s kB of %s, %s hit(s), %s miss(es)%s, %s flush(es), %s bypassed',
                     r.entries, r.bytes / 1024, current_setting('innotrue.entitlement_cache_size', true),
                     r.hits, r.misses,
                     CASE WHEN r.hits + r.misses > 0
                          THEN format(' (hit rate %s%%)', round(100.0 * r.hits / (r.hits + r.misses), 1)) ELSE '' END,
                     r.flushes, r.bypassed);
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION innotrue.health(integer) IS
    'One row per health check with status ok, warning or error and a detail: ledger invariants, negative balances, the AI counter, open holds past expiry, credits expiring within expiring_within_days days, the e-mail outbox (backlog, oldest due row, dead rows, leases past their end), configuration_report() problems, the credit write path, whether the library is preloaded, and this connection''s entitlement cache counters. Reads every ledger row (check_credit_invariants). SQLSTATE 22023 for a negative expiring_within_days.';
REVOKE ALL ON FUNCTION innotrue.health(integer) FROM PUBLIC;

-- Who may call it (docs/security.md): the administrator class (monitoring reads every owner's figures).
INSERT INTO innotrue.privilege_decisions (object_type, object_name, administrator_may, doc, reason)
VALUES ('function', 'health(integer)', '{execute}', 'docs/operations.md', 'monitoring: figures of every owner and the outbox');
