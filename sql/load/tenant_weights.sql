-- tenant_weights.sql: every organization with its size (customers + orders), so simulated users
-- can be drawn in proportion to how much traffic a tenant of that size sends.
SELECT o.id::text AS organization_id,
       (SELECT count(*) FROM public.customers c WHERE c.organization_id = o.id)
     + (SELECT count(*) FROM public.orders r WHERE r.organization_id = o.id) AS size
FROM public.organizations o
WHERE o.deleted_at IS NULL
ORDER BY o.id
