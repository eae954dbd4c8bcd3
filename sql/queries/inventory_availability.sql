-- name: inventory_availability
-- screen: Inventory report: available stock and value per product across locations
-- risks: RISK-SCALE-003
-- params: org_id
SELECT p.sku, p.name,
       sum(i.quantity_on_hand) AS on_hand,
       sum(i.quantity_allocated) AS allocated,
       sum(i.quantity_available) AS available,
       sum(i.total_value) AS value,
       count(DISTINCT i.location_id) AS locations
FROM inventory i
JOIN products p ON p.id = i.product_id
WHERE i.organization_id = %(org_id)s
  AND p.deleted_at IS NULL
GROUP BY p.sku, p.name
ORDER BY p.sku
