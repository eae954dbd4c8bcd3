-- Tables of the audited schemas (partitions left out: they follow their parent), with columns.
-- Parameter: schemas (text[]). One row per table; columns as JSON [{name, type, not_null}].
SELECT c.oid::int8 AS oid,
       format('%%I.%%I', n.nspname, c.relname) AS name,
       c.relrowsecurity AS rls,
       c.relforcerowsecurity AS forced,
       coalesce((SELECT json_agg(json_build_object('name', a.attname,
                                                   'type', format_type(a.atttypid, a.atttypmod),
                                                   'not_null', a.attnotnull) ORDER BY a.attnum)
                 FROM pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]') AS columns,
       coalesce((SELECT json_agg(k.cols)
                 FROM (SELECT array_agg(a.attname ORDER BY k.i) AS cols
                       FROM pg_index i
                       CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, i)
                       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                       WHERE i.indrelid = c.oid AND i.indisunique AND i.indpred IS NULL
                       GROUP BY i.indexrelid) k), '[]') AS unique_keys
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname = ANY (%(schemas)s)
ORDER BY 2;
