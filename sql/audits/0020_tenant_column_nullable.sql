-- Tenant tables whose tenant column accepts NULL.
-- severity: high
-- risks: RISK-MT-001, RISK-INTEGRITY-005
-- kind: structural
-- requires: tenant-model
-- A row with no tenant belongs to nobody: no policy comparing the column with the current
-- tenant ever matches it, and no foreign key checks it.
WITH tenant_column AS (  -- the model's per-table tenant columns, parsed once
    SELECT t.key::oid AS relid, t.value AS attname
    FROM jsonb_each_text(current_setting('workbench.tenant_columns')::jsonb) AS t
)
SELECT c.oid::regclass::text AS table_name, a.attname AS tenant_column
FROM tenant_column tc
JOIN pg_class c ON c.oid = tc.relid
JOIN pg_attribute a ON a.attrelid = tc.relid AND a.attname = tc.attname
WHERE NOT a.attnotnull
ORDER BY 1;
