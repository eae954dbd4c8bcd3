-- Orders whose total no longer follows their line items (RISK-INTEGRITY-007).
WITH picked AS (
    SELECT id FROM public.orders ORDER BY md5(id::text || %(salt)s) LIMIT %(count)s
)
UPDATE public.orders o SET total = o.total + 1.00, balance_due = o.balance_due + 1.00
FROM picked WHERE o.id = picked.id
RETURNING o.id
