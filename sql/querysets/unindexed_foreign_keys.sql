-- Foreign keys of user tables that no index on the child leads with (its columns, in any
-- order): deleting or re-keying a parent row then scans the child, and a join from parent to
-- children has no index to use. A partial or invalid index does not count (the key check's
-- lookup has no WHERE to match it), as in the audit's sql/audits/0040_fk_without_index.sql,
-- which also knows the tenant column; this one needs no tenant model: it is for any schema.
SELECT format('%I.%I', n.nspname, c.relname) AS table_name, k.conname::text AS constraint_name,
       array(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
             ORDER BY u.ord) AS columns
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype = 'f' AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND NOT EXISTS (
      SELECT 1 FROM pg_index i
      WHERE i.indrelid = k.conrelid AND i.indpred IS NULL AND i.indisvalid
        AND (i.indkey::int2[])[0:cardinality(k.conkey) - 1] @> k.conkey
        AND (i.indkey::int2[])[0:cardinality(k.conkey) - 1] <@ k.conkey)
ORDER BY 1, 2
