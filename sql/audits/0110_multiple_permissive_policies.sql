-- Tables with more than one permissive policy for the same role and command.
-- severity: low
-- risks: RISK-INT-002
-- kind: structural
-- identity: table_name, command, policies
-- Permissive policies are OR-ed: each one is evaluated for every row and the widest one wins, so
-- a narrow policy beside a broad one restricts nothing. A policy for PUBLIC applies to every
-- role, so it is counted for each role row level security applies to (and for PUBLIC itself);
-- roles that bypass RLS are left out. One row per table, command and set of policies, with the
-- roles they overlap for. Splinter's multiple_permissive_policies (one row per role there).
WITH roles AS (
    SELECT 0::oid AS oid, 'PUBLIC' AS rolname
    UNION ALL
    SELECT oid, rolname::text FROM pg_roles WHERE NOT rolsuper AND NOT rolbypassrls AND rolname !~ '^pg_'
), expanded AS (
    SELECT p.polrelid, p.polname, r.oid AS role, r.rolname, cmd.cmd
    FROM pg_policy p
    JOIN pg_class c ON c.oid = p.polrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN roles r ON r.oid = ANY (p.polroles) OR (0::oid = ANY (p.polroles))
    CROSS JOIN LATERAL unnest(CASE p.polcmd WHEN '*' THEN ARRAY['r', 'a', 'w', 'd'] ELSE ARRAY[p.polcmd::text] END) AS cmd(cmd)
    WHERE p.polpermissive
      AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
), per_role AS (
    SELECT polrelid, role, rolname, cmd, string_agg(polname, ', ' ORDER BY polname) AS policies
    FROM expanded
    GROUP BY polrelid, role, rolname, cmd
    HAVING count(*) > 1
)
SELECT polrelid::regclass::text AS table_name,
       CASE cmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' ELSE 'DELETE' END AS command,
       policies,
       string_agg(rolname, ', ' ORDER BY rolname) AS roles
FROM per_role
GROUP BY polrelid, cmd, policies
ORDER BY 1, 2, 3;
