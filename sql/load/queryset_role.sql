-- queryset_role.sql: the load role for any schema (cluster-wide, created only when missing).
-- Like role.sql it cannot bypass RLS, so policies apply to simulated users; unlike role.sql it
-- assumes no Supabase roles: it inherits `authenticated` only where that role exists, and the
-- caller grants it SELECT on the schema's tables (workbench.load.plan.grant_load_role).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'workbench_load') THEN
        CREATE ROLE workbench_load NOLOGIN INHERIT NOSUPERUSER NOBYPASSRLS;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'authenticated')
       AND NOT pg_has_role('workbench_load', 'authenticated', 'MEMBER') THEN
        GRANT authenticated TO workbench_load;
    END IF;
    IF NOT pg_has_role(current_user, 'workbench_load', 'MEMBER') THEN
        EXECUTE format('GRANT workbench_load TO %I', current_user);
    END IF;
END
$$;
