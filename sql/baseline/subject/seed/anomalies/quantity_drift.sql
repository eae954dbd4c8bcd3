-- Inventory rows where quantity_available no longer equals on_hand - allocated
-- (RISK-INTEGRITY-002). A generated quantity_available column rejects the update.
WITH picked AS (
    SELECT id FROM public.inventory ORDER BY md5(id::text || %(salt)s) LIMIT %(count)s
)
UPDATE public.inventory i SET quantity_available = i.quantity_available + 1
FROM picked WHERE i.id = picked.id
RETURNING i.id
