-- use_feature (src/feature_use.c): one call that counts a use against the month's limit or charges
-- it through the feature's credit service, all or nothing, idempotent; my_use_feature,
-- feature_use_quote and explain_entitlement's next_use. Rule: docs/entitlements.md "Using a feature".
\set ON_ERROR_ROLLBACK on
BEGIN;
\i sql/credits_helpers.psql

-- u1 on free: session_coaching 1/month (service coaching_session, 10 credits), ai_coach 20/month
-- (ai_coach_query, 1 credit), wheel_of_life unlimited (no service). 100 purchased credits.
INSERT INTO innotrue.profiles (id, email, plan_id)
SELECT v.id::uuid, v.email, p.id
  FROM (VALUES ('00000000-0000-0000-0000-0000000000c1', 'c1@example.com', 'free'),
               ('00000000-0000-0000-0000-0000000000c2', 'c2@example.com', 'programs')) AS v (id, email, plan_key)
  JOIN innotrue.plans p ON p.key = v.plan_key;
SELECT pg_temp.lbl(innotrue.grant_credits('00000000-0000-0000-0000-0000000000c1', 100, 'purchase', NULL, 'c1_buy'));

-- use: the answer in one line (the deduction id and the month are masked); state: the month's
-- count of a feature, the balance, and the number of ledger entries and deductions.
CREATE FUNCTION pg_temp.use(feature text, quantity integer DEFAULT 1, ikey text DEFAULT NULL, ref text DEFAULT NULL,
                            who text DEFAULT 'c1') RETURNS text LANGUAGE sql VOLATILE
AS $$ SELECT format('included %s, charged %s, cost %s via %s, used %s of %s, remaining %s, deduction %s, this month %s',
                    r->>'included', r->>'charged', r->>'cost', coalesce(r->>'service_key', '-'), r->>'used',
                    coalesce(r->>'limit', 'unlimited'), coalesce(r->>'remaining', 'unlimited'),
                    CASE WHEN r->>'deduction_id' IS NULL THEN 'none' ELSE 'yes' END,
                    (r->>'period_start')::date = date_trunc('month', now() AT TIME ZONE 'Europe/Berlin')::date)
        FROM innotrue.use_feature(('00000000-0000-0000-0000-0000000000' || who)::uuid, feature, quantity, ikey, ref) AS x (r) $$;
CREATE FUNCTION pg_temp.state(feature text, who text DEFAULT 'c1') RETURNS text LANGUAGE sql VOLATILE
AS $$ SELECT format('used %s, available %s, ledger entries %s, deductions %s',
                    coalesce((SELECT u.used FROM innotrue.feature_usage u JOIN innotrue.features f ON f.id = u.feature_id
                               WHERE u.user_id = x.id AND f.key = feature), 0),
                    (SELECT available FROM innotrue.credit_balance(x.id)),
                    (SELECT count(*) FROM innotrue.credit_ledger l WHERE l.user_id = x.id),
                    (SELECT count(*) FROM innotrue.credit_deductions d WHERE d.user_id = x.id))
        FROM (SELECT ('00000000-0000-0000-0000-0000000000' || who)::uuid AS id) x $$;

-- Included use: within the limit, counted, no credits.
SELECT pg_temp.state('session_coaching');
SELECT pg_temp.use('session_coaching');
SELECT pg_temp.state('session_coaching');
-- Over the limit: charged through the feature's service at its price, not counted.
SELECT pg_temp.use('session_coaching');
SELECT pg_temp.state('session_coaching');
-- The deduction names the service, the uses charged and the feature used.
SELECT s.key, d.quantity, d.cost, d.reference
  FROM innotrue.credit_deductions d JOIN innotrue.credit_services s ON s.id = d.credit_service_id
 WHERE d.user_id = '00000000-0000-0000-0000-0000000000c1';

-- Straddling the limit: 18 of ai_coach's 20 first, then 5 = 2 included + 3 charged (1 credit each).
SELECT pg_temp.use('ai_coach', 18);
SELECT pg_temp.use('ai_coach', 5, NULL, 'chat 42');
SELECT pg_temp.state('ai_coach');
SELECT d.quantity, d.cost, d.reference, d.ai_period IS NOT NULL AS counted_as_ai
  FROM innotrue.credit_deductions d WHERE d.reference->>'use_feature' = 'ai_coach';

-- Unlimited and no service (wheel_of_life): every use included and counted.
SELECT pg_temp.use('wheel_of_life', 3);
SELECT pg_temp.state('wheel_of_life');

-- Unlimited with a priced service: every use charged, none counted. An add-on grants session_group
-- without a limit; its service group_session costs 5.
INSERT INTO innotrue.add_ons (key, name) VALUES ('uf_groups', 'Unlimited groups');
INSERT INTO innotrue.add_on_features (add_on_id, feature_id, limit_value)
SELECT a.id, f.id, NULL FROM innotrue.add_ons a, innotrue.features f WHERE a.key = 'uf_groups' AND f.key = 'session_group';
INSERT INTO innotrue.user_add_ons (user_id, add_on_id)
SELECT '00000000-0000-0000-0000-0000000000c1', id FROM innotrue.add_ons WHERE key = 'uf_groups';
SELECT pg_temp.use('session_group', 2);
SELECT pg_temp.state('session_group');

-- Track price: a member of cta pays cta's price for coaching_session (7 instead of 10).
INSERT INTO innotrue.credit_service_track_prices (credit_service_id, track_id, credit_cost)
SELECT s.id, t.id, 7 FROM innotrue.credit_services s, innotrue.tracks t WHERE s.key = 'coaching_session' AND t.key = 'cta';
INSERT INTO innotrue.user_tracks (user_id, track_id)
SELECT '00000000-0000-0000-0000-0000000000c1', id FROM innotrue.tracks WHERE key = 'cta';
SELECT pg_temp.use('session_coaching', 2);
SELECT pg_temp.state('session_coaching');

-- Refusals change nothing: not granted, denied, unknown feature, bad quantity, NULL arguments,
-- uses beyond the limit of a feature no service charges (an add-on grants community 2/month).
INSERT INTO innotrue.add_ons (key, name) VALUES ('uf_community', 'Community pack');
INSERT INTO innotrue.add_on_features (add_on_id, feature_id, limit_value)
SELECT a.id, f.id, 2 FROM innotrue.add_ons a, innotrue.features f WHERE a.key = 'uf_community' AND f.key = 'community';
INSERT INTO innotrue.user_add_ons (user_id, add_on_id)
SELECT '00000000-0000-0000-0000-0000000000c1', id FROM innotrue.add_ons WHERE key = 'uf_community';
INSERT INTO innotrue.user_feature_denials (user_id, feature_id, reason)
SELECT '00000000-0000-0000-0000-0000000000c1', id, 'abuse' FROM innotrue.features WHERE key = 'wheel_of_life';
SELECT pg_temp.state('community') AS before;
SELECT v.n, pg_temp.err(v.q)
  FROM (VALUES (1, $$SELECT pg_temp.use('session_review_board')$$),
               (2, $$SELECT pg_temp.use('wheel_of_life')$$),
               (3, $$SELECT pg_temp.use('session_coaching', 1, NULL, NULL, 'c2')$$),
               (4, $$SELECT pg_temp.use('ai_coach_typo')$$),
               (5, $$SELECT pg_temp.use('ai_coach', 0)$$),
               (6, $$SELECT pg_temp.use('ai_coach', -2)$$),
               (7, $$SELECT innotrue.use_feature('00000000-0000-0000-0000-0000000000c1', 'ai_coach', NULL)$$),
               (8, $$SELECT innotrue.use_feature(NULL, 'ai_coach')$$),
               (9, $$SELECT pg_temp.use('community', 3)$$)) AS v (n, q)
 ORDER BY v.n;
SELECT pg_temp.state('community') AS after;
-- Within its limit community is included; one more is refused.
SELECT pg_temp.use('community', 2);
SELECT pg_temp.err($$SELECT pg_temp.use('community')$$);

-- Shortfall: a call the credits cannot cover changes nothing. c1 spends all but 3 credits on
-- ai_coach (its 20 included uses are gone: 1 credit a use), then asks for 4 more.
SELECT available - 3 AS burn FROM innotrue.credit_balance('00000000-0000-0000-0000-0000000000c1') \gset
SELECT pg_temp.use('ai_coach', :burn);
SELECT pg_temp.state('ai_coach') AS three_left;
SELECT pg_temp.err($$SELECT pg_temp.use('ai_coach', 4)$$);
SELECT pg_temp.state('ai_coach') AS unchanged;
-- The straddle: an add-on raises the coaching limit to 3 (2 included left), 4 uses = 2 included + 2
-- charged at 7 = 14 > 3 credits: refused, and the 2 included uses are not counted either.
INSERT INTO innotrue.add_ons (key, name) VALUES ('uf_coaching', 'Coaching pack');
INSERT INTO innotrue.add_on_features (add_on_id, feature_id, limit_value)
SELECT a.id, f.id, 3 FROM innotrue.add_ons a, innotrue.features f WHERE a.key = 'uf_coaching' AND f.key = 'session_coaching';
INSERT INTO innotrue.user_add_ons (user_id, add_on_id)
SELECT '00000000-0000-0000-0000-0000000000c1', id FROM innotrue.add_ons WHERE key = 'uf_coaching';
SELECT pg_temp.state('session_coaching') AS before;
SELECT pg_temp.err($$SELECT pg_temp.use('session_coaching', 4)$$);
SELECT pg_temp.state('session_coaching') AS unchanged;
SELECT pg_temp.use('session_coaching', 2) AS both_included;

-- Idempotency: a retry returns the first answer and neither counts nor charges again; another
-- request under the key (feature, quantity or reference) is refused; keys are per operation.
-- (expiring, so it is spent before c1_buy: batches without expiry created together tie.)
SELECT pg_temp.lbl(innotrue.grant_credits('00000000-0000-0000-0000-0000000000c1', 50, 'grant', now() + interval '400 days', 'c1_gift'));
SELECT pg_temp.state('session_group') AS before;
SELECT innotrue.use_feature('00000000-0000-0000-0000-0000000000c1', 'session_group', 2, 'book-1', 'booking 1') AS first \gset
SELECT pg_temp.state('session_group') AS after_first;
SELECT innotrue.use_feature('00000000-0000-0000-0000-0000000000c1', 'session_group', 2, 'book-1', 'booking 1') = :'first'::jsonb AS same_answer;
SELECT pg_temp.state('session_group') AS after_retry;
SELECT v.n, pg_temp.err(v.q)
  FROM (VALUES (1, $$SELECT pg_temp.use('session_group', 3, 'book-1', 'booking 1')$$),
               (2, $$SELECT pg_temp.use('session_coaching', 2, 'book-1', 'booking 1')$$),
               (3, $$SELECT pg_temp.use('session_group', 2, 'book-1', 'booking 2')$$),
               (4, $$SELECT pg_temp.use('session_group', 2, 'book-1')$$)) AS v (n, q)
 ORDER BY v.n;
-- A blank key is refused by the keys' check constraint.
SELECT left(pg_temp.err($$SELECT pg_temp.use('session_group', 2, '  ')$$), 5) AS blank_key;
SELECT pg_temp.state('session_group') AS unchanged;
SELECT operation, request FROM innotrue.credit_idempotency_keys WHERE idempotency_key = 'book-1';
-- The same key for a deduct_credits call is another operation's key.
SELECT pg_temp.show(innotrue.deduct_credits('00000000-0000-0000-0000-0000000000c1', 'group_session', 1, 'book-1'));

-- Refund: refund_credits gives the credits back; the use stays in the month (charged uses were
-- never counted, and included ones have no charge to refund).
SELECT pg_temp.state('session_group') AS before;
SELECT (innotrue.refund_credits((:'first'::jsonb->>'deduction_id')::uuid))->>'refunded' AS refunded;
SELECT pg_temp.state('session_group') AS after_refund;
SELECT pg_temp.state('ai_coach') AS ai_before;
SELECT (innotrue.refund_credits(d.id))->>'refunded' AS refunded
  FROM innotrue.credit_deductions d WHERE d.reference->>'reference' = 'chat 42';
SELECT pg_temp.state('ai_coach') AS ai_after_refund;

-- Two active services linked to the feature make the price ambiguous: refused (55000); a
-- track-specific service does not count.
INSERT INTO innotrue.credit_services (key, name, category, credit_cost, feature_id, track_id)
SELECT 'uf_cta_workshop', 'CTA workshop', 'sessions', 2, f.id, t.id FROM innotrue.features f, innotrue.tracks t
 WHERE f.key = 'session_group' AND t.key = 'cta';
SELECT pg_temp.use('session_group');
INSERT INTO innotrue.credit_services (key, name, category, credit_cost, feature_id)
SELECT 'uf_group_2', 'Group session 2', 'sessions', 4, id FROM innotrue.features WHERE key = 'session_group';
SELECT pg_temp.err($$SELECT pg_temp.use('session_group')$$);
-- explain_entitlement still explains: the next use is refused, with the problem named.
SELECT innotrue.explain_entitlement('00000000-0000-0000-0000-0000000000c1', 'session_group') -> 'next_use' AS next_use;
UPDATE innotrue.credit_services SET is_active = false WHERE key = 'uf_group_2';
SELECT pg_temp.use('session_group');

-- feature_use_quote and explain_entitlement: what the next use would do, changing nothing.
SELECT v.feature, v.q, innotrue.feature_use_quote('00000000-0000-0000-0000-0000000000c1', v.feature, v.q) - 'feature_key' AS quote
  FROM (VALUES (1, 'session_coaching', 1), (2, 'wheel_of_life', 1), (3, 'session_group', 2), (4, 'community', 1),
               (5, 'tasks', 4), (6, 'session_review_board', 1)) AS v (n, feature, q)
 ORDER BY v.n;
SELECT pg_temp.state('ai_coach') AS before;
SELECT innotrue.feature_use_quote('00000000-0000-0000-0000-0000000000c1', 'ai_coach', 3);
SELECT pg_temp.state('ai_coach') AS unchanged;
SELECT e->'included_remaining' AS included_remaining, e->'next_use' AS next_use
  FROM innotrue.explain_entitlement('00000000-0000-0000-0000-0000000000c1', 'session_coaching') e;
SELECT v.feature, e->'remaining' AS remaining, e->'included_remaining' AS included_remaining, e->'next_use' AS next_use
  FROM (VALUES (1, 'ai_coach'), (2, 'session_group'), (3, 'tasks'), (4, 'community'), (5, 'session_review_board')) AS v (n, feature),
       LATERAL innotrue.explain_entitlement('00000000-0000-0000-0000-0000000000c1', v.feature, now()) e
 ORDER BY v.n;

-- my_use_feature: the signed-in user uses her own features; an anonymous caller is refused.
SET LOCAL innotrue.user_id = '00000000-0000-0000-0000-0000000000c1';
SELECT innotrue.my_use_feature('tasks', 2) - 'period_start' AS mine;
SELECT innotrue.explain_entitlement('tasks') -> 'used' AS used_tasks;
SET LOCAL innotrue.user_id = '';
SELECT pg_temp.err($$SELECT innotrue.my_use_feature('tasks')$$);

-- Default deny: no role but the owner may call the new functions until a privilege class is granted.
SELECT p.oid::regprocedure AS function, has_function_privilege('public', p.oid, 'EXECUTE') AS public_may_execute
  FROM pg_proc p
 WHERE p.pronamespace = 'innotrue'::regnamespace AND p.proname IN ('use_feature', 'my_use_feature', 'feature_use_quote')
 ORDER BY 1;
ROLLBACK;
