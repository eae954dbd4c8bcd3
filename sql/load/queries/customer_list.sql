-- customer_list: the customers list page, newest first, one page of 25 (a tenant list query).
SELECT id, name, email, status, type, created_at FROM public.customers
WHERE organization_id = %(org)s AND deleted_at IS NULL
ORDER BY created_at DESC, id
LIMIT 25
