-- Rows per tenant of the big tables, largest tenant first: the heavy tail the profile asks for.
SELECT o.name AS organization, o.id::text AS organization_id,
       (SELECT count(*) FROM public.activities a WHERE a.organization_id = o.id) AS activities,
       (SELECT count(*) FROM public.email_history e WHERE e.organization_id = o.id) AS email_history,
       (SELECT count(*) FROM public.customers c WHERE c.organization_id = o.id) AS customers,
       (SELECT count(*) FROM public.orders r WHERE r.organization_id = o.id) AS orders
FROM public.organizations o
ORDER BY activities DESC
