-- Per user table (partitions excluded): its primary key columns in key order and its time
-- columns (timestamp, timestamptz, date) with NOT NULL and default flags, in column order:
-- what an inferred list, lookup or recent-window query is built on.
SELECT format('%%I.%%I', n.nspname, c.relname) AS table_name,
       coalesce((SELECT array_agg(a.attname::text ORDER BY k.ord)
                 FROM pg_constraint p
                 CROSS JOIN LATERAL unnest(p.conkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                 WHERE p.conrelid = c.oid AND p.contype = 'p'), '{}') AS key_columns,
       coalesce((SELECT array_agg(a.attname::text ORDER BY
                     a.attnotnull DESC, (d.adbin IS NOT NULL) DESC, a.attnum)
                 FROM pg_attribute a
                 LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   AND a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype,
                                      'date'::regtype)), '{}') AS time_columns
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname = ANY(%(schemas)s)
ORDER BY 1
