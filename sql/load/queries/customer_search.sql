-- customer_search: the search box on the customers page (full-text on name).
SELECT id, name, email, status FROM public.customers
WHERE organization_id = %(org)s AND deleted_at IS NULL
  AND to_tsvector('english', name) @@ plainto_tsquery('english', %(term)s)
ORDER BY name
LIMIT 25
