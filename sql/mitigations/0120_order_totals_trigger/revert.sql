-- 0120_order_totals_trigger / revert
-- Drops the triggers and their function, and puts orders.balance_due back as a plain
-- numeric(12,2) NOT NULL DEFAULT 0 holding the value it was generated with.
-- The caller wraps this script in a transaction.

DROP TRIGGER order_line_items_subtotal_ins ON public.order_line_items;
DROP TRIGGER order_line_items_subtotal_upd ON public.order_line_items;
DROP TRIGGER order_line_items_subtotal_del ON public.order_line_items;
DROP FUNCTION public.order_line_items_sync_subtotal();

ALTER TABLE public.orders ADD COLUMN balance_due_plain numeric(12, 2) DEFAULT 0 NOT NULL;
UPDATE public.orders SET balance_due_plain = balance_due;
ALTER TABLE public.orders DROP COLUMN balance_due;
ALTER TABLE public.orders RENAME COLUMN balance_due_plain TO balance_due;
