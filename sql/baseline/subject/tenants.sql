-- Tenants by size (rows across the big tenant tables), largest first, with the span of their
-- history: the catalog draws a large and a small tenant from here, so plans meet the skew.
WITH sizes AS (
    SELECT organization_id, count(*) AS n, min(created_at) AS first_at, max(created_at) AS last_at
    FROM (
        SELECT organization_id, created_at FROM customers
        UNION ALL SELECT organization_id, created_at FROM activities
        UNION ALL SELECT organization_id, created_at FROM email_history
        UNION ALL SELECT organization_id, created_at FROM orders
    ) AS t
    GROUP BY organization_id
)
SELECT organization_id AS tenant_id, n, first_at, last_at FROM sizes ORDER BY n DESC, organization_id
