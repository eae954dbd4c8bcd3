-- test_derived_guards.sql: for the load tests only: the two database-side guards the drift
-- probe is about, applied to a copy of the baseline, so the probe can be shown a setup
-- without the defect even before the remediated variant's own units exist.
ALTER TABLE public.inventory DROP COLUMN quantity_available;
ALTER TABLE public.inventory ADD COLUMN quantity_available numeric(10, 3) GENERATED ALWAYS AS (quantity_on_hand - quantity_allocated) STORED;

CREATE FUNCTION public.orders_recompute_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT coalesce(sum(line_total), 0), coalesce(sum(tax_amount), 0)
      INTO NEW.subtotal, NEW.tax_amount
      FROM public.order_line_items WHERE order_id = NEW.id;
    NEW.total := NEW.subtotal + NEW.tax_amount - NEW.discount_amount + NEW.shipping_amount;
    NEW.balance_due := NEW.total - NEW.paid_amount;
    RETURN NEW;
END
$$;

CREATE TRIGGER orders_recompute_totals BEFORE UPDATE ON public.orders
FOR EACH ROW EXECUTE FUNCTION public.orders_recompute_totals();
