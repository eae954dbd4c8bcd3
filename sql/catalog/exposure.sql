-- What API callers can reach, as two JSON objects keyed by oid (text) with the callers' names.
-- An API caller is a role row level security applies to: not a superuser, not BYPASSRLS, not one
-- of PostgreSQL's predefined pg_* roles (on Supabase: anon, authenticated, ...), or PUBLIC.
-- A relation is exposed when such a role other than its owner may SELECT it (PUBLIC: a grant to
-- PUBLIC); a SECURITY DEFINER function when such a role other than its owner may EXECUTE it
-- (PUBLIC: no ACL at all, PostgreSQL's default, or a grant to PUBLIC). System schemas are skipped.
WITH api AS (
    SELECT oid, rolname::text AS rolname FROM pg_roles
    WHERE NOT rolsuper AND NOT rolbypassrls AND rolname !~ '^pg_'
), rel AS (
    SELECT c.oid, c.relowner, c.relacl FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
), rel_callers AS (
    SELECT rel.oid, 'PUBLIC' AS caller FROM rel
    WHERE EXISTS (SELECT 1 FROM aclexplode(rel.relacl) a WHERE a.grantee = 0 AND a.privilege_type = 'SELECT')
    UNION ALL
    SELECT rel.oid, api.rolname FROM rel JOIN api ON api.oid <> rel.relowner
    WHERE has_table_privilege(api.oid, rel.oid, 'SELECT')
), fn AS (
    SELECT p.oid, p.proowner, p.proacl FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prosecdef AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
), fn_callers AS (
    SELECT fn.oid, 'PUBLIC' AS caller FROM fn
    WHERE fn.proacl IS NULL
       OR EXISTS (SELECT 1 FROM aclexplode(fn.proacl) a WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
    UNION ALL
    SELECT fn.oid, api.rolname FROM fn JOIN api ON api.oid <> fn.proowner
    WHERE has_function_privilege(api.oid, fn.oid, 'EXECUTE')
)
SELECT
    (SELECT coalesce(jsonb_object_agg(oid::text, callers), '{}')
     FROM (SELECT oid, string_agg(caller, ', ' ORDER BY caller) AS callers FROM rel_callers GROUP BY oid) r)::text,
    (SELECT coalesce(jsonb_object_agg(oid::text, callers), '{}')
     FROM (SELECT oid, string_agg(caller, ', ' ORDER BY caller) AS callers FROM fn_callers GROUP BY oid) f)::text
