-- A synthetic multi-tenant schema of N tables for benchmarks (N from the setting
-- workbench.synthetic_tables, set with set_config before running this script). Needs
-- sql/baseline/000_supabase_stubs.sql. Tenant: workspaces (uuid), membership workspace_members,
-- a SECURITY DEFINER helper private.my_workspaces(); of the N tables, per ten: seven carry
-- workspace_id (with a policy through the helper), two hang NOT NULL off an earlier direct table
-- (with a policy through that parent), one is a lookup. Run it outside a transaction block
-- (autocommit): it commits every hundred tables.
DO $$
DECLARE
    n int := current_setting('workbench.synthetic_tables')::int;
    direct text[] := ARRAY[]::text[];
    t text;
    parent text;
BEGIN
    CREATE SCHEMA IF NOT EXISTS private;
    CREATE TABLE public.workspaces (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);
    CREATE TABLE public.workspace_members (
        workspace_id uuid NOT NULL REFERENCES public.workspaces ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES auth.users ON DELETE CASCADE,
        PRIMARY KEY (workspace_id, user_id));
    CREATE FUNCTION private.my_workspaces() RETURNS SETOF uuid LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path = '' AS
        'SELECT m.workspace_id FROM public.workspace_members m WHERE m.user_id = auth.uid()';
    FOR i IN 1..n LOOP
        t := format('t%s', i);
        IF i % 10 = 0 THEN
            EXECUTE format('CREATE TABLE public.%I (code text PRIMARY KEY, label text)', t);
        ELSIF i % 10 IN (8, 9) AND cardinality(direct) > 0 THEN
            parent := direct[1 + (i * 7) % cardinality(direct)];
            EXECUTE format('CREATE TABLE public.%I (id uuid PRIMARY KEY, parent_id uuid NOT NULL '
                           'REFERENCES public.%I, body text)', t, parent);
            EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
            EXECUTE format('CREATE POLICY scoped ON public.%I USING (EXISTS (SELECT 1 FROM '
                           'public.%I p WHERE p.id = %I.parent_id AND p.workspace_id IN '
                           '(SELECT private.my_workspaces())))', t, parent, t);
        ELSE
            EXECUTE format('CREATE TABLE public.%I (id uuid PRIMARY KEY, workspace_id uuid NOT NULL '
                           'REFERENCES public.workspaces ON DELETE CASCADE, name text, '
                           'UNIQUE (workspace_id, name))', t);
            EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
            EXECUTE format('CREATE POLICY scoped ON public.%I USING (workspace_id IN '
                           '(SELECT private.my_workspaces()))', t);
            direct := direct || t;
        END IF;
        IF i % 100 = 0 THEN
            COMMIT;  -- a thousand CREATEs in one transaction exhaust the shared lock table
        END IF;
    END LOOP;
END
$$;
