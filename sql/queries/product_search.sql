-- name: product_search
-- screen: Global search box and quote builder: products by name (full text)
-- risks: RISK-SCALE-006
-- params: org_id, product_term
SELECT id, sku, name, unit_price
FROM products
WHERE to_tsvector('english', name) @@ plainto_tsquery('english', %(product_term)s)
  AND organization_id = %(org_id)s
  AND deleted_at IS NULL
LIMIT 20
