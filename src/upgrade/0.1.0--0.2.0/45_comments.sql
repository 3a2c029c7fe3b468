-- Comments that point into the repository (issue 19, item 5). Some 0.1.0 comments cite documents
-- that are not part of the repository (the external product guide and its rules page); the
-- catalog comments below replace them with the repository's own pages: docs/rules.md states every
-- rule, docs/schema.md groups the tables by layer, docs/configuration.md explains the layer rules.
-- The `--` comments inside the frozen 0.1.0 files keep their wording (docs/rules.md says so).
-- Comments only: no object, privilege or behaviour changes, and a fresh install runs this step
-- too, so fresh and upgraded databases carry the same text.

COMMENT ON TABLE innotrue.schema_tables IS
    'Registry of every innotrue table: its layer (1 to 5, as docs/schema.md groups them) and its kind (configuration, user, organization, internal, extension).';

COMMENT ON TABLE innotrue.layer_rules IS
    'Dependency rules between layers, as data: read by the C trigger innotrue.enforce_layer_rules() (hard and guard rules) and by innotrue.configuration_report() (all but guard rules). Column order is read by src/layers.c.';
COMMENT ON COLUMN innotrue.layer_rules.layer IS
    'Layer the rule belongs to (1 to 5, as docs/schema.md groups the tables); external = mappings to Stripe, Cal.com, storage; drift = inconsistencies no checklist line catches.';
COMMENT ON COLUMN innotrue.layer_rules.what_breaks IS
    'What breaks for users when the rule is not met, as the report shows it.';

COMMENT ON TABLE innotrue.status_transitions IS
    'Allowed status moves (docs/rules.md "Status flows"); innotrue.enforce_status_flow() refuses every other change of the column. Column order is read by src/layers.c.';

COMMENT ON VIEW innotrue.user_credit_balances IS
    'Credit balance of every user (docs/credits.md), derived from credit_batches and credit_ledger, never stored: available = total - consumed - held - expired + adjusted. security_invoker: callers see only what RLS lets them see.';

COMMENT ON FUNCTION innotrue.configuration_report() IS
    'One row per configuration check (innotrue.layer_rules): the set-up checklist, dependency chains, external mappings and drift, with status ok, missing, broken or advisory, the count found, the offending objects and what breaks.';

-- The note of the scoring matrix's access rule cited the rules page; an installation that has
-- changed the note keeps its own text.
UPDATE innotrue.rls_table_rules
   SET note = 'the scoring matrix: admins only (docs/rules.md "Access", docs/access.md)'
 WHERE table_name = 'assessment_option_scores'
   AND note = 'the scoring matrix: admins only (platform-rules.md "Assessment scoring")';
