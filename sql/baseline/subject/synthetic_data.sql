-- Small, skewed, self-consistent data for developing and testing the query catalog without the
-- seeder. One large tenant holds about 60% of every table; five small tenants share the rest.
-- History spans two years back from now() (each LATERAL names g so random() runs per row), so "recent" and "old" windows both have rows.
-- Children always belong to the same tenant as their parent, and stored derived values match
-- their inputs, so the data also loads where mitigation units add checks or composite keys.
-- Scale: set the setting wb.scale (a float, default 1 = about 120k rows) before running.
SELECT setseed(0.42);

CREATE TEMP TABLE _wb_scale AS
SELECT greatest(coalesce(nullif(current_setting('wb.scale', true), '')::float8, 1.0), 0.01) AS s;

INSERT INTO organizations (name, slug, abn, created_at)
SELECT 'Org ' || g, 'org-' || g || '-' || substr(md5(random()::text), 1, 6), NULL,
       now() - interval '800 days'
FROM generate_series(0, 5) AS g;

CREATE TEMP TABLE _wb_org AS
SELECT id, row_number() OVER (ORDER BY slug) - 1 AS k FROM organizations;

-- Tenant of the i-th generated row: 60% the large tenant (k = 0), the rest spread over k 1..5.
CREATE TEMP TABLE _wb_weights AS
SELECT k, CASE WHEN k = 0 THEN 0.6 ELSE 0.08 END AS w FROM _wb_org;

INSERT INTO users (auth_id, organization_id, email, name, role, status, created_at)
SELECT gen_random_uuid(), o.id, 'user' || g || '@org' || o.k || '.example', 'User ' || g,
       (ARRAY['owner', 'admin', 'manager', 'sales', 'support']::user_role[])[1 + g % 5],
       'active', now() - interval '700 days'
FROM _wb_org o CROSS JOIN generate_series(1, CASE WHEN o.k = 0 THEN 12 ELSE 4 END) AS g;

INSERT INTO customers (organization_id, name, email, status, type, account_number, tags, created_at)
SELECT o.id,
       (ARRAY['Acme', 'Sydney', 'Harbour', 'Outback', 'Coastal', 'Bondi', 'Pacific', 'Metro'])[1 + (g % 8)]
         || ' ' || (ARRAY['Solar', 'Plumbing', 'Electrical', 'Roofing', 'Builders'])[1 + (g / 8) % 5]
         || ' ' || g,
       'c' || g || '@t' || o.k || '.example',
       (ARRAY['prospect', 'active', 'active', 'active', 'inactive', 'suspended']::customer_status[])[1 + g % 6],
       'business', 'ACC-' || o.k || '-' || g,
       jsonb_build_array('tier' || (g % 3)),
       now() - (random() * 730) * interval '1 day'
FROM _wb_org o
CROSS JOIN LATERAL generate_series(1, (SELECT ceil(5000 * s * CASE WHEN o.k = 0 THEN 0.6 ELSE 0.08 END)::int FROM _wb_scale)) AS g;

INSERT INTO contacts (organization_id, customer_id, first_name, last_name, email, created_at)
SELECT c.organization_id, c.id, 'First' || g, 'Last' || g, 'p' || g || '.' || c.email, c.created_at
FROM customers c CROSS JOIN LATERAL generate_series(1, 1 + (abs(hashtext(c.id::text)) % 3)) AS g;

INSERT INTO products (organization_id, sku, name, category, unit_price, cost_price, created_at)
SELECT o.id, 'SKU-' || o.k || '-' || lpad(g::text, 5, '0'),
       (ARRAY['Panel', 'Inverter', 'Battery', 'Cable', 'Bracket', 'Switch'])[1 + g % 6] || ' model ' || g,
       (ARRAY['solar', 'storage', 'electrical'])[1 + g % 3], 10 + g % 900, 5 + g % 400,
       now() - interval '750 days'
FROM _wb_org o
CROSS JOIN LATERAL generate_series(1, (SELECT ceil(400 * s * CASE WHEN o.k = 0 THEN 0.6 ELSE 0.08 END)::int + 2 FROM _wb_scale)) AS g;

INSERT INTO locations (organization_id, code, name, is_default)
SELECT o.id, 'LOC' || g, 'Warehouse ' || g, g = 1
FROM _wb_org o CROSS JOIN generate_series(1, 2) AS g;

CREATE TEMP TABLE _wb_prod AS
SELECT id, organization_id, sku, name, unit_price,
       row_number() OVER (PARTITION BY organization_id ORDER BY sku) AS rn,
       count(*) OVER (PARTITION BY organization_id) AS n
FROM products;

INSERT INTO inventory (organization_id, product_id, location_id, quantity_on_hand, quantity_allocated,
                       quantity_available, unit_cost, total_value, lot_number, created_at)
SELECT p.organization_id, p.id, l.id, 100, 10, 90, p.unit_price, 100 * p.unit_price,
       'LOT-' || p.rn, now() - interval '750 days'
FROM _wb_prod p JOIN locations l ON l.organization_id = p.organization_id;

INSERT INTO inventory_movements (organization_id, inventory_id, product_id, location_id, movement_type,
                                 quantity, previous_quantity, new_quantity, unit_cost, total_cost, created_at)
SELECT i.organization_id, i.id, i.product_id, i.location_id,
       (ARRAY['receive', 'allocate', 'pick', 'ship', 'adjust']::movement_type[])[1 + g % 5],
       1 + g % 7, 100, 100, i.unit_cost, (1 + g % 7) * i.unit_cost,
       now() - (random() * 730) * interval '1 day'
FROM inventory i CROSS JOIN generate_series(1, 20) AS g;

INSERT INTO opportunities (organization_id, name, customer_id, stage, probability, estimated_value, weighted_value, created_at)
SELECT c.organization_id, 'Deal for ' || c.name, c.id, 'qualified', 50, 1000, 500, c.created_at
FROM customers c WHERE abs(hashtext(c.id::text)) % 4 = 0;

INSERT INTO quotes (organization_id, quote_number, customer_id, status, quote_date, line_items, created_at)
SELECT c.organization_id, 'Q-' || substr(md5(c.id::text || g), 1, 10), c.id,
       (ARRAY['draft', 'sent', 'accepted'])[1 + g % 3],
       (c.created_at + g * interval '7 days')::date,
       (SELECT jsonb_agg(jsonb_build_object('productId', p.id, 'sku', p.sku, 'description', p.name,
                                            'quantity', 1 + j, 'unitPrice', p.unit_price))
        FROM generate_series(1, 3) AS j
        JOIN _wb_prod p ON p.organization_id = c.organization_id
         AND p.rn = 1 + (abs(hashtext(c.id::text || g || j)) % p.n)),
       c.created_at + g * interval '7 days'
FROM customers c CROSS JOIN generate_series(1, 2) AS g
WHERE abs(hashtext(c.id::text)) % 2 = 0;

-- Orders: 0..3 per customer, dated after the customer; each with 1..4 line items whose totals
-- add up to the order's.
INSERT INTO orders (organization_id, order_number, customer_id, status, order_date, created_at)
SELECT c.organization_id, 'SO-' || substr(md5(c.id::text || g), 1, 12), c.id,
       (ARRAY['draft', 'confirmed', 'picking', 'shipped', 'delivered', 'delivered', 'cancelled']::order_status[])[1 + abs(hashtext(c.id::text || g)) % 7],
       d::date, d
FROM customers c CROSS JOIN LATERAL generate_series(1, abs(hashtext(c.id::text)) % 4) AS g
CROSS JOIN LATERAL (SELECT c.created_at + (random() * (now() - c.created_at)) AS d) AS t;

INSERT INTO order_line_items (organization_id, order_id, product_id, line_number, sku, description,
                              quantity, unit_price, line_total, created_at)
SELECT o.organization_id, o.id, p.id, j::text, p.sku, p.name, 1 + j, p.unit_price, (1 + j) * p.unit_price, o.created_at
FROM orders o CROSS JOIN LATERAL generate_series(1, 1 + abs(hashtext(o.id::text)) % 4) AS j
JOIN _wb_prod p ON p.organization_id = o.organization_id AND p.rn = 1 + (abs(hashtext(o.id::text || j)) % p.n);

UPDATE orders o SET subtotal = t.s, total = t.s, balance_due = t.s
FROM (SELECT order_id, sum(line_total) AS s FROM order_line_items GROUP BY order_id) AS t
WHERE t.order_id = o.id;

INSERT INTO activities (organization_id, entity_type, entity_id, action, created_by, description, created_at)
SELECT c.organization_id, 'customer', c.id,
       (ARRAY['created', 'updated', 'viewed', 'commented']::activity_action[])[1 + g % 4],
       NULL, 'activity ' || g, c.created_at + (random() * (now() - c.created_at))
FROM customers c CROSS JOIN generate_series(1, 6) AS g;

INSERT INTO email_history (organization_id, from_address, to_address, customer_id, subject, body_html,
                           body_text, status, campaign_id, created_at, sent_at)
SELECT c.organization_id, 'news@org.example', c.email, c.id, 'Newsletter ' || g,
       '<html><body>' || repeat('Solar news for ' || c.name || '. ', 30) || '</body></html>',
       repeat('Solar news for ' || c.name || '. ', 30),
       (ARRAY['sent', 'delivered', 'opened', 'clicked', 'bounced']::email_status[])[1 + g % 5],
       ('00000000-0000-0000-0000-00000000000' || (g % 8))::uuid, t.d, t.d
FROM customers c CROSS JOIN generate_series(1, 5) AS g
CROSS JOIN LATERAL (SELECT now() - (random() * 730) * interval '1 day' AS d WHERE g IS NOT NULL) AS t;

INSERT INTO notifications (organization_id, user_id, type, title, message, status, read_at, created_at)
SELECT u.organization_id, u.id, 'order', 'Order update ' || g, 'Something happened',
       (CASE WHEN g % 20 = 0 THEN 'pending' WHEN g % 20 = 1 THEN 'sent' ELSE 'read' END)::notification_status,
       CASE WHEN g % 20 > 1 THEN t.d END, t.d
FROM users u
CROSS JOIN LATERAL generate_series(1, (SELECT ceil(800 * s * CASE WHEN u.email LIKE '%@org0.%' THEN 1 ELSE 0.3 END)::int FROM _wb_scale)) AS g
CROSS JOIN LATERAL (SELECT now() - (random() * 730) * interval '1 day' AS d WHERE g IS NOT NULL) AS t;

INSERT INTO user_sessions (user_id, session_token, created_at, updated_at)
SELECT u.id, md5(u.id::text || g), t.d, t.d
FROM users u CROSS JOIN generate_series(1, (SELECT ceil(100 * s)::int FROM _wb_scale)) AS g
CROSS JOIN LATERAL (SELECT now() - (random() * 400) * interval '1 day' AS d WHERE g IS NOT NULL) AS t;

DROP TABLE _wb_scale, _wb_org, _wb_weights, _wb_prod;
