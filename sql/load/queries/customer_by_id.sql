-- customer_by_id (load-specific, no catalog counterpart): a customer detail page's primary-key lookup (the cheapest realistic request).
SELECT id, name, email, phone, status, type, addresses FROM public.customers
WHERE organization_id = %(org)s AND id = %(customer_id)s
