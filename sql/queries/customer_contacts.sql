-- name: customer_contacts
-- screen: Customer detail, Contacts tab
-- risks: RISK-SCALE-010
-- params: org_id, customer_id
SELECT id, first_name, last_name, email, phone, job_title
FROM contacts
WHERE organization_id = %(org_id)s
  AND customer_id = %(customer_id)s
ORDER BY last_name, first_name
