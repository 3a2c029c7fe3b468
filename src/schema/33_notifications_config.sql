-- innotrue layer 3C: notification configuration. Categories group the notification types users
-- set preferences on; each type names the e-mail template its e-mail is rendered from.

-- 3.6 Notification categories
CREATE TABLE innotrue.notification_categories (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key         text NOT NULL UNIQUE CONSTRAINT notification_categories_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name        text NOT NULL CONSTRAINT notification_categories_name_check CHECK (btrim(name) <> ''),
    description text,
    order_index integer NOT NULL DEFAULT 0 CONSTRAINT notification_categories_order_index_check CHECK (order_index >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('notification_categories', '3C', 'configuration');
COMMENT ON TABLE innotrue.notification_categories IS
    'Groups of notification types (programs, sessions, credits, system, ...), shown as sections of the notification preferences.';

-- 3.8 E-mail templates (before the types, which reference them)
CREATE TABLE innotrue.email_templates (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key         text NOT NULL UNIQUE CONSTRAINT email_templates_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    name        text NOT NULL CONSTRAINT email_templates_name_check CHECK (btrim(name) <> ''),
    subject     text NOT NULL CONSTRAINT email_templates_subject_check CHECK (btrim(subject) <> ''),
    body_html   text NOT NULL CONSTRAINT email_templates_body_html_check CHECK (btrim(body_html) <> ''),
    body_text   text NOT NULL CONSTRAINT email_templates_body_text_check CHECK (btrim(body_text) <> ''),
    variables   jsonb NOT NULL DEFAULT '[]'
        CONSTRAINT email_templates_variables_check CHECK (jsonb_typeof(variables) = 'array'),
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
SELECT innotrue.register_table('email_templates', '3C', 'configuration');
COMMENT ON TABLE innotrue.email_templates IS
    'E-mail templates (subject, HTML and plain-text bodies) rendered with Handlebars/Mustache-style variables by the e-mail sender; one per notification type.';
COMMENT ON COLUMN innotrue.email_templates.subject IS
    'Subject line; may use {{variables}} like the bodies.';
COMMENT ON COLUMN innotrue.email_templates.body_html IS
    'HTML body: {{var}} is HTML-escaped, {{{var}}} inserted raw, {{a.b}} a dotted path, {{#x}}...{{/x}} a section shown when x is set. Dates and amounts arrive pre-formatted as strings.';
COMMENT ON COLUMN innotrue.email_templates.body_text IS
    'Plain-text alternative of body_html, same variables.';
COMMENT ON COLUMN innotrue.email_templates.variables IS
    'JSON array of the top-level variable names the subject and bodies use (section names included), in order of first use; platform_name and support_email come from system_settings.';

-- 3.7 Notification types
CREATE TABLE innotrue.notification_types (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key                text NOT NULL UNIQUE CONSTRAINT notification_types_key_check CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    category_id        uuid NOT NULL REFERENCES innotrue.notification_categories (id),
    name               text NOT NULL CONSTRAINT notification_types_name_check CHECK (btrim(name) <> ''),
    description        text,
    is_critical        boolean NOT NULL DEFAULT false,
    default_in_app     boolean NOT NULL DEFAULT true,
    default_email      boolean NOT NULL DEFAULT true,
    email_template_key text REFERENCES innotrue.email_templates (key) ON UPDATE CASCADE,
    is_active          boolean NOT NULL DEFAULT true,
    order_index        integer NOT NULL DEFAULT 0 CONSTRAINT notification_types_order_index_check CHECK (order_index >= 0),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT notification_types_default_email_check CHECK (NOT default_email OR email_template_key IS NOT NULL),
    CONSTRAINT notification_types_critical_check CHECK (NOT is_critical OR (default_in_app AND default_email))
);
SELECT innotrue.register_table('notification_types', '3C', 'configuration');
CREATE INDEX notification_types_category_id_idx ON innotrue.notification_types (category_id);
CREATE INDEX notification_types_email_template_key_idx ON innotrue.notification_types (email_template_key);
COMMENT ON TABLE innotrue.notification_types IS
    'Every notification the platform sends; code triggers one by key. Users may switch each channel off per type unless the type is critical.';
COMMENT ON COLUMN innotrue.notification_types.is_critical IS
    'true = the user cannot disable it (security, account, terms); a critical type is on by default in both channels.';
COMMENT ON COLUMN innotrue.notification_types.default_in_app IS
    'In-app delivery for users who set no preference for this type.';
COMMENT ON COLUMN innotrue.notification_types.default_email IS
    'E-mail delivery for users who set no preference for this type; requires an e-mail template.';
COMMENT ON COLUMN innotrue.notification_types.email_template_key IS
    'Template the e-mail is rendered from; NULL = in-app only.';

-- Reference data ------------------------------------------------------------------------------

INSERT INTO innotrue.notification_categories (id, key, name, description, order_index)
SELECT innotrue.seed_id('notification_categories', v.key), v.key, v.name, v.description, v.ord
FROM (VALUES
    ('programs', 'Programs', 'Enrollment, module, completion notifications', 1),
    ('sessions', 'Sessions', 'Scheduling, reminders, cancellations', 2),
    ('assignments', 'Assignments', 'Due dates, grading, feedback', 3),
    ('goals', 'Goals', 'Reminders, milestones, comments', 4),
    ('decisions', 'Decisions', 'Decision reminders, outcomes', 5),
    ('credits', 'Credits', 'Low balance, purchases, expiry', 6),
    ('groups', 'Groups', 'Group activity, tasks, sessions', 7),
    ('system', 'System', 'Security, account, platform updates', 8)
) AS v (key, name, description, ord);

-- One template per notification type (template key = type key). Each row gives the heading, the
-- body content and the button label; the shared layout adds the greeting, the {{action_url}}
-- button and the footer. `variables` is derived from the finished texts.
WITH v (key, name, subject, heading, html, txt, button) AS (VALUES
    ('program_enrolled', 'Program enrolled', 'You''ve been enrolled in {{program_name}}', 'Welcome to {{program_name}}',
     '<p>You have been enrolled in <strong>{{program_name}}</strong>.</p>{{#start_date}}<p>The program starts on {{start_date}}.</p>{{/start_date}}',
     'You have been enrolled in {{program_name}}.{{#start_date}} The program starts on {{start_date}}.{{/start_date}}',
     'Open the program'),
    ('module_unlocked', 'Module unlocked', 'New module unlocked: {{module_name}}', 'A new module is ready',
     '<p>The module <strong>{{module_name}}</strong> in {{program_name}} is now unlocked.</p>',
     'The module {{module_name}} in {{program_name}} is now unlocked.',
     'Start the module'),
    ('module_completed', 'Module completed', 'Module completed: {{module_name}}', 'Well done!',
     '<p>You completed <strong>{{module_name}}</strong> in {{program_name}}.</p>{{#next_module_name}}<p>Next up: {{next_module_name}}.</p>{{/next_module_name}}',
     'You completed {{module_name}} in {{program_name}}.{{#next_module_name}} Next up: {{next_module_name}}.{{/next_module_name}}',
     'Continue the program'),
    ('program_completed', 'Program completed', 'Congratulations on completing {{program_name}}', 'Congratulations!',
     '<p>You completed <strong>{{program_name}}</strong>. Great work!</p>{{#certificate_url}}<p><a href="{{certificate_url}}">Download your certificate</a></p>{{/certificate_url}}',
     'You completed {{program_name}}. Great work!{{#certificate_url}} Your certificate: {{certificate_url}}{{/certificate_url}}',
     'View your progress'),
    ('session_scheduled', 'Session scheduled', 'Session scheduled: {{session_title}}', 'Your session is scheduled',
     '<p><strong>{{session_title}}</strong> is scheduled for {{session_start}}{{#host_name}} with {{host_name}}{{/host_name}}.</p>{{#meeting_url}}<p>Join link: <a href="{{meeting_url}}">{{meeting_url}}</a></p>{{/meeting_url}}',
     '{{session_title}} is scheduled for {{session_start}}{{#host_name}} with {{host_name}}{{/host_name}}.{{#meeting_url}} Join link: {{meeting_url}}{{/meeting_url}}',
     'View the session'),
    ('session_reminder', 'Session reminder', 'Reminder: {{session_title}} starts in {{hours_until}}h', 'Your session starts soon',
     '<p><strong>{{session_title}}</strong> starts in {{hours_until}} hours, at {{session_start}}.</p>{{#meeting_url}}<p><a href="{{meeting_url}}">Join the meeting</a></p>{{/meeting_url}}',
     '{{session_title}} starts in {{hours_until}} hours, at {{session_start}}.{{#meeting_url}} Join: {{meeting_url}}{{/meeting_url}}',
     'View the session'),
    ('session_cancelled', 'Session cancelled', 'Session cancelled: {{session_title}}', 'Your session was cancelled',
     '<p><strong>{{session_title}}</strong>, planned for {{session_start}}, has been cancelled.</p>{{#cancellation_reason}}<p>Reason: {{cancellation_reason}}</p>{{/cancellation_reason}}',
     '{{session_title}}, planned for {{session_start}}, has been cancelled.{{#cancellation_reason}} Reason: {{cancellation_reason}}{{/cancellation_reason}}',
     'Book another session'),
    ('session_rescheduled', 'Session rescheduled', 'Session rescheduled: {{session_title}}', 'Your session has a new time',
     '<p><strong>{{session_title}}</strong> moved from {{previous_session_start}} to <strong>{{session_start}}</strong>.</p>{{#meeting_url}}<p>Join link: <a href="{{meeting_url}}">{{meeting_url}}</a></p>{{/meeting_url}}',
     '{{session_title}} moved from {{previous_session_start}} to {{session_start}}.{{#meeting_url}} Join link: {{meeting_url}}{{/meeting_url}}',
     'View the session'),
    ('assignment_available', 'Assignment available', 'New assignment: {{assignment_name}}', 'A new assignment is available',
     '<p><strong>{{assignment_name}}</strong> is now available in {{program_name}}.</p>{{#due_date}}<p>Due date: {{due_date}}</p>{{/due_date}}',
     '{{assignment_name}} is now available in {{program_name}}.{{#due_date}} Due date: {{due_date}}{{/due_date}}',
     'Open the assignment'),
    ('assignment_due_soon', 'Assignment due soon', 'Assignment due in {{hours_until}}h: {{assignment_name}}', 'Your assignment is due soon',
     '<p><strong>{{assignment_name}}</strong> is due on {{due_date}}, in {{hours_until}} hours.</p>',
     '{{assignment_name}} is due on {{due_date}}, in {{hours_until}} hours.',
     'Finish the assignment'),
    ('assignment_graded', 'Assignment graded', 'Your assignment was reviewed: {{assignment_name}}', 'Your assignment has been reviewed',
     '<p>{{reviewer_name}} reviewed <strong>{{assignment_name}}</strong>.</p>{{#score}}<p>Score: {{score}}</p>{{/score}}',
     '{{reviewer_name}} reviewed {{assignment_name}}.{{#score}} Score: {{score}}{{/score}}',
     'See the review'),
    ('feedback_received', 'Feedback received', 'New feedback from {{author_name}}', 'You received feedback',
     '<p>{{author_name}} left feedback on <strong>{{item_name}}</strong>.</p>{{#feedback_excerpt}}<blockquote>{{feedback_excerpt}}</blockquote>{{/feedback_excerpt}}',
     '{{author_name}} left feedback on {{item_name}}.{{#feedback_excerpt}} "{{feedback_excerpt}}"{{/feedback_excerpt}}',
     'Read the feedback'),
    ('goal_reminder', 'Goal reminder', 'Reminder: {{goal_title}}', 'Time to check in on your goal',
     '<p>How is <strong>{{goal_title}}</strong> going? Take a moment to update your progress.</p>{{#target_date}}<p>Target date: {{target_date}}</p>{{/target_date}}',
     'How is {{goal_title}} going? Take a moment to update your progress.{{#target_date}} Target date: {{target_date}}{{/target_date}}',
     'Update your goal'),
    ('milestone_achieved', 'Milestone achieved', 'Milestone achieved: {{milestone_title}}', 'You reached a milestone',
     '<p>You achieved <strong>{{milestone_title}}</strong> on your goal {{goal_title}}. Keep going!</p>',
     'You achieved {{milestone_title}} on your goal {{goal_title}}. Keep going!',
     'View your goal'),
    ('goal_shared', 'Goal shared', '{{sharer_name}} shared a goal with you', 'A goal was shared with you',
     '<p>{{sharer_name}} shared the goal <strong>{{goal_title}}</strong> with you.</p>',
     '{{sharer_name}} shared the goal {{goal_title}} with you.',
     'View the goal'),
    ('goal_comment', 'Goal comment', 'New comment on {{goal_title}}', 'New comment on your goal',
     '<p>{{commenter_name}} commented on <strong>{{goal_title}}</strong>:</p><blockquote>{{comment_excerpt}}</blockquote>',
     '{{commenter_name}} commented on {{goal_title}}: "{{comment_excerpt}}"',
     'Reply'),
    ('decision_reminder', 'Decision reminder', 'Reminder: {{decision_title}}', 'A decision is waiting for you',
     '<p>Your decision <strong>{{decision_title}}</strong> is still open.</p>{{#due_date}}<p>Decide by: {{due_date}}</p>{{/due_date}}',
     'Your decision {{decision_title}} is still open.{{#due_date}} Decide by: {{due_date}}{{/due_date}}',
     'Open the decision'),
    ('decision_outcome_due', 'Decision outcome due', 'How did it go? {{decision_title}}', 'Time to record the outcome',
     '<p>It is time to record the outcome of <strong>{{decision_title}}</strong> (review date: {{review_date}}). Looking back on results improves future decisions.</p>',
     'It is time to record the outcome of {{decision_title}} (review date: {{review_date}}).',
     'Record the outcome'),
    ('credits_low', 'Credits low', 'Your credit balance is running low', 'Your credit balance is running low',
     '<p>You have <strong>{{credit_balance}}</strong> credits left. Top up to keep using AI coaching, sessions and programs without interruption.</p>',
     'You have {{credit_balance}} credits left. Top up to keep using AI coaching, sessions and programs without interruption.',
     'Buy credits'),
    ('credits_added', 'Credits added', '{{credits_amount}} credits added to your account', 'Credits added',
     '<p><strong>{{credits_amount}}</strong> credits were added to your account. Your balance is now {{credit_balance}} credits.</p>{{#expires_at}}<p>These credits expire on {{expires_at}}.</p>{{/expires_at}}',
     '{{credits_amount}} credits were added to your account. Your balance is now {{credit_balance}} credits.{{#expires_at}} These credits expire on {{expires_at}}.{{/expires_at}}',
     'View your credits'),
    ('credits_expiring', 'Credits expiring', '{{credits_amount}} credits expire on {{expires_at}}', 'Some of your credits expire soon',
     '<p><strong>{{credits_amount}}</strong> of your credits expire on {{expires_at}}. Use them before then.</p>',
     '{{credits_amount}} of your credits expire on {{expires_at}}. Use them before then.',
     'Use your credits'),
    ('payment_received', 'Payment received', 'Payment received: {{amount}}', 'Thank you for your payment',
     '<p>We received your payment of <strong>{{amount}}</strong> for {{item_name}} on {{payment_date}}.</p>{{#receipt_url}}<p><a href="{{receipt_url}}">Download your receipt</a></p>{{/receipt_url}}',
     'We received your payment of {{amount}} for {{item_name}} on {{payment_date}}.{{#receipt_url}} Receipt: {{receipt_url}}{{/receipt_url}}',
     'View billing'),
    ('group_joined', 'Group joined', 'You joined {{group_name}}', 'Welcome to {{group_name}}',
     '<p>You are now a member of <strong>{{group_name}}</strong>.</p>',
     'You are now a member of {{group_name}}.',
     'Open the group'),
    ('group_task_assigned', 'Group task assigned', 'New task in {{group_name}}: {{task_title}}', 'You have a new group task',
     '<p>{{assigner_name}} assigned you <strong>{{task_title}}</strong> in {{group_name}}.</p>{{#due_date}}<p>Due date: {{due_date}}</p>{{/due_date}}',
     '{{assigner_name}} assigned you {{task_title}} in {{group_name}}.{{#due_date}} Due date: {{due_date}}{{/due_date}}',
     'View the task'),
    ('group_session_scheduled', 'Group session scheduled', '{{group_name}}: {{session_title}} on {{session_start}}', 'A group session is scheduled',
     '<p><strong>{{session_title}}</strong> for {{group_name}} is scheduled for {{session_start}}.</p>{{#meeting_url}}<p>Join link: <a href="{{meeting_url}}">{{meeting_url}}</a></p>{{/meeting_url}}',
     '{{session_title}} for {{group_name}} is scheduled for {{session_start}}.{{#meeting_url}} Join link: {{meeting_url}}{{/meeting_url}}',
     'View the session'),
    ('group_message', 'Group message', 'New message in {{group_name}}', 'New message in {{group_name}}',
     '<p>{{sender_name}} wrote in <strong>{{group_name}}</strong>:</p><blockquote>{{message_excerpt}}</blockquote>',
     '{{sender_name}} wrote in {{group_name}}: "{{message_excerpt}}"',
     'Reply'),
    ('security_alert', 'Security alert', 'Security alert for your {{platform_name}} account', 'Security alert',
     '<p>{{alert_message}}</p><p>Time: {{event_time}}{{#ip_address}}<br>IP address: {{ip_address}}{{/ip_address}}{{#device_name}}<br>Device: {{device_name}}{{/device_name}}</p><p>If this was not you, change your password now and contact us.</p>',
     '{{alert_message}} Time: {{event_time}}.{{#ip_address}} IP address: {{ip_address}}.{{/ip_address}}{{#device_name}} Device: {{device_name}}.{{/device_name}} If this was not you, change your password now and contact us.',
     'Review account security'),
    ('account_updated', 'Account updated', 'Your account was updated', 'Your account was updated',
     '<p>{{change_description}} ({{event_time}}).</p><p>If you did not make this change, contact us right away.</p>',
     '{{change_description}} ({{event_time}}). If you did not make this change, contact us right away.',
     'Review your account'),
    ('terms_updated', 'Terms updated', 'We have updated our terms', 'Our terms have changed',
     '<p>We updated our terms of service (version {{terms_version}}), effective {{effective_date}}. Please review and accept them to keep using {{platform_name}}.</p>',
     'We updated our terms of service (version {{terms_version}}), effective {{effective_date}}. Please review and accept them to keep using {{platform_name}}.',
     'Review the terms'),
    ('platform_announcement', 'Platform announcement', '{{announcement_title}}', '{{announcement_title}}',
     '{{{announcement_html}}}',
     '{{announcement_text}}',
     'Learn more'),
    ('welcome', 'Welcome', 'Welcome to {{platform_name}}', 'Welcome to {{platform_name}}!',
     '<p>Your account is ready. Start by exploring programs, setting your first goal and taking the Wheel of Life assessment.</p>',
     'Your account is ready. Start by exploring programs, setting your first goal and taking the Wheel of Life assessment.',
     'Go to your dashboard')
), t AS (
    SELECT v.key, v.name, v.subject,
           '<!DOCTYPE html>' || E'\n'
           || '<html><body style="margin:0;padding:24px;font-family:Arial,Helvetica,sans-serif;color:#1f2937;">' || E'\n'
           || '<div style="max-width:600px;margin:0 auto;">' || E'\n'
           || '<h1 style="font-size:20px;">' || v.heading || '</h1>' || E'\n'
           || '<p>Hi {{user_name}},</p>' || E'\n'
           || v.html || E'\n'
           || '{{#action_url}}<p><a href="{{action_url}}" style="display:inline-block;padding:10px 18px;background:#1d4ed8;color:#ffffff;text-decoration:none;border-radius:4px;">'
           || v.button || '</a></p>{{/action_url}}' || E'\n'
           || '<hr style="border:none;border-top:1px solid #e5e7eb;">' || E'\n'
           || '<p style="font-size:12px;color:#6b7280;">{{platform_name}} &middot; Questions? Write to <a href="mailto:{{support_email}}">{{support_email}}</a></p>' || E'\n'
           || '</div></body></html>' AS body_html,
           'Hi {{user_name}},' || E'\n\n'
           || v.txt
           || '{{#action_url}}' || E'\n\n' || v.button || ': {{action_url}}{{/action_url}}' || E'\n\n'
           || '-- ' || E'\n' || '{{platform_name}}' || E'\n' || 'Questions? Write to {{support_email}}' AS body_text
    FROM v
)
INSERT INTO innotrue.email_templates (id, key, name, subject, body_html, body_text, variables)
SELECT innotrue.seed_id('email_templates', t.key), t.key, t.name, t.subject, t.body_html, t.body_text,
       (SELECT jsonb_agg(u.var ORDER BY u.first_use)
          FROM (SELECT m.match[1] AS var, min(m.pos) AS first_use
                  FROM regexp_matches(t.subject || ' ' || t.body_html || ' ' || t.body_text,
                                      '\{\{\s*[#^/{&]?\s*([A-Za-z_][A-Za-z0-9_]*)', 'g')
                       WITH ORDINALITY AS m (match, pos)
                 GROUP BY m.match[1]) AS u)
FROM t;

INSERT INTO innotrue.notification_types (id, key, category_id, name, description, is_critical, email_template_key, order_index)
SELECT innotrue.seed_id('notification_types', v.key), v.key, c.id, e.name, v.description, v.is_critical, e.key, v.ord
FROM (VALUES
    ('program_enrolled', 'programs', 'The user was enrolled in a program', false, 1),
    ('module_unlocked', 'programs', 'A program module became available', false, 2),
    ('module_completed', 'programs', 'The user completed a module', false, 3),
    ('program_completed', 'programs', 'The user completed a program', false, 4),
    ('session_scheduled', 'sessions', 'A session was scheduled', false, 1),
    ('session_reminder', 'sessions', 'A session starts in 24 hours', false, 2),
    ('session_cancelled', 'sessions', 'A session was cancelled', false, 3),
    ('session_rescheduled', 'sessions', 'A session moved to a new time', false, 4),
    ('assignment_available', 'assignments', 'A new assignment is available', false, 1),
    ('assignment_due_soon', 'assignments', 'An assignment is due in 48 hours', false, 2),
    ('assignment_graded', 'assignments', 'A submitted assignment was reviewed', false, 3),
    ('feedback_received', 'assignments', 'A coach or instructor left feedback', false, 4),
    ('goal_reminder', 'goals', 'Reminder to update a goal', false, 1),
    ('milestone_achieved', 'goals', 'A goal milestone was achieved', false, 2),
    ('goal_shared', 'goals', 'Someone shared a goal with the user', false, 3),
    ('goal_comment', 'goals', 'Someone commented on the user''s goal', false, 4),
    ('decision_reminder', 'decisions', 'Reminder about an open decision', false, 1),
    ('decision_outcome_due', 'decisions', 'Time to record a decision''s outcome', false, 2),
    ('credits_low', 'credits', 'The credit balance fell below the low threshold', false, 1),
    ('credits_added', 'credits', 'Credits were added (purchase, grant, allowance)', false, 2),
    ('credits_expiring', 'credits', 'Credits are about to expire', false, 3),
    ('payment_received', 'credits', 'A payment was received', false, 4),
    ('group_joined', 'groups', 'The user joined a group', false, 1),
    ('group_task_assigned', 'groups', 'A group task was assigned to the user', false, 2),
    ('group_session_scheduled', 'groups', 'A group session was scheduled', false, 3),
    ('group_message', 'groups', 'New message in a group', false, 4),
    ('security_alert', 'system', 'Security event on the account, e.g. a new login from an unknown device', true, 1),
    ('account_updated', 'system', 'Account details (e-mail, password, profile) changed', true, 2),
    ('terms_updated', 'system', 'The platform terms changed', true, 3),
    ('platform_announcement', 'system', 'Announcement to all users', false, 4),
    ('welcome', 'system', 'Sent once when the account is created', false, 5)
) AS v (key, category_key, description, is_critical, ord)
JOIN innotrue.notification_categories c ON c.key = v.category_key
JOIN innotrue.email_templates e ON e.key = v.key;
