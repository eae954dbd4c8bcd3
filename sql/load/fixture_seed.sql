-- fixture_seed.sql: a tiny, skewed data set for load tests when the seeder has not run.
-- Why: workloads need tenants of different sizes (users are drawn in proportion to size) and a
-- few rows of every entity the queries touch. Four organizations sized 1:2:4:8.
INSERT INTO public.organizations (id, name, slug, abn)
SELECT gen_random_uuid(), 'Load Org ' || g, 'load-org-' || g || '-' || substr(md5(random()::text), 1, 6), NULL
FROM generate_series(1, 4) AS g;

CREATE TEMP TABLE _orgs ON COMMIT DROP AS
SELECT id, row_number() OVER (ORDER BY name) AS n FROM public.organizations WHERE name LIKE 'Load Org %';

INSERT INTO public.users (auth_id, organization_id, email, name, role, status)
SELECT gen_random_uuid(), o.id, 'user' || g || '@org' || o.n || '.example', 'User ' || g, 'sales', 'active'
FROM _orgs o, generate_series(1, 3) AS g;

INSERT INTO public.customers (organization_id, name, email, status, type)
SELECT o.id, (ARRAY['Acme', 'Bondi', 'Coral', 'Dingo', 'Eucalypt', 'Fern'])[1 + g % 6] || ' Pty ' || g,
       'c' || g || '@org' || o.n || '.example', 'active', 'business'
FROM _orgs o, generate_series(1, 25 * (2 ^ (o.n - 1))::int) AS g;

INSERT INTO public.products (organization_id, sku, name, unit_price, cost_price, category)
SELECT o.id, 'SKU-' || g, (ARRAY['Panel', 'Inverter', 'Battery', 'Cable'])[1 + g % 4] || ' ' || g,
       10 + g, 5 + g, (ARRAY['solar', 'storage'])[1 + g % 2]
FROM _orgs o, generate_series(1, 20) AS g;

INSERT INTO public.locations (organization_id, code, name, is_default)
SELECT o.id, 'MAIN', 'Main warehouse', true FROM _orgs o;

INSERT INTO public.inventory (organization_id, product_id, location_id, quantity_on_hand,
                              quantity_allocated, unit_cost)
SELECT p.organization_id, p.id, l.id, 1000, 0, p.cost_price
FROM public.products p JOIN public.locations l USING (organization_id)
JOIN _orgs o ON o.id = p.organization_id;

-- The derived columns are written only where the database does not derive them itself.
DO $$
BEGIN
    IF (SELECT attgenerated = '' FROM pg_catalog.pg_attribute
        WHERE attrelid = 'public.inventory'::regclass AND attname = 'quantity_available') THEN
        UPDATE public.inventory SET quantity_available = quantity_on_hand - quantity_allocated
        WHERE organization_id IN (SELECT id FROM _orgs);
    END IF;
    IF (SELECT attgenerated = '' FROM pg_catalog.pg_attribute
        WHERE attrelid = 'public.inventory'::regclass AND attname = 'total_value') THEN
        UPDATE public.inventory SET total_value = quantity_on_hand * unit_cost
        WHERE organization_id IN (SELECT id FROM _orgs);
    END IF;
END
$$;

INSERT INTO public.orders (organization_id, order_number, customer_id, status, order_date)
SELECT c.organization_id, 'ORD-' || row_number() OVER (PARTITION BY c.organization_id ORDER BY c.id, g),
       c.id, 'confirmed', current_date - (g * 7)
FROM public.customers c JOIN _orgs o ON o.id = c.organization_id, generate_series(1, 2) AS g;

INSERT INTO public.order_line_items (organization_id, order_id, product_id, line_number, description,
                                     quantity, unit_price, tax_amount, line_total)
SELECT r.organization_id, r.id, p.id, '1', p.name, 2, p.unit_price, round(p.unit_price * 0.2, 2), 2 * p.unit_price
FROM public.orders r JOIN _orgs o ON o.id = r.organization_id
JOIN LATERAL (SELECT id, name, unit_price FROM public.products WHERE organization_id = r.organization_id
              ORDER BY id LIMIT 1) p ON true;

UPDATE public.orders r SET subtotal = t.sub, tax_amount = t.tax, total = t.sub + t.tax
FROM (SELECT order_id, sum(line_total) AS sub, sum(tax_amount) AS tax FROM public.order_line_items GROUP BY order_id) t
WHERE t.order_id = r.id AND r.organization_id IN (SELECT id FROM _orgs);

DO $$
BEGIN
    IF (SELECT attgenerated = '' FROM pg_catalog.pg_attribute
        WHERE attrelid = 'public.orders'::regclass AND attname = 'balance_due') THEN
        UPDATE public.orders SET balance_due = total - paid_amount
        WHERE organization_id IN (SELECT id FROM _orgs);
    END IF;
END
$$;

INSERT INTO public.activities (organization_id, entity_type, entity_id, action, description, created_at)
SELECT r.organization_id, 'order', r.id, 'created', 'order created', now() - (g || ' days')::interval
FROM public.orders r JOIN _orgs o ON o.id = r.organization_id, generate_series(1, 3) AS g;

INSERT INTO public.email_history (organization_id, from_address, to_address, customer_id, subject,
                                  status, campaign_id, sent_at, opened_at)
SELECT c.organization_id, 'sales@example.com', c.email, c.id, 'Spring offer',
       'delivered', ('00000000-0000-0000-0000-00000000000' || (1 + g % 3))::uuid, now() - (g || ' days')::interval,
       CASE WHEN g % 2 = 0 THEN now() - (g || ' days')::interval END
FROM public.customers c JOIN _orgs o ON o.id = c.organization_id, generate_series(1, 2) AS g;

INSERT INTO public.notifications (organization_id, user_id, type, title, message, status)
SELECT u.organization_id, u.id, 'order', 'Order update', 'An order changed', 'sent'
FROM public.users u JOIN _orgs o ON o.id = u.organization_id, generate_series(1, 10) AS g;
