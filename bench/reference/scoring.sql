-- Plain-SQL reference of innotrue.compute_assessment_scores() (src/scoring.c), used by the
-- differential test (test/differential/scoring) and the benchmark (bench/scripts/scoring_*.sql).
-- Same signature, result, error SQLSTATEs and messages; set-based SQL, no C.
-- Load into a database that has the extension:  psql -f bench/reference/scoring.sql
-- Not part of the extension.

-- The schema is shared with the other references (bench/run loads them all into one database):
-- create it if missing, replace only this file's function.
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS innotrue_ref;
DROP FUNCTION IF EXISTS innotrue_ref.compute_assessment_scores(text, jsonb, text, boolean);
RESET client_min_messages;

CREATE FUNCTION innotrue_ref.compute_assessment_scores(definition text, answers jsonb,
                                                       respondent_email text DEFAULT NULL,
                                                       store boolean DEFAULT true)
RETURNS jsonb
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, innotrue, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    def innotrue.assessment_definitions;
    email text := lower(respondent_email);
    err record;
    missing text;
    scores jsonb;
    interps jsonb;
    uid uuid;
    response uuid;
BEGIN
    IF definition IS NULL OR answers IS NULL OR store IS NULL THEN
        RAISE EXCEPTION 'argument "%" must not be null',
              CASE WHEN definition IS NULL THEN 'definition' WHEN answers IS NULL THEN 'answers' ELSE 'store' END
            USING ERRCODE = '22004';
    END IF;
    IF email IS NOT NULL AND email !~ '^[^@ \t\n\r\v\f]+@[^@ \t\n\r\v\f]+$' THEN
        RAISE EXCEPTION 'invalid respondent e-mail "%"', respondent_email USING ERRCODE = '22023';
    END IF;

    IF definition ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
        SELECT * INTO def FROM innotrue.assessment_definitions d WHERE d.id = definition::uuid;
    END IF;
    IF def.id IS NULL THEN
        SELECT * INTO def FROM innotrue.assessment_definitions d WHERE d.slug = definition;
    END IF;
    IF def.id IS NULL THEN
        RAISE EXCEPTION 'unknown assessment definition "%"', definition USING ERRCODE = '22023';
    END IF;
    IF NOT def.is_active THEN
        RAISE EXCEPTION 'assessment definition "%" is not active', def.slug USING ERRCODE = '22023';
    END IF;
    IF jsonb_typeof(answers) <> 'object' THEN
        RAISE EXCEPTION 'answers must be a JSON object of question keys' USING ERRCODE = '22P02';
    END IF;

    -- The first offending entry in the document's key order (jsonb_each order), then element order.
    WITH a AS (
        SELECT e.key, e.value, e.ord, q.id AS question_id, q.allows_multiple
          FROM jsonb_each(answers) WITH ORDINALITY AS e (key, value, ord)
          LEFT JOIN innotrue.assessment_questions q ON q.definition_id = def.id AND q.key = e.key
    ), elems AS (
        SELECT a.key, a.ord, a.question_id, x.elem, x.pos
          FROM a
          CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(a.value) = 'array' THEN a.value
                                                       ELSE jsonb_build_array(a.value) END)
                     WITH ORDINALITY AS x (elem, pos)
         WHERE a.question_id IS NOT NULL
           AND (jsonb_typeof(a.value) = 'string' OR (jsonb_typeof(a.value) = 'array' AND a.allows_multiple))
    ), problems AS (
        SELECT a.ord, 0::bigint AS pos, '22023' AS state, format('unknown question "%s"', a.key) AS message
          FROM a WHERE a.question_id IS NULL
        UNION ALL
        SELECT a.ord, 0, '22023', format('question "%s" takes a single option, not an array', a.key)
          FROM a WHERE a.question_id IS NOT NULL AND jsonb_typeof(a.value) = 'array' AND NOT a.allows_multiple
        UNION ALL
        SELECT a.ord, 0, '22P02',
               format('answer to question "%s" must be an option key or an array of option keys', a.key)
          FROM a WHERE a.question_id IS NOT NULL AND jsonb_typeof(a.value) NOT IN ('string', 'array')
        UNION ALL
        SELECT e.ord, e.pos,
               CASE WHEN jsonb_typeof(e.elem) <> 'string' THEN '22P02' ELSE '22023' END,
               CASE WHEN jsonb_typeof(e.elem) <> 'string' THEN
                        format('answer to question "%s" must be an option key or an array of option keys', e.key)
                    WHEN EXISTS (SELECT 1 FROM elems p WHERE p.ord = e.ord AND p.pos < e.pos AND p.elem = e.elem)
                         AND EXISTS (SELECT 1 FROM innotrue.assessment_question_options o
                                      WHERE o.question_id = e.question_id AND o.key = e.elem ->> 0) THEN
                        format('duplicate option "%s" for question "%s"', e.elem ->> 0, e.key)
                    WHEN EXISTS (SELECT 1 FROM innotrue.assessment_question_options o
                                  WHERE o.definition_id = def.id AND o.key = e.elem ->> 0) THEN
                        format('option "%s" does not belong to question "%s"', e.elem ->> 0, e.key)
                    ELSE format('unknown option "%s" for question "%s"', e.elem ->> 0, e.key)
               END
          FROM elems e
         WHERE jsonb_typeof(e.elem) <> 'string'
            OR NOT EXISTS (SELECT 1 FROM innotrue.assessment_question_options o
                            WHERE o.question_id = e.question_id AND o.key = e.elem ->> 0)
            OR EXISTS (SELECT 1 FROM elems p WHERE p.ord = e.ord AND p.pos < e.pos AND p.elem = e.elem)
    )
    SELECT p.state, p.message INTO err FROM problems p ORDER BY p.ord, p.pos LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '%', err.message USING ERRCODE = err.state;
    END IF;

    SELECT string_agg(q.key, ', ' ORDER BY q.order_index) INTO missing
      FROM innotrue.assessment_questions q
     WHERE q.definition_id = def.id AND q.is_required
       AND NOT (answers ? q.key AND answers -> q.key <> '[]'::jsonb);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'missing answers to required questions: %', missing USING ERRCODE = '22023';
    END IF;

    WITH chosen AS (
        SELECT o.id
          FROM jsonb_each(answers) AS e (key, value)
          JOIN innotrue.assessment_questions q ON q.definition_id = def.id AND q.key = e.key
          CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(e.value) = 'array' THEN e.value
                                                            ELSE jsonb_build_array(e.value) END) AS x (option_key)
          JOIN innotrue.assessment_question_options o ON o.question_id = q.id AND o.key = x.option_key
    )
    SELECT jsonb_object_agg(d.key, coalesce((SELECT sum(s.score) FROM innotrue.assessment_option_scores s
                                              JOIN chosen c ON c.id = s.option_id
                                             WHERE s.dimension_id = d.id), 0))
      INTO scores
      FROM innotrue.assessment_dimensions d WHERE d.definition_id = def.id;
    scores := coalesce(scores, '{}');

    SELECT jsonb_agg(jsonb_build_object('key', i.key, 'title', i.title, 'body', i.body_text,
                                        'priority', i.priority)
                     ORDER BY i.priority DESC, i.key COLLATE "C")
      INTO interps
      FROM innotrue.assessment_interpretations i
     WHERE i.definition_id = def.id
       AND i.conditions <> '{}'
       AND NOT EXISTS (
           SELECT 1 FROM jsonb_each(i.conditions) AS c (dimension, bounds)
            WHERE NOT scores ? c.dimension
               OR (c.bounds ? 'min' AND (scores ->> c.dimension)::numeric < (c.bounds ->> 'min')::numeric)
               OR (c.bounds ? 'max' AND (scores ->> c.dimension)::numeric > (c.bounds ->> 'max')::numeric));
    interps := coalesce(interps, '[]');

    IF NOT store THEN
        RETURN jsonb_build_object('definition', def.slug, 'dimension_scores', scores, 'interpretations', interps);
    END IF;
    uid := innotrue.current_user_id();
    IF def.requires_email AND uid IS NULL AND email IS NULL THEN
        RAISE EXCEPTION 'assessment definition "%" requires a respondent e-mail', def.slug USING ERRCODE = '22023';
    END IF;
    INSERT INTO innotrue.assessment_responses (definition_id, user_id, respondent_email, answers,
                                               dimension_scores, interpretations)
    VALUES (def.id, uid, email, answers, scores, interps)
    RETURNING id INTO response;
    RETURN jsonb_build_object('definition', def.slug, 'dimension_scores', scores, 'interpretations', interps,
                              'response_id', response);
END
$$;
