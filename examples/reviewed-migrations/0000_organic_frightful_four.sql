-- 0000_organic_frightful_four.sql (example: the reviewed initial migration's shape)
-- Enums and the 13 tables of the initial migration, built from sql/baseline/010 + 020 but with
-- contacts.is_primary / is_decision_maker declared as the reviewed DDL declares them,
-- uuid DEFAULT false. PostgreSQL rejects that default, so this migration FAILS on a fresh
-- database (fact 1): `workbench audit --migrations` must say so.

CREATE TYPE public.activity_action AS ENUM
    ('created', 'updated', 'deleted', 'viewed', 'exported', 'shared', 'assigned', 'commented');
CREATE TYPE public.activity_entity_type AS ENUM
    ('customer', 'contact', 'order', 'opportunity', 'product', 'inventory', 'supplier',
     'warranty', 'issue', 'user');
CREATE TYPE public.address_type AS ENUM
    ('billing', 'shipping', 'service', 'headquarters');
CREATE TYPE public.api_token_scope AS ENUM
    ('read', 'write', 'admin');
CREATE TYPE public.customer_size AS ENUM
    ('micro', 'small', 'medium', 'large', 'enterprise');
CREATE TYPE public.customer_status AS ENUM
    ('prospect', 'active', 'inactive', 'suspended', 'blacklisted');
CREATE TYPE public.customer_type AS ENUM
    ('individual', 'business', 'government', 'non_profit');
CREATE TYPE public.email_status AS ENUM
    ('pending', 'sent', 'delivered', 'opened', 'clicked', 'bounced', 'failed');
CREATE TYPE public.empty_state_type AS ENUM
    ('no_data', 'filtered_empty', 'search_empty', 'permission_denied', 'error');
CREATE TYPE public.inventory_status AS ENUM
    ('available', 'allocated', 'sold', 'damaged', 'returned', 'quarantined');
CREATE TYPE public.issue_priority AS ENUM
    ('low', 'medium', 'high', 'critical');
CREATE TYPE public.issue_status AS ENUM
    ('open', 'in_progress', 'pending', 'resolved', 'closed');
CREATE TYPE public.movement_type AS ENUM
    ('receive', 'allocate', 'deallocate', 'pick', 'ship', 'adjust', 'return', 'transfer');
CREATE TYPE public.notification_status AS ENUM
    ('pending', 'sent', 'read', 'dismissed', 'failed');
CREATE TYPE public.notification_type AS ENUM
    ('quote', 'order', 'issue', 'warranty', 'shipment', 'payment', 'customer', 'product',
     'inventory', 'user', 'system');
CREATE TYPE public.opportunity_stage AS ENUM
    ('new', 'qualified', 'proposal', 'negotiation', 'won', 'lost');
CREATE TYPE public.order_status AS ENUM
    ('draft', 'confirmed', 'picking', 'picked', 'shipped', 'delivered', 'cancelled');
CREATE TYPE public.payment_status AS ENUM
    ('pending', 'partial', 'paid', 'refunded', 'overdue');
CREATE TYPE public.product_type AS ENUM
    ('physical', 'service', 'digital', 'bundle');
CREATE TYPE public.purchase_order_status AS ENUM
    ('draft', 'sent', 'acknowledged', 'partial', 'received', 'cancelled');
CREATE TYPE public.tax_type AS ENUM
    ('gst', 'gst_free', 'input_taxed', 'export');
CREATE TYPE public.user_role AS ENUM
    ('owner', 'admin', 'manager', 'sales', 'operations', 'support', 'viewer');
CREATE TYPE public.user_status AS ENUM
    ('active', 'invited', 'suspended', 'deactivated');
CREATE TYPE public.user_type AS ENUM
    ('staff', 'installer');
CREATE TYPE public.warranty_status AS ENUM
    ('active', 'expired', 'voided', 'transferred');

CREATE TABLE public.organizations (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    name                text        NOT NULL,
    slug                text        NOT NULL,
    abn                 text,
    email               text,
    phone               text,
    website             text,
    address             jsonb       DEFAULT '{}'::jsonb,
    settings            jsonb       DEFAULT '{"locale": "en-AU", "currency": "AUD", "timezone": "Australia/Sydney", "dateFormat": "DD/MM/YYYY"}'::jsonb,
    branding            jsonb       DEFAULT '{}'::jsonb,
    is_active           boolean     DEFAULT true NOT NULL,
    plan                text        DEFAULT 'free' NOT NULL,
    stripe_customer_id  text,
    created_at          timestamp with time zone DEFAULT now() NOT NULL,
    updated_at          timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at          timestamp with time zone
);

CREATE TABLE public.users (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    auth_id             uuid        NOT NULL,                                   -- fact 4
    organization_id     uuid        NOT NULL,
    email               text        NOT NULL,
    name                text,
    profile             jsonb       DEFAULT '{}'::jsonb,
    role                public.user_role   DEFAULT 'viewer' NOT NULL,
    status              public.user_status DEFAULT 'invited' NOT NULL,
    type                public.user_type,
    preferences         jsonb       DEFAULT '{"theme": "system", "notifications": {"push": true, "email": true}}'::jsonb,
    created_at          timestamp with time zone DEFAULT now() NOT NULL,
    updated_at          timestamp with time zone DEFAULT now() NOT NULL,
    created_by          uuid,
    updated_by          uuid,
    deleted_at          timestamp with time zone
);

CREATE TABLE public.user_sessions (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    user_id             uuid        NOT NULL,
    session_token       text        NOT NULL,
    user_agent          text,
    ip_address          text,
    created_at          timestamp with time zone DEFAULT now() NOT NULL,
    updated_at          timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.customers (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    organization_id     uuid        NOT NULL,                                   -- fact 2: no FK
    name                text        NOT NULL,
    email               text,
    phone               text,
    website             text,
    status              public.customer_status DEFAULT 'prospect' NOT NULL,
    type                public.customer_type   DEFAULT 'individual' NOT NULL,
    size                public.customer_size,
    abn                 text,
    account_number      text,
    addresses           jsonb       DEFAULT '[]'::jsonb,
    preferences         jsonb       DEFAULT '{}'::jsonb,
    tags                jsonb       DEFAULT '[]'::jsonb,
    created_at          timestamp with time zone DEFAULT now() NOT NULL,
    updated_at          timestamp with time zone DEFAULT now() NOT NULL,
    created_by          uuid,
    updated_by          uuid,
    deleted_at          timestamp with time zone
);

CREATE TABLE public.contacts (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    organization_id     uuid        NOT NULL,                                   -- fact 2: no FK
    customer_id         uuid        NOT NULL,
    first_name          text        NOT NULL,
    last_name           text,
    email               text,
    phone               text,
    mobile              text,
    job_title           text,
    is_primary          uuid        DEFAULT false,
    is_decision_maker   uuid        DEFAULT false,
    notes               text,
    created_at          timestamp with time zone DEFAULT now() NOT NULL,
    updated_at          timestamp with time zone DEFAULT now() NOT NULL,
    created_by          uuid,
    updated_by          uuid
);

CREATE TABLE public.products (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    organization_id     uuid        NOT NULL,                                   -- fact 2: no FK
    sku                 text        NOT NULL,
    name                text        NOT NULL,
    description         text,
    barcode             text,
    type                public.product_type DEFAULT 'physical' NOT NULL,
    category            text,
    subcategory         text,
    unit_price          numeric(12, 2) DEFAULT 0 NOT NULL,
    cost_price          numeric(12, 2) DEFAULT 0 NOT NULL,
    tax_type            public.tax_type DEFAULT 'gst' NOT NULL,
    pricing             jsonb       DEFAULT '{}'::jsonb,
    dimensions          jsonb       DEFAULT '{}'::jsonb,
    is_active           boolean     DEFAULT true NOT NULL,
    is_sellable         boolean     DEFAULT true NOT NULL,
    is_purchasable      boolean     DEFAULT true NOT NULL,
    track_inventory     boolean     DEFAULT true NOT NULL,
    reorder_point       numeric(10, 3) DEFAULT 0 NOT NULL,
    reorder_qty         numeric(10, 3) DEFAULT 0 NOT NULL,
    metadata            jsonb       DEFAULT '{}'::jsonb,
    tags                jsonb       DEFAULT '[]'::jsonb,
    created_at          timestamp with time zone DEFAULT now() NOT NULL,
    updated_at          timestamp with time zone DEFAULT now() NOT NULL,
    created_by          uuid,
    updated_by          uuid,
    deleted_at          timestamp with time zone
);

CREATE TABLE public.locations (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    organization_id     uuid        NOT NULL,                                   -- fact 2: no FK
    code                text        NOT NULL,
    name                text        NOT NULL,
    description         text,
    address             jsonb       DEFAULT '{}'::jsonb,
    is_active           boolean     DEFAULT true NOT NULL,
    is_default          boolean     DEFAULT false NOT NULL,
    allow_negative      boolean     DEFAULT false NOT NULL,
    created_at          timestamp with time zone DEFAULT now() NOT NULL,
    updated_at          timestamp with time zone DEFAULT now() NOT NULL,
    created_by          uuid,
    updated_by          uuid
);

CREATE TABLE public.inventory (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    organization_id     uuid        NOT NULL,                                   -- fact 2: no FK
    product_id          uuid        NOT NULL,
    location_id         uuid        NOT NULL,
    status              public.inventory_status DEFAULT 'available' NOT NULL,
    quantity_on_hand    numeric(10, 3) DEFAULT 0 NOT NULL,
    quantity_allocated  numeric(10, 3) DEFAULT 0 NOT NULL,
    quantity_available  numeric(10, 3) DEFAULT 0 NOT NULL,                     -- fact 7
    unit_cost           numeric(12, 2) DEFAULT 0 NOT NULL,
    total_value         numeric(12, 2) DEFAULT 0 NOT NULL,                     -- fact 7
    lot_number          text,
    serial_number       text,
    expiry_date         text,                                                   -- fact 10
    created_at          timestamp with time zone DEFAULT now() NOT NULL,
    updated_at          timestamp with time zone DEFAULT now() NOT NULL,
    created_by          uuid,
    updated_by          uuid
);

CREATE TABLE public.inventory_movements (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    organization_id     uuid        NOT NULL,                                   -- fact 2: no FK
    inventory_id        uuid        NOT NULL,
    product_id          uuid        NOT NULL,
    location_id         uuid        NOT NULL,
    movement_type       public.movement_type NOT NULL,
    quantity            numeric(10, 3) DEFAULT 0 NOT NULL,
    previous_quantity   numeric(10, 3) DEFAULT 0 NOT NULL,
    new_quantity        numeric(10, 3) DEFAULT 0 NOT NULL,
    unit_cost           numeric(12, 2) DEFAULT 0 NOT NULL,
    total_cost          numeric(12, 2) DEFAULT 0 NOT NULL,
    reference_type      text,                                                   -- fact 6
    reference_id        uuid,                                                   -- fact 6
    metadata            jsonb       DEFAULT '{}'::jsonb,
    notes               text,
    created_at          timestamp with time zone DEFAULT now() NOT NULL,
    created_by          uuid
);

CREATE TABLE public.opportunities (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    organization_id     uuid        NOT NULL,                                   -- fact 2: no FK
    name                text        NOT NULL,
    description         text,
    customer_id         uuid        NOT NULL,
    stage               public.opportunity_stage DEFAULT 'new' NOT NULL,
    probability         numeric(5, 2),
    estimated_value     numeric(12, 2) DEFAULT 0 NOT NULL,
    weighted_value      numeric(12, 2) DEFAULT 0 NOT NULL,                     -- fact 7
    expected_close_date date,
    actual_close_date   date,
    assigned_to         uuid,
    metadata            jsonb       DEFAULT '{}'::jsonb,
    tags                jsonb       DEFAULT '[]'::jsonb,
    created_at          timestamp with time zone DEFAULT now() NOT NULL,
    updated_at          timestamp with time zone DEFAULT now() NOT NULL,
    created_by          uuid,
    updated_by          uuid,
    deleted_at          timestamp with time zone
);

CREATE TABLE public.quotes (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    organization_id     uuid        NOT NULL,                                   -- fact 2: no FK
    quote_number        text        NOT NULL,
    opportunity_id      uuid,
    customer_id         uuid        NOT NULL,
    status              text        DEFAULT 'draft' NOT NULL,                   -- fact 10
    quote_date          date        DEFAULT now() NOT NULL,
    valid_until         date,
    accepted_at         date,
    line_items          jsonb       DEFAULT '[]'::jsonb,                        -- fact 7
    subtotal            numeric(12, 2) DEFAULT 0 NOT NULL,
    discount_amount     numeric(12, 2) DEFAULT 0 NOT NULL,
    tax_amount          numeric(12, 2) DEFAULT 0 NOT NULL,
    total               numeric(12, 2) DEFAULT 0 NOT NULL,
    terms               text,
    notes               text,
    created_at          timestamp with time zone DEFAULT now() NOT NULL,
    updated_at          timestamp with time zone DEFAULT now() NOT NULL,
    created_by          uuid,
    updated_by          uuid
);

CREATE TABLE public.orders (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    organization_id     uuid        NOT NULL,                                   -- fact 2: no FK
    order_number        text        NOT NULL,
    customer_id         uuid        NOT NULL,
    status              public.order_status   DEFAULT 'draft' NOT NULL,
    payment_status      public.payment_status DEFAULT 'pending' NOT NULL,
    order_date          date        DEFAULT now() NOT NULL,
    due_date            date,
    shipped_date        date,
    delivered_date      date,
    billing_address     jsonb,
    shipping_address    jsonb,
    subtotal            numeric(12, 2) DEFAULT 0 NOT NULL,                     -- fact 7
    discount_amount     numeric(12, 2) DEFAULT 0 NOT NULL,
    discount_percent    numeric(5, 2),
    tax_amount          numeric(12, 2) DEFAULT 0 NOT NULL,                     -- fact 7
    shipping_amount     numeric(12, 2) DEFAULT 0 NOT NULL,
    total               numeric(12, 2) DEFAULT 0 NOT NULL,                     -- fact 7
    paid_amount         numeric(12, 2) DEFAULT 0 NOT NULL,
    balance_due         numeric(12, 2) DEFAULT 0 NOT NULL,                     -- fact 7
    metadata            jsonb       DEFAULT '{}'::jsonb,
    internal_notes      text,
    customer_notes      text,
    created_at          timestamp with time zone DEFAULT now() NOT NULL,
    updated_at          timestamp with time zone DEFAULT now() NOT NULL,
    created_by          uuid,
    updated_by          uuid,
    deleted_at          timestamp with time zone
);

CREATE TABLE public.order_line_items (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    organization_id     uuid        NOT NULL,                                   -- fact 2: no FK
    order_id            uuid        NOT NULL,
    product_id          uuid,
    line_number         text        NOT NULL,                                   -- fact 10
    sku                 text,
    description         text        NOT NULL,
    quantity            numeric(10, 3) DEFAULT 0 NOT NULL,
    unit_price          numeric(12, 2) DEFAULT 0 NOT NULL,
    discount_percent    numeric(5, 2),
    discount_amount     numeric(12, 2) DEFAULT 0 NOT NULL,
    tax_type            public.tax_type DEFAULT 'gst' NOT NULL,
    tax_amount          numeric(12, 2) DEFAULT 0 NOT NULL,
    line_total          numeric(12, 2) DEFAULT 0 NOT NULL,
    qty_picked          numeric(10, 3) DEFAULT 0 NOT NULL,
    qty_shipped         numeric(10, 3) DEFAULT 0 NOT NULL,
    qty_delivered       numeric(10, 3) DEFAULT 0 NOT NULL,
    notes               text,
    created_at          timestamp with time zone DEFAULT now() NOT NULL,
    updated_at          timestamp with time zone DEFAULT now() NOT NULL
);

-- ---------------------------------------------------------------------------------------------
-- Foreign keys: exactly the ones the migration declares. Of the 11 tenant tables above only
-- users references organizations (fact 2).
-- ---------------------------------------------------------------------------------------------
ALTER TABLE public.users
    ADD CONSTRAINT users_organization_id_organizations_id_fk
    FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE;

ALTER TABLE public.user_sessions
    ADD CONSTRAINT user_sessions_user_id_users_id_fk
    FOREIGN KEY (user_id) REFERENCES public.users (id) ON DELETE CASCADE;

ALTER TABLE public.contacts
    ADD CONSTRAINT contacts_customer_id_customers_id_fk
    FOREIGN KEY (customer_id) REFERENCES public.customers (id) ON DELETE CASCADE;

ALTER TABLE public.inventory
    ADD CONSTRAINT inventory_product_id_products_id_fk
    FOREIGN KEY (product_id) REFERENCES public.products (id) ON DELETE CASCADE;
ALTER TABLE public.inventory
    ADD CONSTRAINT inventory_location_id_locations_id_fk
    FOREIGN KEY (location_id) REFERENCES public.locations (id) ON DELETE CASCADE;

ALTER TABLE public.inventory_movements
    ADD CONSTRAINT inventory_movements_inventory_id_inventory_id_fk
    FOREIGN KEY (inventory_id) REFERENCES public.inventory (id) ON DELETE RESTRICT;
ALTER TABLE public.inventory_movements
    ADD CONSTRAINT inventory_movements_product_id_products_id_fk
    FOREIGN KEY (product_id) REFERENCES public.products (id) ON DELETE RESTRICT;
ALTER TABLE public.inventory_movements
    ADD CONSTRAINT inventory_movements_location_id_locations_id_fk
    FOREIGN KEY (location_id) REFERENCES public.locations (id) ON DELETE RESTRICT;

ALTER TABLE public.opportunities
    ADD CONSTRAINT opportunities_customer_id_customers_id_fk
    FOREIGN KEY (customer_id) REFERENCES public.customers (id) ON DELETE CASCADE;

ALTER TABLE public.quotes
    ADD CONSTRAINT quotes_opportunity_id_opportunities_id_fk
    FOREIGN KEY (opportunity_id) REFERENCES public.opportunities (id) ON DELETE SET NULL;
ALTER TABLE public.quotes
    ADD CONSTRAINT quotes_customer_id_customers_id_fk
    FOREIGN KEY (customer_id) REFERENCES public.customers (id) ON DELETE CASCADE;

ALTER TABLE public.orders
    ADD CONSTRAINT orders_customer_id_customers_id_fk
    FOREIGN KEY (customer_id) REFERENCES public.customers (id) ON DELETE RESTRICT;

ALTER TABLE public.order_line_items
    ADD CONSTRAINT order_line_items_order_id_orders_id_fk
    FOREIGN KEY (order_id) REFERENCES public.orders (id) ON DELETE CASCADE;
ALTER TABLE public.order_line_items
    ADD CONSTRAINT order_line_items_product_id_products_id_fk
    FOREIGN KEY (product_id) REFERENCES public.products (id) ON DELETE SET NULL;

-- ---------------------------------------------------------------------------------------------
-- Indexes, by their exact names
-- ---------------------------------------------------------------------------------------------
-- organizations (fact 9: slug and abn are global)
CREATE UNIQUE INDEX idx_organizations_slug_unique ON public.organizations USING btree (slug);
CREATE UNIQUE INDEX idx_organizations_abn_unique  ON public.organizations USING btree (abn)
    WHERE abn IS NOT NULL;
CREATE INDEX idx_organizations_active ON public.organizations USING btree (is_active);

-- users (fact 8: the (organization_id, email) unique ignores deleted_at; fact 9: auth_id global)
CREATE UNIQUE INDEX idx_users_auth_id_unique   ON public.users USING btree (auth_id);
CREATE UNIQUE INDEX idx_users_email_org_unique ON public.users USING btree (organization_id, email);
CREATE INDEX idx_users_email      ON public.users USING btree (email);
CREATE INDEX idx_users_org_role   ON public.users USING btree (organization_id, role);
CREATE INDEX idx_users_org_status ON public.users USING btree (organization_id, status);

-- user_sessions
CREATE UNIQUE INDEX idx_sessions_token_unique ON public.user_sessions USING btree (session_token);
CREATE INDEX idx_sessions_user ON public.user_sessions USING btree (user_id);

-- customers (fact 11: full-text GIN on name)
CREATE UNIQUE INDEX idx_customers_email_org_unique ON public.customers USING btree (organization_id, email)
    WHERE email IS NOT NULL AND deleted_at IS NULL;
CREATE UNIQUE INDEX idx_customers_account_org_unique ON public.customers USING btree (organization_id, account_number)
    WHERE account_number IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX idx_customers_org_status  ON public.customers USING btree (organization_id, status);
CREATE INDEX idx_customers_org_created ON public.customers USING btree (organization_id, created_at);
CREATE INDEX idx_customers_name_search ON public.customers USING gin (to_tsvector('english', name));

-- contacts
CREATE INDEX idx_contacts_customer     ON public.contacts USING btree (customer_id);
CREATE INDEX idx_contacts_org_customer ON public.contacts USING btree (organization_id, customer_id);

-- products (fact 11: full-text GIN on name and sku)
CREATE UNIQUE INDEX idx_products_sku_org_unique ON public.products USING btree (organization_id, sku)
    WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX idx_products_barcode_org_unique ON public.products USING btree (organization_id, barcode)
    WHERE barcode IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX idx_products_org_category ON public.products USING btree (organization_id, category);
CREATE INDEX idx_products_org_active   ON public.products USING btree (organization_id, is_active);
CREATE INDEX idx_products_name_search  ON public.products USING gin (to_tsvector('english', name));
CREATE INDEX idx_products_sku_search   ON public.products USING gin (to_tsvector('english', sku));

-- locations
CREATE UNIQUE INDEX idx_locations_code_org_unique ON public.locations USING btree (organization_id, code);
CREATE INDEX idx_locations_org_active ON public.locations USING btree (organization_id, is_active);

-- inventory
CREATE UNIQUE INDEX idx_inventory_product_location_unique ON public.inventory
    USING btree (organization_id, product_id, location_id, lot_number)
    WHERE lot_number IS NOT NULL;
CREATE INDEX idx_inventory_org_product  ON public.inventory USING btree (organization_id, product_id);
CREATE INDEX idx_inventory_org_location ON public.inventory USING btree (organization_id, location_id);
CREATE INDEX idx_inventory_org_status   ON public.inventory USING btree (organization_id, status);
CREATE INDEX idx_inventory_product      ON public.inventory USING btree (product_id);
CREATE INDEX idx_inventory_location     ON public.inventory USING btree (location_id);

-- inventory_movements (fact 5: no index leads with inventory_id, product_id or location_id)
CREATE INDEX idx_movements_org_product  ON public.inventory_movements USING btree (organization_id, product_id);
CREATE INDEX idx_movements_org_location ON public.inventory_movements USING btree (organization_id, location_id);
CREATE INDEX idx_movements_org_type     ON public.inventory_movements USING btree (organization_id, movement_type);
CREATE INDEX idx_movements_org_created  ON public.inventory_movements USING btree (organization_id, created_at);
CREATE INDEX idx_movements_reference    ON public.inventory_movements USING btree (reference_type, reference_id);

-- opportunities
CREATE INDEX idx_opportunities_org_stage          ON public.opportunities USING btree (organization_id, stage);
CREATE INDEX idx_opportunities_org_customer       ON public.opportunities USING btree (organization_id, customer_id);
CREATE INDEX idx_opportunities_org_assigned       ON public.opportunities USING btree (organization_id, assigned_to);
CREATE INDEX idx_opportunities_org_expected_close ON public.opportunities USING btree (organization_id, expected_close_date);
CREATE INDEX idx_opportunities_customer           ON public.opportunities USING btree (customer_id);

-- quotes (fact 5: no index leads with customer_id or opportunity_id)
CREATE UNIQUE INDEX idx_quotes_number_org_unique ON public.quotes USING btree (organization_id, quote_number);
CREATE INDEX idx_quotes_org_status      ON public.quotes USING btree (organization_id, status);
CREATE INDEX idx_quotes_org_customer    ON public.quotes USING btree (organization_id, customer_id);
CREATE INDEX idx_quotes_org_opportunity ON public.quotes USING btree (organization_id, opportunity_id);

-- orders
CREATE UNIQUE INDEX idx_orders_number_org_unique ON public.orders USING btree (organization_id, order_number)
    WHERE deleted_at IS NULL;
CREATE INDEX idx_orders_org_status   ON public.orders USING btree (organization_id, status);
CREATE INDEX idx_orders_org_customer ON public.orders USING btree (organization_id, customer_id);
CREATE INDEX idx_orders_org_date     ON public.orders USING btree (organization_id, order_date);
CREATE INDEX idx_orders_org_payment  ON public.orders USING btree (organization_id, payment_status);
CREATE INDEX idx_orders_customer     ON public.orders USING btree (customer_id);

-- order_line_items
CREATE INDEX idx_order_items_order     ON public.order_line_items USING btree (order_id);
CREATE INDEX idx_order_items_org_order ON public.order_line_items USING btree (organization_id, order_id);
CREATE INDEX idx_order_items_product   ON public.order_line_items USING btree (product_id);

-- ---------------------------------------------------------------------------------------------
-- Row level security on users only (fact 3). current_setting(..., true) is missing_ok: with
-- app.organization_id unset the comparison is NULL and every row is silently filtered out.
-- ---------------------------------------------------------------------------------------------
ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;

CREATE POLICY users_select_policy ON public.users
    AS PERMISSIVE FOR SELECT TO authenticated
    USING (organization_id = current_setting('app.organization_id', true)::uuid);

CREATE POLICY users_insert_policy ON public.users
    AS PERMISSIVE FOR INSERT TO authenticated
    WITH CHECK (organization_id = current_setting('app.organization_id', true)::uuid);

CREATE POLICY users_update_policy ON public.users
    AS PERMISSIVE FOR UPDATE TO authenticated
    USING (organization_id = current_setting('app.organization_id', true)::uuid)
    WITH CHECK (organization_id = current_setting('app.organization_id', true)::uuid);

CREATE POLICY users_delete_policy ON public.users
    AS PERMISSIVE FOR DELETE TO authenticated
    USING (organization_id = current_setting('app.organization_id', true)::uuid);
