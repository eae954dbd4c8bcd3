-- Roles the dump refers to (owners, grantees, policy roles): roles are cluster-wide, so
-- pg_dump of one database does not carry them; a target server without them fails every
-- ALTER ... OWNER TO, GRANT and CREATE POLICY ... TO that names them.
WITH names AS (
    SELECT c.relowner AS role FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    UNION SELECT (aclexplode(c.relacl)).grantee FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND c.relacl IS NOT NULL
    UNION SELECT (aclexplode(n.nspacl)).grantee FROM pg_namespace n
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspacl IS NOT NULL
    UNION SELECT unnest(p.polroles) FROM pg_policy p
    UNION SELECT d.defaclrole FROM pg_default_acl d
)
SELECT DISTINCT r.rolname FROM names JOIN pg_roles r ON r.oid = names.role
ORDER BY 1
