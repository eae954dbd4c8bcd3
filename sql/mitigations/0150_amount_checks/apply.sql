-- 0150_amount_checks / apply
-- RISK-OPS-004 / RISK-INTEGRITY-006: no CHECK constraint anywhere bounds a price, cost, amount,
-- total or ordered quantity, so a sign error in a writer is stored. One CHECK per table says
-- they are all >= 0. Deliberately NOT bounded (signed by design): inventory.quantity_on_hand
-- (locations may allow negative stock), inventory_movements.quantity and .total_cost
-- (adjustments and returns move stock both ways); quantity_available is generated (0110).
-- The caller wraps this script in a transaction.

ALTER TABLE public.inventory ADD CONSTRAINT inventory_amounts_non_negative CHECK (
        quantity_allocated >= 0
        AND unit_cost >= 0);
ALTER TABLE public.inventory_movements ADD CONSTRAINT inventory_movements_amounts_non_negative CHECK (
        unit_cost >= 0);
ALTER TABLE public.order_line_items ADD CONSTRAINT order_line_items_amounts_non_negative CHECK (
        quantity >= 0
        AND unit_price >= 0
        AND discount_amount >= 0
        AND tax_amount >= 0
        AND line_total >= 0
        AND qty_picked >= 0
        AND qty_shipped >= 0
        AND qty_delivered >= 0);
ALTER TABLE public.orders ADD CONSTRAINT orders_amounts_non_negative CHECK (
        subtotal >= 0
        AND discount_amount >= 0
        AND tax_amount >= 0
        AND shipping_amount >= 0
        AND total >= 0
        AND paid_amount >= 0);
ALTER TABLE public.products ADD CONSTRAINT products_amounts_non_negative CHECK (
        unit_price >= 0
        AND cost_price >= 0);
ALTER TABLE public.quotes ADD CONSTRAINT quotes_amounts_non_negative CHECK (
        subtotal >= 0
        AND discount_amount >= 0
        AND tax_amount >= 0
        AND total >= 0);
