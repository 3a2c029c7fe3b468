-- Generators shared by test/differential/scoring (differential test) and
-- test/differential/scoring_fuzz (fuzz test): random assessment definitions and random or
-- malformed answer documents. Loaded into a throwaway database that has the extension.
-- Deterministic for a given setseed(): every iteration is ordered.

CREATE SCHEMA scoring_gen;

-- A random integer in [lo, hi].
CREATE FUNCTION scoring_gen.rnd(lo integer, hi integer) RETURNS integer
LANGUAGE sql VOLATILE AS $$ SELECT lo + floor(random() * (hi - lo + 1))::integer $$;

-- A random element of a text array.
CREATE FUNCTION scoring_gen.pick(items text[]) RETURNS text
LANGUAGE sql VOLATILE AS $$ SELECT items[scoring_gen.rnd(1, cardinality(items))] $$;

-- Creates an active public definition with random questions, options (keys shared between
-- questions, so "option of another question" happens), dimensions, matrix and interpretations.
CREATE FUNCTION scoring_gen.make_definition(slug text, nquestions integer, noptions integer,
                                            ndimensions integer, ninterpretations integer)
RETURNS uuid
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    def uuid;
    q integer;
    o integer;
    d integer;
    i integer;
    qid uuid;
    cond jsonb;
    bounds jsonb;
    lo numeric;
BEGIN
    INSERT INTO innotrue.assessment_definitions (slug, name, assessment_category_id, is_public,
                                                 requires_email, is_active)
    SELECT slug, 'Generated ' || slug, c.id, true, false, true
      FROM innotrue.assessment_categories c ORDER BY c.key LIMIT 1
    RETURNING id INTO def;
    FOR d IN 1..ndimensions LOOP
        INSERT INTO innotrue.assessment_dimensions (definition_id, key, name, order_index)
        VALUES (def, 'd' || d, 'Dimension ' || d, d);
    END LOOP;
    FOR q IN 1..nquestions LOOP
        INSERT INTO innotrue.assessment_questions (definition_id, key, question_text, is_required,
                                                   allows_multiple, order_index)
        VALUES (def, 'q' || q, 'Question ' || q, random() < 0.7, random() < 0.4, nquestions - q)
        RETURNING id INTO qid;
        FOR o IN 1..scoring_gen.rnd(1, noptions) LOOP
            INSERT INTO innotrue.assessment_question_options (question_id, definition_id, key, option_text, order_index)
            VALUES (qid, def, CASE WHEN random() < 0.5 THEN 'o' || o ELSE 'q' || q || '_o' || o END, 'Option', o);
        END LOOP;
    END LOOP;
    INSERT INTO innotrue.assessment_option_scores (option_id, dimension_id, definition_id, score)
    SELECT o.id, dm.id, def, scoring_gen.rnd(-3, 5)
      FROM (SELECT ao.id FROM innotrue.assessment_question_options ao
             WHERE ao.definition_id = def ORDER BY ao.id) o
     CROSS JOIN (SELECT ad.id FROM innotrue.assessment_dimensions ad
                  WHERE ad.definition_id = def ORDER BY ad.id) dm
     WHERE random() < 0.6;
    FOR i IN 1..ninterpretations LOOP
        cond := '{}';
        FOR d IN 1..scoring_gen.rnd(0, 3) LOOP
            bounds := '{}';
            lo := scoring_gen.rnd(-4, 8) + CASE WHEN random() < 0.2 THEN 0.5 ELSE 0 END;
            IF random() < 0.7 THEN
                bounds := bounds || jsonb_build_object('min', lo);
            END IF;
            IF random() < 0.7 THEN
                bounds := bounds || jsonb_build_object('max', lo + scoring_gen.rnd(0, 6));
            END IF;
            cond := cond || jsonb_build_object(CASE WHEN random() < 0.05 THEN 'zz' ELSE 'd' || scoring_gen.rnd(1, ndimensions) END,
                                               bounds);
        END LOOP;
        INSERT INTO innotrue.assessment_interpretations (definition_id, key, title, body_text, conditions, priority)
        VALUES (def, 'i' || i || CASE WHEN random() < 0.5 THEN '_x' ELSE '' END, 'Title ' || i, 'Body ' || i,
                cond, scoring_gen.rnd(-1, 2));
    END LOOP;
    RETURN def;
END
$$;

-- A valid answer document for the definition (most of the time; required questions are skipped
-- now and then, multiple-choice lists may be empty).
CREATE FUNCTION scoring_gen.valid_answers(def uuid) RETURNS jsonb
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    q record;
    doc jsonb := '{}';
    opts text[];
    chosen text[];
    k text;
BEGIN
    FOR q IN SELECT aq.id, aq.key, aq.is_required, aq.allows_multiple
               FROM innotrue.assessment_questions aq WHERE aq.definition_id = def ORDER BY aq.key
    LOOP
        IF random() < (CASE WHEN q.is_required THEN 0.02 ELSE 0.35 END) THEN
            CONTINUE;
        END IF;
        SELECT array_agg(o.key ORDER BY o.key) INTO opts
          FROM innotrue.assessment_question_options o WHERE o.question_id = q.id;
        IF q.allows_multiple THEN
            chosen := '{}';
            FOREACH k IN ARRAY opts LOOP
                IF random() < 0.5 THEN
                    chosen := chosen || k;
                END IF;
            END LOOP;
            IF cardinality(chosen) = 0 AND q.is_required AND random() < 0.9 THEN
                chosen := ARRAY[scoring_gen.pick(opts)];
            END IF;
            IF random() < 0.2 THEN
                doc := doc || jsonb_build_object(q.key, scoring_gen.pick(opts));
            ELSE
                doc := doc || jsonb_build_object(q.key, to_jsonb(chosen));
            END IF;
        ELSE
            doc := doc || jsonb_build_object(q.key, scoring_gen.pick(opts));
        END IF;
    END LOOP;
    RETURN doc;
END
$$;

-- A random JSON value of the given depth: any type, odd strings and numbers.
CREATE FUNCTION scoring_gen.random_json(depth integer) RETURNS jsonb
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    r float8 := random();
    out jsonb;
    n integer;
BEGIN
    IF depth <= 0 OR r < 0.5 THEN
        RETURN CASE scoring_gen.rnd(1, 9)
            WHEN 1 THEN 'null'::jsonb
            WHEN 2 THEN to_jsonb(random() < 0.5)
            WHEN 3 THEN to_jsonb(scoring_gen.rnd(-1000000, 1000000))
            WHEN 4 THEN to_jsonb(random() * 1e300)
            WHEN 5 THEN to_jsonb(repeat('x', scoring_gen.rnd(0, 3000)))
            WHEN 6 THEN to_jsonb('é🙂' || chr(scoring_gen.rnd(1, 55000)))
            WHEN 7 THEN to_jsonb(''::text)
            WHEN 8 THEN to_jsonb('q' || scoring_gen.rnd(1, 12))
            ELSE to_jsonb('o' || scoring_gen.rnd(1, 5))
        END;
    END IF;
    n := scoring_gen.rnd(0, 4);
    IF r < 0.75 THEN
        SELECT coalesce(jsonb_agg(scoring_gen.random_json(depth - 1)), '[]') INTO out FROM generate_series(1, n);
    ELSE
        SELECT coalesce(jsonb_object_agg(scoring_gen.pick(ARRAY['q1', 'q2', 'q3', 'x', '', 'Q1', 'o1']) || g,
                                         scoring_gen.random_json(depth - 1)), '{}')
          INTO out FROM generate_series(1, n) g;
    END IF;
    RETURN out;
END
$$;

-- A valid document with one random defect (or a few): unknown question, unknown or foreign
-- option, duplicate, array for single choice, wrong JSON types, nesting, non-object documents.
CREATE FUNCTION scoring_gen.mutated_answers(def uuid) RETURNS jsonb
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    doc jsonb := scoring_gen.valid_answers(def);
    keys text[];
    k text;
    v jsonb;
    m integer;
BEGIN
    FOR m IN 1..scoring_gen.rnd(1, 3) LOOP
        SELECT array_agg(x ORDER BY x) INTO keys FROM jsonb_object_keys(doc) x;
        k := CASE WHEN keys IS NULL THEN 'q1' ELSE scoring_gen.pick(keys) END;
        v := doc -> k;
        CASE scoring_gen.rnd(1, 11)
            WHEN 1 THEN doc := doc || jsonb_build_object('q' || scoring_gen.rnd(20, 99), 'o1');
            WHEN 2 THEN doc := doc || jsonb_build_object(k, 'nope' || scoring_gen.rnd(1, 3));
            WHEN 3 THEN doc := doc || jsonb_build_object(k, 'o' || scoring_gen.rnd(1, 5));
            WHEN 4 THEN doc := doc || jsonb_build_object(k, CASE WHEN jsonb_typeof(v) = 'array' THEN v || v
                                                                   ELSE jsonb_build_array(v, v) END);
            WHEN 5 THEN doc := doc || jsonb_build_object(k, jsonb_build_array(coalesce(v, '"o1"')));
            WHEN 6 THEN doc := doc || jsonb_build_object(k, scoring_gen.random_json(2));
            WHEN 7 THEN doc := doc - k;
            WHEN 8 THEN doc := doc || jsonb_build_object(k, '[]'::jsonb);
            WHEN 9 THEN doc := doc || jsonb_build_object(k, jsonb_build_array('o1', scoring_gen.random_json(1)));
            WHEN 10 THEN doc := doc || jsonb_build_object(scoring_gen.pick(ARRAY['', 'Q1', 'q1 ', 'é']), v);
            ELSE doc := CASE scoring_gen.rnd(1, 4) WHEN 1 THEN '{}'::jsonb WHEN 2 THEN coalesce(to_jsonb(keys), '[]')
                             WHEN 3 THEN scoring_gen.random_json(3) ELSE 'null'::jsonb END;
        END CASE;
        IF jsonb_typeof(doc) <> 'object' THEN
            EXIT;
        END IF;
    END LOOP;
    RETURN doc;
END
$$;
