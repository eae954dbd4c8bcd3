-- Roles a schema-only dump of this database refers to: owners of schemas, tables, functions
-- and types, grantees of their privileges, policy roles and default-privilege roles. Roles are
-- cluster-wide, so pg_dump of one database does not carry them, and a target server without
-- them fails every ALTER ... OWNER TO, GRANT and CREATE POLICY ... TO that names them.
-- Objects that belong to an extension are left out (the extension's script makes them).
-- (Run with a %(schemas)s parameter, hence the doubled %% in LIKE patterns.)
WITH ns AS (
    SELECT oid, nspowner, nspacl FROM pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND nspname NOT LIKE 'pg_temp_%%' AND nspname NOT LIKE 'pg_toast_temp_%%'
      AND (cardinality(%(schemas)s::text[]) = 0 OR nspname = ANY (%(schemas)s::text[]))
),
own AS (
    SELECT c.oid, c.relowner AS owner, c.relacl AS acl FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
    UNION ALL SELECT p.oid, p.proowner, p.proacl FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
    UNION ALL SELECT t.oid, t.typowner, t.typacl FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
),
names AS (
    SELECT owner AS role FROM own
    WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = own.oid AND d.deptype = 'e')
    UNION SELECT (aclexplode(acl)).grantee FROM own WHERE acl IS NOT NULL
    UNION SELECT nspowner FROM ns
    UNION SELECT (aclexplode(nspacl)).grantee FROM ns WHERE nspacl IS NOT NULL
    UNION SELECT unnest(p.polroles) FROM pg_policy p
          JOIN pg_class c ON c.oid = p.polrelid JOIN ns ON ns.oid = c.relnamespace
    UNION SELECT d.defaclrole FROM pg_default_acl d
    UNION SELECT (aclexplode(d.defaclacl)).grantee FROM pg_default_acl d
)
SELECT DISTINCT r.rolname FROM names JOIN pg_roles r ON r.oid = names.role
WHERE r.rolname NOT LIKE 'pg\_%%'
ORDER BY 1
