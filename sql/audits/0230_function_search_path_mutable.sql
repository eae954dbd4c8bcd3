-- Functions that do not pin search_path, so the caller's search_path decides what they call.
-- severity: medium
-- risks: RISK-INT-002, RISK-INT-001
-- kind: structural
-- identity: function_name, arguments
-- An unqualified name in the body resolves through whatever search_path is current: a role
-- that may create objects in a schema early on that path can slip in its own function or table.
-- For a SECURITY DEFINER function (security_definer = true) that runs with the owner's rights;
-- for others it is a correctness risk. Fix with SET search_path = '' (and qualified names) or a
-- fixed list. Functions of extensions are skipped. Splinter's function_search_path_mutable.
SELECT p.oid::regproc::text AS function_name,
       pg_get_function_identity_arguments(p.oid) AS arguments,
       p.prosecdef AS security_definer,
       l.lanname AS language
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) cfg WHERE cfg LIKE 'search\_path=%')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
ORDER BY 1, 2;
