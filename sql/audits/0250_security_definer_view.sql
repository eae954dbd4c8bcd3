-- Views API callers can read that run with their owner's rights (no security_invoker).
-- severity: high
-- risks: RISK-INT-002
-- kind: structural
-- identity: view_name
-- A view reads its tables as the view's owner: row level security of the caller does not apply
-- (and not at all when the owner owns the tables or bypasses RLS), so the view can show every
-- tenant's rows. Since PostgreSQL 15, WITH (security_invoker = true) makes it read as the
-- caller. reads_rls_tables says whether it reads a table whose policies it thereby skips.
-- Splinter's security_definer_view.
SELECT c.oid::regclass::text AS view_name,
       x.callers AS exposed_to,
       EXISTS (SELECT 1 FROM pg_rewrite rw JOIN pg_depend d ON d.objid = rw.oid AND d.classid = 'pg_rewrite'::regclass
               JOIN pg_class t ON t.oid = d.refobjid
               WHERE rw.ev_class = c.oid AND t.oid <> c.oid AND t.relrowsecurity) AS reads_rls_tables
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN jsonb_each_text(current_setting('workbench.exposed_relations')::jsonb) x(oid, callers) ON x.oid = c.oid::text
WHERE c.relkind = 'v'
  AND current_setting('server_version_num')::int >= 150000
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND NOT coalesce(c.reloptions, '{}') && ARRAY['security_invoker=1', 'security_invoker=true', 'security_invoker=yes', 'security_invoker=on']
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1;
