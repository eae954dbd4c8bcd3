-- Tables of the given schemas to ANALYZE after a seed, largest first (a partitioned table is
-- analyzed through its parent, which samples its partitions and recurses into them).
SELECT c.oid::regclass::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY pg_total_relation_size(c.oid) DESC, 1
