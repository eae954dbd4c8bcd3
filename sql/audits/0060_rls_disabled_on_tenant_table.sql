-- Tenant tables with row level security off.
-- severity: high
-- risks: RISK-INT-002
-- kind: structural
-- requires: tenant-model
-- Any role with table privileges reads and writes every tenant's rows there; isolation rests on
-- every query of the application remembering its WHERE clause. Splinter's rls_disabled_in_public,
-- restricted to the tables that carry the tenant column.
SELECT c.oid::regclass::text AS table_name,
       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
FROM pg_class c
WHERE c.oid = ANY (current_setting('workbench.tenant_tables')::oid[])
  AND NOT c.relrowsecurity
ORDER BY 1;
