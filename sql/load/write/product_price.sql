-- product_price: price and name of the product being added to an order.
SELECT name, unit_price FROM public.products WHERE organization_id = %(org)s AND id = %(product_id)s
