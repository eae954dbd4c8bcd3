-- Tenant tables whose tenant column has no foreign key to the tenant table.
-- severity: high
-- risks: RISK-MT-001
-- kind: structural
-- Without the key a row can name an organization that does not exist, and it survives the
-- organization's deletion. Tenant tables are the tenant model's direct tables, each with its own
-- tenant column (names may differ per table); the tenant table is inferred or given. With no
-- tenant table at all, every direct table is listed.
SELECT c.oid::regclass::text AS table_name,
       a.attname AS tenant_column,
       coalesce(NULLIF(current_setting('workbench.tenant_table'), ''), '(no tenant table found)') AS should_reference
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = (current_setting('workbench.tenant_columns')::jsonb ->> c.oid::text)
WHERE c.oid = ANY (current_setting('workbench.direct_tables')::oid[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_constraint con
      WHERE con.conrelid = c.oid AND con.contype = 'f'
        AND a.attnum = ANY (con.conkey)
        AND con.confrelid = NULLIF(current_setting('workbench.tenant_table'), '')::regclass
  )
ORDER BY 1;
