-- The foreign keys of one table (%(table)s: its oid): columns, the parent's oid and columns,
-- and whether every column may be NULL (then the harness may leave it empty). Constraints
-- cloned onto partitions are left out (the parent's stand for them).
SELECT con.conname,
       array_agg(a.attname ORDER BY k.ord) AS columns,
       con.confrelid::oid AS parent,
       array_agg(pa.attname ORDER BY k.ord) AS ref_columns,
       bool_and(NOT a.attnotnull) AS nullable
FROM pg_constraint con
CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, pattnum, ord)
JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.pattnum
WHERE con.contype = 'f' AND con.conrelid = %(table)s AND con.conparentid = 0
GROUP BY con.oid, con.conname, con.confrelid
ORDER BY con.conname
