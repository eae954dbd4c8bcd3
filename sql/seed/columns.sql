-- The seeder's view of the target database: every column of every table in schema public,
-- with what the writer needs to adapt to the variant (type, generated, partitioned parent).
-- Partitions are left out: rows go to their partitioned parent and PostgreSQL routes them.
-- base_type is what binary COPY must send: the type itself, a domain's base type, or 'enum';
-- numeric_scale is the declared scale of a numeric column (NULL when unconstrained).
SELECT c.relname AS table_name,
       a.attname AS column_name,
       format_type(a.atttypid, a.atttypmod) AS column_type,
       a.attnotnull AS not_null,
       a.attgenerated <> '' AS generated,
       ad.adbin IS NOT NULL AS has_default,
       c.relkind = 'p' AS partitioned,
       CASE WHEN bt.typtype = 'e' THEN 'enum' ELSE bt.typname::text END AS base_type,
       CASE WHEN bt.typname = 'numeric' AND coalesce(nullif(t.typtypmod, -1), a.atttypmod) >= 4
            THEN (coalesce(nullif(t.typtypmod, -1), a.atttypmod) - 4) & 65535 END AS numeric_scale
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY c.relname, a.attnum
