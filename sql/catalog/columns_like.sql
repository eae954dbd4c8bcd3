-- Ordinary columns of the audited schemas whose name matches a pattern: table (regclass text),
-- column, type and type category (the data checks filter on the category).
SELECT c.oid::regclass::text, a.attname, format_type(a.atttypid, a.atttypmod), t.typcategory
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0
  AND NOT a.attisdropped AND n.nspname = ANY (%(schemas)s) AND a.attname ~ %(pattern)s
ORDER BY 1, 2
