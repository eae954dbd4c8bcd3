-- For one foreign key (schema, table, constraint name): the valid indexes of its table whose
-- first column is one of the key's columns, with their columns and whether they are partial. Says
-- why the audit holds a key served that a stricter definition (columns in the key's order) lists.
SELECT i.indexrelid::regclass::text AS index_name,
       (SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) AS columns,
       i.indpred IS NOT NULL AS partial
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_index i ON i.indrelid = con.conrelid AND i.indisvalid AND i.indkey[0] = ANY (con.conkey)
WHERE n.nspname = %(schema)s AND c.relname = %(table)s AND con.conname = %(name)s
ORDER BY 1
