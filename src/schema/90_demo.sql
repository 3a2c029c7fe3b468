-- innotrue: demo content. Never run by the install script: innotrue.load_demo_data() builds a
-- small, complete platform on top of the reference data, following the configuration guide's
-- "Data Population Plan" steps 3-8, so that every line of the Quick Reference checklist is met and
-- scripts/demo can walk the Verification Checklist. What it creates and who the demo users are:
-- docs/demo.md.
--
-- Ids are fixed and readable: innotrue.seed_id('demo', '<kind>/<key>'), e.g.
-- innotrue.seed_id('demo', 'user/alice'), so a walk-through or a test can name people and things.
-- The function refuses to run a second time (SQLSTATE 55000): start over with
-- DROP EXTENSION innotrue CASCADE; CREATE EXTENSION innotrue;.
--
-- Order matters: objects that go live (programs, capability assessments, assessment definitions)
-- are created inactive, completed with their children and activated last, and rows with a status
-- flow are inserted in their initial state and moved through legal transitions
-- (src/schema/68_layers.sql), so every rule holds at each step and at commit.

CREATE FUNCTION innotrue.load_demo_data()
RETURNS void
LANGUAGE plpgsql
VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, innotrue, pg_temp
AS $demo$
DECLARE
    -- People
    ada     constant uuid := innotrue.seed_id('demo', 'user/ada');
    carlos  constant uuid := innotrue.seed_id('demo', 'user/carlos');
    irene   constant uuid := innotrue.seed_id('demo', 'user/irene');
    alice   constant uuid := innotrue.seed_id('demo', 'user/alice');
    bob     constant uuid := innotrue.seed_id('demo', 'user/bob');
    dana    constant uuid := innotrue.seed_id('demo', 'user/dana');
    olivia  constant uuid := innotrue.seed_id('demo', 'user/olivia');
    -- Configuration
    cap     constant uuid := innotrue.seed_id('demo', 'capability_assessment/architecture-self-knowledge-check');
    def     constant uuid := innotrue.seed_id('demo', 'assessment_definition/leadership-style-snapshot');
    tpl     constant uuid := innotrue.seed_id('demo', 'scenario_template/stakeholder-conflict-review');
    cta     constant uuid := innotrue.seed_id('demo', 'program/cta-immersion-premium');
    lead    constant uuid := innotrue.seed_id('demo', 'program/leadership-foundations');
    acme    constant uuid := innotrue.seed_id('demo', 'organization/acme-consulting');
    -- Activity
    alice_cta  uuid;
    bob_lead   constant uuid := innotrue.seed_id('demo', 'enrollment/bob/leadership-foundations');
    snap       constant uuid := innotrue.seed_id('demo', 'capability_snapshot/alice/1');
    adr        constant uuid := innotrue.seed_id('demo', 'module_assignment/alice/architecture-decision-record');
    coaching   constant uuid := innotrue.seed_id('demo', 'session/alice-deep-dive');
    board      constant uuid := innotrue.seed_id('demo', 'session/cta-mock-board');
    scen       constant uuid := innotrue.seed_id('demo', 'scenario_assignment/alice/stakeholder-conflict-review');
    goal       constant uuid := innotrue.seed_id('demo', 'goal/alice/pass-cta-board');
BEGIN
    IF EXISTS (SELECT 1 FROM innotrue.profiles p WHERE p.id = ada) THEN
        RAISE EXCEPTION 'demo data is already loaded'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'The demo admin ada@demo.innotrue.com (innotrue.seed_id(''demo'', ''user/ada'')) exists.',
                  HINT = 'load_demo_data() runs once per database; to start over: DROP EXTENSION innotrue CASCADE; CREATE EXTENSION innotrue;';
    END IF;

    -- Step 3: assessments -------------------------------------------------------------------

    -- A. Capability assessment: family, assessment (inactive until complete), domains, questions.
    INSERT INTO innotrue.assessment_families (id, key, name, description, assessment_category_id)
    VALUES (innotrue.seed_id('demo', 'assessment_family/architecture_readiness'), 'architecture_readiness',
            'Architecture Readiness', 'Self-assessments on the way to the CTA review board',
            innotrue.seed_id('assessment_categories', 'aptitude'));

    INSERT INTO innotrue.capability_assessments
        (id, slug, name, description, instructions, assessment_category_id, family_id, mode, scale_min, scale_max,
         pass_fail_enabled, pass_fail_mode, pass_fail_threshold)
    VALUES (cap, 'architecture-self-knowledge-check', 'Architecture Self Knowledge Check',
            'Rate your confidence across the competency domains of the CTA review board.',
            'Move each slider from 1 (new to me) to 5 (I could teach it).',
            innotrue.seed_id('assessment_categories', 'aptitude'),
            innotrue.seed_id('demo', 'assessment_family/architecture_readiness'),
            'self', 1, 5, true, 'overall', 60);

    INSERT INTO innotrue.capability_domains (id, assessment_id, name, description, order_index)
    SELECT innotrue.seed_id('demo', 'capability_domain/' || v.key), cap, v.name, v.description, v.ord
    FROM (VALUES
        ('system_architecture', 'System Architecture', 'Structuring systems, integration and data', 1),
        ('security_identity', 'Security & Identity', 'Authentication, authorization and data protection', 2),
        ('communication', 'Communication', 'Presenting and defending an architecture', 3)
    ) AS v (key, name, description, ord);

    INSERT INTO innotrue.capability_domain_questions (id, domain_id, assessment_id, question_text, order_index)
    SELECT innotrue.seed_id('demo', 'capability_question/' || v.domain || '/' || v.ord),
           innotrue.seed_id('demo', 'capability_domain/' || v.domain), cap, v.question, v.ord
    FROM (VALUES
        ('system_architecture', 1, 'I can choose between synchronous and asynchronous integration for a given scenario.'),
        ('system_architecture', 2, 'I can design a data model that scales to millions of records.'),
        ('system_architecture', 3, 'I can explain the trade-offs of a multi-org strategy.'),
        ('security_identity', 1, 'I can design single sign-on across several identity providers.'),
        ('security_identity', 2, 'I can design a sharing model for confidential records.'),
        ('security_identity', 3, 'I can secure an integration user and its credentials.'),
        ('communication', 1, 'I can present an end-to-end solution in 45 minutes.'),
        ('communication', 2, 'I can defend a decision when a board member challenges it.'),
        ('communication', 3, 'I can draw a clear system landscape diagram under time pressure.')
    ) AS v (domain, ord, question);

    UPDATE innotrue.capability_assessments SET is_active = true WHERE id = cap;

    -- B. Public assessment definition: dimensions, questions with options, the complete scoring
    -- matrix (every option scores), interpretations; activated once complete.
    INSERT INTO innotrue.assessment_definitions
        (id, slug, name, description, instructions, assessment_category_id, is_public, requires_email)
    VALUES (def, 'leadership-style-snapshot', 'Leadership Style Snapshot',
            'Six questions that show whether you lead through vision, empathy or execution.',
            'Pick the answer closest to what you would actually do.',
            innotrue.seed_id('assessment_categories', 'leadership'), true, true);

    INSERT INTO innotrue.assessment_dimensions (id, definition_id, key, name, description, order_index)
    SELECT innotrue.seed_id('demo', 'assessment_dimension/' || v.key), def, v.key, v.name, v.description, v.ord
    FROM (VALUES
        ('vision', 'Vision', 'Sets direction and explains the why', 1),
        ('empathy', 'Empathy', 'Builds trust and reads the room', 2),
        ('execution', 'Execution', 'Turns plans into results', 3)
    ) AS v (key, name, description, ord);

    INSERT INTO innotrue.assessment_questions (id, definition_id, key, question_text, order_index)
    SELECT innotrue.seed_id('demo', 'assessment_question/' || v.key), def, v.key, v.question, v.ord
    FROM (VALUES
        ('q1_new_team', 'You take over a new team. What do you do first?', 1),
        ('q2_missed_deadline', 'A key deliverable will miss its deadline. You...', 2),
        ('q3_conflict', 'Two senior people disagree in a meeting. You...', 3),
        ('q4_strategy', 'Leadership asks for next year''s plan. You start with...', 4),
        ('q5_feedback', 'A team member''s work is below expectations. You...', 5),
        ('q6_success', 'Your team ships a big release. You...', 6)
    ) AS v (key, question, ord);

    -- Every question offers one answer per style: a = vision, b = empathy, c = execution.
    INSERT INTO innotrue.assessment_question_options (id, question_id, definition_id, key, option_text, order_index)
    SELECT innotrue.seed_id('demo', 'assessment_option/' || v.question || '/' || v.key),
           innotrue.seed_id('demo', 'assessment_question/' || v.question), def, v.key, v.option_text, v.ord
    FROM (VALUES
        ('q1_new_team', 'a', 'Share where we are heading and why', 1),
        ('q1_new_team', 'b', 'Meet everyone one to one', 2),
        ('q1_new_team', 'c', 'Review the backlog and deadlines', 3),
        ('q2_missed_deadline', 'a', 'Re-explain the goal and cut scope to what matters', 1),
        ('q2_missed_deadline', 'b', 'Ask the team what is blocking them', 2),
        ('q2_missed_deadline', 'c', 'Re-plan the work and track it daily', 3),
        ('q3_conflict', 'a', 'Bring both back to the shared objective', 1),
        ('q3_conflict', 'b', 'Make sure both feel heard before deciding', 2),
        ('q3_conflict', 'c', 'Decide and move on', 3),
        ('q4_strategy', 'a', 'A picture of where we want to be', 1),
        ('q4_strategy', 'b', 'What customers and the team need', 2),
        ('q4_strategy', 'c', 'Capacity, milestones and budget', 3),
        ('q5_feedback', 'a', 'Connect their work to the bigger picture', 1),
        ('q5_feedback', 'b', 'Ask how they are doing and offer support', 2),
        ('q5_feedback', 'c', 'Agree concrete targets and check-ins', 3),
        ('q6_success', 'a', 'Tell the story of what it means for the company', 1),
        ('q6_success', 'b', 'Thank each person for their part', 2),
        ('q6_success', 'c', 'Run a retrospective and plan the next release', 3)
    ) AS v (question, key, option_text, ord);

    -- Scoring matrix: an option adds 2 to its style and 1 to the style next to it (a->b, b->c, c->a).
    INSERT INTO innotrue.assessment_option_scores (option_id, dimension_id, definition_id, score)
    SELECT o.id, innotrue.seed_id('demo', 'assessment_dimension/' || s.dimension), def, s.score
      FROM innotrue.assessment_question_options o
      JOIN (VALUES ('a', 'vision', 2), ('a', 'empathy', 1),
                   ('b', 'empathy', 2), ('b', 'execution', 1),
                   ('c', 'execution', 2), ('c', 'vision', 1)) AS s (option_key, dimension, score)
        ON s.option_key = o.key
     WHERE o.definition_id = def;

    INSERT INTO innotrue.assessment_interpretations (definition_id, key, title, body_text, conditions, priority)
    VALUES
        (def, 'visionary', 'The Visionary', 'You lead by giving people a direction worth following. Pair it with regular check-ins so the vision turns into delivery.',
         '{"vision": {"min": 9}}', 30),
        (def, 'connector', 'The Connector', 'You lead through trust and attention to people. Make sure decisions still get made on time.',
         '{"empathy": {"min": 9}}', 30),
        (def, 'driver', 'The Driver', 'You lead by getting things done. Explain the why more often and invite dissent early.',
         '{"execution": {"min": 9}}', 30),
        (def, 'balanced', 'The Balanced Leader', 'You switch between direction, people and delivery as the situation needs.',
         '{"vision": {"min": 4, "max": 8}, "empathy": {"min": 4, "max": 8}, "execution": {"min": 4, "max": 8}}', 10);

    UPDATE innotrue.assessment_definitions SET is_active = true WHERE id = def;

    -- C. Psychometric catalog: one entry gated by a feature.
    INSERT INTO innotrue.psychometric_assessments
        (id, slug, name, provider, description, assessment_category_id, cost_cents, external_url, feature_key)
    SELECT innotrue.seed_id('demo', 'psychometric_assessment/' || v.slug), v.slug, v.name, v.provider, v.description,
           innotrue.seed_id('assessment_categories', v.category), v.cost, v.url, v.feature_key
    FROM (VALUES
        ('disc-profile', 'DISC Profile', 'Wiley', 'Behavioural style in four dimensions', 'personality', 9900,
         'https://www.discprofile.com/', NULL),
        ('hogan-leadership-forecast', 'Hogan Leadership Forecast', 'Hogan Assessments',
         'Leadership strengths, derailers and values', 'leadership', 25000, 'https://www.hoganassessments.com/', 'assessments'),
        ('cliftonstrengths', 'CliftonStrengths', 'Gallup', 'Your top talent themes', 'career', 5999,
         'https://www.gallup.com/cliftonstrengths/', NULL)
    ) AS v (slug, name, provider, description, category, cost, url, feature_key);

    -- Step 4: scenarios ---------------------------------------------------------------------
    INSERT INTO innotrue.scenario_categories (id, key, name, description, color, display_order)
    SELECT innotrue.seed_id('demo', 'scenario_category/' || v.key), v.key, v.name, v.description, v.color, v.ord
    FROM (VALUES
        ('technical_decisions', 'Technical Decision-Making', 'Choosing and defending an architecture', '#2563eb', 1),
        ('leadership_challenges', 'Leadership Challenges', 'People, conflict and influence', '#16a34a', 2)
    ) AS v (key, name, description, color, ord);

    INSERT INTO innotrue.scenario_templates (id, slug, title, description, category_id, capability_assessment_id, created_by)
    VALUES (tpl, 'stakeholder-conflict-review', 'Stakeholder Conflict in an Architecture Review',
            'A steering committee disagrees about the integration strategy two weeks before go-live.',
            innotrue.seed_id('demo', 'scenario_category/technical_decisions'), cap, irene);

    INSERT INTO innotrue.scenario_sections (id, template_id, title, section_type, instructions, order_index)
    SELECT innotrue.seed_id('demo', 'scenario_section/' || v.key), tpl, v.title, v.section_type, v.instructions, v.ord
    FROM (VALUES
        ('context', 'The situation', 'context', 'Read the background carefully.', 1),
        ('task', 'Your recommendation', 'task', 'Answer each paragraph in your own words.', 2),
        ('reflection', 'Looking back', 'reflection', 'Reflect on how you handled the pressure.', 3)
    ) AS v (key, title, section_type, instructions, ord);

    INSERT INTO innotrue.section_paragraphs (id, section_id, template_id, content, order_index)
    SELECT innotrue.seed_id('demo', 'scenario_paragraph/' || v.section || '/' || v.ord),
           innotrue.seed_id('demo', 'scenario_section/' || v.section), tpl, v.content, v.ord
    FROM (VALUES
        ('context', 1, 'The CFO wants a nightly batch integration with the ERP; the sales director needs orders in real time.'),
        ('context', 2, 'The security officer has not approved any integration user yet.'),
        ('task', 1, 'Which integration pattern do you recommend, and why?'),
        ('task', 2, 'How do you secure the integration user and its credentials?'),
        ('reflection', 1, 'What would you do differently in front of the real board?')
    ) AS v (section, ord, content);

    -- Paragraph-question links: the task paragraphs are scored against capability questions.
    INSERT INTO innotrue.paragraph_question_links (paragraph_id, question_id)
    VALUES (innotrue.seed_id('demo', 'scenario_paragraph/task/1'), innotrue.seed_id('demo', 'capability_question/system_architecture/1')),
           (innotrue.seed_id('demo', 'scenario_paragraph/task/2'), innotrue.seed_id('demo', 'capability_question/security_identity/3'));

    -- Finalised: lock it (sections and paragraphs can no longer change).
    UPDATE innotrue.scenario_templates SET is_locked = true WHERE id = tpl;

    -- Step 5: resource library --------------------------------------------------------------
    INSERT INTO innotrue.resource_categories (id, key, name, description, display_order)
    SELECT innotrue.seed_id('demo', 'resource_category/' || v.key), v.key, v.name, v.description, v.ord
    FROM (VALUES
        ('guides', 'Guides', 'Handbooks and how-tos', 1),
        ('templates', 'Templates', 'Fill-in documents', 2),
        ('recordings', 'Recordings', 'Videos of sessions and walkthroughs', 3)
    ) AS v (key, name, description, ord);

    INSERT INTO innotrue.skills (id, key, name)
    SELECT innotrue.seed_id('demo', 'skill/' || v.key), v.key, v.name
    FROM (VALUES
        ('solution_architecture', 'Solution Architecture'),
        ('security', 'Security'),
        ('stakeholder_management', 'Stakeholder Management')
    ) AS v (key, name);

    -- Creators are plain uuids (configuration rows never reference users): Ada uploads the
    -- library, Carlos keeps a private working note.
    INSERT INTO innotrue.resource_library
        (id, title, description, resource_type, url, storage_path, category_id, visibility, is_downloadable,
         is_consumable, credit_cost, feature_key, min_plan_tier, created_by)
    SELECT innotrue.seed_id('demo', 'resource/' || v.key), v.title, v.description, v.resource_type, v.url, v.storage_path,
           innotrue.seed_id('demo', 'resource_category/' || v.category), v.visibility, v.downloadable,
           v.consumable, v.credit_cost, v.feature_key, v.min_tier, v.creator
    FROM (VALUES
        ('review-board-handbook', 'CTA Review Board Handbook', 'How the board works, what it scores, how to prepare',
         'document', NULL, 'cta/review-board-handbook.pdf', 'guides', 'enrolled', true, false, NULL::integer, NULL, NULL::integer, ada),
        ('adr-template', 'Architecture Decision Record Template', 'One page per decision: context, decision, consequences',
         'template', NULL, 'cta/adr-template.docx', 'templates', 'enrolled', true, false, NULL, NULL, NULL, ada),
        ('security-deep-dive', 'Security & Identity Deep Dive', 'Recorded masterclass on identity architecture (premium tier)',
         'video', 'https://videos.demo.innotrue.com/security-deep-dive', NULL, 'recordings', 'enrolled', false, false, NULL, NULL, NULL, ada),
        ('stakeholder-cheatsheet', 'Stakeholder Mapping Cheatsheet', 'Power/interest grid on one page',
         'cheatsheet', 'https://docs.demo.innotrue.com/stakeholder-cheatsheet', NULL, 'guides', 'public', false, false, NULL, NULL, NULL, ada),
        ('leadership-journal', 'Leadership Reflection Journal', 'Weekly prompts for leaders',
         'document', NULL, 'leadership/reflection-journal.pdf', 'templates', 'public', true, false, NULL, NULL, NULL, ada),
        ('leadership-reading-list', 'Leadership Reading List', 'Curated articles for the Leadership Foundations program',
         'link', 'https://docs.demo.innotrue.com/leadership-reading-list', NULL, 'guides', 'enrolled', false, false, NULL, NULL, NULL, ada),
        ('mock-board-walkthrough', 'Mock Review Board Walkthrough', 'Full recording of a mock board with the evaluators'' debrief (costs credits)',
         'video', 'https://videos.demo.innotrue.com/mock-board-walkthrough', NULL, 'recordings', 'public', false, true, 15, 'resource_library', 1, ada),
        ('coach-notes-draft', 'Coaching Notes (draft)', 'Carlos''s private working notes',
         'report', NULL, 'coaches/carlos/notes-draft.pdf', 'guides', 'private', false, false, NULL, NULL, NULL, carlos)
    ) AS v (key, title, description, resource_type, url, storage_path, category, visibility, downloadable,
            consumable, credit_cost, feature_key, min_tier, creator);

    INSERT INTO innotrue.resource_library_skills (resource_id, skill_id)
    SELECT innotrue.seed_id('demo', 'resource/' || v.resource), innotrue.seed_id('demo', 'skill/' || v.skill)
    FROM (VALUES
        ('review-board-handbook', 'solution_architecture'),
        ('adr-template', 'solution_architecture'),
        ('security-deep-dive', 'security'),
        ('stakeholder-cheatsheet', 'stakeholder_management'),
        ('mock-board-walkthrough', 'solution_architecture'),
        ('leadership-reading-list', 'stakeholder_management')
    ) AS v (resource, skill);

    INSERT INTO innotrue.resource_collections (id, key, name, description)
    VALUES (innotrue.seed_id('demo', 'resource_collection/cta_starter_kit'), 'cta_starter_kit', 'CTA Starter Kit',
            'Read these first, in this order');
    INSERT INTO innotrue.resource_collection_items (collection_id, resource_id, order_index)
    SELECT innotrue.seed_id('demo', 'resource_collection/cta_starter_kit'), innotrue.seed_id('demo', 'resource/' || v.resource), v.ord
    FROM (VALUES ('review-board-handbook', 1), ('adr-template', 2), ('stakeholder-cheatsheet', 3)) AS v (resource, ord);

    -- Step 7 (no dependencies on programs, so here): coach feedback templates.
    INSERT INTO innotrue.module_feedback_templates (id, key, name, description, structure)
    VALUES
        (innotrue.seed_id('demo', 'module_feedback_template/module_review'), 'module_review', 'Module Review',
         'Structured feedback after a module',
         '{"sections": [{"key": "strengths", "label": "What went well"}, {"key": "improvements", "label": "What to improve"}, {"key": "next_steps", "label": "Next steps"}]}'),
        (innotrue.seed_id('demo', 'module_feedback_template/session_debrief'), 'session_debrief', 'Session Debrief',
         'Short debrief after a live session',
         '{"sections": [{"key": "summary", "label": "Summary"}, {"key": "rating", "label": "Readiness (1-5)", "type": "scale", "min": 1, "max": 5}]}');

    -- Step 6: programs ------------------------------------------------------------------------

    -- Program plans (guide 4.1/4.2) with their features. Beyond the guide's ai_coach and
    -- session_coaching rows they grant the in-program features no subscription plan grants.
    INSERT INTO innotrue.program_plans (id, key, name, description, tier_level, credit_allowance)
    SELECT innotrue.seed_id('demo', 'program_plan/' || v.key), v.key, v.name, v.description, v.tier, v.credits
    FROM (VALUES
        ('basic_access', 'Basic Access', 'Minimal in-program features', 0, 0),
        ('standard_access', 'Standard Access', 'Standard features + some AI', 1, 50),
        ('premium_access', 'Premium Access', 'Full features + coaching', 2, 100)
    ) AS v (key, name, description, tier, credits);

    INSERT INTO innotrue.program_plan_features (program_plan_id, feature_id, limit_value)
    SELECT innotrue.seed_id('demo', 'program_plan/' || g.plan), f.id, g.limit_value
    FROM (VALUES
        ('basic_access', 'ai_coach', 5), ('basic_access', 'session_coaching', 0),
        ('standard_access', 'ai_coach', 20), ('standard_access', 'session_coaching', 2),
        ('standard_access', 'ai_insights', 20), ('standard_access', 'session_group', 2),
        ('standard_access', 'session_workshop', 2),
        ('premium_access', 'ai_coach', 50), ('premium_access', 'session_coaching', 5),
        ('premium_access', 'ai_insights', 50), ('premium_access', 'ai_recommendations', 50),
        ('premium_access', 'session_group', 5), ('premium_access', 'session_workshop', 5),
        ('premium_access', 'session_peer_coaching', 4)
    ) AS g (plan, feature, limit_value)
    JOIN innotrue.features f ON f.key = g.feature
    UNION ALL
    SELECT innotrue.seed_id('demo', 'program_plan/' || g.plan), f.id, NULL
    FROM (VALUES
        ('basic_access', ARRAY['programs', 'courses', 'guided_paths', 'development_items', 'development_timeline', 'certificates']),
        ('standard_access', ARRAY['programs', 'courses', 'guided_paths', 'development_items', 'development_timeline', 'certificates',
                                  'feedback_reviews', 'groups', 'services', 'sf_cta_rbm_full_asynch']),
        ('premium_access', ARRAY['programs', 'courses', 'guided_paths', 'development_items', 'development_timeline', 'certificates',
                                 'feedback_reviews', 'groups', 'services', 'sf_cta_rbm_full_asynch', 'sf_cta_rbm_full_live',
                                 'learning_analytics', 'development_profile', 'export_reports'])
    ) AS g (plan, feature_keys)
    CROSS JOIN LATERAL unnest(g.feature_keys) AS k (feature_key)
    JOIN innotrue.features f ON f.key = k.feature_key;

    -- Track features and an add-on cover the rest of the catalogue.
    INSERT INTO innotrue.track_features (track_id, feature_id, limit_value)
    SELECT innotrue.seed_id('tracks', v.track), innotrue.seed_id('features', v.feature), NULL
    FROM (VALUES ('cta', 'courses_free'), ('cta', 'sf_cta_rbm_full_asynch'),
                 ('leadership', 'decision_toolkit_basic'), ('leadership', 'external_courses')) AS v (track, feature);

    INSERT INTO innotrue.add_ons (id, key, name, description)
    VALUES (innotrue.seed_id('demo', 'add_on/coach_toolkit'), 'coach_toolkit', 'Coach Toolkit',
            'Dashboard and reporting for coaches, granted by an admin');
    INSERT INTO innotrue.add_on_features (add_on_id, feature_id, limit_value)
    SELECT innotrue.seed_id('demo', 'add_on/coach_toolkit'), innotrue.seed_id('features', k), NULL
      FROM unnest(ARRAY['coach_dashboard', 'feedback_reviews', 'export_reports']) AS k;

    -- Assignment types: the JSON structure is the form the client fills in.
    INSERT INTO innotrue.module_assignment_types (id, key, name, description, structure, scoring_assessment_id)
    VALUES
        (innotrue.seed_id('demo', 'assignment_type/architecture_decision_record'), 'architecture_decision_record',
         'Architecture Decision Record', 'Document one architecture decision',
         '{"fields": [{"key": "context", "label": "Context", "type": "textarea", "required": true},
                      {"key": "decision", "label": "Decision", "type": "textarea", "required": true},
                      {"key": "consequences", "label": "Consequences", "type": "textarea", "required": true},
                      {"key": "diagram", "label": "Diagram", "type": "file", "required": false}]}', cap),
        (innotrue.seed_id('demo', 'assignment_type/stakeholder_map'), 'stakeholder_map',
         'Stakeholder Map', 'Map the stakeholders of a change you lead',
         '{"fields": [{"key": "initiative", "label": "Initiative", "type": "text", "required": true},
                      {"key": "stakeholders", "label": "Stakeholders (power / interest)", "type": "textarea", "required": true},
                      {"key": "plan", "label": "Engagement plan", "type": "textarea", "required": true}]}', NULL);

    -- Programs start inactive; they go live below once their modules are linked.
    INSERT INTO innotrue.programs (id, slug, name, description, track_id, credit_cost, min_plan_tier, default_program_plan_id)
    VALUES
        (cta, 'cta-immersion-premium', 'CTA Immersion Premium',
         'Twelve weeks to the Certified Technology Architect review board: self-assessment, coaching, ADRs and a mock board.',
         innotrue.seed_id('tracks', 'cta'), 100, 2, innotrue.seed_id('demo', 'program_plan/standard_access')),
        (lead, 'leadership-foundations', 'Leadership Foundations',
         'Six weeks on leading people and change, with group coaching.',
         innotrue.seed_id('tracks', 'leadership'), 25, 1, innotrue.seed_id('demo', 'program_plan/basic_access'));

    INSERT INTO innotrue.program_tier_plans (program_id, tier_name, program_plan_id, credit_cost)
    SELECT cta, v.tier, innotrue.seed_id('demo', 'program_plan/' || v.plan), v.cost
    FROM (VALUES ('base', 'basic_access', 50), ('pro', 'standard_access', 75), ('premium', 'premium_access', 100)) AS v (tier, plan, cost);

    -- Modules of every type. Session modules name their session type, the content module of each
    -- program links the capability assessment.
    INSERT INTO innotrue.program_modules
        (id, program_id, title, description, module_type, order_index, estimated_minutes, feature_key, min_plan_tier,
         capability_assessment_id, session_type_id)
    SELECT innotrue.seed_id('demo', 'module/' || v.program || '/' || v.ord),
           innotrue.seed_id('demo', 'program/' || v.program), v.title, v.description, v.module_type, v.ord, v.minutes,
           v.feature_key, v.min_tier, CASE WHEN v.with_assessment THEN cap END,
           innotrue.seed_id('session_types', v.session_type)
    FROM (VALUES
        ('cta-immersion-premium', 1, 'Welcome & Self-Assessment', 'Orientation and the Architecture Self Knowledge Check',
         'content', 30, NULL, NULL::integer, true, NULL),
        ('cta-immersion-premium', 2, 'Architecture Deep Dive', '1:1 coaching on your system landscape',
         'session', 90, 'session_coaching', NULL, false, 'coaching'),
        ('cta-immersion-premium', 3, 'Review Board Handbook', 'How the board works and what it scores',
         'resource', 45, NULL, NULL, false, NULL),
        ('cta-immersion-premium', 4, 'Architecture Decision Record', 'Write and submit one ADR',
         'assignment', 120, NULL, NULL, true, NULL),
        ('cta-immersion-premium', 5, 'Mock Review Board', 'Present to three evaluators',
         'session', 60, 'session_review_board', 2, false, 'review_board_mock'),
        ('cta-immersion-premium', 6, 'Lessons from the Board', 'Reflect on the mock board',
         'reflection', 30, NULL, NULL, false, NULL),
        ('leadership-foundations', 1, 'Your Leadership Style', 'Take the Leadership Style Snapshot',
         'content', 20, NULL, NULL, false, NULL),
        ('leadership-foundations', 2, 'Group Coaching Circle', 'Bi-weekly group coaching',
         'session', 90, 'session_group', NULL, false, 'group_coaching'),
        ('leadership-foundations', 3, 'Stakeholder Map', 'Map the stakeholders of a change you lead',
         'assignment', 60, NULL, NULL, false, NULL),
        ('leadership-foundations', 4, 'Leadership Reading', 'Articles to read before the circle',
         'resource', 60, NULL, NULL, false, NULL),
        ('leadership-foundations', 5, 'Leadership Journal', 'Weekly reflection prompts',
         'reflection', 15, NULL, NULL, false, NULL)
    ) AS v (program, ord, title, description, module_type, minutes, feature_key, min_tier, with_assessment, session_type);

    INSERT INTO innotrue.module_assignment_configs (module_id, assignment_type_id)
    VALUES (innotrue.seed_id('demo', 'module/cta-immersion-premium/4'), innotrue.seed_id('demo', 'assignment_type/architecture_decision_record')),
           (innotrue.seed_id('demo', 'module/leadership-foundations/3'), innotrue.seed_id('demo', 'assignment_type/stakeholder_map'));

    INSERT INTO innotrue.module_client_content_resources (module_id, resource_id, section_type, order_index)
    SELECT innotrue.seed_id('demo', 'module/' || v.module), innotrue.seed_id('demo', 'resource/' || v.resource), v.section_type, v.ord
    FROM (VALUES
        ('cta-immersion-premium/1', 'stakeholder-cheatsheet', 'context', 1),
        ('cta-immersion-premium/3', 'review-board-handbook', 'context', 1),
        ('cta-immersion-premium/3', 'adr-template', 'during', 2),
        ('cta-immersion-premium/3', 'security-deep-dive', 'during', 3),
        ('leadership-foundations/4', 'leadership-reading-list', 'context', 1),
        ('leadership-foundations/4', 'stakeholder-cheatsheet', 'during', 2)
    ) AS v (module, resource, section_type, ord);

    INSERT INTO innotrue.module_reflection_resources (module_id, resource_id, prompt, order_index)
    VALUES (innotrue.seed_id('demo', 'module/cta-immersion-premium/6'), innotrue.seed_id('demo', 'resource/mock-board-walkthrough'),
            'Which question of the board surprised you most, and how would you answer it now?', 1),
           (innotrue.seed_id('demo', 'module/leadership-foundations/5'), innotrue.seed_id('demo', 'resource/leadership-journal'),
            'Where did you lead through vision, empathy or execution this week?', 1);

    -- Resource access: enrolled-only resources are linked to their program; the deep dive is for
    -- the premium tier of the CTA program only.
    INSERT INTO innotrue.resource_library_programs (resource_id, program_id)
    SELECT innotrue.seed_id('demo', 'resource/' || v.resource), innotrue.seed_id('demo', 'program/' || v.program)
    FROM (VALUES ('review-board-handbook', 'cta-immersion-premium'), ('adr-template', 'cta-immersion-premium'),
                 ('security-deep-dive', 'cta-immersion-premium'), ('leadership-reading-list', 'leadership-foundations')) AS v (resource, program);
    INSERT INTO innotrue.resource_library_program_tiers (resource_id, program_id, tier_name)
    VALUES (innotrue.seed_id('demo', 'resource/security-deep-dive'), cta, 'premium');

    UPDATE innotrue.programs SET is_active = true WHERE id IN (cta, lead);

    -- Step 8: platform terms and users -----------------------------------------------------------
    INSERT INTO innotrue.platform_terms (id, version, title, content_html, is_current, is_blocking_on_update, effective_from, created_by)
    VALUES (innotrue.seed_id('demo', 'platform_terms/1'), '1', 'InnoTrue Hub Terms of Service',
            '<h1>InnoTrue Hub Terms of Service</h1><p>Demo terms: be kind, keep client data confidential, and enjoy learning.</p>',
            true, true, '2026-01-01 00:00:00+00', ada);

    INSERT INTO innotrue.profiles (id, email, full_name, plan_id, timezone, bio)
    SELECT innotrue.seed_id('demo', 'user/' || v.key), v.key || '@demo.innotrue.com', v.full_name,
           innotrue.seed_id('plans', v.plan), v.tz, v.bio
    FROM (VALUES
        ('ada', 'Ada Admin', 'elite', 'Europe/Berlin', 'Platform administrator'),
        ('carlos', 'Carlos Coach', 'pro', 'Europe/Madrid', 'CTA coach, ten years as a solution architect'),
        ('irene', 'Irene Instructor', 'pro', 'Europe/Berlin', 'Instructor and review board evaluator'),
        ('alice', 'Alice Client', 'pro', 'Europe/Berlin', 'Senior architect preparing for the CTA board'),
        ('bob', 'Bob Client', 'base', 'Europe/London', 'Engineering manager at Acme Consulting'),
        ('dana', 'Dana Client', 'free', 'Europe/Paris', 'Consultant at Acme Consulting'),
        ('olivia', 'Olivia Orgadmin', 'base', 'Europe/London', 'People lead at Acme Consulting')
    ) AS v (key, full_name, plan, tz, bio);

    INSERT INTO innotrue.user_roles (user_id, role)
    SELECT innotrue.seed_id('demo', 'user/' || v.key), v.role
    FROM (VALUES ('ada', 'admin'), ('carlos', 'coach'), ('irene', 'instructor'), ('irene', 'coach'),
                 ('alice', 'client'), ('bob', 'client'), ('dana', 'client'), ('olivia', 'client')) AS v (key, role);

    INSERT INTO innotrue.platform_terms_acceptances (user_id, terms_id, accepted_at)
    SELECT p.id, innotrue.seed_id('demo', 'platform_terms/1'), '2026-01-02 09:00:00+00'
      FROM innotrue.profiles p WHERE p.email LIKE '%@demo.innotrue.com';

    -- Entitlement inputs: a track membership each for Alice and Bob, the coach toolkit for Carlos.
    INSERT INTO innotrue.user_tracks (user_id, track_id)
    VALUES (alice, innotrue.seed_id('tracks', 'cta')), (bob, innotrue.seed_id('tracks', 'leadership'));
    INSERT INTO innotrue.user_add_ons (user_id, add_on_id, granted_by, note)
    VALUES (carlos, innotrue.seed_id('demo', 'add_on/coach_toolkit'), ada, 'Coach onboarding');

    -- Coaches
    INSERT INTO innotrue.program_coaches (user_id, program_id, role)
    VALUES (carlos, cta, 'coach'), (carlos, lead, 'coach'), (irene, cta, 'instructor');
    INSERT INTO innotrue.client_coaches (user_id, coach_id, assigned_at)
    VALUES (alice, carlos, '2026-01-05 10:00:00+00'), (bob, carlos, '2026-01-05 10:00:00+00');
    INSERT INTO innotrue.coach_instructor_requests (user_id, program_id, requested_role, message)
    VALUES (dana, lead, 'coach', 'I would like a coach for the leadership program.');

    -- Organization: Olivia runs it, Bob is a member, Dana is a member with a sponsored plan.
    INSERT INTO innotrue.organizations (id, name, slug, industry, size_range, platform_tier_id)
    VALUES (acme, 'Acme Consulting', 'acme-consulting', 'Consulting', '51-200',
            innotrue.seed_id('org_platform_tiers', 'professional'));
    INSERT INTO innotrue.organization_members (user_id, organization_id, role, sponsored_plan_id)
    VALUES (olivia, acme, 'org_admin', NULL),
           (bob, acme, 'org_member', NULL),
           (dana, acme, 'org_member', innotrue.seed_id('plans', 'base'));
    INSERT INTO innotrue.member_sharing_consent
        (user_id, organization_id, share_profile, share_enrollments, share_progress, share_assessments, share_goals)
    VALUES (dana, acme, true, true, true, false, false),
           (bob, acme, true, true, false, false, false);
    -- Dana joined through an invitation she accepted; Erin's is still pending.
    INSERT INTO innotrue.org_invitations (id, organization_id, email, role, invited_by)
    VALUES (innotrue.seed_id('demo', 'org_invitation/dana'), acme, 'dana@demo.innotrue.com', 'org_member', olivia),
           (innotrue.seed_id('demo', 'org_invitation/erin'), acme, 'erin@acme.example', 'org_member', olivia);
    UPDATE innotrue.org_invitations SET status = 'accepted', accepted_by = dana, accepted_at = now()
     WHERE id = innotrue.seed_id('demo', 'org_invitation/dana');

    -- Credits: a welcome grant for Alice, a pool for Acme.
    PERFORM innotrue.grant_credits(alice, 60, 'grant', NULL, 'demo:welcome:alice');
    PERFORM innotrue.grant_credits(acme, 1000, 'grant', NULL, 'demo:pool:acme');

    -- Enrollments, covering each way the program plan is resolved:
    --   Alice buys the premium tier of the CTA program (enroll_in_program: tier -> Premium Access,
    --   paid from her credits, program allowance granted);
    --   Acme sponsors Dana's enrollment (sponsor_enrollment: paid from the org pool);
    --   an admin enrolled Bob with an explicit program plan (Standard Access) and Olivia with
    --   neither plan nor tier (the program's default, Basic Access).
    alice_cta := innotrue.enroll_in_program(alice, cta, 'premium');
    PERFORM innotrue.sponsor_enrollment(acme, dana, lead);
    INSERT INTO innotrue.client_enrollments (id, user_id, program_id, program_plan_id, enrolled_at)
    VALUES (bob_lead, bob, lead, innotrue.seed_id('demo', 'program_plan/standard_access'), '2026-01-12 09:00:00+00'),
           (innotrue.seed_id('demo', 'enrollment/olivia/leadership-foundations'), olivia, lead, NULL, '2026-01-12 09:00:00+00');

    -- Alice's progress: welcome and deep dive done, handbook in progress, ADR submitted.
    INSERT INTO innotrue.module_progress (id, user_id, enrollment_id, module_id, status, started_at, completed_at)
    SELECT innotrue.seed_id('demo', 'module_progress/alice/' || v.ord), alice, alice_cta,
           innotrue.seed_id('demo', 'module/cta-immersion-premium/' || v.ord), v.status, v.started, v.completed
    FROM (VALUES
        (1, 'completed', '2026-01-06 09:00:00+00'::timestamptz, '2026-01-06 10:00:00+00'::timestamptz),
        (2, 'completed', '2026-01-13 15:00:00+00', '2026-01-13 16:30:00+00'),
        (3, 'in_progress', '2026-01-20 09:00:00+00', NULL),
        (4, 'in_progress', '2026-01-21 09:00:00+00', NULL),
        (5, 'not_started', NULL, NULL),
        (6, 'not_started', NULL, NULL)
    ) AS v (ord, status, started, completed);
    INSERT INTO innotrue.module_progress (user_id, enrollment_id, module_id, status, started_at)
    VALUES (bob, bob_lead, innotrue.seed_id('demo', 'module/leadership-foundations/1'), 'in_progress', '2026-01-12 10:00:00+00');

    -- Capability self-assessment from the welcome module: draft, ratings, completed, scored.
    INSERT INTO innotrue.capability_snapshots (id, user_id, assessment_id, is_self_assessment, module_progress_id, title)
    VALUES (snap, alice, cap, true, innotrue.seed_id('demo', 'module_progress/alice/1'), 'Start of the program');
    INSERT INTO innotrue.snapshot_question_ratings (snapshot_id, user_id, assessment_id, question_id, rating)
    SELECT snap, alice, cap, innotrue.seed_id('demo', 'capability_question/' || v.domain || '/' || v.ord), v.rating
    FROM (VALUES ('system_architecture', 1, 4), ('system_architecture', 2, 3), ('system_architecture', 3, 4),
                 ('security_identity', 1, 2), ('security_identity', 2, 3), ('security_identity', 3, 2),
                 ('communication', 1, 4), ('communication', 2, 3), ('communication', 3, 5)) AS v (domain, ord, rating);
    UPDATE innotrue.capability_snapshots SET status = 'completed', completed_at = '2026-01-06 09:45:00+00' WHERE id = snap;
    PERFORM innotrue.score_capability_snapshot(snap);

    -- Peer assessment in a study group.
    INSERT INTO innotrue.groups (id, user_id, organization_id, name, description)
    VALUES (innotrue.seed_id('demo', 'group/cta-study-circle'), carlos, NULL, 'CTA Study Circle',
            'Candidates preparing for the board together');
    INSERT INTO innotrue.group_members (user_id, group_id, role)
    VALUES (carlos, innotrue.seed_id('demo', 'group/cta-study-circle'), 'leader'),
           (alice, innotrue.seed_id('demo', 'group/cta-study-circle'), 'member'),
           (bob, innotrue.seed_id('demo', 'group/cta-study-circle'), 'member');
    INSERT INTO innotrue.group_peer_assessments (user_id, group_id, assessment_id)
    VALUES (carlos, innotrue.seed_id('demo', 'group/cta-study-circle'), cap);

    -- Alice's ADR: draft -> submitted -> reviewed by Irene.
    INSERT INTO innotrue.module_assignments (id, user_id, module_progress_id, module_id, assignment_type_id, responses)
    VALUES (adr, alice, innotrue.seed_id('demo', 'module_progress/alice/4'), innotrue.seed_id('demo', 'module/cta-immersion-premium/4'),
            innotrue.seed_id('demo', 'assignment_type/architecture_decision_record'),
            '{"context": "Orders must reach the ERP within minutes.", "decision": "Event-driven integration through a message bus.", "consequences": "Needs an idempotent consumer and monitoring."}');
    UPDATE innotrue.module_assignments SET status = 'submitted', submitted_at = '2026-01-22 18:00:00+00' WHERE id = adr;
    UPDATE innotrue.module_assignments
       SET status = 'reviewed', reviewed_at = '2026-01-24 11:00:00+00', reviewed_by = irene, overall_score = 85,
           overall_comments = 'Clear decision; spell out the failure modes of the bus.'
     WHERE id = adr;

    -- Carlos's structured feedback on the deep dive.
    INSERT INTO innotrue.coach_module_feedback
        (user_id, coach_id, module_progress_id, template_id, content, template_responses, status, published_at)
    VALUES (alice, carlos, innotrue.seed_id('demo', 'module_progress/alice/2'),
            innotrue.seed_id('demo', 'module_feedback_template/module_review'), 'Strong landscape, thin on security.',
            '{"strengths": "Clear integration story", "improvements": "Identity and sharing model", "next_steps": "Security deep dive"}',
            'published', '2026-01-14 08:00:00+00');

    -- Sessions: the deep dive (1:1 coaching, done with Alice) and the upcoming mock board with its
    -- roles. Participants first, then the status moves (session_scheduled notifies them).
    INSERT INTO innotrue.sessions (id, user_id, session_type_id, program_id, title, description, duration_minutes, meeting_url)
    VALUES (coaching, carlos, innotrue.seed_id('session_types', 'coaching'), cta, 'Architecture Deep Dive with Alice',
            'Walk through Alice''s system landscape', 90, 'https://meet.demo.innotrue.com/deep-dive-alice'),
           (board, irene, innotrue.seed_id('session_types', 'review_board_mock'), cta, 'CTA Mock Review Board',
            'Alice presents; three evaluators score', 60, 'https://meet.demo.innotrue.com/mock-board');
    INSERT INTO innotrue.session_participants (session_id, user_id, role_key)
    VALUES (coaching, alice, NULL),
           (board, alice, 'presenter'), (board, irene, 'evaluator'), (board, carlos, 'evaluator'), (board, bob, 'observer');
    UPDATE innotrue.sessions SET status = 'scheduled', scheduled_at = '2026-01-13 15:00:00+00' WHERE id = coaching;
    UPDATE innotrue.sessions SET status = 'requested' WHERE id = coaching;
    UPDATE innotrue.sessions SET status = 'confirmed' WHERE id = coaching;
    UPDATE innotrue.session_participants SET status = 'registered' WHERE session_id = coaching;
    UPDATE innotrue.session_participants SET status = 'confirmed' WHERE session_id = coaching;
    UPDATE innotrue.sessions SET status = 'in_progress' WHERE id = coaching;
    UPDATE innotrue.session_participants SET status = 'attended' WHERE session_id = coaching;
    UPDATE innotrue.sessions SET status = 'completed' WHERE id = coaching;
    UPDATE innotrue.sessions SET status = 'scheduled', scheduled_at = '2026-03-10 14:00:00+00' WHERE id = board;
    UPDATE innotrue.session_participants SET status = 'registered' WHERE session_id = board;
    INSERT INTO innotrue.module_sessions (user_id, module_id, session_id)
    VALUES (carlos, innotrue.seed_id('demo', 'module/cta-immersion-premium/2'), coaching),
           (irene, innotrue.seed_id('demo', 'module/cta-immersion-premium/5'), board);
    INSERT INTO innotrue.session_module_links (user_id, session_id, module_id, enrollment_id)
    VALUES (alice, coaching, innotrue.seed_id('demo', 'module/cta-immersion-premium/2'), alice_cta);

    -- Scenario: Irene assigns it, Alice answers and submits, Irene evaluates.
    INSERT INTO innotrue.scenario_assignments (id, user_id, template_id, assigned_by, enrollment_id, module_id)
    VALUES (scen, alice, tpl, irene, alice_cta, innotrue.seed_id('demo', 'module/cta-immersion-premium/4'));
    INSERT INTO innotrue.scenario_responses (id, assignment_id, user_id, template_id, section_id, paragraph_id, response_text)
    SELECT innotrue.seed_id('demo', 'scenario_response/alice/' || v.paragraph), scen, alice, tpl,
           innotrue.seed_id('demo', 'scenario_section/' || split_part(v.paragraph, '/', 1)),
           innotrue.seed_id('demo', 'scenario_paragraph/' || v.paragraph), v.answer
    FROM (VALUES
        ('task/1', 'Near-real-time events for orders, a nightly batch for the ledger: each side gets what it needs.'),
        ('task/2', 'A dedicated integration user with OAuth client credentials, least privilege and rotation every 90 days.'),
        ('reflection/1', 'Lead with the business outcome before the pattern names.')
    ) AS v (paragraph, answer);
    UPDATE innotrue.scenario_assignments SET status = 'submitted', submitted_at = '2026-01-25 20:00:00+00' WHERE id = scen;
    UPDATE innotrue.scenario_assignments SET status = 'in_review' WHERE id = scen;
    INSERT INTO innotrue.paragraph_evaluations (response_id, user_id, evaluator_id, rating, comment)
    VALUES (innotrue.seed_id('demo', 'scenario_response/alice/task/1'), alice, irene, 4, 'Good split; name the middleware.'),
           (innotrue.seed_id('demo', 'scenario_response/alice/task/2'), alice, irene, 5, 'Exactly what the board wants to hear.');
    UPDATE innotrue.scenario_assignments
       SET status = 'evaluated', evaluated_at = '2026-01-27 10:00:00+00', overall_notes = 'Ready for the mock board.'
     WHERE id = scen;

    -- Psychometrics: Alice (pro: has "assessments") asked about the gated Hogan entry and was contacted.
    PERFORM innotrue.set_assessment_interest_status(
        innotrue.express_assessment_interest(alice, innotrue.seed_id('demo', 'psychometric_assessment/hogan-leadership-forecast')),
        'contacted', 'Sent the Hogan invitation link', '2026-01-15 12:00:00+00');
    PERFORM innotrue.express_assessment_interest(bob, innotrue.seed_id('demo', 'psychometric_assessment/disc-profile'));

    -- Goals with milestones and a coach comment.
    INSERT INTO innotrue.goals (id, user_id, title, description, category, status, target_date, progress)
    VALUES (goal, alice, 'Pass the CTA review board', 'Certified by the end of Q3', 'career', 'in_progress', '2026-09-30', 40),
           (innotrue.seed_id('demo', 'goal/bob/lead-initiative'), bob, 'Lead a cross-team initiative',
            'Own the migration to the new delivery platform', 'career', 'not_started', '2026-06-30', 0);
    INSERT INTO innotrue.goal_milestones (user_id, goal_id, title, due_date, is_completed, completed_at, order_index)
    VALUES (alice, goal, 'Complete the self-assessment', '2026-01-10', true, '2026-01-06 09:45:00+00', 1),
           (alice, goal, 'Pass the mock review board', '2026-03-15', false, NULL, 2),
           (alice, goal, 'Book the real board', '2026-06-30', false, NULL, 3);
    INSERT INTO innotrue.goal_comments (user_id, goal_id, author_id, body)
    VALUES (alice, goal, carlos, 'Great start. Focus on security before the mock board.');

    -- Wheel of Life: Alice's ratings of all ten categories on one day.
    INSERT INTO innotrue.wheel_of_life_ratings (user_id, category_id, assessed_on, rating, rated_at)
    SELECT alice, c.id, '2026-01-04', v.rating, '2026-01-04 20:00:00+00'
      FROM (VALUES ('career', 8), ('finances', 7), ('health', 6), ('relationships', 8), ('personal_growth', 9),
                   ('fun_recreation', 5), ('physical_environment', 7), ('family', 8), ('romance', 6), ('contribution', 7)) AS v (key, rating)
      JOIN innotrue.wheel_categories c ON c.key = v.key;
END
$demo$;
COMMENT ON FUNCTION innotrue.load_demo_data() IS
    'Loads the demo platform (docs/demo.md) on top of the reference data: assessments, scenarios, resources, program plans, two programs with modules of every type, platform terms, seven demo users with roles, plans, enrollments, an organization, sessions, goals and activity. Ids are innotrue.seed_id(''demo'', ''<kind>/<key>''). Runs once per database: a second call raises 55000.';

REVOKE EXECUTE ON FUNCTION innotrue.load_demo_data() FROM PUBLIC;
