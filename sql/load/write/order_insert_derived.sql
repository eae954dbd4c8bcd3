-- order_insert_derived: the same new order where the database derives balance_due (generated)
-- and keeps subtotal from the lines (trigger): the application writes neither.
INSERT INTO public.orders (organization_id, order_number, customer_id, status, tax_amount, total)
VALUES (%(org)s, %(order_number)s, %(customer_id)s, 'confirmed', %(tax)s, %(subtotal)s + %(tax)s)
RETURNING id
