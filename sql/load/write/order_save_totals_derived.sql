-- order_save_totals_derived: where the database keeps subtotal, the application adds the line's
-- tax atomically and derives total from the stored subtotal instead of writing figures it read.
UPDATE public.orders SET tax_amount = tax_amount + %(line_tax)s, total = subtotal + tax_amount + %(line_tax)s, updated_at = now()
WHERE organization_id = %(org)s AND id = %(order_id)s
