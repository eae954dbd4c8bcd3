-- Every single-column foreign key whose child is in the audited schemas (clones for partitions
-- left out): name, child table and column, parent table and column, child and parent oids.
SELECT con.conname, con.conrelid::regclass::text, ca.attname,
       con.confrelid::regclass::text, pa.attname, con.conrelid::int8, con.confrelid::int8
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = con.conkey[1]
JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = con.confkey[1]
WHERE con.contype = 'f' AND cardinality(con.conkey) = 1 AND con.conparentid = 0
  AND n.nspname = ANY (%(schemas)s)
ORDER BY 2, 1
