-- innotrue 0.2.0, issue 20 items 2 and 3: one view of every feedback a client has received, and
-- goals prompted by capability assessment results. Documented in docs/feedback.md and
-- docs/assessments.md ("Goals from assessment results").
--
-- The guide lists nine feedback mechanisms stored in different places. Seven are stored by the
-- data layer and appear in innotrue.feedback: scenario evaluations (scenario_assignments.overall_notes),
-- paragraph evaluations, coach module feedback, assignment grading (module_assignments.overall_*),
-- assessment interpretations (assessment_responses.interpretations), goal comments and session
-- feedback (new here: the guide marks it "unclear implementation"). The two AI mechanisms (decision
-- insights, reflection prompts) are answers of edge functions that nothing stores; "coach general"
-- feedback is module feedback with a template. Whether an item is new to the client is decided by
-- a last-seen time per client and mechanism (feedback_reads).

-- Mechanisms -----------------------------------------------------------------------------------

CREATE FUNCTION innotrue.feedback_mechanisms()
RETURNS text[]
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
    SELECT ARRAY['scenario_evaluation', 'paragraph_evaluation', 'module_feedback', 'assignment_grading',
                 'assessment_interpretation', 'goal_comment', 'session_feedback']
$$;
COMMENT ON FUNCTION innotrue.feedback_mechanisms() IS
    'The feedback mechanisms innotrue.feedback unifies, in display order: the values of feedback.mechanism and feedback_reads.mechanism. No errors.';
REVOKE ALL ON FUNCTION innotrue.feedback_mechanisms() FROM PUBLIC;

-- Session feedback -----------------------------------------------------------------------------

CREATE TABLE innotrue.session_feedback (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    author_id        uuid REFERENCES innotrue.profiles (id) ON DELETE SET NULL,
    session_id       uuid REFERENCES innotrue.sessions (id) ON DELETE CASCADE,
    group_session_id uuid REFERENCES innotrue.group_sessions (id) ON DELETE CASCADE,
    rating           integer CONSTRAINT session_feedback_rating_check CHECK (rating BETWEEN 1 AND 5),
    body             text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT session_feedback_target_check CHECK (num_nonnulls(session_id, group_session_id) = 1),
    CONSTRAINT session_feedback_content_check CHECK (rating IS NOT NULL OR coalesce(btrim(body), '') <> ''),
    CONSTRAINT session_feedback_author_check CHECK (author_id IS DISTINCT FROM user_id),
    -- the client took part in the session
    CONSTRAINT session_feedback_session_participant_fkey FOREIGN KEY (session_id, user_id)
        REFERENCES innotrue.session_participants (session_id, user_id) ON DELETE CASCADE,
    CONSTRAINT session_feedback_group_session_participant_fkey FOREIGN KEY (group_session_id, user_id)
        REFERENCES innotrue.group_session_participants (group_session_id, user_id) ON DELETE CASCADE
);
SELECT innotrue.register_table('session_feedback', '5', 'user');
CREATE INDEX session_feedback_user_id_idx ON innotrue.session_feedback (user_id);
CREATE INDEX session_feedback_author_id_idx ON innotrue.session_feedback (author_id);
CREATE INDEX session_feedback_session_id_idx ON innotrue.session_feedback (session_id);
CREATE INDEX session_feedback_group_session_id_idx ON innotrue.session_feedback (group_session_id);
COMMENT ON TABLE innotrue.session_feedback IS
    'Feedback a participant of a session or group session received after it (the guide''s post-session feedback): a rating, a text or both, from the host or another participant.';
COMMENT ON COLUMN innotrue.session_feedback.user_id IS
    'The participant who receives the feedback; must be a participant of the session (composite foreign keys).';
COMMENT ON COLUMN innotrue.session_feedback.author_id IS
    'Who gave it (host, coach, evaluator); never the receiver; NULL once the author''s account is erased.';
COMMENT ON COLUMN innotrue.session_feedback.session_id IS
    'The individual session; exactly one of session_id and group_session_id is set.';
COMMENT ON COLUMN innotrue.session_feedback.rating IS
    'Optional rating 1 (weak) to 5 (excellent); a row has a rating, a text or both.';

-- Read markers ---------------------------------------------------------------------------------

CREATE TABLE innotrue.feedback_reads (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES innotrue.profiles (id) ON DELETE CASCADE,
    -- the list of innotrue.feedback_mechanisms(), written out so that the check needs no function
    -- privilege (sql/feedback.sql marks every mechanism, so the two cannot drift apart unnoticed)
    mechanism    text NOT NULL
        CONSTRAINT feedback_reads_mechanism_check CHECK (mechanism IN ('scenario_evaluation', 'paragraph_evaluation',
            'module_feedback', 'assignment_grading', 'assessment_interpretation', 'goal_comment', 'session_feedback')),
    last_seen_at timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT feedback_reads_user_mechanism_key UNIQUE (user_id, mechanism)
);
SELECT innotrue.register_table('feedback_reads', '5', 'user');
COMMENT ON TABLE innotrue.feedback_reads IS
    'When a client last looked at her feedback of one mechanism: an item of innotrue.feedback is new when it was given after that time (or the client never looked). Written by mark_feedback_seen.';
COMMENT ON COLUMN innotrue.feedback_reads.user_id IS
    'The client (receiver of the feedback).';
COMMENT ON COLUMN innotrue.feedback_reads.mechanism IS
    'One of innotrue.feedback_mechanisms().';
COMMENT ON COLUMN innotrue.feedback_reads.last_seen_at IS
    'Items given at or before this time are seen; only ever moves forward.';

-- Assessment responses: a signed-in respondent reads her own results ----------------------------
-- 0.1.0 kept assessment_responses admin-only (kind internal: anonymous respondents have no user).
-- A response with a user_id belongs to that user, like every other activity row: she reads it, her
-- coaches read it, and organization managers read it under the assessments sharing consent.
UPDATE innotrue.rls_table_rules
   SET owner_column = 'user_id', owner_access = 'read', coach_access = 'read', org_share = 'assessments',
       note = 'anonymous responses (user_id NULL): admins only'
 WHERE table_name = 'assessment_responses';
ALTER TABLE innotrue.assessment_responses ADD CONSTRAINT assessment_responses_id_user_key UNIQUE (id, user_id);
COMMENT ON CONSTRAINT assessment_responses_id_user_key ON innotrue.assessment_responses IS
    'Target of (assessment_response_id, user_id) foreign keys: a goal links only its own user''s response.';

-- Goals prompted by assessments ----------------------------------------------------------------
-- The roadmap's goals.assessment_snapshot_id, with the domain it is about and the assessment both
-- belong to (composite keys keep snapshot, domain and goal of one user and one assessment), and
-- the alternative link to an answered assessment definition.
ALTER TABLE innotrue.goals ADD COLUMN capability_assessment_id uuid
    CONSTRAINT goals_capability_assessment_fkey REFERENCES innotrue.capability_assessments (id);
ALTER TABLE innotrue.goals ADD COLUMN assessment_snapshot_id uuid;
ALTER TABLE innotrue.goals ADD COLUMN capability_domain_id uuid;
ALTER TABLE innotrue.goals ADD COLUMN assessment_response_id uuid;
ALTER TABLE innotrue.goals ADD CONSTRAINT goals_assessment_snapshot_fkey
    FOREIGN KEY (assessment_snapshot_id, user_id, capability_assessment_id)
    REFERENCES innotrue.capability_snapshots (id, user_id, assessment_id) ON DELETE SET NULL (assessment_snapshot_id);
ALTER TABLE innotrue.goals ADD CONSTRAINT goals_capability_domain_fkey
    FOREIGN KEY (capability_domain_id, capability_assessment_id)
    REFERENCES innotrue.capability_domains (id, assessment_id);
ALTER TABLE innotrue.goals ADD CONSTRAINT goals_assessment_response_fkey
    FOREIGN KEY (assessment_response_id, user_id)
    REFERENCES innotrue.assessment_responses (id, user_id) ON DELETE SET NULL (assessment_response_id);
ALTER TABLE innotrue.goals ADD CONSTRAINT goals_capability_link_check
    CHECK (capability_assessment_id IS NOT NULL OR num_nulls(assessment_snapshot_id, capability_domain_id) = 2);
CREATE INDEX goals_capability_assessment_id_idx ON innotrue.goals (capability_assessment_id);
CREATE INDEX goals_assessment_snapshot_id_idx ON innotrue.goals (assessment_snapshot_id);
CREATE INDEX goals_capability_domain_id_idx ON innotrue.goals (capability_domain_id);
CREATE INDEX goals_assessment_response_id_idx ON innotrue.goals (assessment_response_id);
-- At most one open goal per snapshot and domain: create_goal_from_suggestion returns it again.
CREATE UNIQUE INDEX goals_open_snapshot_domain_idx ON innotrue.goals (assessment_snapshot_id, capability_domain_id)
    WHERE status IN ('not_started', 'in_progress');
COMMENT ON COLUMN innotrue.goals.capability_assessment_id IS
    'Capability assessment the goal works on; required when assessment_snapshot_id or capability_domain_id is set.';
COMMENT ON COLUMN innotrue.goals.assessment_snapshot_id IS
    'The scored capability snapshot (of the same user and assessment) whose result prompted the goal (the roadmap''s goals.assessment_snapshot_id); NULL when unlinked or once the snapshot is deleted (the domain link stays).';
COMMENT ON COLUMN innotrue.goals.capability_domain_id IS
    'Domain of capability_assessment_id the goal is to raise; goal_assessment_progress compares later snapshots on it.';
COMMENT ON COLUMN innotrue.goals.assessment_response_id IS
    'An answered assessment definition (assessment_responses, of the same user) that prompted the goal; NULL when unlinked or once the response is deleted.';

-- Row-level security rules of the new tables ---------------------------------------------------

SELECT innotrue.add_default_rls_rules();
UPDATE innotrue.rls_table_rules r
   SET owner_access = v.owner_access, coach_access = v.coach_access, org_share = v.org_share,
       party_column = v.party_column, party_access = v.party_access, note = v.note
  FROM (VALUES
    ('session_feedback', 'read', 'read', 'progress', 'author_id', 'write', 'written by its author'),
    ('feedback_reads', 'write', 'read', NULL, NULL, 'read', 'the client marks her feedback seen; her coaches see it')
  ) AS v (table_name, owner_access, coach_access, org_share, party_column, party_access, note)
 WHERE r.table_name = v.table_name;
-- Installed rules rows, like those of 0.1.0's tables: a restored dump merges them.
INSERT INTO innotrue.seed_rows (table_name, row_id)
SELECT 'rls_table_rules', r.id FROM innotrue.rls_table_rules r
 WHERE r.table_name IN ('session_feedback', 'feedback_reads');

-- The unified view -----------------------------------------------------------------------------
-- A union of one branch per mechanism, each reading its table by user_id (indexed), so a filter
-- on client_id reaches every branch as an index condition. security_invoker: the caller's
-- row-level security applies to every table read (a client sees her own items, a coach or
-- instructor those of her clients, an organization manager those its members share).
CREATE VIEW innotrue.feedback WITH (security_invoker = true) AS
SELECT f.client_id, f.mechanism, f.item_id, f.given_by, f.given_at, f.subject_kind, f.subject_id,
       f.score,
       -- the short text: on one line, at most 160 characters
       CASE WHEN length(f.body) > 160 THEN rtrim(left(f.body, 159)) || '…' ELSE f.body END AS summary,
       f.given_at > coalesce(r.last_seen_at, '-infinity') AS is_new
  FROM (SELECT u.*, btrim(translate(u.raw_body, E'\n\r\t', '   ')) AS body FROM (
    -- scenario evaluation: the instructor's overall notes, released when the scenario is evaluated
    SELECT a.user_id AS client_id, 'scenario_evaluation'::text AS mechanism, a.id AS item_id,
           a.assigned_by AS given_by, a.evaluated_at AS given_at,
           'scenario_assignment'::text AS subject_kind, a.id AS subject_id, NULL::numeric AS score,
           a.overall_notes AS raw_body
      FROM innotrue.scenario_assignments a
     WHERE a.status = 'evaluated' AND btrim(a.overall_notes) <> ''
    UNION ALL
    -- paragraph evaluations: released with their scenario's evaluation
    SELECT e.user_id, 'paragraph_evaluation', e.id, e.evaluator_id, a.evaluated_at,
           'scenario_response', e.response_id, e.rating,
           coalesce(nullif(btrim(e.comment), ''), 'Rating ' || e.rating)
      FROM innotrue.paragraph_evaluations e
      JOIN innotrue.scenario_responses sr ON sr.id = e.response_id AND sr.user_id = e.user_id
      JOIN innotrue.scenario_assignments a ON a.id = sr.assignment_id AND a.user_id = sr.user_id
     WHERE a.status = 'evaluated'
    UNION ALL
    -- coach module feedback, once published
    SELECT m.user_id, 'module_feedback', m.id, m.coach_id, m.published_at,
           'module_progress', m.module_progress_id, NULL,
           coalesce(nullif(btrim(m.content), ''), 'Structured feedback')
      FROM innotrue.coach_module_feedback m
     WHERE m.status = 'published'
    UNION ALL
    -- assignment grading: the score and comments of a reviewed assignment
    SELECT g.user_id, 'assignment_grading', g.id, g.reviewed_by, coalesce(g.reviewed_at, g.updated_at),
           'module_assignment', g.id, g.overall_score,
           coalesce(nullif(btrim(g.overall_comments), ''), 'Score ' || g.overall_score)
      FROM innotrue.module_assignments g
     WHERE g.status IN ('reviewed', 'completed')
       AND (g.overall_score IS NOT NULL OR btrim(g.overall_comments) <> '')
    UNION ALL
    -- assessment interpretations: the system's result texts of a signed-in respondent's answers
    SELECT ar.user_id, 'assessment_interpretation', ar.id, NULL, ar.created_at,
           'assessment_response', ar.id, NULL,
           d.name || ': ' || (SELECT string_agg(i.value ->> 'title', '; ' ORDER BY i.ordinality)
                                FROM jsonb_array_elements(ar.interpretations) WITH ORDINALITY i)
      FROM innotrue.assessment_responses ar
      JOIN innotrue.assessment_definitions d ON d.id = ar.definition_id
     WHERE ar.user_id IS NOT NULL AND jsonb_array_length(ar.interpretations) > 0
    UNION ALL
    -- goal comments by someone other than the goal's owner
    SELECT c.user_id, 'goal_comment', c.id, c.author_id, c.created_at, 'goal', c.goal_id, NULL, c.body
      FROM innotrue.goal_comments c
     WHERE c.author_id <> c.user_id
    UNION ALL
    -- session feedback
    SELECT s.user_id, 'session_feedback', s.id, s.author_id, s.created_at,
           CASE WHEN s.session_id IS NOT NULL THEN 'session' ELSE 'group_session' END,
           coalesce(s.session_id, s.group_session_id), s.rating,
           coalesce(nullif(btrim(s.body), ''), 'Rating ' || s.rating)
      FROM innotrue.session_feedback s
  ) u) f
  LEFT JOIN innotrue.feedback_reads r ON r.user_id = f.client_id AND r.mechanism = f.mechanism;
COMMENT ON VIEW innotrue.feedback IS
    'Every feedback a client has received, one row per item of the seven stored mechanisms (innotrue.feedback_mechanisms()): who gave it (NULL for the system), when, on what (subject_kind + subject_id), a score where the mechanism has one, a short text, and whether it is new to the client (given after her feedback_reads time for the mechanism). security_invoker: row-level security of the underlying tables applies. docs/feedback.md.';
COMMENT ON COLUMN innotrue.feedback.client_id IS 'The client who received the feedback.';
COMMENT ON COLUMN innotrue.feedback.mechanism IS 'One of innotrue.feedback_mechanisms().';
COMMENT ON COLUMN innotrue.feedback.item_id IS 'Id of the row in the mechanism''s table (scenario_assignments, paragraph_evaluations, coach_module_feedback, module_assignments, assessment_responses, goal_comments, session_feedback).';
COMMENT ON COLUMN innotrue.feedback.given_by IS 'Who gave it: instructor, coach, evaluator or author; NULL for system feedback (assessment interpretations) and erased accounts.';
COMMENT ON COLUMN innotrue.feedback.given_at IS 'When the client received it: evaluated, published, reviewed or written.';
COMMENT ON COLUMN innotrue.feedback.subject_kind IS 'What the feedback is on: scenario_assignment, scenario_response, module_progress, module_assignment, assessment_response, goal, session or group_session.';
COMMENT ON COLUMN innotrue.feedback.subject_id IS 'Id of the subject, in the table named by subject_kind.';
COMMENT ON COLUMN innotrue.feedback.score IS 'Paragraph rating, assignment score or session rating; NULL for the other mechanisms.';
COMMENT ON COLUMN innotrue.feedback.summary IS 'Short text: line breaks and tabs as spaces, trimmed, at most 160 characters (a cut one ends in an ellipsis).';
COMMENT ON COLUMN innotrue.feedback.is_new IS 'Given after the client last marked the mechanism seen (mark_feedback_seen), or never marked.';
REVOKE ALL ON innotrue.feedback FROM PUBLIC;

CREATE FUNCTION innotrue.mark_feedback_seen(user_id uuid, mechanism text DEFAULT NULL, seen_at timestamptz DEFAULT now())
RETURNS integer
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    marked integer;
BEGIN
    IF mark_feedback_seen.user_id IS NULL OR mark_feedback_seen.seen_at IS NULL THEN
        RAISE EXCEPTION 'user_id and seen_at must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF mark_feedback_seen.mechanism IS NOT NULL
       AND mark_feedback_seen.mechanism <> ALL (innotrue.feedback_mechanisms()) THEN
        RAISE EXCEPTION 'unknown feedback mechanism "%"', mark_feedback_seen.mechanism
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'One of ' || array_to_string(innotrue.feedback_mechanisms(), ', ') || ', or NULL for all.';
    END IF;
    INSERT INTO innotrue.feedback_reads AS r (user_id, mechanism, last_seen_at)
    SELECT mark_feedback_seen.user_id, m.key, mark_feedback_seen.seen_at
      FROM unnest(innotrue.feedback_mechanisms()) m (key)
     WHERE m.key = coalesce(mark_feedback_seen.mechanism, m.key)
    ON CONFLICT ON CONSTRAINT feedback_reads_user_mechanism_key
    DO UPDATE SET last_seen_at = greatest(r.last_seen_at, EXCLUDED.last_seen_at);
    GET DIAGNOSTICS marked = ROW_COUNT;
    RETURN marked;
END
$$;
COMMENT ON FUNCTION innotrue.mark_feedback_seen(uuid, text, timestamptz) IS
    'Marks a client''s feedback of one mechanism (NULL = all) seen up to seen_at: items of innotrue.feedback given at or before it are no longer new. A time earlier than the stored one changes nothing. Returns the number of mechanisms marked. Errors: NULL user_id or seen_at 22004, unknown mechanism 22023, unknown user 23503.';
REVOKE ALL ON FUNCTION innotrue.mark_feedback_seen(uuid, text, timestamptz) FROM PUBLIC;

-- SECURITY DEFINER like unlock_resource(uuid): the caller needs EXECUTE on this function only,
-- and it only ever writes the current user's markers.
CREATE FUNCTION innotrue.my_mark_feedback_seen(mechanism text DEFAULT NULL)
RETURNS integer
LANGUAGE sql
VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT innotrue.mark_feedback_seen(innotrue.current_user_id(), my_mark_feedback_seen.mechanism, now()) $$;
COMMENT ON FUNCTION innotrue.my_mark_feedback_seen(text) IS
    'mark_feedback_seen for innotrue.current_user_id(), seen now (SECURITY DEFINER: writes only the caller''s own markers). Errors: anonymous caller 22004, unknown mechanism 22023.';
REVOKE ALL ON FUNCTION innotrue.my_mark_feedback_seen(text) FROM PUBLIC;

-- Goals from capability results ----------------------------------------------------------------

CREATE FUNCTION innotrue.capability_pass_score(scale_min integer, scale_max integer, threshold integer)
RETURNS numeric
LANGUAGE sql
IMMUTABLE PARALLEL SAFE STRICT
AS $$
    SELECT round(capability_pass_score.scale_min
                 + capability_pass_score.threshold * (capability_pass_score.scale_max - capability_pass_score.scale_min) / 100.0, 2)
$$;
COMMENT ON FUNCTION innotrue.capability_pass_score(integer, integer, integer) IS
    'The pass mark of a capability assessment as a score on its scale: scale_min + threshold percent of the scale, 2 decimals. NULL threshold (no pass/fail) gives NULL. No errors.';
REVOKE ALL ON FUNCTION innotrue.capability_pass_score(integer, integer, integer) FROM PUBLIC;

CREATE FUNCTION innotrue.capability_score_passes(score numeric, scale_min integer, scale_max integer, threshold integer)
RETURNS boolean
LANGUAGE sql
IMMUTABLE PARALLEL SAFE STRICT
AS $$
    SELECT (capability_score_passes.score - capability_score_passes.scale_min) * 100
           >= capability_score_passes.threshold * (capability_score_passes.scale_max - capability_score_passes.scale_min)
$$;
COMMENT ON FUNCTION innotrue.capability_score_passes(numeric, integer, integer, integer) IS
    'Whether a score reaches the pass mark (score_capability_snapshot''s rule, multiplied out). NULL when any argument is NULL. No errors.';
REVOKE ALL ON FUNCTION innotrue.capability_score_passes(numeric, integer, integer, integer) FROM PUBLIC;

CREATE FUNCTION innotrue.capability_goal_title(domain_name text, score numeric, pass_score numeric, scale_max integer)
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN capability_goal_title.pass_score IS NULL OR capability_goal_title.score >= capability_goal_title.pass_score
                THEN format('Strengthen %s (now %s of %s)', capability_goal_title.domain_name,
                            capability_goal_title.score, capability_goal_title.scale_max)
                ELSE format('Raise %s from %s to %s (of %s)', capability_goal_title.domain_name,
                            capability_goal_title.score, capability_goal_title.pass_score, capability_goal_title.scale_max)
           END
$$;
COMMENT ON FUNCTION innotrue.capability_goal_title(text, numeric, numeric, integer) IS
    'Suggested title of a goal for a capability domain: "Raise <domain> from <score> to <pass mark> (of <max>)" below the pass mark, else "Strengthen <domain> (now <score> of <max>)". No errors.';
REVOKE ALL ON FUNCTION innotrue.capability_goal_title(text, numeric, numeric, integer) FROM PUBLIC;

CREATE FUNCTION innotrue.suggest_goals_from_snapshot(snapshot_id uuid, lowest integer DEFAULT NULL)
RETURNS TABLE (domain_id uuid, domain_name text, order_index integer, score numeric, pass_score numeric,
               below_pass boolean, suggested_title text, goal_id uuid)
LANGUAGE plpgsql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    snap innotrue.capability_snapshots;
    a innotrue.capability_assessments;
BEGIN
    IF suggest_goals_from_snapshot.snapshot_id IS NULL THEN
        RAISE EXCEPTION 'snapshot_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF suggest_goals_from_snapshot.lowest < 1 THEN
        RAISE EXCEPTION 'lowest must be at least 1, not %', suggest_goals_from_snapshot.lowest
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO snap FROM innotrue.capability_snapshots s WHERE s.id = suggest_goals_from_snapshot.snapshot_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown capability snapshot %', suggest_goals_from_snapshot.snapshot_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO a FROM innotrue.capability_assessments ca WHERE ca.id = snap.assessment_id;
    IF snap.status <> 'completed' OR NOT EXISTS (SELECT 1 FROM innotrue.snapshot_domain_ratings r WHERE r.snapshot_id = snap.id) THEN
        RAISE EXCEPTION 'capability snapshot % is not scored', snap.id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Complete the snapshot and run innotrue.score_capability_snapshot() first.';
    END IF;
    IF suggest_goals_from_snapshot.lowest IS NULL AND NOT a.pass_fail_enabled THEN
        RAISE EXCEPTION 'capability assessment "%" has no pass mark', a.slug
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Ask for the lowest N domains instead: suggest_goals_from_snapshot(snapshot_id, lowest => N).';
    END IF;
    RETURN QUERY
    SELECT t.domain_id, t.name, t.order_index, t.score, t.pass_score, t.below_pass,
           innotrue.capability_goal_title(t.name, t.score, t.pass_score, a.scale_max),
           (SELECT g.id FROM innotrue.goals g
             WHERE g.assessment_snapshot_id = snap.id AND g.capability_domain_id = t.domain_id
               AND g.status IN ('not_started', 'in_progress'))
      FROM (SELECT d.id AS domain_id, d.name, d.order_index, r.average_score AS score,
                   innotrue.capability_pass_score(a.scale_min, a.scale_max, a.pass_fail_threshold) AS pass_score,
                   -- per_domain mode stores each domain's verdict; otherwise judge the stored score
                   NOT coalesce(r.passed, innotrue.capability_score_passes(r.average_score, a.scale_min, a.scale_max,
                                                                           a.pass_fail_threshold)) AS below_pass
              FROM innotrue.snapshot_domain_ratings r
              JOIN innotrue.capability_domains d ON d.id = r.domain_id
             WHERE r.snapshot_id = snap.id) t
     WHERE suggest_goals_from_snapshot.lowest IS NOT NULL OR t.below_pass
     ORDER BY t.score, t.order_index
     LIMIT suggest_goals_from_snapshot.lowest;
END
$$;
COMMENT ON FUNCTION innotrue.suggest_goals_from_snapshot(uuid, integer) IS
    'Goal suggestions from a scored capability snapshot, weakest domain first: without lowest, every domain below the assessment''s pass mark; with lowest => N, the N lowest-scoring domains whatever their result. Each row: the domain, its score, the pass mark as a score (NULL without pass/fail), below_pass (NULL without pass/fail), a suggested title and the open goal already created from it (NULL if none). Reads as the caller (row-level security applies). Errors: NULL snapshot 22004, unknown or invisible snapshot 22023, lowest < 1 22023, no pass mark and no lowest 22023, snapshot not completed and scored 55000.';
REVOKE ALL ON FUNCTION innotrue.suggest_goals_from_snapshot(uuid, integer) FROM PUBLIC;

CREATE FUNCTION innotrue.create_goal_from_suggestion(snapshot_id uuid, domain_id uuid, title text DEFAULT NULL,
                                                     target_date date DEFAULT NULL)
RETURNS uuid
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    snap innotrue.capability_snapshots;
    a innotrue.capability_assessments;
    domain_name text;
    score numeric;
    goal uuid;
BEGIN
    IF create_goal_from_suggestion.snapshot_id IS NULL OR create_goal_from_suggestion.domain_id IS NULL THEN
        RAISE EXCEPTION 'snapshot_id and domain_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO snap FROM innotrue.capability_snapshots s WHERE s.id = create_goal_from_suggestion.snapshot_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown capability snapshot %', create_goal_from_suggestion.snapshot_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO a FROM innotrue.capability_assessments ca WHERE ca.id = snap.assessment_id;
    SELECT d.name, r.average_score INTO domain_name, score
      FROM innotrue.capability_domains d
      LEFT JOIN innotrue.snapshot_domain_ratings r ON r.snapshot_id = snap.id AND r.domain_id = d.id
     WHERE d.id = create_goal_from_suggestion.domain_id AND d.assessment_id = snap.assessment_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'domain % is not a domain of the assessment of capability snapshot %',
                        create_goal_from_suggestion.domain_id, snap.id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF snap.status <> 'completed' OR score IS NULL THEN
        RAISE EXCEPTION 'domain "%" is not scored in capability snapshot %', domain_name, snap.id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Complete the snapshot and run innotrue.score_capability_snapshot() first.';
    END IF;

    INSERT INTO innotrue.goals AS g (user_id, title, description, category, target_date,
                                     capability_assessment_id, assessment_snapshot_id, capability_domain_id)
    VALUES (snap.user_id,
            coalesce(nullif(btrim(create_goal_from_suggestion.title), ''),
                     innotrue.capability_goal_title(domain_name, score,
                                                    innotrue.capability_pass_score(a.scale_min, a.scale_max, a.pass_fail_threshold),
                                                    a.scale_max)),
            format('Prompted by %s (%s): %s scored %s of %s.', a.name,
                   coalesce(snap.title, to_char(snap.completed_at, 'YYYY-MM-DD')), domain_name, score, a.scale_max),
            'learning', create_goal_from_suggestion.target_date,
            snap.assessment_id, snap.id, create_goal_from_suggestion.domain_id)
    ON CONFLICT (assessment_snapshot_id, capability_domain_id) WHERE status IN ('not_started', 'in_progress')
    DO NOTHING
    RETURNING g.id INTO goal;
    IF goal IS NULL THEN
        SELECT g.id INTO goal FROM innotrue.goals g
         WHERE g.assessment_snapshot_id = snap.id AND g.capability_domain_id = create_goal_from_suggestion.domain_id
           AND g.status IN ('not_started', 'in_progress');
    END IF;
    RETURN goal;
END
$$;
COMMENT ON FUNCTION innotrue.create_goal_from_suggestion(uuid, uuid, text, date) IS
    'Creates the goal a suggestion proposes for the snapshot''s user: category learning, the given title or the suggested one, a description naming the assessment and score, linked to the snapshot, its assessment and the domain. An open goal already linked to the same snapshot and domain is returned instead (nothing changes). Writes as the caller (row-level security applies: a client creates her own goals). Errors: NULL snapshot or domain 22004, unknown or invisible snapshot 22023, domain not of the snapshot''s assessment 22023, domain not scored in the snapshot 55000.';
REVOKE ALL ON FUNCTION innotrue.create_goal_from_suggestion(uuid, uuid, text, date) FROM PUBLIC;

CREATE VIEW innotrue.goal_assessment_progress WITH (security_invoker = true) AS
SELECT g.id AS goal_id, g.user_id, g.title, g.status, g.capability_assessment_id AS assessment_id,
       g.capability_domain_id AS domain_id, d.name AS domain_name,
       innotrue.capability_pass_score(a.scale_min, a.scale_max, a.pass_fail_threshold) AS pass_score,
       g.assessment_snapshot_id AS baseline_snapshot_id, b.average_score AS baseline_score,
       l.id AS latest_snapshot_id, l.completed_at AS latest_completed_at, l.average_score AS latest_score,
       l.average_score - b.average_score AS delta,
       innotrue.capability_score_passes(l.average_score, a.scale_min, a.scale_max, a.pass_fail_threshold) AS latest_passes
  FROM innotrue.goals g
  JOIN innotrue.capability_domains d ON d.id = g.capability_domain_id
  JOIN innotrue.capability_assessments a ON a.id = g.capability_assessment_id
  LEFT JOIN innotrue.capability_snapshots bs ON bs.id = g.assessment_snapshot_id
  LEFT JOIN innotrue.snapshot_domain_ratings b ON b.snapshot_id = bs.id AND b.domain_id = g.capability_domain_id
  LEFT JOIN LATERAL (
      SELECT s.id, s.completed_at, r.average_score
        FROM innotrue.capability_snapshots s
        JOIN innotrue.snapshot_domain_ratings r ON r.snapshot_id = s.id AND r.domain_id = g.capability_domain_id
       WHERE s.user_id = g.user_id AND s.assessment_id = g.capability_assessment_id AND s.status = 'completed'
         AND (bs.id IS NULL OR (s.completed_at > bs.completed_at AND s.is_self_assessment = bs.is_self_assessment))
       ORDER BY s.completed_at DESC, s.id
       LIMIT 1) l ON true;
COMMENT ON VIEW innotrue.goal_assessment_progress IS
    'Progress of each goal linked to a capability domain: the domain score of the snapshot that prompted it (baseline), of the latest later completed snapshot of the same user, assessment and kind (self or evaluator; any completed snapshot when the baseline is gone), their delta and whether the latest reaches the pass mark. Latest columns are NULL until a later snapshot is scored. security_invoker: row-level security applies. docs/assessments.md.';
REVOKE ALL ON innotrue.goal_assessment_progress FROM PUBLIC;

-- Demo content ---------------------------------------------------------------------------------
-- 0.1.0's load_demo_data() is frozen; it keeps its body under a new name and load_demo_data()
-- becomes the list of demo parts, so each later part is one more call.

CREATE FUNCTION innotrue.load_feedback_demo_data()
RETURNS void
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    alice  constant uuid := innotrue.seed_id('demo', 'user/alice');
    bob    constant uuid := innotrue.seed_id('demo', 'user/bob');
    carlos constant uuid := innotrue.seed_id('demo', 'user/carlos');
    scored jsonb;
BEGIN
    -- Session feedback: Carlos to Alice after the deep dive.
    INSERT INTO innotrue.session_feedback (id, user_id, author_id, session_id, rating, body, created_at)
    VALUES (innotrue.seed_id('demo', 'session_feedback/alice-deep-dive'), alice, carlos,
            innotrue.seed_id('demo', 'session/alice-deep-dive'), 4,
            'You explained the landscape clearly. Prepare the identity and sharing story before the board.',
            '2026-01-13 17:00:00+00');

    -- Assessment interpretation: Alice took the Leadership Style Snapshot signed in (scored
    -- through the confidential matrix, stored as her response).
    scored := innotrue.compute_assessment_scores('leadership-style-snapshot',
        '{"q1_new_team": "c", "q2_missed_deadline": "c", "q3_conflict": "c",
          "q4_strategy": "c", "q5_feedback": "c", "q6_success": "c"}', NULL, false);
    INSERT INTO innotrue.assessment_responses (id, definition_id, user_id, answers, dimension_scores, interpretations, created_at)
    VALUES (innotrue.seed_id('demo', 'assessment_response/alice/leadership-style-snapshot'),
            innotrue.seed_id('demo', 'assessment_definition/leadership-style-snapshot'), alice,
            '{"q1_new_team": "c", "q2_missed_deadline": "c", "q3_conflict": "c",
              "q4_strategy": "c", "q5_feedback": "c", "q6_success": "c"}',
            scored -> 'dimension_scores', scored -> 'interpretations', '2026-01-08 19:30:00+00');

    -- A coach comment on Bob's goal, and his own note on it (not feedback).
    INSERT INTO innotrue.goal_comments (user_id, goal_id, author_id, body, created_at)
    VALUES (bob, innotrue.seed_id('demo', 'goal/bob/lead-initiative'), carlos,
            'Pick one team to pilot with and agree what success looks like.', '2026-01-19 09:00:00+00'),
           (bob, innotrue.seed_id('demo', 'goal/bob/lead-initiative'), bob,
            'Talked to two team leads.', '2026-01-20 09:00:00+00');

    -- Alice has read her module feedback and her assessment result, nothing since.
    PERFORM innotrue.mark_feedback_seen(alice, 'module_feedback', '2026-01-15 08:00:00+00');
    PERFORM innotrue.mark_feedback_seen(alice, 'assessment_interpretation', '2026-01-09 08:00:00+00');
END
$$;
COMMENT ON FUNCTION innotrue.load_feedback_demo_data() IS
    'Demo part of 0.2.0 (called by load_demo_data): session feedback, a signed-in assessment response with interpretations, goal comments and read markers, so that the demo users hold an item of every feedback mechanism. Errors: as the inserts (23505 when run twice).';
REVOKE ALL ON FUNCTION innotrue.load_feedback_demo_data() FROM PUBLIC;

ALTER FUNCTION innotrue.load_demo_data() RENAME TO load_demo_data_0_1_0;
COMMENT ON FUNCTION innotrue.load_demo_data_0_1_0() IS
    'The demo content of 0.1.0 (docs/demo.md), unchanged; called first by load_demo_data(). Runs once per database: a second call raises 55000.';

CREATE FUNCTION innotrue.load_demo_data()
RETURNS void
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM innotrue.load_demo_data_0_1_0();
    PERFORM innotrue.load_feedback_demo_data();
END
$$;
COMMENT ON FUNCTION innotrue.load_demo_data() IS
    'Loads the demo platform (docs/demo.md) on top of the reference data: the 0.1.0 content (load_demo_data_0_1_0), then each later part (load_feedback_demo_data). Ids are innotrue.seed_id(''demo'', ''<kind>/<key>''). Runs once per database: a second call raises 55000.';
REVOKE ALL ON FUNCTION innotrue.load_demo_data() FROM PUBLIC;

-- Who may use what (docs/security.md). The views and goal functions run with the caller's rights:
-- row-level security decides the rows.
INSERT INTO innotrue.privilege_decisions (object_type, object_name, user_may, service_may, administrator_may, doc, reason)
VALUES ('table', 'feedback', '{select}', '{select}', '{select}', 'docs/feedback.md', 'a view over tables with row-level security'),
       ('table', 'goal_assessment_progress', '{select}', '{select}', '{select}', 'docs/assessments.md',
        'a view over tables with row-level security'),
       ('table', 'session_feedback', '{select,insert,update,delete}', '{select,insert,update,delete}', '{select}',
        'docs/feedback.md', 'user data: the policies decide the rows'),
       ('table', 'feedback_reads', '{select}', '{select,insert,update,delete}', '{select}', 'docs/feedback.md',
        'users write their markers through my_mark_feedback_seen'),
       ('function', 'my_mark_feedback_seen(text)', '{execute}', '{}', '{}', 'docs/feedback.md', 'current user only'),
       ('function', 'mark_feedback_seen(uuid, text, timestamp with time zone)', '{}', '{execute}', '{}', 'docs/feedback.md',
        'marks any client''s feedback'),
       ('function', 'feedback_mechanisms()', '{execute}', '{execute}', '{execute}', 'docs/feedback.md', 'reference list'),
       ('function', 'suggest_goals_from_snapshot(uuid, integer)', '{execute}', '{execute}', '{execute}', 'docs/assessments.md',
        'caller''s rights: reads only snapshots the caller may read'),
       ('function', 'create_goal_from_suggestion(uuid, uuid, text, date)', '{execute}', '{execute}', '{}', 'docs/assessments.md',
        'caller''s rights: writes a goal the caller may write'),
       ('function', 'capability_pass_score(integer, integer, integer)', '{execute}', '{execute}', '{execute}', 'docs/assessments.md',
        'pure arithmetic'),
       ('function', 'capability_score_passes(numeric, integer, integer, integer)', '{execute}', '{execute}', '{execute}',
        'docs/assessments.md', 'pure arithmetic'),
       ('function', 'capability_goal_title(text, numeric, numeric, integer)', '{execute}', '{execute}', '{execute}',
        'docs/assessments.md', 'pure text'),
       ('function', 'load_feedback_demo_data()', '{}', '{}', '{}', 'docs/demo.md', 'the owner loads the demo'),
       ('function', 'load_demo_data_0_1_0()', '{}', '{}', '{}', 'docs/demo.md', 'the owner loads the demo');
