-- Customers whose email is not an address (no CHECK constraint validates it).
WITH picked AS (
    SELECT id FROM public.customers WHERE email IS NOT NULL
    ORDER BY md5(id::text || %(salt)s) LIMIT %(count)s
)
UPDATE public.customers c SET email = 'not-an-email-' || left(md5(c.id::text), 10)
FROM picked WHERE c.id = picked.id
RETURNING c.id
