-- role.sql: the role simulated users run as (cluster-wide, created only when missing).
-- Why: RLS never applies to a superuser or a BYPASSRLS role, so load that connects as the
-- DSN's (super)user would measure a database without its policies. Users switch to this role
-- per transaction with set_config('role', ..., true), exactly as PostgREST does on Supabase;
-- where Supabase's roles exist it inherits the privileges of `authenticated`, which the
-- policies target, and the DSN's user may switch to `service_role` (any other schema's tables
-- are granted to it by workbench.load.plan.grant_load_role).
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
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'service_role')
       AND NOT pg_has_role(current_user, 'service_role', 'MEMBER') THEN
        EXECUTE format('GRANT service_role TO %I', current_user);
    END IF;
END
$$;
