-- name: customer_list
-- screen: Customers list: filter by status, newest first, keyset pagination (page 2)
-- risks: RISK-SCALE-004
-- params: org_id, customer_status, cursor_created_at, cursor_id, page_size
SELECT id, name, email, status, type, created_at
FROM customers
WHERE organization_id = %(org_id)s
  AND status = %(customer_status)s
  AND deleted_at IS NULL
  AND (created_at, id) < (%(cursor_created_at)s, %(cursor_id)s)
ORDER BY created_at DESC, id DESC
LIMIT %(page_size)s
