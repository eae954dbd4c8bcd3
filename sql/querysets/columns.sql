-- Every column of every user table (plain, partitioned, views), qualified "schema.table" as
-- format('%I.%I') prints it (and its raw names), for resolving the columns a statement's parameters meet.
SELECT format('%I.%I', n.nspname, c.relname) AS table_name, n.nspname::text AS schema_name,
       c.relname::text AS relation_name, a.attname::text AS column_name
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND NOT c.relispartition
ORDER BY 1, a.attnum
