-- Tables that have policies while row level security is off, so no policy applies.
-- severity: high
-- risks: RISK-INT-002
-- kind: structural
-- The policies look like protection in every review, but until ALTER TABLE ... ENABLE ROW LEVEL
-- SECURITY they are ignored: every role with table privileges sees every row. Splinter's
-- policy_exists_rls_disabled.
SELECT c.oid::regclass::text AS table_name,
       string_agg(p.polname, ', ' ORDER BY p.polname) AS policies
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND NOT c.relrowsecurity
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
GROUP BY c.oid
ORDER BY 1;
