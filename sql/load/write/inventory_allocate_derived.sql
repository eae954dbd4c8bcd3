-- inventory_allocate_derived: the same allocation where the database derives quantity_available
-- (generated column or trigger), so the application does not write it.
UPDATE public.inventory SET quantity_allocated = quantity_allocated + %(quantity)s, updated_at = now()
WHERE organization_id = %(org)s AND id = %(inventory_id)s
