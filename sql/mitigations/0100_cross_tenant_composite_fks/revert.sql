-- 0100_cross_tenant_composite_fks / revert
-- Restores the 17 single-column foreign keys exactly as the baseline declares them (same names,
-- same actions) and drops the parents' UNIQUE (organization_id, id). The composite keys go first
-- because they depend on the unique constraints.
-- The caller wraps this script in a transaction.

ALTER TABLE public.contacts DROP CONSTRAINT contacts_customer_id_customers_id_fk,
    ADD CONSTRAINT contacts_customer_id_customers_id_fk
    FOREIGN KEY (customer_id) REFERENCES public.customers (id) ON DELETE CASCADE;
ALTER TABLE public.inventory DROP CONSTRAINT inventory_location_id_locations_id_fk,
    ADD CONSTRAINT inventory_location_id_locations_id_fk
    FOREIGN KEY (location_id) REFERENCES public.locations (id) ON DELETE CASCADE;
ALTER TABLE public.inventory DROP CONSTRAINT inventory_product_id_products_id_fk,
    ADD CONSTRAINT inventory_product_id_products_id_fk
    FOREIGN KEY (product_id) REFERENCES public.products (id) ON DELETE CASCADE;
ALTER TABLE public.inventory_movements DROP CONSTRAINT inventory_movements_inventory_id_inventory_id_fk,
    ADD CONSTRAINT inventory_movements_inventory_id_inventory_id_fk
    FOREIGN KEY (inventory_id) REFERENCES public.inventory (id) ON DELETE RESTRICT;
ALTER TABLE public.inventory_movements DROP CONSTRAINT inventory_movements_location_id_locations_id_fk,
    ADD CONSTRAINT inventory_movements_location_id_locations_id_fk
    FOREIGN KEY (location_id) REFERENCES public.locations (id) ON DELETE RESTRICT;
ALTER TABLE public.inventory_movements DROP CONSTRAINT inventory_movements_product_id_products_id_fk,
    ADD CONSTRAINT inventory_movements_product_id_products_id_fk
    FOREIGN KEY (product_id) REFERENCES public.products (id) ON DELETE RESTRICT;
ALTER TABLE public.opportunities DROP CONSTRAINT opportunities_customer_id_customers_id_fk,
    ADD CONSTRAINT opportunities_customer_id_customers_id_fk
    FOREIGN KEY (customer_id) REFERENCES public.customers (id) ON DELETE CASCADE;
ALTER TABLE public.quotes DROP CONSTRAINT quotes_customer_id_customers_id_fk,
    ADD CONSTRAINT quotes_customer_id_customers_id_fk
    FOREIGN KEY (customer_id) REFERENCES public.customers (id) ON DELETE CASCADE;
ALTER TABLE public.quotes DROP CONSTRAINT quotes_opportunity_id_opportunities_id_fk,
    ADD CONSTRAINT quotes_opportunity_id_opportunities_id_fk
    FOREIGN KEY (opportunity_id) REFERENCES public.opportunities (id) ON DELETE SET NULL;
ALTER TABLE public.orders DROP CONSTRAINT orders_customer_id_customers_id_fk,
    ADD CONSTRAINT orders_customer_id_customers_id_fk
    FOREIGN KEY (customer_id) REFERENCES public.customers (id) ON DELETE RESTRICT;
ALTER TABLE public.order_line_items DROP CONSTRAINT order_line_items_order_id_orders_id_fk,
    ADD CONSTRAINT order_line_items_order_id_orders_id_fk
    FOREIGN KEY (order_id) REFERENCES public.orders (id) ON DELETE CASCADE;
ALTER TABLE public.order_line_items DROP CONSTRAINT order_line_items_product_id_products_id_fk,
    ADD CONSTRAINT order_line_items_product_id_products_id_fk
    FOREIGN KEY (product_id) REFERENCES public.products (id) ON DELETE SET NULL;
ALTER TABLE public.api_tokens DROP CONSTRAINT api_tokens_revoked_by_users_id_fk,
    ADD CONSTRAINT api_tokens_revoked_by_users_id_fk
    FOREIGN KEY (revoked_by) REFERENCES public.users (id);
ALTER TABLE public.api_tokens DROP CONSTRAINT api_tokens_user_id_users_id_fk,
    ADD CONSTRAINT api_tokens_user_id_users_id_fk
    FOREIGN KEY (user_id) REFERENCES public.users (id) ON DELETE CASCADE;
ALTER TABLE public.notifications DROP CONSTRAINT notifications_user_id_users_id_fk,
    ADD CONSTRAINT notifications_user_id_users_id_fk
    FOREIGN KEY (user_id) REFERENCES public.users (id) ON DELETE CASCADE;
ALTER TABLE public.email_history DROP CONSTRAINT email_history_customer_id_customers_id_fk,
    ADD CONSTRAINT email_history_customer_id_customers_id_fk
    FOREIGN KEY (customer_id) REFERENCES public.customers (id) ON DELETE SET NULL;
ALTER TABLE public.email_history DROP CONSTRAINT email_history_sender_id_users_id_fk,
    ADD CONSTRAINT email_history_sender_id_users_id_fk
    FOREIGN KEY (sender_id) REFERENCES public.users (id) ON DELETE SET NULL;

ALTER TABLE public.customers DROP CONSTRAINT customers_organization_id_id_key;
ALTER TABLE public.inventory DROP CONSTRAINT inventory_organization_id_id_key;
ALTER TABLE public.locations DROP CONSTRAINT locations_organization_id_id_key;
ALTER TABLE public.opportunities DROP CONSTRAINT opportunities_organization_id_id_key;
ALTER TABLE public.orders DROP CONSTRAINT orders_organization_id_id_key;
ALTER TABLE public.products DROP CONSTRAINT products_organization_id_id_key;
ALTER TABLE public.users DROP CONSTRAINT users_organization_id_id_key;
