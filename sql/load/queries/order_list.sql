-- order_list: the orders page with each order's customer name, newest first.
SELECT r.id, r.order_number, r.status, r.order_date, r.total, c.name AS customer
FROM public.orders r JOIN public.customers c ON c.id = r.customer_id
WHERE r.organization_id = %(org)s AND r.deleted_at IS NULL
ORDER BY r.order_date DESC, r.id
LIMIT 25
