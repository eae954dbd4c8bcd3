-- Tenant tables whose tenant column accepts NULL.
-- severity: high
-- risks: RISK-MT-001, RISK-INTEGRITY-005
-- kind: structural
-- A row with no tenant belongs to nobody: no policy comparing the column with the current
-- tenant ever matches it, and no foreign key checks it.
SELECT c.oid::regclass::text AS table_name, a.attname AS tenant_column
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = (current_setting('workbench.tenant_columns')::jsonb ->> c.oid::text)
WHERE c.oid = ANY (current_setting('workbench.direct_tables')::oid[])
  AND NOT a.attnotnull
ORDER BY 1;
