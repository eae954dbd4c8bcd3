-- Tenant tables with row level security on but not forced.
-- severity: medium
-- risks: RISK-INT-002
-- kind: structural
-- requires: tenant-model
-- condition: matters only if the application connects as the owner role ({owner})
-- Without FORCE ROW LEVEL SECURITY the table's owner (often the role the application or its
-- migrations connect as) skips every policy. When the application connects as another role it
-- changes nothing, so the tables are reported as one finding that says so.
SELECT c.oid::regclass::text AS table_name,
       pg_get_userbyid(c.relowner) AS owner
FROM pg_class c
WHERE c.oid = ANY (current_setting('workbench.tenant_tables')::oid[])
  AND c.relrowsecurity AND NOT c.relforcerowsecurity
ORDER BY 1;
