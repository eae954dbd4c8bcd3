-- 0155_quantity_and_status_checks / revert
ALTER TABLE public.quotes DROP CONSTRAINT quotes_status_known;
ALTER TABLE public.products DROP CONSTRAINT products_reorder_qty_non_negative;
ALTER TABLE public.inventory_movements DROP CONSTRAINT inventory_movements_quantities_valid;
