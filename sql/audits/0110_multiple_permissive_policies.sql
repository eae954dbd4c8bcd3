-- Tables with more than one permissive policy for the same role and command.
-- severity: low
-- risks: RISK-INT-002
-- kind: structural
-- Permissive policies are OR-ed: each one is evaluated for every row and the widest one wins, so
-- a narrow policy beside a broad one restricts nothing. Splinter's multiple_permissive_policies.
WITH expanded AS (
    SELECT p.polrelid, p.polname, r.role,
           cmd.cmd
    FROM pg_policy p
    JOIN pg_class c ON c.oid = p.polrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL unnest(p.polroles) AS r(role)
    CROSS JOIN LATERAL unnest(CASE p.polcmd WHEN '*' THEN ARRAY['r', 'a', 'w', 'd'] ELSE ARRAY[p.polcmd::text] END) AS cmd(cmd)
    WHERE p.polpermissive
      AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
)
SELECT polrelid::regclass::text AS table_name,
       CASE WHEN role = 0 THEN 'public' ELSE pg_get_userbyid(role) END AS role_name,
       CASE cmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' ELSE 'DELETE' END AS command,
       string_agg(polname, ', ' ORDER BY polname) AS policies
FROM expanded
GROUP BY polrelid, role, cmd
HAVING count(*) > 1
ORDER BY 1, 2, 3;
