-- Bytes of every index in the public schema: what an index mitigation costs in storage.
SELECT c.relname, pg_relation_size(c.oid)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('i', 'I')
