-- Columns of the given tables that accept NULL, with what the probe needs to judge them: the
-- type's category (D: date/time), whether a foreign key covers the column, and its default.
-- Params: %(tables)s oid[] of the tables.
SELECT c.oid::regclass::text AS table_name,
       a.attname AS column_name,
       format_type(a.atttypid, a.atttypmod) AS column_type,
       t.typcategory AS category,
       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f'
               AND a.attnum = ANY (k.conkey)) AS has_fk
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
WHERE c.oid = ANY (%(tables)s::oid[])
  AND NOT a.attnotnull AND a.attgenerated = ''
ORDER BY 1, 2;
