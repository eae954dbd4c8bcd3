-- name: customer_search
-- screen: Global search box: customers by name (full text)
-- risks: RISK-SCALE-006
-- params: org_id, customer_term
SELECT id, name, email, status
FROM customers
WHERE to_tsvector('english', name) @@ plainto_tsquery('english', %(customer_term)s)
  AND organization_id = %(org_id)s
  AND deleted_at IS NULL
LIMIT 20
