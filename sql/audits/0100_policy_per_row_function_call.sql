-- Policies that call auth.uid(), auth.jwt(), auth.role(), auth.email() or current_setting() per row.
-- severity: medium
-- risks: RISK-INT-002
-- kind: structural
-- Written bare, the call is evaluated for every row scanned; wrapped as (SELECT auth.uid()) it
-- becomes an initplan evaluated once per statement. Splinter's auth_rls_initplan; the count of
-- bare calls is in the row.
WITH p AS (
    SELECT p.polrelid, p.polname,
           concat_ws(' ', pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)) AS expr
    FROM pg_policy p
    JOIN pg_class c ON c.oid = p.polrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
), counted AS (
    SELECT polrelid, polname,
           (SELECT count(*) FROM regexp_matches(expr, '(auth\.(uid|jwt|role|email)|current_setting)\(', 'g')) AS calls,
           (SELECT count(*) FROM regexp_matches(expr, 'SELECT \(*(auth\.(uid|jwt|role|email)|current_setting)\(', 'g')) AS wrapped
    FROM p
)
SELECT polrelid::regclass::text AS table_name, polname AS policy_name, calls - wrapped AS bare_calls
FROM counted
WHERE calls > wrapped
ORDER BY 1, 2;
