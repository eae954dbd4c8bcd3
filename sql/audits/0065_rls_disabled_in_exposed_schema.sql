-- Tables that API callers can read while row level security is off.
-- severity: high
-- risks: RISK-INT-002
-- kind: structural
-- A role that row level security applies to (on Supabase anon and authenticated; elsewhere the
-- application's own roles, or PUBLIC) holds SELECT on the table, and nothing filters its rows:
-- every caller reads every row. Splinter's rls_disabled_in_public, asked of every such role
-- rather than two named ones, in every audited schema. Tenant tables are also reported by
-- rls_disabled_on_tenant_table; this one needs no tenant model.
SELECT c.oid::regclass::text AS table_name,
       x.callers AS exposed_to
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN jsonb_each_text(current_setting('workbench.exposed_relations')::jsonb) x(oid, callers) ON x.oid = c.oid::text
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND NOT c.relrowsecurity
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1;
