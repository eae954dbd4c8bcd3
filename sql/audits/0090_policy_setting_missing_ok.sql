-- Policies that read a setting with missing_ok, so an unset tenant gives silent empty results.
-- severity: high
-- risks: RISK-INT-003
-- kind: structural
-- current_setting(name, true) returns NULL (or '' once set and reset) when the application forgot
-- to set the tenant: the comparison is never true, reads return nothing and writes fail, with no
-- error to say why. A policy that fails closed raises instead (a function that checks the setting).
SELECT p.polrelid::regclass::text AS table_name,
       p.polname AS policy_name,
       substring(concat_ws(' ', pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)) FROM 'current_setting\([^)]*true\)') AS call
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND concat_ws(' ', pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)) ~ 'current_setting\([^)]*,\s*true\)'
ORDER BY 1, 2;
