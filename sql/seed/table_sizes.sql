-- On-disk size (heap + TOAST, indexes, total) per table of schema public; exact row counts
-- are added per table by workbench.seed.stats.table_sizes.
SELECT c.relname AS table_name,
       pg_table_size(c.oid) AS table_bytes,
       pg_indexes_size(c.oid) AS index_bytes,
       pg_total_relation_size(c.oid) AS total_bytes
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY total_bytes DESC
