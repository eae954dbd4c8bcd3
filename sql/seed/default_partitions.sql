-- The DEFAULT partitions of partitioned tables in the seeded schemas (the schemas parameter, a
-- text[] literal), as (parent, partition) in regclass text (qualified where search_path needs).
-- Seeded rows belong in the monthly partitions; a row in DEFAULT means the profile's period
-- falls outside the partitioned range, which defeats the partitioning experiment.
SELECT parent.oid::regclass::text AS parent_table, part.oid::regclass::text AS partition_name
FROM pg_inherits i
JOIN pg_class part ON part.oid = i.inhrelid
JOIN pg_class parent ON parent.oid = i.inhparent
JOIN pg_namespace n ON n.oid = parent.relnamespace AND n.nspname = ANY({schemas})
WHERE pg_get_expr(part.relpartbound, part.oid) = 'DEFAULT'
ORDER BY 1
