-- inventory_allocate: allocated is bumped atomically, available is written from the value read
-- earlier: correct alone, stale under concurrency (the drift RISK-INTEGRITY-002 fears).
UPDATE public.inventory SET quantity_allocated = quantity_allocated + %(quantity)s,
       quantity_available = %(available)s, updated_at = now()
WHERE organization_id = %(org)s AND id = %(inventory_id)s
