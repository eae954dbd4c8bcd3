-- order_read_totals: the ORM loads the order before adding a line (no row lock, as ORMs do).
SELECT subtotal, tax_amount, (SELECT count(*) FROM public.order_line_items WHERE order_id = %(order_id)s) AS lines
FROM public.orders WHERE organization_id = %(org)s AND id = %(order_id)s
