-- 0150_amount_checks / revert
-- Drops the six CHECK constraints.
-- The caller wraps this script in a transaction.

ALTER TABLE public.inventory DROP CONSTRAINT inventory_amounts_non_negative;
ALTER TABLE public.inventory_movements DROP CONSTRAINT inventory_movements_amounts_non_negative;
ALTER TABLE public.order_line_items DROP CONSTRAINT order_line_items_amounts_non_negative;
ALTER TABLE public.orders DROP CONSTRAINT orders_amounts_non_negative;
ALTER TABLE public.products DROP CONSTRAINT products_amounts_non_negative;
ALTER TABLE public.quotes DROP CONSTRAINT quotes_amounts_non_negative;
