-- Parameter values for every catalog query, drawn from one tenant's own data inside a window
-- [since, until): the busiest customer, entity, user and order, the commonest statuses, a
-- search word that occurs, a SKU that quotes contain. Inputs: org_id, since, until.
SELECT
    (SELECT status::text FROM customers WHERE organization_id = %(org_id)s
     GROUP BY status ORDER BY count(*) DESC, status LIMIT 1) AS customer_status,
    (SELECT status::text FROM orders WHERE organization_id = %(org_id)s
     GROUP BY status ORDER BY count(*) DESC, status LIMIT 1) AS order_status,
    (SELECT customer_id FROM orders WHERE organization_id = %(org_id)s
     GROUP BY customer_id ORDER BY count(*) DESC, customer_id LIMIT 1) AS customer_id,
    (SELECT entity_type::text FROM activities WHERE organization_id = %(org_id)s
     GROUP BY entity_type, entity_id ORDER BY count(*) DESC, entity_id LIMIT 1) AS entity_type,
    (SELECT entity_id FROM activities WHERE organization_id = %(org_id)s
     GROUP BY entity_type, entity_id ORDER BY count(*) DESC, entity_id LIMIT 1) AS entity_id,
    (SELECT campaign_id FROM email_history WHERE organization_id = %(org_id)s AND campaign_id IS NOT NULL
     GROUP BY campaign_id ORDER BY count(*) DESC, campaign_id LIMIT 1) AS campaign_id,
    (SELECT user_id FROM notifications WHERE organization_id = %(org_id)s
     GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1) AS user_id,
    (SELECT order_id FROM order_line_items WHERE organization_id = %(org_id)s
     GROUP BY order_id ORDER BY count(*) DESC, order_id LIMIT 1) AS order_id,
    (SELECT q.opportunity_id FROM quotes q WHERE q.organization_id = %(org_id)s AND q.opportunity_id IS NOT NULL
     GROUP BY q.opportunity_id ORDER BY count(*) DESC, q.opportunity_id LIMIT 1) AS opportunity_id,
    (SELECT o.id FROM opportunities o WHERE o.organization_id = %(org_id)s
     ORDER BY o.created_at DESC, o.id LIMIT 1) AS any_opportunity_id,
    (SELECT li ->> 'sku' FROM quotes q, jsonb_array_elements(q.line_items) AS li
     WHERE q.organization_id = %(org_id)s AND jsonb_typeof(q.line_items) = 'array'
     GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) AS sku,
    (SELECT w FROM customers c, regexp_split_to_table(lower(c.name), '[^a-z]+') AS w
     WHERE c.organization_id = %(org_id)s AND length(w) > 3
     GROUP BY w ORDER BY count(*) DESC, w LIMIT 1) AS customer_term,
    (SELECT w FROM products p, regexp_split_to_table(lower(p.name), '[^a-z]+') AS w
     WHERE p.organization_id = %(org_id)s AND length(w) > 3
     GROUP BY w ORDER BY count(*) DESC, w LIMIT 1) AS product_term
