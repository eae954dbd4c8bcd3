-- order_detail: one order's page: the order and its line items.
SELECT r.id, r.order_number, r.status, r.subtotal, r.total, li.line_number, li.description, li.quantity, li.line_total
FROM public.orders r LEFT JOIN public.order_line_items li ON li.order_id = r.id
WHERE r.organization_id = %(org)s AND r.id = %(order_id)s
