-- name: customer_order_history
-- screen: Customer detail, Orders tab: one customer's orders, newest first
-- risks: RISK-SCALE-004
-- params: org_id, customer_id, page_size
SELECT id, order_number, status, payment_status, order_date, total, balance_due
FROM orders
WHERE organization_id = %(org_id)s
  AND customer_id = %(customer_id)s
  AND deleted_at IS NULL
ORDER BY order_date DESC, id DESC
LIMIT %(page_size)s
