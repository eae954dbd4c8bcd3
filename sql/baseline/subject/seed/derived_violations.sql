-- Rows breaking the seeder's documented derived-value rules (workbench/seed/tables.py).
-- Zero everywhere after a seed without anomalies; equal to the planted count with them.
SELECT 'inventory.quantity_available' AS rule, count(*) AS violations
FROM public.inventory WHERE quantity_available <> quantity_on_hand - quantity_allocated
UNION ALL
SELECT 'order_line_items.line_total', count(*)
FROM public.order_line_items
WHERE line_total <> round(quantity * unit_price, 2) - discount_amount
UNION ALL
SELECT 'orders.subtotal', count(*)
FROM public.orders o
JOIN (SELECT order_id, sum(line_total) AS net, sum(tax_amount) AS tax
      FROM public.order_line_items GROUP BY order_id) li ON li.order_id = o.id
WHERE o.subtotal <> li.net OR o.tax_amount <> li.tax
UNION ALL
SELECT 'orders.total', count(*)
FROM public.orders
WHERE total <> subtotal - discount_amount + tax_amount + shipping_amount
   OR balance_due <> total - paid_amount
UNION ALL
SELECT 'opportunities.weighted_value', count(*)
FROM public.opportunities WHERE weighted_value <> round(estimated_value * probability / 100, 2)
UNION ALL
SELECT 'activities.entity_id same tenant', count(*)
FROM public.activities a
WHERE a.entity_type = 'customer'
  AND NOT EXISTS (SELECT 1 FROM public.customers c WHERE c.id = a.entity_id AND c.organization_id = a.organization_id)
ORDER BY 1
