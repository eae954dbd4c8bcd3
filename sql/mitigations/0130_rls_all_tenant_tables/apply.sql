-- 0130_rls_all_tenant_tables / apply
-- RISK-INT-002 (fact 3): row level security was on users and api_tokens only.
-- RISK-INT-003: the users policies read current_setting('app.organization_id', true), so a
-- request that forgot to set the tenant silently sees nothing (and writes fail with no reason).
--   * public.current_organization_id() fails closed AND loudly: it returns the tenant set with
--     set_config('app.organization_id', <uuid>, true) and raises 42501 when it is unset or
--     empty (after a transaction-local set ends, the setting reads as '').
--   * every one of the 15 tenant tables (and user_sessions, which reaches the tenant through
--     users, and organizations itself, by its key) gets RLS ENABLEd and FORCEd (the owner is
--     not exempt)
--     and one policy tenant_isolation FOR ALL TO public, USING and WITH CHECK
--     organization_id = (SELECT public.current_organization_id()): wrapped in SELECT it is an
--     initplan, evaluated once per statement, not per row.
--   * the six original policies of users and api_tokens are dropped: the users ones are the
--     fail-open style above, the api_tokens ones call auth.uid() per row and are OR-ed together
--     (a per-user restriction of tokens belongs in a RESTRICTIVE policy if it is wanted).
-- Superusers and BYPASSRLS roles (the workbench, the seeder, service_role) are not affected.
-- The caller wraps this script in a transaction.

CREATE FUNCTION public.current_organization_id()
RETURNS uuid
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog
AS $$
DECLARE
    raw text := current_setting('app.organization_id', true);
BEGIN
    IF raw IS NULL OR raw = '' THEN
        RAISE EXCEPTION 'app.organization_id is not set'
            USING ERRCODE = '42501',
                  HINT = 'call set_config(''app.organization_id'', <organization uuid>, true) first';
    END IF;
    RETURN raw::uuid;
END;
$$;

DROP POLICY users_select_policy ON public.users;
DROP POLICY users_insert_policy ON public.users;
DROP POLICY users_update_policy ON public.users;
DROP POLICY users_delete_policy ON public.users;
DROP POLICY api_tokens_org_isolation ON public.api_tokens;
DROP POLICY api_tokens_owner_access ON public.api_tokens;

ALTER TABLE public.activities ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.activities AS PERMISSIVE FOR ALL TO public
    USING (organization_id = (SELECT public.current_organization_id()))
    WITH CHECK (organization_id = (SELECT public.current_organization_id()));

ALTER TABLE public.api_tokens ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.api_tokens AS PERMISSIVE FOR ALL TO public
    USING (organization_id = (SELECT public.current_organization_id()))
    WITH CHECK (organization_id = (SELECT public.current_organization_id()));

ALTER TABLE public.contacts ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.contacts AS PERMISSIVE FOR ALL TO public
    USING (organization_id = (SELECT public.current_organization_id()))
    WITH CHECK (organization_id = (SELECT public.current_organization_id()));

ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.customers AS PERMISSIVE FOR ALL TO public
    USING (organization_id = (SELECT public.current_organization_id()))
    WITH CHECK (organization_id = (SELECT public.current_organization_id()));

ALTER TABLE public.email_history ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.email_history AS PERMISSIVE FOR ALL TO public
    USING (organization_id = (SELECT public.current_organization_id()))
    WITH CHECK (organization_id = (SELECT public.current_organization_id()));

ALTER TABLE public.inventory ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.inventory AS PERMISSIVE FOR ALL TO public
    USING (organization_id = (SELECT public.current_organization_id()))
    WITH CHECK (organization_id = (SELECT public.current_organization_id()));

ALTER TABLE public.inventory_movements ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.inventory_movements AS PERMISSIVE FOR ALL TO public
    USING (organization_id = (SELECT public.current_organization_id()))
    WITH CHECK (organization_id = (SELECT public.current_organization_id()));

ALTER TABLE public.locations ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.locations AS PERMISSIVE FOR ALL TO public
    USING (organization_id = (SELECT public.current_organization_id()))
    WITH CHECK (organization_id = (SELECT public.current_organization_id()));

ALTER TABLE public.notifications ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.notifications AS PERMISSIVE FOR ALL TO public
    USING (organization_id = (SELECT public.current_organization_id()))
    WITH CHECK (organization_id = (SELECT public.current_organization_id()));

ALTER TABLE public.opportunities ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.opportunities AS PERMISSIVE FOR ALL TO public
    USING (organization_id = (SELECT public.current_organization_id()))
    WITH CHECK (organization_id = (SELECT public.current_organization_id()));

ALTER TABLE public.order_line_items ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.order_line_items AS PERMISSIVE FOR ALL TO public
    USING (organization_id = (SELECT public.current_organization_id()))
    WITH CHECK (organization_id = (SELECT public.current_organization_id()));

ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.orders AS PERMISSIVE FOR ALL TO public
    USING (organization_id = (SELECT public.current_organization_id()))
    WITH CHECK (organization_id = (SELECT public.current_organization_id()));

ALTER TABLE public.products ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.products AS PERMISSIVE FOR ALL TO public
    USING (organization_id = (SELECT public.current_organization_id()))
    WITH CHECK (organization_id = (SELECT public.current_organization_id()));

ALTER TABLE public.quotes ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.quotes AS PERMISSIVE FOR ALL TO public
    USING (organization_id = (SELECT public.current_organization_id()))
    WITH CHECK (organization_id = (SELECT public.current_organization_id()));

ALTER TABLE public.users ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.users AS PERMISSIVE FOR ALL TO public
    USING (organization_id = (SELECT public.current_organization_id()))
    WITH CHECK (organization_id = (SELECT public.current_organization_id()));

-- organizations is the tenant table: a tenant sees and changes its own row only, so its policy
-- compares the key (id) where the others compare organization_id.
ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.organizations AS PERMISSIVE FOR ALL TO public
    USING (id = (SELECT public.current_organization_id()))
    WITH CHECK (id = (SELECT public.current_organization_id()));

-- user_sessions has no organization_id of its own: it is tenant data through its NOT NULL
-- user_id -> users (an indirect tenant table), so its policy follows that key.
ALTER TABLE public.user_sessions ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public.user_sessions AS PERMISSIVE FOR ALL TO public
    USING (EXISTS (SELECT 1 FROM public.users u WHERE u.id = user_sessions.user_id
                   AND u.organization_id = (SELECT public.current_organization_id())))
    WITH CHECK (EXISTS (SELECT 1 FROM public.users u WHERE u.id = user_sessions.user_id
                        AND u.organization_id = (SELECT public.current_organization_id())));
