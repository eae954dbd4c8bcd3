-- The column that names one row of a table (regclass text): a single-column primary key, or the
-- leading uuid column of a composite one (a partitioned table's (id, created_at)).
SELECT a.attname
FROM pg_index i
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
WHERE i.indrelid = %(table)s::regclass AND i.indisprimary
  AND (i.indnatts = 1 OR a.atttypid = 'uuid'::regtype)
