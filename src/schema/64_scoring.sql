-- innotrue: assessment scoring (issue 7) for the three assessment systems of layer 3D.
--   B. assessment definitions: compute_assessment_scores() in C (src/scoring.c) over the
--      confidential matrix assessment_option_scores, which application roles cannot read;
--   A. capability assessments: score_capability_snapshot(), compare_capability_snapshots() and a
--      trigger refusing ratings outside the assessment's scale;
--   C. psychometric catalog: express_assessment_interest() with feature gating, and the
--      registration status rules pending -> contacted -> completed | declined.
-- Documented in docs/assessments.md.

-- B. Assessment definitions -----------------------------------------------------------------------

CREATE FUNCTION innotrue.compute_assessment_scores(definition text, answers jsonb,
                                                   respondent_email text DEFAULT NULL,
                                                   store boolean DEFAULT true)
RETURNS jsonb
LANGUAGE C
VOLATILE PARALLEL UNSAFE
SECURITY DEFINER
SET search_path = pg_catalog, innotrue, pg_temp
AS 'MODULE_PATHNAME', 'innotrue_compute_assessment_scores';
COMMENT ON FUNCTION innotrue.compute_assessment_scores(text, jsonb, text, boolean) IS
    'Scores an answer document ({"<question key>": "<option key>" | ["<option key>", ...]}) of an active assessment definition (slug or id) through the confidential matrix: returns {definition, dimension_scores, interpretations[, response_id]} and, when store, records an assessment_responses row. SECURITY DEFINER so anonymous and application roles can score without reading the matrix.';

-- The scoring matrix is confidential: only the extension owner (and superusers / admin roles the
-- owner grants it to) can read it; everyone else gets scores through the function above.
REVOKE ALL ON TABLE innotrue.assessment_option_scores FROM PUBLIC;

-- A. Capability assessments ----------------------------------------------------------------------

CREATE FUNCTION innotrue.check_snapshot_question_rating()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
DECLARE
    lo integer;
    hi integer;
BEGIN
    -- That the question belongs to the snapshot's assessment is a composite foreign key.
    SELECT a.scale_min, a.scale_max
      INTO lo, hi
      FROM innotrue.capability_snapshots s
      JOIN innotrue.capability_assessments a ON a.id = s.assessment_id
     WHERE s.id = NEW.snapshot_id;
    IF NOT FOUND THEN
        RETURN NEW;                      -- the foreign key refuses the row
    END IF;
    IF NEW.rating < lo OR NEW.rating > hi THEN
        RAISE EXCEPTION 'rating % of question % is outside the scale % to %', NEW.rating, NEW.question_id, lo, hi
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Snapshot %s rates on its assessment''s scale %s..%s.', NEW.snapshot_id, lo, hi);
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION innotrue.check_snapshot_question_rating() IS
    'BEFORE INSERT OR UPDATE trigger on snapshot_question_ratings: refuses a rating outside the scale of the snapshot''s assessment, or of a question of another assessment.';

CREATE TRIGGER check_rating BEFORE INSERT OR UPDATE OF snapshot_id, question_id, rating
    ON innotrue.snapshot_question_ratings
    FOR EACH ROW EXECUTE FUNCTION innotrue.check_snapshot_question_rating();

CREATE FUNCTION innotrue.score_capability_snapshot(snapshot_id uuid)
RETURNS jsonb
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE STRICT
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
DECLARE
    snap innotrue.capability_snapshots;
    a innotrue.capability_assessments;
    bad record;
    n_all bigint;
    sum_all bigint;
    overall_pass boolean;
    all_domains_pass boolean;
    snapshot_passed boolean;
    domains jsonb;
BEGIN
    SELECT * INTO snap FROM innotrue.capability_snapshots s
     WHERE s.id = score_capability_snapshot.snapshot_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown capability snapshot %', score_capability_snapshot.snapshot_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO a FROM innotrue.capability_assessments ca WHERE ca.id = snap.assessment_id;

    -- Ratings stored before a scale change (or bypassing the trigger) are refused, not clipped.
    SELECT r.question_id, r.rating, q.assessment_id = snap.assessment_id AS same_assessment INTO bad
      FROM innotrue.snapshot_question_ratings r
      JOIN innotrue.capability_domain_questions q ON q.id = r.question_id
     WHERE r.snapshot_id = snap.id
       AND (r.rating NOT BETWEEN a.scale_min AND a.scale_max OR q.assessment_id <> snap.assessment_id)
     ORDER BY r.question_id
     LIMIT 1;
    IF FOUND THEN
        IF NOT bad.same_assessment THEN
            RAISE EXCEPTION 'question % does not belong to the assessment of snapshot %', bad.question_id, snap.id
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RAISE EXCEPTION 'rating % of question % is outside the scale % to %', bad.rating, bad.question_id,
                        a.scale_min, a.scale_max
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    SELECT count(*), sum(r.rating) INTO n_all, sum_all
      FROM innotrue.snapshot_question_ratings r WHERE r.snapshot_id = snap.id;
    IF n_all = 0 THEN
        RAISE EXCEPTION 'capability snapshot % has no ratings', snap.id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- Per domain: weighted mean; a score s passes when
    -- (s - scale_min) * 100 >= threshold * (scale_max - scale_min), evaluated exactly on
    -- s = weighted sum / weight total (multiplied out, no rounding).
    SELECT jsonb_agg(jsonb_build_object('domain_id', t.domain_id, 'name', t.name,
                                        'order_index', t.order_index, 'ratings', t.ratings,
                                        'average_score', t.average, 'passed', t.passed)
                     ORDER BY t.order_index)
      INTO domains
      FROM (SELECT d.id AS domain_id, d.name, d.order_index, count(r.rating) AS ratings,
                   round(sum(r.rating * r.weight)::numeric / nullif(sum(r.weight), 0), 2) AS average,
                   CASE WHEN a.pass_fail_mode = 'per_domain' THEN
                        coalesce((sum(r.rating * r.weight) - a.scale_min * sum(r.weight)) * 100
                                 >= a.pass_fail_threshold::bigint * (a.scale_max - a.scale_min) * sum(r.weight),
                                 false)
                   END AS passed
              FROM innotrue.capability_domains d
              LEFT JOIN (SELECT q.domain_id, sr.rating, coalesce(w.weight, 1)::bigint AS weight
                           FROM innotrue.snapshot_question_ratings sr
                           JOIN innotrue.capability_domain_questions q ON q.id = sr.question_id
                           LEFT JOIN innotrue.capability_question_type_weights w
                                  ON w.assessment_id = q.assessment_id AND w.question_type = q.question_type
                          WHERE sr.snapshot_id = snap.id) r ON r.domain_id = d.id
             WHERE d.assessment_id = snap.assessment_id
             GROUP BY d.id, d.name, d.order_index) t;

    overall_pass := (sum_all - a.scale_min * n_all) * 100
                    >= a.pass_fail_threshold::bigint * (a.scale_max - a.scale_min) * n_all;
    SELECT bool_and((e ->> 'passed')::boolean) INTO all_domains_pass FROM jsonb_array_elements(domains) e;
    snapshot_passed := CASE WHEN NOT a.pass_fail_enabled THEN NULL
                            WHEN a.pass_fail_mode = 'overall' THEN overall_pass
                            ELSE coalesce(all_domains_pass, false) END;

    DELETE FROM innotrue.snapshot_domain_ratings dr
     WHERE dr.snapshot_id = snap.id
       AND dr.domain_id IN (SELECT x.domain_id FROM jsonb_to_recordset(domains) AS x(domain_id uuid, ratings bigint)
                             WHERE x.ratings = 0);
    INSERT INTO innotrue.snapshot_domain_ratings AS dr (snapshot_id, user_id, assessment_id, domain_id,
                                                        average_score, passed)
    SELECT snap.id, snap.user_id, snap.assessment_id, x.domain_id, x.average_score, x.passed
      FROM jsonb_to_recordset(domains) AS x(domain_id uuid, ratings bigint, average_score numeric, passed boolean)
     WHERE x.ratings > 0
    ON CONFLICT ON CONSTRAINT snapshot_domain_ratings_snapshot_domain_key
    DO UPDATE SET average_score = EXCLUDED.average_score, passed = EXCLUDED.passed;
    UPDATE innotrue.capability_snapshots s
       SET overall_score = round(sum_all::numeric / n_all, 2), passed = snapshot_passed
     WHERE s.id = snap.id;

    RETURN jsonb_build_object('snapshot_id', snap.id,
                              'overall_score', round(sum_all::numeric / n_all, 2),
                              'passed', snapshot_passed,
                              'pass_fail_mode', a.pass_fail_mode,
                              'domains', coalesce(domains, '[]'));
END
$$;
COMMENT ON FUNCTION innotrue.score_capability_snapshot(uuid) IS
    'Scores a capability snapshot: domain means (weighted by capability_question_type_weights), overall mean of all ratings, pass/fail (overall or per_domain, threshold in percent of the scale); stores snapshot_domain_ratings and the snapshot''s overall_score and passed, and returns them as jsonb.';

CREATE FUNCTION innotrue.compare_capability_snapshots(a uuid, b uuid)
RETURNS TABLE (domain_id uuid, domain_name text, order_index integer,
               score_a numeric, score_b numeric, delta numeric)
LANGUAGE plpgsql
STABLE PARALLEL SAFE STRICT
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
DECLARE
    sa innotrue.capability_snapshots;
    sb innotrue.capability_snapshots;
BEGIN
    SELECT * INTO sa FROM innotrue.capability_snapshots s WHERE s.id = compare_capability_snapshots.a;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown capability snapshot %', compare_capability_snapshots.a
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO sb FROM innotrue.capability_snapshots s WHERE s.id = compare_capability_snapshots.b;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown capability snapshot %', compare_capability_snapshots.b
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF sa.assessment_id <> sb.assessment_id THEN
        RAISE EXCEPTION 'snapshots % and % are of different capability assessments', sa.id, sb.id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF sa.user_id <> sb.user_id THEN
        RAISE EXCEPTION 'snapshots % and % rate different users', sa.id, sb.id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    SELECT d.id, d.name, d.order_index, ra.average_score, rb.average_score,
           rb.average_score - ra.average_score
      FROM innotrue.capability_domains d
      LEFT JOIN innotrue.snapshot_domain_ratings ra ON ra.snapshot_id = sa.id AND ra.domain_id = d.id
      LEFT JOIN innotrue.snapshot_domain_ratings rb ON rb.snapshot_id = sb.id AND rb.domain_id = d.id
     WHERE d.assessment_id = sa.assessment_id
     ORDER BY d.order_index;
END
$$;
COMMENT ON FUNCTION innotrue.compare_capability_snapshots(uuid, uuid) IS
    'Per-domain scores of two scored snapshots of the same assessment and user, in domain order, with delta = score_b - score_a (NULL where either is unscored): the data behind the radar and evolution charts.';

-- C. Psychometric catalog ------------------------------------------------------------------------

CREATE FUNCTION innotrue.express_assessment_interest(user_id uuid, psychometric_assessment_id uuid)
RETURNS uuid
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE STRICT
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    entry innotrue.psychometric_assessments;
    registration uuid;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM innotrue.profiles p WHERE p.id = express_assessment_interest.user_id) THEN
        RAISE EXCEPTION 'unknown user %', express_assessment_interest.user_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO entry FROM innotrue.psychometric_assessments pa
     WHERE pa.id = express_assessment_interest.psychometric_assessment_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown psychometric assessment %', express_assessment_interest.psychometric_assessment_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT entry.is_active THEN
        RAISE EXCEPTION 'psychometric assessment "%" is not active', entry.slug
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF entry.feature_key IS NOT NULL
       AND NOT innotrue.has_feature(express_assessment_interest.user_id, entry.feature_key) THEN
        RAISE EXCEPTION 'psychometric assessment "%" requires feature "%"', entry.slug, entry.feature_key
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'The user''s plan, program, add-ons or track must grant the feature.';
    END IF;

    -- One open registration per user and entry: asking again returns the open one.
    SELECT r.id INTO registration FROM innotrue.assessment_interest_registrations r
     WHERE r.user_id = express_assessment_interest.user_id
       AND r.psychometric_assessment_id = entry.id
       AND r.status IN ('pending', 'contacted');
    IF FOUND THEN
        RETURN registration;
    END IF;
    INSERT INTO innotrue.assessment_interest_registrations AS r (user_id, psychometric_assessment_id)
    VALUES (express_assessment_interest.user_id, entry.id)
    ON CONFLICT (user_id, psychometric_assessment_id) WHERE status IN ('pending', 'contacted')
    DO UPDATE SET status = r.status
    RETURNING r.id INTO registration;
    RETURN registration;
END
$$;
COMMENT ON FUNCTION innotrue.express_assessment_interest(uuid, uuid) IS
    'A client registers interest in an active psychometric catalog entry (gated by its feature_key through innotrue.has_feature); returns the pending registration, or the already open one.';

-- The pending -> contacted -> completed | declined flow itself is enforced by the generic status
-- flow trigger (innotrue.status_transitions, 68_layers.sql).

CREATE FUNCTION innotrue.set_assessment_interest_status(registration_id uuid, status text,
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
    'Admin step of an interest registration: pending -> contacted (contacted_at := at) -> completed | declined; other moves are refused. Notes replace the stored ones when given.';
