-- innotrue benchmark data generator. Kept outside the extension: loaded into a benchmark or test
-- database by bench/generate (or `psql -f bench/generate.sql`), never by CREATE EXTENSION.
--
-- innotrue_bench.generate(scale, seed) fills an empty innotrue database with a deterministic,
-- realistic data set at a named scale (or explicit sizes) and the lookup tables pgbench scripts use:
--   public.bench_users(n, id)      n = 1..users     (\set n random(1, :users))
--   public.bench_resources(n, id)  n = 1..resources
--   public.bench_orgs(n, id)       n = 1..orgs
--   public.bench_programs(n, id)   n = 1..programs
-- Every row is made by set-based INSERT ... SELECT over generate_series. "Random" choices come
-- from innotrue_bench.r(seed, tag, n), a hash of the seed and the row number, not from random():
-- the same seed gives the same data whatever plan or row order the server picks. Ids are md5
-- hashes of the row's table and number, so user n has the same id at every scale and seed.
-- Layout, sizes and mixes: docs/performance.md.

CREATE SCHEMA innotrue_bench;

-- Deterministic uniform number in [0, 1) for (seed, tag, n): tag separates independent choices
-- made for the same row number.
CREATE FUNCTION innotrue_bench.r(seed bigint, tag integer, n bigint)
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT ((hashint8extended(n * 128 + tag, seed) >> 11) & 9007199254740991)::double precision / 9007199254740992 $$;
COMMENT ON FUNCTION innotrue_bench.r(bigint, integer, bigint) IS
    'Deterministic pseudo-random number in [0, 1) for a seed, a choice tag and a row number.';

-- Deterministic id of generated row n of a table.
CREATE FUNCTION innotrue_bench.id(kind text, n bigint)
RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT md5('innotrue-bench:' || kind || ':' || n)::uuid $$;
COMMENT ON FUNCTION innotrue_bench.id(text, bigint) IS
    'Deterministic uuid of generated row n of a kind (user, resource, program, ...).';

-- Sizes of a named scale: users, resources, credit batches, organizations, programs.
CREATE FUNCTION innotrue_bench.scale_sizes(scale text,
    OUT users integer, OUT resources integer, OUT batches integer, OUT orgs integer, OUT programs integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$
    SELECT v.users, v.resources, v.batches, v.orgs, v.programs
      FROM (VALUES ('small', 1000, 10000, 20000, 10, 40),
                   ('medium', 10000, 100000, 200000, 50, 40),
                   ('large', 100000, 1000000, 2000000, 500, 40)) AS v (scale, users, resources, batches, orgs, programs)
     WHERE v.scale = scale_sizes.scale
$$;
COMMENT ON FUNCTION innotrue_bench.scale_sizes(text) IS
    'Row counts of the named scales small, medium and large.';

-- Switches the notification-queueing triggers (named queue_event_notifications) of the tables the
-- generator fills off or on; tables without one are skipped, so it works before and after the
-- notifications layer exists.
CREATE FUNCTION innotrue_bench.set_notification_triggers(enabled boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT tg.tgrelid::regclass FROM pg_catalog.pg_trigger tg
              WHERE tg.tgname = 'queue_event_notifications'
                AND tg.tgrelid IN ('innotrue.client_enrollments'::regclass, 'innotrue.credit_batches'::regclass,
                                   'innotrue.credit_ledger'::regclass, 'innotrue.profiles'::regclass,
                                   'innotrue.organization_members'::regclass, 'innotrue.user_add_ons'::regclass)
    LOOP
        EXECUTE format('ALTER TABLE %s %s TRIGGER queue_event_notifications', t,
                       CASE WHEN enabled THEN 'ENABLE' ELSE 'DISABLE' END);
    END LOOP;
END
$$;
COMMENT ON FUNCTION innotrue_bench.set_notification_triggers(boolean) IS
    'Disables or enables the queue_event_notifications triggers of the tables the generator fills.';

-- Fills the database. Runs in the caller's transaction; raises if the database already holds
-- users (generate into a fresh CREATE EXTENSION). Sizes default to the scale's; pass them to
-- override (e.g. 10,000 users with 1,000,000 resources for the access benchmark).
-- Seconds since t (one decimal), for the generator's progress notices.
CREATE FUNCTION innotrue_bench.elapsed(t timestamptz)
RETURNS numeric
LANGUAGE sql VOLATILE PARALLEL SAFE
AS $$ SELECT round(extract(epoch FROM clock_timestamp() - t)::numeric, 1) $$;

CREATE FUNCTION innotrue_bench.generate(scale text, seed bigint DEFAULT 42, n_users integer DEFAULT NULL,
                                        n_resources integer DEFAULT NULL, n_batches integer DEFAULT NULL,
                                        n_orgs integer DEFAULT NULL)
RETURNS TABLE (table_name text, row_count bigint)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, innotrue_bench, public, pg_temp
SET max_parallel_workers_per_gather = 0
AS $generate$
DECLARE
    sz record;
    nu integer; nr integer; nb integer; norg integer; np integer;
    per_user integer;
    pro_id uuid; advanced_id uuid;
    topup_ids uuid[]; topup_credits bigint[]; topup_months integer[];
    org_pkg_ids uuid[]; org_pkg_credits bigint[]; tier_ids uuid[];
    month0 date := date_trunc('month', now())::date;
    t0 timestamptz := now();
BEGIN
    SELECT * INTO sz FROM innotrue_bench.scale_sizes(scale);
    IF sz IS NULL THEN
        RAISE EXCEPTION 'unknown benchmark scale "%"', scale
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Use small, medium or large.';
    END IF;
    IF EXISTS (SELECT 1 FROM innotrue.profiles) THEN
        RAISE EXCEPTION 'the database already holds profiles'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Generate into a fresh database right after CREATE EXTENSION innotrue.';
    END IF;
    nu := coalesce(n_users, sz.users); nr := coalesce(n_resources, sz.resources);
    nb := coalesce(n_batches, sz.batches); norg := coalesce(n_orgs, sz.orgs); np := sz.programs;
    per_user := least(greatest(nb / nu, 8), 1000);
    SELECT p.id INTO pro_id FROM innotrue.plans p WHERE p.key = 'pro';
    SELECT p.id INTO advanced_id FROM innotrue.plans p WHERE p.key = 'advanced';
    SELECT array_agg(t.id ORDER BY t.key), array_agg(t.credits::bigint ORDER BY t.key),
           array_agg(coalesce(t.validity_months, 12) ORDER BY t.key)
      INTO topup_ids, topup_credits, topup_months FROM innotrue.credit_topup_packages t;
    SELECT array_agg(o.id ORDER BY o.key), array_agg(o.credits::bigint ORDER BY o.key)
      INTO org_pkg_ids, org_pkg_credits FROM innotrue.org_credit_packages o;
    SELECT array_agg(t.id ORDER BY t.key) INTO tier_ids FROM innotrue.org_platform_tiers t;

    -- Why: merge_restored_seed (a BEFORE INSERT trigger on configuration tables) only acts on rows
    -- whose id is an installed seed id, and fill_ledger_owner copies a batch's owner onto its
    -- ledger entries; generated ids are never seed ids and the generator writes the owners itself,
    -- so both are switched off for the bulk inserts (saving a trigger call per row) and back on
    -- at the end. Foreign keys and CHECK constraints stay on: the data is checked as it goes in.
    -- Switching triggers is DDL on the extension's tables, refused unless allowed for the
    -- transaction (docs/operations.md, "Application DDL").
    PERFORM innotrue.allow_table_ddl();
    ALTER TABLE innotrue.resource_library DISABLE TRIGGER merge_restored_seed;
    ALTER TABLE innotrue.resource_library_programs DISABLE TRIGGER merge_restored_seed;
    ALTER TABLE innotrue.resource_library_program_tiers DISABLE TRIGGER merge_restored_seed;
    ALTER TABLE innotrue.credit_ledger DISABLE TRIGGER credit_ledger_fill_owner;
    -- Notifications (queue_event_notifications: an in-app notification and an e-mail per new
    -- enrollment or credit batch) are an output of events, not an input of any rule measured here;
    -- generated rows are history, so no notification is queued for them.
    PERFORM innotrue_bench.set_notification_triggers(false);

    RAISE NOTICE 'bench/generate: % s, configuration (programs, plans, add-ons)', innotrue_bench.elapsed(t0);
    -- Configuration the seeds leave empty: program plans, programs, tiers, modules, add-ons,
    -- track features, and one sponsor-only plan with a deny row (exercises the deny rule).
    INSERT INTO innotrue.program_plans (id, key, name, tier_level, credit_allowance)
    SELECT id('program_plan', i), 'bench_pp_' || i, 'Bench program plan ' || i, (i - 1) % 4, ((i - 1) % 3) * 50
      FROM generate_series(1, 8) AS i;
    INSERT INTO innotrue.program_plan_features (program_plan_id, feature_id, limit_value)
    SELECT id('program_plan', i), f.id,
           CASE WHEN r(seed, 1, i * 100 + f.ord) < 0.4 THEN NULL
                WHEN r(seed, 2, i * 100 + f.ord) < 0.2 THEN 0
                ELSE 1 + (r(seed, 3, i * 100 + f.ord) * 200)::integer END
      FROM generate_series(1, 8) AS i
      CROSS JOIN (SELECT id, row_number() OVER (ORDER BY key) AS ord FROM innotrue.features) AS f
     WHERE r(seed, 4, i * 100 + f.ord) < 0.2;

    INSERT INTO innotrue.programs (id, slug, name, track_id, is_active, credit_cost, min_plan_tier, default_program_plan_id)
    SELECT id('program', i), 'bench-program-' || i, 'Bench program ' || i,
           CASE i % 8 WHEN 1 THEN (SELECT t.id FROM innotrue.tracks t WHERE t.key = 'cta')
                      WHEN 2 THEN (SELECT t.id FROM innotrue.tracks t WHERE t.key = 'leadership') END,
           i % 10 <> 0, (i % 5) * 20, i % 3,
           CASE WHEN i % 10 <> 0 THEN id('program_plan', 1 + i % 8) END
      FROM generate_series(1, np) AS i;
    INSERT INTO innotrue.program_tier_plans (program_id, tier_name, program_plan_id, credit_cost)
    SELECT id('program', i), t.tier, id('program_plan', t.base + i % 4), t.cost
      FROM generate_series(1, np) AS i
      CROSS JOIN (VALUES ('standard', 1, 0), ('premium', 5, 100)) AS t (tier, base, cost);
    -- Active programs must be complete (layer rule program_complete): a default program plan,
    -- modules, an assignment config for each assignment module, a session type for each session
    -- module. Every tenth program is inactive and has no default plan (enrollments in it resolve
    -- to no program plan).
    INSERT INTO innotrue.module_assignment_types (id, key, name, structure)
    VALUES (id('assignment_type', 1), 'bench_assignment', 'Bench assignment', '{"fields": [{"key": "answer", "type": "text"}]}');
    INSERT INTO innotrue.program_modules (id, program_id, title, module_type, order_index, estimated_minutes, session_type_id)
    SELECT id('module', i * 8 + m), id('program', i), 'Module ' || m,
           (ARRAY['content', 'resource', 'assignment', 'reflection', 'session'])[1 + m % 5], m, 30,
           CASE WHEN m % 5 = 4 THEN (SELECT st.id FROM innotrue.session_types st ORDER BY st.key LIMIT 1) END
      FROM generate_series(1, np) AS i CROSS JOIN generate_series(0, 5) AS m;
    INSERT INTO innotrue.module_assignment_configs (module_id, assignment_type_id)
    SELECT id('module', i * 8 + 2), id('assignment_type', 1) FROM generate_series(1, np) AS i;

    INSERT INTO innotrue.add_ons (id, key, name)
    SELECT id('add_on', i), 'bench_add_on_' || i, 'Bench add-on ' || i FROM generate_series(1, 4) AS i;
    INSERT INTO innotrue.add_on_features (add_on_id, feature_id, limit_value)
    SELECT id('add_on', i), f.id, CASE WHEN i % 2 = 0 THEN NULL ELSE 50 * i END
      FROM generate_series(1, 4) AS i
      JOIN innotrue.features f ON f.key = (ARRAY['ai_coach', 'community', 'programs_pro', 'decision_toolkit_advanced'])[i];
    INSERT INTO innotrue.track_features (track_id, feature_id, limit_value)
    SELECT t.id, f.id, v.lim
      FROM (VALUES ('cta', 'sf_cta_rbm_full_asynch', NULL::integer), ('cta', 'ai_coach', 200),
                   ('leadership', 'community', NULL), ('leadership', 'session_group', 4)) AS v (track, feature, lim)
      JOIN innotrue.tracks t ON t.key = v.track
      JOIN innotrue.features f ON f.key = v.feature
    ON CONFLICT DO NOTHING;

    INSERT INTO innotrue.plans (id, key, name, tier_level, credit_allowance, display_order, description)
    VALUES (id('plan', 1), 'bench_sponsor', 'Bench sponsored plan', 2, 0, 99, 'Organization-sponsored plan with a deny row');
    INSERT INTO innotrue.plan_features (plan_id, feature_id, limit_value, is_restrictive)
    SELECT id('plan', 1), pf.feature_id, pf.limit_value, false
      FROM innotrue.plan_features pf JOIN innotrue.plans p ON p.id = pf.plan_id
     WHERE p.key = 'pro' AND pf.feature_id <> (SELECT f.id FROM innotrue.features f WHERE f.key = 'community')
    UNION ALL
    SELECT id('plan', 1), f.id, 0, true FROM innotrue.features f WHERE f.key = 'community';

    RAISE NOTICE 'bench/generate: % s, % users', innotrue_bench.elapsed(t0), nu;
    -- Users: per-user choices made once, in an unlogged work table.
    CREATE UNLOGGED TABLE innotrue_bench.u AS
    SELECT n, id('user', n) AS id,
           CASE WHEN x < 0.60 THEN 'free' WHEN x < 0.80 THEN 'base' WHEN x < 0.88 THEN 'pro'
                WHEN x < 0.92 THEN 'advanced' WHEN x < 0.94 THEN 'elite' WHEN x < 0.98 THEN 'programs'
                ELSE 'continuation' END AS plan_key,
           CASE WHEN e < 0.25 THEN 0 WHEN e < 0.75 THEN 1 WHEN e < 0.93 THEN 2 ELSE 3 END AS n_enroll,
           (r(seed, 6, n) * np)::integer AS first_program
      FROM (SELECT n, r(seed, 5, n) AS x, r(seed, 7, n) AS e FROM generate_series(1, nu) AS n) AS s;
    ALTER TABLE innotrue_bench.u ADD PRIMARY KEY (n);

    INSERT INTO innotrue.profiles (id, email, full_name, plan_id, timezone, is_active, created_at)
    SELECT u.id, 'user' || u.n || '@bench.example', 'Bench User ' || u.n, p.id,
           (ARRAY['Europe/Berlin', 'Europe/London', 'America/New_York', NULL])[1 + u.n % 4],
           r(seed, 8, u.n) >= 0.02, t0 - interval '2 years' * r(seed, 9, u.n)
      FROM innotrue_bench.u u JOIN innotrue.plans p ON p.key = u.plan_key
     ORDER BY u.n;
    CREATE TABLE public.bench_users (n integer PRIMARY KEY, id uuid NOT NULL UNIQUE);
    INSERT INTO public.bench_users SELECT n, id FROM innotrue_bench.u ORDER BY n;

    -- Roles: everyone is a client; about 3% coaches, 1% instructors; admins are n = 2, 2002, ...
    INSERT INTO innotrue.user_roles (user_id, role)
    SELECT u.id, v.role
      FROM innotrue_bench.u u
      CROSS JOIN (VALUES ('client'), ('coach'), ('instructor'), ('admin')) AS v (role)
     WHERE v.role = 'client'
        OR (v.role = 'coach' AND r(seed, 10, u.n) < 0.03)
        OR (v.role = 'instructor' AND r(seed, 11, u.n) < 0.01)
        OR (v.role = 'admin' AND u.n % 2000 = 2);

    RAISE NOTICE 'bench/generate: % s, enrollments', innotrue_bench.elapsed(t0);
    -- Enrollments: 0-3 per user in distinct programs (step 7 is prime to 40); mostly active, some
    -- paused, completed (within or beyond the alumni grace period) or withdrawn; the program plan is
    -- explicit (25%), through a tier (35%) or the program's default (40%).
    INSERT INTO innotrue.client_enrollments (id, user_id, program_id, program_plan_id, tier_name, status,
                                            enrolled_at, completed_at, withdrawn_at)
    SELECT id('enrollment', u.n * 4 + k), u.id, id('program', 1 + (u.first_program + 7 * k) % np),
           CASE WHEN pp < 0.25 THEN id('program_plan', 1 + (u.n + k) % 8) END,
           CASE WHEN pp >= 0.25 AND pp < 0.60 THEN (ARRAY['standard', 'premium'])[1 + (u.n + k) % 2] END,
           st, t0 - interval '400 days' * r(seed, 12, u.n * 4 + k),
           CASE WHEN st = 'completed' THEN t0 - interval '200 days' * r(seed, 13, u.n * 4 + k) END,
           CASE WHEN st = 'withdrawn' THEN t0 - interval '100 days' * r(seed, 13, u.n * 4 + k) END
      FROM innotrue_bench.u u
      CROSS JOIN LATERAL generate_series(0, u.n_enroll - 1) AS k
      CROSS JOIN LATERAL (SELECT r(seed, 14, u.n * 4 + k) AS pp, r(seed, 15, u.n * 4 + k) AS s) AS c
      CROSS JOIN LATERAL (SELECT CASE WHEN c.s < 0.80 THEN 'active' WHEN c.s < 0.85 THEN 'paused'
                                      WHEN c.s < 0.95 THEN 'completed' ELSE 'withdrawn' END AS st) AS s2
     ORDER BY u.n, k;

    RAISE NOTICE 'bench/generate: % s, add-ons, tracks, denials', innotrue_bench.elapsed(t0);
    -- Add-ons (5% of users; some expired), tracks (10%; 85% active), admin denials (1%).
    INSERT INTO innotrue.user_add_ons (user_id, add_on_id, granted_by, granted_at, expires_at)
    SELECT u.id, id('add_on', 1 + u.n % 4), id('user', 2), t0 - interval '2 days' - interval '300 days' * r(seed, 17, u.n),
           CASE WHEN r(seed, 18, u.n) < 0.4 THEN NULL
                WHEN r(seed, 18, u.n) < 0.8 THEN t0 + interval '200 days' * (0.01 + r(seed, 19, u.n))
                ELSE t0 - interval '1 day' END
      FROM innotrue_bench.u u WHERE r(seed, 16, u.n) < 0.05 AND nu >= 2;
    INSERT INTO innotrue.user_tracks (user_id, track_id, is_active, joined_at)
    SELECT u.id, t.id, r(seed, 21, u.n) < 0.85, t0 - interval '300 days' * r(seed, 22, u.n)
      FROM innotrue_bench.u u
      JOIN innotrue.tracks t ON t.key = (ARRAY['cta', 'leadership'])[1 + u.n % 2]
     WHERE r(seed, 20, u.n) < 0.10;
    INSERT INTO innotrue.user_feature_denials (user_id, feature_id, reason, created_at, expires_at)
    SELECT u.id, f.id, 'bench denial', t0 - interval '30 days',
           CASE WHEN r(seed, 24, u.n) < 0.5 THEN NULL WHEN r(seed, 24, u.n) < 0.8 THEN t0 + interval '30 days'
                ELSE t0 - interval '1 day' END
      FROM innotrue_bench.u u
      JOIN innotrue.features f ON f.key = (ARRAY['ai_coach', 'community', 'goals', 'resource_library'])[1 + u.n % 4]
     WHERE r(seed, 23, u.n) < 0.01;

    RAISE NOTICE 'bench/generate: % s, % organizations and members', innotrue_bench.elapsed(t0), norg;
    -- Organizations and members (10% of users); most members carry a sponsored plan.
    INSERT INTO innotrue.organizations (id, name, slug, industry, size_range, platform_tier_id)
    SELECT id('organization', i), 'Bench Org ' || i, 'bench-org-' || i, 'Software',
           (ARRAY['1-10', '11-50', '51-200', '201-500'])[1 + i % 4],
           tier_ids[1 + i % cardinality(tier_ids)]
      FROM generate_series(1, norg) AS i;
    CREATE TABLE public.bench_orgs (n integer PRIMARY KEY, id uuid NOT NULL UNIQUE);
    INSERT INTO public.bench_orgs SELECT i, id('organization', i) FROM generate_series(1, norg) AS i;
    INSERT INTO innotrue.organization_members (user_id, organization_id, role, status, sponsored_plan_id)
    SELECT u.id, id('organization', 1 + u.n % norg),
           CASE WHEN x < 0.03 THEN 'org_admin' WHEN x < 0.10 THEN 'org_manager' ELSE 'org_member' END,
           CASE WHEN r(seed, 27, u.n) < 0.95 THEN 'active' ELSE 'inactive' END,
           CASE WHEN y < 0.6 THEN pro_id WHEN y < 0.8 THEN advanced_id WHEN y < 0.9 THEN id('plan', 1) END
      FROM innotrue_bench.u u
      CROSS JOIN LATERAL (SELECT r(seed, 26, u.n) AS x, r(seed, 28, u.n) AS y) AS c
     WHERE r(seed, 25, u.n) < 0.10 AND norg > 0;

    RAISE NOTICE 'bench/generate: % s, % resources', innotrue_bench.elapsed(t0), nr;
    -- Resources: 0.5% public, 40% enrolled (linked to one program, 10% to two; 10% of links limited
    -- to the premium tier), 59.5% private to a random user. A client with one enrollment sees about
    -- 2%. A few carry a feature key, a minimum plan tier or a credit cost.
    CREATE UNLOGGED TABLE innotrue_bench.res AS
    SELECT n, id('resource', n) AS id,
           CASE WHEN v < 0.005 THEN 'public' WHEN v < 0.405 THEN 'enrolled' ELSE 'private' END AS visibility,
           (r(seed, 31, n) * np)::integer AS program
      FROM (SELECT n, r(seed, 30, n) AS v FROM generate_series(1, nr) AS n) AS s;
    INSERT INTO innotrue.resource_library (id, title, resource_type, url, storage_path, visibility,
                                           is_consumable, credit_cost, feature_key, min_plan_tier, created_by, created_at)
    SELECT s.id, 'Resource ' || s.n, s.rtype,
           CASE WHEN s.rtype IN ('link', 'video') THEN 'https://example.com/r/' || s.n END,
           CASE WHEN s.rtype NOT IN ('link', 'video') THEN 'bench/' || s.n || '.pdf' END,
           s.visibility, s.consumable, CASE WHEN s.consumable THEN 5 + s.n % 46 END,
           CASE WHEN s.f < 0.05 THEN 'resource_library' WHEN s.f < 0.07 THEN 'community' END,
           CASE WHEN s.t < 0.05 THEN 1 WHEN s.t < 0.08 THEN 2 END,
           CASE WHEN s.visibility = 'private' THEN id('user', 1 + (r(seed, 35, s.n) * nu)::integer % nu)
                ELSE id('user', 2) END,
           t0 - interval '3 years' * r(seed, 36, s.n)
      FROM (SELECT res.*, (ARRAY['document', 'link', 'video', 'image', 'template', 'cheatsheet', 'report'])[1 + res.n % 7] AS rtype,
                   r(seed, 32, res.n) < 0.02 AS consumable, r(seed, 33, res.n) AS f, r(seed, 34, res.n) AS t
              FROM innotrue_bench.res) AS s
     ORDER BY s.n;
    CREATE TABLE public.bench_resources (n integer PRIMARY KEY, id uuid NOT NULL UNIQUE);
    INSERT INTO public.bench_resources SELECT n, id FROM innotrue_bench.res ORDER BY n;
    INSERT INTO innotrue.resource_library_programs (resource_id, program_id)
    SELECT s.id, id('program', 1 + (s.program + k) % np)
      FROM innotrue_bench.res s
      CROSS JOIN LATERAL generate_series(0, CASE WHEN r(seed, 37, s.n) < 0.10 THEN 1 ELSE 0 END) AS k
     WHERE s.visibility = 'enrolled'
     ORDER BY s.n, k;
    INSERT INTO innotrue.resource_library_program_tiers (resource_id, program_id, tier_name)
    SELECT s.id, id('program', 1 + s.program % np), 'premium'
      FROM innotrue_bench.res s
     WHERE s.visibility = 'enrolled' AND r(seed, 38, s.n) < 0.10;
    CREATE TABLE public.bench_programs (n integer PRIMARY KEY, id uuid NOT NULL UNIQUE);
    INSERT INTO public.bench_programs SELECT i, id('program', i) FROM generate_series(1, np) AS i;

    RAISE NOTICE 'bench/generate: % s, % credit batches and their ledger', innotrue_bench.elapsed(t0), nb;
    -- Credit batches: per_user per user (20 at every named scale), oldest history first:
    --   j = 0..5  the personal plan allowance of this and the five previous months (a grant where
    --             the plan has no allowance); past months have lapsed;
    --   j = 6, 7  the first enrollment's program allowance for this and last month (else a purchase);
    --   j >= 8    purchases of top-up packages (12-month validity), grants, refunds, adjustments.
    -- Organizations get four org_purchase batches each. remaining is a fraction of amount; the
    -- ledger gets the batch's grant entry and, where something was spent, one deduct entry dated
    -- before expiry, so remaining = sum(ledger) for every batch.
    CREATE UNLOGGED TABLE innotrue_bench.b AS
    SELECT u.n::bigint * 1024 + j AS k, u.id AS user_id, NULL::uuid AS organization_id, s.source,
           CASE s.source WHEN 'plan_allowance' THEN p.credit_allowance::bigint
                         WHEN 'program_allowance' THEN 50::bigint
                         WHEN 'purchase' THEN topup_credits[c.pkg]
                         ELSE (10 + 190 * r(seed, 42, u.n::bigint * 1024 + j))::bigint END AS amount,
           CASE WHEN s.source IN ('plan_allowance', 'program_allowance') THEN least(c.m + interval '1 hour', t0 - interval '1 minute')
                ELSE c.past END AS created_at,
           CASE WHEN s.source IN ('plan_allowance', 'program_allowance') THEN (c.m + interval '1 month')::timestamptz
                WHEN s.source = 'purchase' THEN c.past + make_interval(months => topup_months[c.pkg])
                WHEN r(seed, 43, u.n::bigint * 1024 + j) < 0.5 THEN c.past + interval '1 year' END AS expires_at,
           CASE WHEN s.source IN ('plan_allowance', 'program_allowance') THEN c.m END AS period_start,
           CASE WHEN s.source = 'program_allowance' THEN id('enrollment', u.n * 4) END AS enrollment_id,
           CASE WHEN s.source = 'purchase' THEN topup_ids[c.pkg] END AS topup_package_id,
           NULL::uuid AS org_package_id
      FROM innotrue_bench.u u
      JOIN innotrue.plans p ON p.key = u.plan_key
      CROSS JOIN LATERAL generate_series(0, per_user - 1) AS j
      CROSS JOIN LATERAL (SELECT (month0 - make_interval(months => j % 6))::date AS m,
                                 t0 - interval '400 days' * r(seed, 40, u.n::bigint * 1024 + j) AS past,
                                 r(seed, 41, u.n::bigint * 1024 + j) AS kind,
                                 1 + (u.n + j) % cardinality(topup_ids) AS pkg) AS c
      CROSS JOIN LATERAL (
        SELECT CASE WHEN j < 6 AND p.credit_allowance > 0 THEN 'plan_allowance'
                    WHEN j < 6 THEN 'grant'
                    WHEN j < 8 AND u.n_enroll > 0 THEN 'program_allowance'
                    WHEN j < 8 OR c.kind < 0.6 THEN 'purchase'
                    WHEN c.kind < 0.85 THEN 'grant' WHEN c.kind < 0.95 THEN 'refund' ELSE 'adjustment' END AS source) AS s
    UNION ALL
    SELECT -(i::bigint * 1024 + j), NULL, id('organization', i), 'org_purchase', org_pkg_credits[1 + j % cardinality(org_pkg_ids)],
           t0 - interval '300 days' * r(seed, 44, i::bigint * 1024 + j), NULL, NULL, NULL, NULL,
           org_pkg_ids[1 + j % cardinality(org_pkg_ids)]
      FROM generate_series(1, norg) AS i CROSS JOIN generate_series(0, 3) AS j;

    INSERT INTO innotrue.credit_batches (id, user_id, organization_id, source, amount, remaining, expires_at,
                                         period_start, enrollment_id, topup_package_id, org_package_id, created_at)
    SELECT id('credit_batch', b.k), b.user_id, b.organization_id, b.source, b.amount,
           CASE WHEN r(seed, 45, b.k) < 0.3 THEN 0 ELSE (b.amount * r(seed, 46, b.k))::bigint END,
           b.expires_at, b.period_start, b.enrollment_id, b.topup_package_id, b.org_package_id, b.created_at
      FROM innotrue_bench.b b
     ORDER BY b.k;
    INSERT INTO innotrue.credit_ledger (id, batch_id, user_id, organization_id, entry_type, amount, deduction_id,
                                        created_at)
    SELECT md5(cb.id::text || ':grant')::uuid, cb.id, cb.user_id, cb.organization_id, 'grant', cb.amount, NULL, cb.created_at
      FROM innotrue.credit_batches cb
    UNION ALL
    SELECT md5(cb.id::text || ':deduct-entry')::uuid, cb.id, cb.user_id, cb.organization_id, 'deduct',
           cb.remaining - cb.amount, md5(cb.id::text || ':deduct')::uuid,
           cb.created_at + (least(coalesce(cb.expires_at, t0), t0) - cb.created_at) / 2
      FROM innotrue.credit_batches cb
     WHERE cb.remaining < cb.amount;

    RAISE NOTICE 'bench/generate: % s, feature usage', innotrue_bench.elapsed(t0);
    -- Feature usage: about half the users used ai_coach and a fifth coaching sessions in each of
    -- the last three months.
    INSERT INTO innotrue.feature_usage (user_id, feature_id, period_start, used)
    SELECT u.id, f.id, (month0 - make_interval(months => m))::date, (1 + 30 * r(seed, 48, u.n * 8 + m))::integer
      FROM innotrue_bench.u u
      CROSS JOIN generate_series(0, 2) AS m
      JOIN innotrue.features f ON f.key IN ('ai_coach', 'session_coaching')
     WHERE r(seed, 47, u.n * 2 + (f.key = 'ai_coach')::integer) < CASE f.key WHEN 'ai_coach' THEN 0.5 ELSE 0.2 END;

    SET CONSTRAINTS ALL IMMEDIATE;  -- run the deferred checks now: ALTER TABLE refuses pending events
    RAISE NOTICE 'bench/generate: % s, triggers back on, counting rows', innotrue_bench.elapsed(t0);
    ALTER TABLE innotrue.resource_library ENABLE TRIGGER merge_restored_seed;
    ALTER TABLE innotrue.resource_library_programs ENABLE TRIGGER merge_restored_seed;
    ALTER TABLE innotrue.resource_library_program_tiers ENABLE TRIGGER merge_restored_seed;
    ALTER TABLE innotrue.credit_ledger ENABLE TRIGGER credit_ledger_fill_owner;
    PERFORM innotrue_bench.set_notification_triggers(true);
    DROP TABLE innotrue_bench.u, innotrue_bench.res, innotrue_bench.b;

    RETURN QUERY
    SELECT v.t, v.c FROM (VALUES
        ('profiles', (SELECT count(*) FROM innotrue.profiles)),
        ('user_roles', (SELECT count(*) FROM innotrue.user_roles)),
        ('client_enrollments', (SELECT count(*) FROM innotrue.client_enrollments)),
        ('user_add_ons', (SELECT count(*) FROM innotrue.user_add_ons)),
        ('user_tracks', (SELECT count(*) FROM innotrue.user_tracks)),
        ('user_feature_denials', (SELECT count(*) FROM innotrue.user_feature_denials)),
        ('organizations', (SELECT count(*) FROM innotrue.organizations)),
        ('organization_members', (SELECT count(*) FROM innotrue.organization_members)),
        ('programs', (SELECT count(*) FROM innotrue.programs)),
        ('resource_library', (SELECT count(*) FROM innotrue.resource_library)),
        ('resource_library_programs', (SELECT count(*) FROM innotrue.resource_library_programs)),
        ('resource_library_program_tiers', (SELECT count(*) FROM innotrue.resource_library_program_tiers)),
        ('credit_batches', (SELECT count(*) FROM innotrue.credit_batches)),
        ('credit_ledger', (SELECT count(*) FROM innotrue.credit_ledger)),
        ('feature_usage', (SELECT count(*) FROM innotrue.feature_usage))) AS v (t, c);
END
$generate$;
COMMENT ON FUNCTION innotrue_bench.generate(text, bigint, integer, integer, integer, integer) IS
    'Fills a fresh innotrue database with deterministic benchmark data at scale small, medium or large; returns row counts.';
