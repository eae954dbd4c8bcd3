-- Views in an audited schema that expose auth.users to API callers.
-- severity: critical
-- risks: RISK-INT-001, RISK-INT-002
-- kind: structural
-- identity: view_name
-- A view or materialized view over the platform's user table (emails, phone numbers, metadata
-- of every user) that a role row level security applies to may read: a materialized view has
-- no row level security at all, a view without security_invoker reads as its owner, and one
-- with it still shows everything when auth.users has RLS off. Splinter's auth_users_exposed.
SELECT c.oid::regclass::text AS view_name,
       CASE c.relkind WHEN 'm' THEN 'materialized view' ELSE 'view' END AS kind,
       x.callers AS exposed_to
FROM pg_class u
JOIN pg_depend d ON d.refobjid = u.oid AND d.classid = 'pg_rewrite'::regclass AND d.deptype = 'n'
JOIN pg_rewrite rw ON rw.oid = d.objid
JOIN pg_class c ON c.oid = rw.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN jsonb_each_text(current_setting('workbench.exposed_relations')::jsonb) x(oid, callers) ON x.oid = c.oid::text
WHERE u.oid = to_regclass('auth.users')
  AND c.oid <> u.oid
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND (c.relkind = 'm'
       OR NOT coalesce(c.reloptions, '{}') && ARRAY['security_invoker=1', 'security_invoker=true', 'security_invoker=yes', 'security_invoker=on']
       OR NOT u.relrowsecurity)
GROUP BY c.oid, c.relkind, x.callers
ORDER BY 1;
