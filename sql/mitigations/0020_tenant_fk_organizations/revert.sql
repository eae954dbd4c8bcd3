-- 0020_tenant_fk_organizations / revert
-- Drops exactly the 13 constraints that apply.sql adds, nothing else (the FKs users and
-- api_tokens had in the baseline are untouched). No data changes.
-- The caller wraps this script in a transaction.

ALTER TABLE public.activities DROP CONSTRAINT activities_organization_id_fk;
ALTER TABLE public.contacts DROP CONSTRAINT contacts_organization_id_fk;
ALTER TABLE public.customers DROP CONSTRAINT customers_organization_id_fk;
ALTER TABLE public.email_history DROP CONSTRAINT email_history_organization_id_fk;
ALTER TABLE public.inventory DROP CONSTRAINT inventory_organization_id_fk;
ALTER TABLE public.inventory_movements DROP CONSTRAINT inventory_movements_organization_id_fk;
ALTER TABLE public.locations DROP CONSTRAINT locations_organization_id_fk;
ALTER TABLE public.notifications DROP CONSTRAINT notifications_organization_id_fk;
ALTER TABLE public.opportunities DROP CONSTRAINT opportunities_organization_id_fk;
ALTER TABLE public.order_line_items DROP CONSTRAINT order_line_items_organization_id_fk;
ALTER TABLE public.orders DROP CONSTRAINT orders_organization_id_fk;
ALTER TABLE public.products DROP CONSTRAINT products_organization_id_fk;
ALTER TABLE public.quotes DROP CONSTRAINT quotes_organization_id_fk;
