-- Columns that accept NULL in the tables of the given schemas, with what the probe needs to
-- judge them: the type's category (D: date/time, N: numeric) and whether a foreign key covers
-- the column. Params: %(schemas)s text[].
SELECT c.oid::regclass::text AS table_name,
       a.attname AS column_name,
       format_type(a.atttypid, a.atttypmod) AS column_type,
       t.typcategory AS category,
       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f'
               AND a.attnum = ANY (k.conkey)) AS has_fk
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
WHERE n.nspname = ANY (%(schemas)s::text[])
  AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND NOT a.attnotnull AND a.attgenerated = ''
ORDER BY 1, 2;
