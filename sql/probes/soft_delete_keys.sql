-- Foreign keys (any number of columns) from tables in the audited schemas to a parent that has
-- the soft-delete column, with whether the child has it too. Keys to the tenant table are left
-- out (a deleted tenant is offboarding, not one row's delete), and so are the clones partitions
-- carry of their parent's keys. A key ON DELETE SET NULL / SET DEFAULT declares that the child
-- outlives its parent (an assignment, not ownership): reported, so the caller can leave it out.
-- Params: %(schemas)s text[], %(tenant_table)s regclass text or
-- NULL, %(column)s the soft-delete column.
SELECT con.conname AS constraint_name,
       con.conrelid::regclass::text AS child,
       con.confrelid::regclass::text AS parent,
       (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey)
            WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS child_columns,
       (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.confkey)
            WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS parent_columns,
       EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.conrelid
               AND a.attname = %(column)s AND NOT a.attisdropped) AS child_soft_deletes,
       con.confdeltype IN ('n', 'd') AS child_outlives_parent
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f' AND con.conparentid = 0 AND NOT c.relispartition
  AND con.conrelid <> con.confrelid
  AND n.nspname = ANY (%(schemas)s::text[])
  AND con.confrelid::regclass::text IS DISTINCT FROM %(tenant_table)s
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.confrelid
              AND a.attname = %(column)s AND NOT a.attisdropped)
ORDER BY parent, child, constraint_name;
