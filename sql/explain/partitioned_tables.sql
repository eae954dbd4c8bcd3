-- Every partitioned table that is not itself a partition, with its partition key as the catalog
-- holds it, so a pruning experiment can query by the key whatever it is called (no schema or
-- column name assumed). Columns: the table's oid and regclass text; the strategy (range, list,
-- hash); pg_get_partkeydef's text; per key position the column (NULL for an expression) and its
-- type (an expression's: its operator class's input type); the expressions' text
-- (pg_get_expr of partexprs, comma-separated when there are several); the leaves' bare names,
-- as EXPLAIN prints them.
SELECT c.oid::bigint AS oid,
       c.oid::regclass::text AS label,
       CASE p.partstrat WHEN 'r' THEN 'range' WHEN 'l' THEN 'list' ELSE 'hash' END AS strategy,
       pg_get_partkeydef(c.oid) AS keydef,
       key.columns,
       key.types,
       pg_get_expr(p.partexprs, p.partrelid) AS expressions,
       (SELECT coalesce(array_agg(l.relname::text ORDER BY l.relname), '{}')
        FROM pg_partition_tree(c.oid) AS t JOIN pg_class l ON l.oid = t.relid
        WHERE t.isleaf AND t.level > 0) AS leaves
FROM pg_partitioned_table p
JOIN pg_class c ON c.oid = p.partrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL (
    SELECT array_agg(a.attname::text ORDER BY k.pos) AS columns,
           array_agg(coalesce(format_type(a.atttypid, a.atttypmod), format_type(o.opcintype, NULL))
                     ORDER BY k.pos) AS types
    FROM unnest(p.partattrs::int2[], p.partclass::oid[]) WITH ORDINALITY AS k(attnum, opclass, pos)
    JOIN pg_opclass o ON o.oid = k.opclass
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum AND k.attnum > 0
) AS key
WHERE NOT c.relispartition
  AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
ORDER BY n.nspname = 'public' DESC, n.nspname, c.relname
