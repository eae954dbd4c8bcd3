-- Every column pair of every foreign key (clones for partitions left out) except those named like
-- the tenant column: child table, column, parent table, parent column.
SELECT con.conrelid::regclass::text, a.attname, con.confrelid::regclass::text, pa.attname
FROM pg_constraint con
CROSS JOIN LATERAL unnest(con.conkey, con.confkey) k(attnum, pattnum)
JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.pattnum
WHERE con.contype = 'f' AND con.conparentid = 0 AND a.attname <> %(tenant_column)s
