-- Foreign keys whose child is in the audited schemas (the parent may be anywhere, e.g. auth.users).
-- Parameter: schemas (text[]). Partition clones are left out (conparentid), as are partitions.
SELECT con.conname AS name,
       format('%%I.%%I', cn.nspname, c.relname) AS child,
       format('%%I.%%I', pn.nspname, p.relname) AS parent,
       array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, i)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.i)::text[] AS columns,
       array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, i)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.i)::text[] AS ref_columns,
       (SELECT bool_and(a.attnotnull) FROM pg_attribute a
        WHERE a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey)) AS not_null,
       array(SELECT format_type(a.atttypid, NULL) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, i)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.i)::text[] AS types,
       con.confdeltype = 'c' AS cascades
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace cn ON cn.oid = c.relnamespace
JOIN pg_class p ON p.oid = con.confrelid
JOIN pg_namespace pn ON pn.oid = p.relnamespace
WHERE con.contype = 'f' AND con.conparentid = 0 AND NOT c.relispartition
  AND cn.nspname = ANY (%(schemas)s)
ORDER BY 2, 1;
