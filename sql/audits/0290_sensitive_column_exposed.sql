-- Columns named like secrets or personal data in tables API callers can read without RLS.
-- severity: high
-- risks: RISK-INT-006, RISK-INT-002
-- kind: structural
-- identity: table_name, column_name
-- Passwords, tokens, API keys, card and bank numbers, national ids, health records (the names
-- in workbench/column_names.py) in a table a role row level security applies to may SELECT,
-- with row level security off: every caller reads every row's secret. Enable RLS, revoke the
-- grant or move the column. Splinter's sensitive_columns_exposed (one row per table there).
SELECT c.oid::regclass::text AS table_name,
       a.attname AS column_name,
       x.callers AS exposed_to
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN jsonb_each_text(current_setting('workbench.exposed_relations')::jsonb) x(oid, callers) ON x.oid = c.oid::text
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND NOT c.relrowsecurity
  AND replace(lower(a.attname), '-', '_') ~ current_setting('workbench.sensitive_names')
ORDER BY 1, 2;
