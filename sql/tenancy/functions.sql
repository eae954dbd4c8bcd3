-- Functions outside the system schemas that policies may call: body, return type, security.
-- Not limited to the audited schemas: helpers often live in a schema that is not audited (private, auth, app).
SELECT format('%%I.%%I', n.nspname, p.proname) AS name,
       p.proname AS short_name,
       p.prosecdef AS security_definer,
       l.lanname AS language,
       p.prosrc AS body,
       format_type(p.prorettype, NULL) AS returns,
       p.proretset AS returns_set,
       coalesce(p.proconfig, '{}')::text[] AS config,
       p.oid::regprocedure::text AS signature,
       array(SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END
             FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) AS a
             WHERE a.privilege_type = 'EXECUTE' ORDER BY 1)::text[] AS executors
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE p.prokind = 'f'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_%%'
  AND l.lanname IN ('sql', 'plpgsql')
  AND p.prorettype <> 'trigger'::regtype
ORDER BY 1;
