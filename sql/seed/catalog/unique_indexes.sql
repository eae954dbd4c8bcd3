-- Unique indexes no constraint stands for (CREATE UNIQUE INDEX, partial or on expressions),
-- of the tables in the seeded schemas: each key column's text (a column name, or an expression that
-- pglast reads for the columns it uses) and the partial index's predicate.
SELECT format('%%I.%%I', n.nspname, c.relname) AS table_name, i.relname AS name,
       ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true)
             FROM generate_series(1, x.indnkeyatts) AS k) AS keys,
       pg_get_expr(x.indpred, x.indrelid) AS predicate
FROM pg_index x
JOIN pg_class c ON c.oid = x.indrelid AND NOT c.relispartition
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class i ON i.oid = x.indexrelid
WHERE x.indisunique AND n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = x.indexrelid
                  AND con.contype IN ('p', 'u', 'x'))
ORDER BY 1, 2
