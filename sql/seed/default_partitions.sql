-- The DEFAULT partitions of partitioned tables in schema public, as (parent, partition).
-- Seeded rows belong in the monthly partitions; a row in DEFAULT means the profile's period
-- falls outside the partitioned range, which defeats the partitioning experiment.
SELECT parent.relname AS parent_table, part.relname AS partition_name
FROM pg_inherits i
JOIN pg_class part ON part.oid = i.inhrelid
JOIN pg_class parent ON parent.oid = i.inhparent
JOIN pg_namespace n ON n.oid = parent.relnamespace AND n.nspname = 'public'
WHERE pg_get_expr(part.relpartbound, part.oid) = 'DEFAULT'
ORDER BY 1
