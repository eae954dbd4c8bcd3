-- Tables with row level security on and no policy at all.
-- severity: medium
-- risks: RISK-INT-002
-- kind: structural
-- Every query by a role that does not bypass RLS returns nothing and every write fails: usually
-- a half-finished migration. Splinter's rls_enabled_no_policy.
SELECT c.oid::regclass::text AS table_name
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND c.relrowsecurity
  AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)
ORDER BY 1;
