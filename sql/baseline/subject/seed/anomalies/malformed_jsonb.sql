-- customers.addresses that are not the JSON array the application expects (a bare string).
WITH picked AS (
    SELECT id FROM public.customers ORDER BY md5(id::text || %(salt)s) LIMIT %(count)s
)
UPDATE public.customers c SET addresses = to_jsonb('see notes'::text)
FROM picked WHERE c.id = picked.id
RETURNING c.id
