-- Text columns of a primary key or unique index (ids, slugs, codes) in the given schemas (every
-- user schema when the list is empty), named as the catalog seeder names them: whose rows
-- workbench/seed/idformat.py reads to learn the shape of the ids (prefix, characters, length).
SELECT DISTINCT format('%%I.%%I', n.nspname, c.relname) AS table_name, n.nspname, c.relname,
       a.attname
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey) AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
WHERE i.indisunique AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND coalesce(nullif(t.typbasetype, 0), t.oid) IN
      (SELECT oid FROM pg_type WHERE typname IN ('text', 'varchar', 'bpchar', 'citext'))
  AND (cardinality(%(schemas)s::text[]) = 0 OR n.nspname = ANY (%(schemas)s))
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', '_workbench')
  AND n.nspname NOT LIKE 'pg\_%%'
ORDER BY 1, 4
