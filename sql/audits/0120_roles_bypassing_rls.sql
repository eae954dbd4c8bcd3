-- Roles that bypass row level security (superusers and BYPASSRLS roles).
-- severity: info
-- risks: RISK-INT-002
-- kind: structural
-- Every connection as one of these roles sees every tenant, whatever the policies say; the
-- application must never connect as one. Listed for review (some always exist, e.g. the
-- bootstrap superuser), so it is informational.
SELECT rolname AS role_name,
       CASE WHEN rolsuper THEN 'superuser' ELSE 'bypassrls' END AS why,
       rolcanlogin AS can_login
FROM pg_roles
WHERE (rolsuper OR rolbypassrls) AND rolname !~ '^pg_'
ORDER BY 1;
