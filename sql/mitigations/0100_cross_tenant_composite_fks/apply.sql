-- 0100_cross_tenant_composite_fks / apply
-- RISK-MT-002: a child row can reference a parent row of another tenant, because every foreign
-- key between tenant tables is on the id alone (fact 2). Each of the 17 such keys is replaced by a
-- composite key (organization_id, <column>) -> parent (organization_id, id) with the same name
-- and the same ON DELETE action, so the database itself refuses an order of organization A on a
-- customer of organization B. ON DELETE SET NULL names the column (PostgreSQL 15+), so the
-- tenant column is never nulled. The parents get UNIQUE (organization_id, id) for the keys to
-- point at (redundant with the primary key for uniqueness, needed as the referenced key).
-- Nullable references (MATCH SIMPLE) are checked only when set, as before.
-- Replacing rather than adding keeps one check per insert, not two.
-- The caller wraps this script in a transaction.

ALTER TABLE public.customers ADD CONSTRAINT customers_organization_id_id_key UNIQUE (organization_id, id);
ALTER TABLE public.inventory ADD CONSTRAINT inventory_organization_id_id_key UNIQUE (organization_id, id);
ALTER TABLE public.locations ADD CONSTRAINT locations_organization_id_id_key UNIQUE (organization_id, id);
ALTER TABLE public.opportunities ADD CONSTRAINT opportunities_organization_id_id_key UNIQUE (organization_id, id);
ALTER TABLE public.orders ADD CONSTRAINT orders_organization_id_id_key UNIQUE (organization_id, id);
ALTER TABLE public.products ADD CONSTRAINT products_organization_id_id_key UNIQUE (organization_id, id);
ALTER TABLE public.users ADD CONSTRAINT users_organization_id_id_key UNIQUE (organization_id, id);

ALTER TABLE public.contacts DROP CONSTRAINT contacts_customer_id_customers_id_fk,
    ADD CONSTRAINT contacts_customer_id_customers_id_fk
    FOREIGN KEY (organization_id, customer_id) REFERENCES public.customers (organization_id, id) ON DELETE CASCADE;
ALTER TABLE public.inventory DROP CONSTRAINT inventory_location_id_locations_id_fk,
    ADD CONSTRAINT inventory_location_id_locations_id_fk
    FOREIGN KEY (organization_id, location_id) REFERENCES public.locations (organization_id, id) ON DELETE CASCADE;
ALTER TABLE public.inventory DROP CONSTRAINT inventory_product_id_products_id_fk,
    ADD CONSTRAINT inventory_product_id_products_id_fk
    FOREIGN KEY (organization_id, product_id) REFERENCES public.products (organization_id, id) ON DELETE CASCADE;
ALTER TABLE public.inventory_movements DROP CONSTRAINT inventory_movements_inventory_id_inventory_id_fk,
    ADD CONSTRAINT inventory_movements_inventory_id_inventory_id_fk
    FOREIGN KEY (organization_id, inventory_id) REFERENCES public.inventory (organization_id, id) ON DELETE RESTRICT;
ALTER TABLE public.inventory_movements DROP CONSTRAINT inventory_movements_location_id_locations_id_fk,
    ADD CONSTRAINT inventory_movements_location_id_locations_id_fk
    FOREIGN KEY (organization_id, location_id) REFERENCES public.locations (organization_id, id) ON DELETE RESTRICT;
ALTER TABLE public.inventory_movements DROP CONSTRAINT inventory_movements_product_id_products_id_fk,
    ADD CONSTRAINT inventory_movements_product_id_products_id_fk
    FOREIGN KEY (organization_id, product_id) REFERENCES public.products (organization_id, id) ON DELETE RESTRICT;
ALTER TABLE public.opportunities DROP CONSTRAINT opportunities_customer_id_customers_id_fk,
    ADD CONSTRAINT opportunities_customer_id_customers_id_fk
    FOREIGN KEY (organization_id, customer_id) REFERENCES public.customers (organization_id, id) ON DELETE CASCADE;
ALTER TABLE public.quotes DROP CONSTRAINT quotes_customer_id_customers_id_fk,
    ADD CONSTRAINT quotes_customer_id_customers_id_fk
    FOREIGN KEY (organization_id, customer_id) REFERENCES public.customers (organization_id, id) ON DELETE CASCADE;
ALTER TABLE public.quotes DROP CONSTRAINT quotes_opportunity_id_opportunities_id_fk,
    ADD CONSTRAINT quotes_opportunity_id_opportunities_id_fk
    FOREIGN KEY (organization_id, opportunity_id) REFERENCES public.opportunities (organization_id, id) ON DELETE SET NULL (opportunity_id);
ALTER TABLE public.orders DROP CONSTRAINT orders_customer_id_customers_id_fk,
    ADD CONSTRAINT orders_customer_id_customers_id_fk
    FOREIGN KEY (organization_id, customer_id) REFERENCES public.customers (organization_id, id) ON DELETE RESTRICT;
ALTER TABLE public.order_line_items DROP CONSTRAINT order_line_items_order_id_orders_id_fk,
    ADD CONSTRAINT order_line_items_order_id_orders_id_fk
    FOREIGN KEY (organization_id, order_id) REFERENCES public.orders (organization_id, id) ON DELETE CASCADE;
ALTER TABLE public.order_line_items DROP CONSTRAINT order_line_items_product_id_products_id_fk,
    ADD CONSTRAINT order_line_items_product_id_products_id_fk
    FOREIGN KEY (organization_id, product_id) REFERENCES public.products (organization_id, id) ON DELETE SET NULL (product_id);
ALTER TABLE public.api_tokens DROP CONSTRAINT api_tokens_revoked_by_users_id_fk,
    ADD CONSTRAINT api_tokens_revoked_by_users_id_fk
    FOREIGN KEY (organization_id, revoked_by) REFERENCES public.users (organization_id, id);
ALTER TABLE public.api_tokens DROP CONSTRAINT api_tokens_user_id_users_id_fk,
    ADD CONSTRAINT api_tokens_user_id_users_id_fk
    FOREIGN KEY (organization_id, user_id) REFERENCES public.users (organization_id, id) ON DELETE CASCADE;
ALTER TABLE public.notifications DROP CONSTRAINT notifications_user_id_users_id_fk,
    ADD CONSTRAINT notifications_user_id_users_id_fk
    FOREIGN KEY (organization_id, user_id) REFERENCES public.users (organization_id, id) ON DELETE CASCADE;
ALTER TABLE public.email_history DROP CONSTRAINT email_history_customer_id_customers_id_fk,
    ADD CONSTRAINT email_history_customer_id_customers_id_fk
    FOREIGN KEY (organization_id, customer_id) REFERENCES public.customers (organization_id, id) ON DELETE SET NULL (customer_id);
ALTER TABLE public.email_history DROP CONSTRAINT email_history_sender_id_users_id_fk,
    ADD CONSTRAINT email_history_sender_id_users_id_fk
    FOREIGN KEY (organization_id, sender_id) REFERENCES public.users (organization_id, id) ON DELETE SET NULL (sender_id);
