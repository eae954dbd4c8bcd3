-- order_save_totals: the ORM saves the totals it computed from the values it read.
UPDATE public.orders SET subtotal = %(subtotal)s, tax_amount = %(tax)s, total = %(subtotal)s + %(tax)s,
       balance_due = %(subtotal)s + %(tax)s - paid_amount, updated_at = now()
WHERE organization_id = %(org)s AND id = %(order_id)s
