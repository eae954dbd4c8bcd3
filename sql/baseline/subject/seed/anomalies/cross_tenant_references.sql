-- Orders pointing at a customer of another tenant (RISK-MT-001: no composite tenant keys).
WITH picked AS (
    SELECT id, organization_id FROM public.orders ORDER BY md5(id::text || %(salt)s) LIMIT %(count)s
), target AS (
    SELECT p.id, (SELECT c.id FROM public.customers c WHERE c.organization_id <> p.organization_id
                  ORDER BY md5(c.id::text || p.id::text) LIMIT 1) AS customer_id
    FROM picked p
)
UPDATE public.orders o SET customer_id = target.customer_id
FROM target WHERE o.id = target.id AND target.customer_id IS NOT NULL
RETURNING o.id
