-- The primary key columns of one table (%(table)s: its oid), in key order: how the harness
-- names one row (a table without one is addressed by its whole row).
SELECT a.attname
FROM pg_index i
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indrelid = %(table)s AND i.indisprimary
ORDER BY k.ord
