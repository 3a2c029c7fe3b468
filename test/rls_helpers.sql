-- Helpers of the row-level security tests (test/pgtap/rls_*.sql): run a statement as the
-- application role tap_app on behalf of one fixture user (test/access_fixture.sql), or anonymously.
CREATE FUNCTION pg_temp.seen(who text, query text) RETURNS text[] LANGUAGE plpgsql
AS $$
DECLARE result text[];
BEGIN
    PERFORM set_config('innotrue.user_id', coalesce((SELECT id::text FROM fx_user WHERE name = who), ''), true);
    SET LOCAL ROLE tap_app;
    EXECUTE format('SELECT coalesce(array_agg(x::text ORDER BY x::text), ''{}'') FROM (%s) q (x)', query) INTO result;
    RESET ROLE;
    RETURN result;
END
$$;
CREATE FUNCTION pg_temp.try_as(who text, statement text) RETURNS text LANGUAGE plpgsql
AS $$
DECLARE n bigint;
BEGIN
    PERFORM set_config('innotrue.user_id', coalesce((SELECT id::text FROM fx_user WHERE name = who), ''), true);
    BEGIN
        SET LOCAL ROLE tap_app;
        EXECUTE statement;
        GET DIAGNOSTICS n = ROW_COUNT;
        RESET ROLE;
        RAISE EXCEPTION USING ERRCODE = 'P0099', MESSAGE = n::text;  -- undo the change
    EXCEPTION WHEN OTHERS THEN
        RESET ROLE;
        RETURN CASE WHEN SQLSTATE = 'P0099' THEN SQLERRM || ' rows' ELSE SQLSTATE END;
    END;
END
$$;
GRANT SELECT ON fx_user, fx_resource TO tap_app;
