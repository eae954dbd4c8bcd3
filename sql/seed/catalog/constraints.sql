-- Constraints of the tables in the seeded schemas and of what their foreign keys point at, one row each:
-- kind p (primary key), u (unique), f (foreign key), c (check), x (exclusion), with the key
-- columns in key order, the referenced table and columns, and a CHECK's expression (as
-- pg_get_expr prints it: what pglast parses). Clones on partitions are left out.
SELECT format('%%I.%%I', n.nspname, c.relname) AS table_name,
       con.conname AS name, con.contype::text AS kind,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(att, pos)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.att
             ORDER BY k.pos) AS columns,
       CASE WHEN con.contype = 'f' THEN format('%%I.%%I', pn.nspname, p.relname) END AS ref_table,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(att, pos)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.att
             ORDER BY k.pos) AS ref_columns,
       CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END AS expression,
       con.confdeltype::text AS on_delete,
       con.condeferrable AS deferrable
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid AND NOT c.relispartition
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class p ON p.oid = con.confrelid
LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace
WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND con.conparentid = 0
  AND n.nspname = ANY(%(schemas)s)
ORDER BY 1, 2
