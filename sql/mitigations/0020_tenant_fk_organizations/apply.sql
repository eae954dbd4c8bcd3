-- 0020_tenant_fk_organizations / apply
-- RISK-MT-001 (fact 2): 13 of the 15 tenant tables carry organization_id uuid NOT NULL with no
-- foreign key to organizations. This adds
--     <table>_organization_id_fk  FOREIGN KEY (organization_id)
--                                 REFERENCES public.organizations (id) ON DELETE CASCADE
-- to each of them, matching what users and api_tokens already have.
--
-- Each constraint is added NOT VALID (no scan at ADD time) and then validated. VALIDATE scans the
-- table and fails with SQLSTATE 23503 if any row names an organization that does not exist, so
-- orphans already present make the unit fail instead of being silently tolerated.
-- Caveat: the caller runs this whole script in ONE transaction, so the ADD's SHARE ROW EXCLUSIVE
-- locks (on each table and on organizations) are held until commit anyway; the usual lock benefit
-- of NOT VALID + VALIDATE only appears when the VALIDATE runs in a later transaction.
-- Every one of the 13 tables already has an index whose first column is organization_id, so the
-- cascade from a deleted organization does not need a sequential scan of each child.
-- What this does NOT fix: a child row can still reference a parent of another tenant (no
-- composite (organization_id, id) keys; RISK-MT-002).
-- The caller wraps this script in a transaction.

ALTER TABLE public.activities
    ADD CONSTRAINT activities_organization_id_fk
    FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE public.activities VALIDATE CONSTRAINT activities_organization_id_fk;

ALTER TABLE public.contacts
    ADD CONSTRAINT contacts_organization_id_fk
    FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE public.contacts VALIDATE CONSTRAINT contacts_organization_id_fk;

ALTER TABLE public.customers
    ADD CONSTRAINT customers_organization_id_fk
    FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE public.customers VALIDATE CONSTRAINT customers_organization_id_fk;

ALTER TABLE public.email_history
    ADD CONSTRAINT email_history_organization_id_fk
    FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE public.email_history VALIDATE CONSTRAINT email_history_organization_id_fk;

ALTER TABLE public.inventory
    ADD CONSTRAINT inventory_organization_id_fk
    FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE public.inventory VALIDATE CONSTRAINT inventory_organization_id_fk;

ALTER TABLE public.inventory_movements
    ADD CONSTRAINT inventory_movements_organization_id_fk
    FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE public.inventory_movements VALIDATE CONSTRAINT inventory_movements_organization_id_fk;

ALTER TABLE public.locations
    ADD CONSTRAINT locations_organization_id_fk
    FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE public.locations VALIDATE CONSTRAINT locations_organization_id_fk;

ALTER TABLE public.notifications
    ADD CONSTRAINT notifications_organization_id_fk
    FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE public.notifications VALIDATE CONSTRAINT notifications_organization_id_fk;

ALTER TABLE public.opportunities
    ADD CONSTRAINT opportunities_organization_id_fk
    FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE public.opportunities VALIDATE CONSTRAINT opportunities_organization_id_fk;

ALTER TABLE public.order_line_items
    ADD CONSTRAINT order_line_items_organization_id_fk
    FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE public.order_line_items VALIDATE CONSTRAINT order_line_items_organization_id_fk;

ALTER TABLE public.orders
    ADD CONSTRAINT orders_organization_id_fk
    FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE public.orders VALIDATE CONSTRAINT orders_organization_id_fk;

ALTER TABLE public.products
    ADD CONSTRAINT products_organization_id_fk
    FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE public.products VALIDATE CONSTRAINT products_organization_id_fk;

ALTER TABLE public.quotes
    ADD CONSTRAINT quotes_organization_id_fk
    FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE public.quotes VALIDATE CONSTRAINT quotes_organization_id_fk;
