-- product_search: product picker on the order form (full-text on name).
SELECT id, sku, name, unit_price FROM public.products
WHERE organization_id = %(org)s AND deleted_at IS NULL AND is_active
  AND to_tsvector('english', name) @@ plainto_tsquery('english', %(product_term)s)
LIMIT 20
