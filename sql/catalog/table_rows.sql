-- Estimated live rows of every user table (pg_class.reltuples): a partitioned table's from its
-- leaves, inheritance children summed into their parent, partitions listed too (EXPLAIN scans
-- them by their own names). Columns: the qualified name (format('%I.%I'), as the tenant model
-- prints tables), the bare name (as EXPLAIN's "Relation Name" prints it) and the estimate.
-- Findings use it to decide that a sequential scan is over a large relation; index candidates
-- on tables too small for an index to matter are not proposed.
SELECT format('%I.%I', n.nspname, c.relname) AS table_name,
       c.relname,
       CASE WHEN c.relkind = 'p'
            -- its leaves' estimates: ANALYZE of a partitioned table also sets its own
            -- reltuples (PostgreSQL 14+), which autovacuum never refreshes; adding it to the
            -- leaves' counted every row twice
            THEN (SELECT coalesce(sum(greatest(l.reltuples, 0)), 0)
                  FROM pg_partition_tree(c.oid) t JOIN pg_class l ON l.oid = t.relid
                  WHERE t.isleaf)
            ELSE greatest(c.reltuples, 0)
                 + coalesce((SELECT sum(greatest(p.reltuples, 0))
                             FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhrelid
                             WHERE h.inhparent = c.oid), 0)
       END AS rows
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
ORDER BY n.nspname = 'public' DESC, 1
