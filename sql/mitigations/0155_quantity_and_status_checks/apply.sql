-- 0155_quantity_and_status_checks / apply
-- RISK-OPS-004: value columns 0150 did not bound. inventory_movements carries its direction in
-- movement_type (receive, pick, ...), so the quantity, the stock levels and the
-- cost are never negative; products.reorder_qty is a count; quotes.status is free text (fact 10)
-- and takes the five states the application uses. inventory.quantity_on_hand stays unbounded
-- (locations may allow negative stock, see 0150).
-- The caller wraps this script in a transaction.

ALTER TABLE public.inventory_movements ADD CONSTRAINT inventory_movements_quantities_valid CHECK (
        quantity >= 0
        AND previous_quantity >= 0
        AND new_quantity >= 0
        AND total_cost >= 0);
ALTER TABLE public.products ADD CONSTRAINT products_reorder_qty_non_negative CHECK (
        reorder_qty >= 0);
ALTER TABLE public.quotes ADD CONSTRAINT quotes_status_known CHECK (
        status IN ('draft', 'sent', 'accepted', 'rejected', 'expired'));
