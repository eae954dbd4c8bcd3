-- Tables outside the tenant model that reference tenant data through a nullable foreign key.
-- severity: medium
-- risks: RISK-MT-002, RISK-INT-002
-- kind: structural
-- requires: tenant-model
-- identity: table_name, constraint_name
-- The row points at one tenant's row, yet the table has no tenant column and no NOT NULL path
-- to one, so the tenant model counts it global: no tenant check covers it and policies on it
-- cannot follow a key that may be NULL. Usually tenant data whose key should be NOT NULL (then it
-- is an indirect tenant table) or which should carry the tenant column itself.
SELECT c.oid::regclass::text AS table_name,
       con.conname AS constraint_name,
       con.confrelid::regclass::text AS references_table
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f'
  AND NOT c.relispartition  -- partitions carry clones of the parent's keys: report the parent once
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND con.confrelid = ANY (current_setting('workbench.tenant_tables')::oid[])
  AND NOT (con.conrelid = ANY (current_setting('workbench.tenant_tables')::oid[]))
  AND con.conrelid IS DISTINCT FROM to_regclass(NULLIF(current_setting('workbench.tenant_table'), ''))::oid
ORDER BY 1, 2;
