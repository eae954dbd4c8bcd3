-- Live customers with live orders become soft-deleted: the orders stay, pointing at a deleted
-- parent (RISK-INTEGRITY-004: soft delete does not cascade).
WITH picked AS (
    SELECT c.id FROM public.customers c
    WHERE c.deleted_at IS NULL
      AND EXISTS (SELECT 1 FROM public.orders o WHERE o.customer_id = c.id AND o.deleted_at IS NULL)
    ORDER BY md5(c.id::text || %(salt)s) LIMIT %(count)s
)
UPDATE public.customers c SET deleted_at = c.created_at + interval '1 day'
FROM picked WHERE c.id = picked.id
RETURNING c.id
