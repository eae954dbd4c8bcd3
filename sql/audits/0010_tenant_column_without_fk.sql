-- Tenant tables whose tenant column has no foreign key to the tenant table.
-- severity: high
-- risks: RISK-MT-001
-- kind: structural
-- requires: tenant-model
-- Without the key a row can name an organization that does not exist, and it survives the
-- organization's deletion. Tenant tables are the tenant model's direct tables, each with its own
-- tenant column (names may differ per table); the tenant table is inferred or given. With no
-- tenant table at all, every direct table is listed.
WITH tenant_column AS (  -- the model's per-table tenant columns, parsed once
    SELECT t.key::oid AS relid, t.value AS attname
    FROM jsonb_each_text(current_setting('workbench.tenant_columns')::jsonb) AS t
)
SELECT c.oid::regclass::text AS table_name,
       a.attname AS tenant_column,
       coalesce(NULLIF(current_setting('workbench.tenant_table'), ''), '(no tenant table found)') AS should_reference
FROM tenant_column tc
JOIN pg_class c ON c.oid = tc.relid
JOIN pg_attribute a ON a.attrelid = tc.relid AND a.attname = tc.attname
WHERE NOT EXISTS (
      SELECT 1 FROM pg_constraint con
      WHERE con.conrelid = c.oid AND con.contype = 'f'
        AND a.attnum = ANY (con.conkey)
        AND con.confrelid = NULLIF(current_setting('workbench.tenant_table'), '')::regclass
  )
ORDER BY 1;
