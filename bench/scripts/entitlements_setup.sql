-- Entitlements benchmark setup (bench/run runs every *_setup.sql once after bench/generate).
-- Loads the plain-SQL reference (schema innotrue_ref) the entitlements_*_ref.sql scripts call.
-- Standalone (no bench/generate): when there are no profiles yet it first creates :users users
-- (default 1000) that each have all five sources (personal plan, active enrollment, add-on, track,
-- org-sponsored plan), then public.bench_users(n, id) over the profiles if it does not exist.
-- Usage: psql -v users=1000 -f bench/scripts/entitlements_setup.sql
\ir ../reference/entitlements.sql
\if :{?users}
\else
\set users 1000
\endif
SELECT set_config('bench.nusers', :'users', false) AS bench_nusers \gset
DO $setup$
DECLARE
    nusers integer := current_setting('bench.nusers')::integer;
BEGIN
    IF EXISTS (SELECT 1 FROM innotrue.profiles) THEN
        RETURN;
    END IF;
    PERFORM setseed(0.5);
    INSERT INTO innotrue.program_plans (key, name, tier_level)
    SELECT 'bench_pp_' || i, 'Bench program plan ' || i, i FROM generate_series(1, 3) i;
    INSERT INTO innotrue.program_plan_features (program_plan_id, feature_id, limit_value)
    SELECT pp.id, f.id, CASE WHEN random() < 0.3 THEN NULL ELSE 1 + floor(random() * 50)::int END
      FROM innotrue.program_plans pp, innotrue.features f WHERE pp.key LIKE 'bench_pp_%' AND random() < 0.3;
    INSERT INTO innotrue.programs (slug, name, is_active, default_program_plan_id)
    SELECT 'bench-program-' || i, 'Bench program ' || i, true,
           (SELECT id FROM innotrue.program_plans WHERE key = 'bench_pp_' || (1 + i % 3)) FROM generate_series(1, 5) i;
    INSERT INTO innotrue.add_ons (key, name) SELECT 'bench_addon_' || i, 'Bench add-on ' || i FROM generate_series(1, 4) i;
    INSERT INTO innotrue.add_on_features (add_on_id, feature_id, limit_value)
    SELECT a.id, f.id, CASE WHEN random() < 0.3 THEN NULL ELSE 1 + floor(random() * 50)::int END
      FROM innotrue.add_ons a, innotrue.features f WHERE a.key LIKE 'bench_addon_%' AND random() < 0.15;
    INSERT INTO innotrue.track_features (track_id, feature_id, limit_value)
    SELECT t.id, f.id, CASE WHEN random() < 0.3 THEN NULL ELSE 1 + floor(random() * 50)::int END
      FROM innotrue.tracks t, innotrue.features f WHERE random() < 0.15
    ON CONFLICT DO NOTHING;
    INSERT INTO innotrue.organizations (name, slug) SELECT 'Bench org ' || i, 'bench-org-' || i FROM generate_series(1, 10) i;

    INSERT INTO innotrue.profiles (id, email, plan_id)
    SELECT md5('bench-user:' || i)::uuid, 'bench' || i || '@example.com',
           (SELECT id FROM innotrue.plans ORDER BY key OFFSET (i % 5) LIMIT 1)
      FROM generate_series(1, nusers) i;
    INSERT INTO innotrue.client_enrollments (user_id, program_id)
    SELECT md5('bench-user:' || i)::uuid, (SELECT id FROM innotrue.programs WHERE slug = 'bench-program-' || (1 + i % 5))
      FROM generate_series(1, nusers) i;
    INSERT INTO innotrue.user_add_ons (user_id, add_on_id)
    SELECT md5('bench-user:' || i)::uuid, (SELECT id FROM innotrue.add_ons WHERE key = 'bench_addon_' || (1 + i % 4))
      FROM generate_series(1, nusers) i;
    INSERT INTO innotrue.user_tracks (user_id, track_id)
    SELECT md5('bench-user:' || i)::uuid, (SELECT id FROM innotrue.tracks ORDER BY key OFFSET (i % 2) LIMIT 1)
      FROM generate_series(1, nusers) i;
    INSERT INTO innotrue.organization_members (user_id, organization_id, sponsored_plan_id)
    SELECT md5('bench-user:' || i)::uuid, (SELECT id FROM innotrue.organizations WHERE slug = 'bench-org-' || (1 + i % 10)),
           (SELECT id FROM innotrue.plans ORDER BY key OFFSET (i % 7) LIMIT 1)
      FROM generate_series(1, nusers) i;
END
$setup$;
CREATE TABLE IF NOT EXISTS public.bench_users (n integer PRIMARY KEY, id uuid NOT NULL);
INSERT INTO public.bench_users
SELECT row_number() OVER (ORDER BY id), id FROM innotrue.profiles WHERE NOT EXISTS (SELECT 1 FROM public.bench_users);
ANALYZE;
