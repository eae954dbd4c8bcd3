-- The keyset cursor after the first page of the customer list (the app's pagination helper
-- asks for page 2 with the last row of page 1): created_at and id of row number page_size.
SELECT created_at, id
FROM customers
WHERE organization_id = %(org_id)s AND status = %(customer_status)s AND deleted_at IS NULL
ORDER BY created_at DESC, id DESC
OFFSET %(page_size)s - 1
LIMIT 1
