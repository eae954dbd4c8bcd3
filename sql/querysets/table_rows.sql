-- Estimated live rows of every user table (format('%I.%I')), partitions summed into their
-- parent: candidates on tables too small for an index to matter are not proposed.
SELECT format('%I.%I', n.nspname, c.relname) AS table_name,
       greatest(c.reltuples, 0)
       + coalesce((SELECT sum(greatest(p.reltuples, 0))
                   FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhrelid
                   WHERE h.inhparent = c.oid), 0) AS rows
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
