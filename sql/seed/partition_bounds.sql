-- The range the monthly partitions of each partitioned table in schema public cover, as
-- (parent, first lower bound, last upper bound, partitions); DEFAULT partitions are left out.
SELECT parent.relname AS parent_table,
       min((regexp_match(pg_get_expr(part.relpartbound, part.oid), 'FROM \(''([^'']+)''\)'))[1]::timestamptz) AS low,
       max((regexp_match(pg_get_expr(part.relpartbound, part.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz) AS high,
       count(*) AS partitions
FROM pg_inherits i
JOIN pg_class part ON part.oid = i.inhrelid
JOIN pg_class parent ON parent.oid = i.inhparent
JOIN pg_namespace n ON n.oid = parent.relnamespace AND n.nspname = 'public'
WHERE pg_get_expr(part.relpartbound, part.oid) <> 'DEFAULT'
GROUP BY parent.relname
ORDER BY 1
