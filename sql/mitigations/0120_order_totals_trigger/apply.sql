-- 0120_order_totals_trigger / apply
-- RISK-INTEGRITY-007 (fact 7): orders.subtotal is stored beside order_line_items and nothing
-- keeps the two in step; orders.balance_due (= total - paid) is stored too.
--   * orders.subtotal is recomputed from the lines by statement-level triggers on
--     order_line_items (INSERT, UPDATE, DELETE, with transition tables): one UPDATE per statement
--     and affected order, so a COPY of 100k lines costs one pass, not 100k updates.
--   * orders.balance_due becomes a STORED generated column (total - paid_amount).
-- total itself (subtotal, discount, tax, shipping) stays the application's: its tax rule is not
-- in the schema. The function fixes its search_path.
-- The caller wraps this script in a transaction.

CREATE FUNCTION public.order_line_items_sync_subtotal()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE public.orders o
           SET subtotal = coalesce((SELECT sum(l.line_total) FROM public.order_line_items l
                                     WHERE l.order_id = o.id), 0)
         WHERE o.id IN (SELECT n.order_id FROM new_rows n);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE public.orders o
           SET subtotal = coalesce((SELECT sum(l.line_total) FROM public.order_line_items l
                                     WHERE l.order_id = o.id), 0)
         WHERE o.id IN (SELECT d.order_id FROM old_rows d);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER order_line_items_subtotal_ins
    AFTER INSERT ON public.order_line_items REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.order_line_items_sync_subtotal();
CREATE TRIGGER order_line_items_subtotal_upd
    AFTER UPDATE ON public.order_line_items REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.order_line_items_sync_subtotal();
CREATE TRIGGER order_line_items_subtotal_del
    AFTER DELETE ON public.order_line_items REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.order_line_items_sync_subtotal();

ALTER TABLE public.orders
    DROP COLUMN balance_due,
    ADD COLUMN balance_due numeric(12, 2) NOT NULL GENERATED ALWAYS AS (total - paid_amount) STORED;
