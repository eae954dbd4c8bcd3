-- name: order_list_by_status
-- screen: Orders list: filter by status within a date range, newest first
-- risks: RISK-SCALE-004
-- params: org_id, order_status, since, until, page_size
SELECT o.id, o.order_number, o.status, o.order_date, o.total, c.name AS customer_name
FROM orders o
JOIN customers c ON c.id = o.customer_id
WHERE o.organization_id = %(org_id)s
  AND o.status = %(order_status)s
  AND o.order_date >= %(since)s::date
  AND o.order_date < %(until)s::date
  AND o.deleted_at IS NULL
ORDER BY o.order_date DESC, o.id DESC
LIMIT %(page_size)s
