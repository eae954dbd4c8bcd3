-- movement_insert: the stock movement that records an allocation or release.
INSERT INTO public.inventory_movements (organization_id, inventory_id, product_id, location_id, movement_type, quantity, previous_quantity, new_quantity, reference_type)
VALUES (%(org)s, %(inventory_id)s, %(product_id)s, %(location_id)s, %(movement_type)s, %(quantity)s, %(previous)s, %(new)s, 'load')
