-- line_item_insert: one order line.
INSERT INTO public.order_line_items (organization_id, order_id, product_id, line_number, description, quantity, unit_price, tax_amount, line_total)
VALUES (%(org)s, %(order_id)s, %(product_id)s, %(line_number)s, %(description)s, %(quantity)s, %(unit_price)s, %(tax)s, %(line_total)s)
