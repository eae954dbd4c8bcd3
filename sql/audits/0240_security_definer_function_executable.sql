-- SECURITY DEFINER functions that API callers (or PUBLIC) may execute.
-- severity: high
-- risks: RISK-INT-002
-- kind: structural
-- identity: function_name, arguments
-- The function runs with its owner's rights and skips row level security on every table it
-- touches; any caller that may execute it (PostgreSQL grants EXECUTE to PUBLIC unless revoked;
-- PostgREST exposes it as /rpc) uses those rights. Revoke EXECUTE from PUBLIC and the API roles,
-- make it SECURITY INVOKER, or move it out of an exposed schema. Splinter's
-- anon_/authenticated_security_definer_function_executable, asked of every such role. Trigger
-- functions are left out: PostgreSQL refuses to call them other than as triggers.
SELECT p.oid::regproc::text AS function_name,
       pg_get_function_identity_arguments(p.oid) AS arguments,
       x.callers AS executable_by,
       pg_get_userbyid(p.proowner) AS owner
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN jsonb_each_text(current_setting('workbench.exposed_definer_functions')::jsonb) x(oid, callers) ON x.oid = p.oid::text
WHERE p.prosecdef
  AND p.prorettype NOT IN ('trigger'::regtype, 'event_trigger'::regtype)
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
ORDER BY 1, 2;
