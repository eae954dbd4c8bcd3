-- order_insert: a new order with totals the application computed from its line items.
INSERT INTO public.orders (organization_id, order_number, customer_id, status, subtotal, tax_amount, total, balance_due)
VALUES (%(org)s, %(order_number)s, %(customer_id)s, 'confirmed', %(subtotal)s, %(tax)s, %(subtotal)s + %(tax)s, %(subtotal)s + %(tax)s)
RETURNING id
