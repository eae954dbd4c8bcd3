-- tenant_samples.sql: a bounded sample of ids per entity for one tenant, the parameters that
-- queries draw from (a real user only ever sees its own tenant's ids). The few "hot" rows that
-- write transactions contend on are chosen afresh per run (%(seed)s), so each run's lost updates
-- land on rows no earlier run has drifted.
SELECT 'customer_id' AS kind, id::text FROM (SELECT id FROM public.customers WHERE organization_id = %(org)s LIMIT 200) s
UNION ALL SELECT 'product_id', id::text FROM (SELECT id FROM public.products WHERE organization_id = %(org)s LIMIT 200) s
UNION ALL SELECT 'order_id', id::text FROM (SELECT id FROM public.orders WHERE organization_id = %(org)s LIMIT 200) s
UNION ALL SELECT 'inventory_id', id::text FROM (SELECT id FROM public.inventory WHERE organization_id = %(org)s ORDER BY id LIMIT 200) s
UNION ALL SELECT 'user_id', id::text FROM (SELECT id FROM public.users WHERE organization_id = %(org)s LIMIT 50) s
UNION ALL SELECT 'hot_order_id', id::text FROM (SELECT id FROM public.orders WHERE organization_id = %(org)s ORDER BY md5(id::text || %(seed)s) LIMIT 3) s
UNION ALL SELECT 'hot_inventory_id', id::text FROM (SELECT id FROM public.inventory WHERE organization_id = %(org)s ORDER BY md5(id::text || %(seed)s) LIMIT 3) s
