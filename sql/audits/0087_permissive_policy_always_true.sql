-- Permissive policies that let any caller change or add any row (USING / WITH CHECK always true).
-- severity: high
-- risks: RISK-INT-002, RISK-MT-002
-- kind: structural
-- identity: table_name, policy_name
-- Policies are OR-ed, so one permissive UPDATE, DELETE or ALL policy whose USING is true (or
-- 1 = 1), or one whose WITH CHECK is true, or an INSERT policy with no WITH CHECK, opens the
-- table to every role it names however strict the others are. Only policies for PUBLIC or for a
-- role row level security applies to are listed; a read-only USING (true) for SELECT is often
-- deliberate (public reference data) and is not. Splinter's rls_policy_always_true.
WITH pol AS (
    SELECT p.polrelid, p.polname, p.polroles,
           CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                         WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS command,
           p.polqual IS NULL AS no_using,
           p.polwithcheck IS NULL AS no_check,
           regexp_replace(lower(coalesce(pg_get_expr(p.polqual, p.polrelid), '')), '[\s()]', '', 'g') IN ('true', '1=1') AS using_true,
           regexp_replace(lower(coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '')), '[\s()]', '', 'g') IN ('true', '1=1') AS check_true
    FROM pg_policy p
    JOIN pg_class c ON c.oid = p.polrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE p.polpermissive AND c.relrowsecurity
      AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
      AND (p.polroles = '{0}' OR EXISTS (
               SELECT 1 FROM pg_roles r
               WHERE r.oid = ANY (p.polroles) AND NOT r.rolsuper AND NOT r.rolbypassrls))
)
SELECT polrelid::regclass::text AS table_name,
       polname AS policy_name,
       command,
       (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r) END, ', ') FROM unnest(polroles) r) AS roles,
       concat_ws(' and ',
                 CASE WHEN command IN ('UPDATE', 'DELETE', 'ALL') AND (using_true OR no_using) THEN 'USING is always true' END,
                 CASE WHEN check_true OR (no_check AND command = 'INSERT')
                           OR (no_check AND command IN ('UPDATE', 'ALL') AND using_true) THEN 'WITH CHECK is always true' END) AS why
FROM pol
WHERE (command IN ('UPDATE', 'DELETE', 'ALL') AND (using_true OR no_using))
   OR check_true
   OR (no_check AND command = 'INSERT')
   OR (no_check AND command IN ('UPDATE', 'ALL') AND using_true)
ORDER BY 1, 2;
