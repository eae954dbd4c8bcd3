-- name: order_detail_lines
-- screen: Order detail: the order's line items in line order
-- risks: RISK-SCALE-008
-- params: org_id, order_id
SELECT li.line_number, li.sku, li.description, li.quantity, li.unit_price, li.line_total,
       p.name AS product_name
FROM order_line_items li
LEFT JOIN products p ON p.id = li.product_id
WHERE li.organization_id = %(org_id)s
  AND li.order_id = %(order_id)s
ORDER BY li.line_number
