-- inventory_read: the allocation service reads the stock row (no row lock).
SELECT product_id, location_id, quantity_on_hand, quantity_allocated, quantity_available
FROM public.inventory WHERE organization_id = %(org)s AND id = %(inventory_id)s
