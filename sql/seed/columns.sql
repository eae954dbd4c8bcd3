-- The seeder's view of the target database: every column of every table in schema public,
-- with what the writer needs to adapt to the variant (type, generated, partitioned parent).
-- Partitions are left out: rows go to their partitioned parent and PostgreSQL routes them.
SELECT c.relname AS table_name,
       a.attname AS column_name,
       format_type(a.atttypid, a.atttypmod) AS column_type,
       a.attnotnull AS not_null,
       a.attgenerated <> '' AS generated,
       ad.adbin IS NOT NULL AS has_default,
       c.relkind = 'p' AS partitioned
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY c.relname, a.attnum
