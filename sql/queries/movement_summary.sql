-- name: movement_summary
-- screen: Inventory report: stock movements per product and type inside a window
-- risks: RISK-SCALE-003
-- params: org_id, since, until
SELECT m.product_id, m.movement_type, count(*) AS movements, sum(m.quantity) AS quantity,
       sum(m.total_cost) AS cost
FROM inventory_movements m
WHERE m.organization_id = %(org_id)s
  AND m.created_at >= %(since)s
  AND m.created_at < %(until)s
GROUP BY m.product_id, m.movement_type
ORDER BY m.product_id, m.movement_type
