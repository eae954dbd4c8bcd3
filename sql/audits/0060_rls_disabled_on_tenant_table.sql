-- Tenant tables (direct or indirect) with row level security off.
-- severity: high
-- risks: RISK-INT-002
-- kind: structural
-- requires: tenant-model
-- Any role with table privileges reads and writes every tenant's rows there; isolation rests on
-- every query of the application remembering its WHERE clause. Splinter's rls_disabled_in_public,
-- restricted to tenant data: tables with a tenant column and tables reaching one through NOT NULL
-- foreign keys (messages -> threads -> projects).
SELECT c.oid::regclass::text AS table_name,
       CASE WHEN c.oid = ANY (current_setting('workbench.direct_tables')::oid[]) THEN 'direct'
            ELSE 'indirect' END AS tenancy,
       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
FROM pg_class c
WHERE c.oid = ANY (current_setting('workbench.tenant_tables')::oid[])
  AND NOT c.relrowsecurity
ORDER BY 1;
