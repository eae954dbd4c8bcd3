-- Estimated live rows per public relation (pg_class.reltuples), partitions summed into their
-- parent: how findings decide that a sequential scan is over a large relation.
SELECT c.relname,
       greatest(c.reltuples, 0)
       + coalesce((SELECT sum(greatest(p.reltuples, 0))
                   FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid
                   WHERE i.inhparent = c.oid), 0) AS rows
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
