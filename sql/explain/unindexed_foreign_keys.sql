-- Foreign keys in public that no index on the child supports: a delete or key change on the
-- parent then scans the child (RISK-OPS-005). An index supports a foreign key when its leading
-- columns are the key's columns in any order, or, for a composite tenant key
-- (organization_id, x), the key's columns other than organization_id: the parent-side check
-- looks up organization_id = $1 AND x = $2, and an index on x finds the few rows of one parent
-- (one on organization_id alone would read the whole tenant).
WITH fk AS (
    SELECT con.oid, con.conrelid, con.confrelid, con.conname, con.conkey,
           array(SELECT k FROM unnest(con.conkey) AS k
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k
                 WHERE a.attname <> 'organization_id') AS own_key
    FROM pg_constraint con
    JOIN pg_namespace n ON n.oid = con.connamespace
    JOIN pg_class c ON c.oid = con.conrelid
    WHERE con.contype = 'f' AND n.nspname = 'public' AND NOT c.relispartition
)
SELECT fk.conrelid::regclass::text AS child, fk.conname AS constraint_name,
       (SELECT string_agg(a.attname, ', ' ORDER BY k.ord)
        FROM unnest(fk.conkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = fk.conrelid AND a.attnum = k.attnum) AS columns,
       fk.confrelid::regclass::text AS parent
FROM fk
WHERE NOT EXISTS (
    SELECT 1 FROM pg_index i
    WHERE i.indrelid = fk.conrelid
      AND (((i.indkey::int2[])[0:cardinality(fk.conkey) - 1] @> fk.conkey
            AND (i.indkey::int2[])[0:cardinality(fk.conkey) - 1] <@ fk.conkey)
           OR (cardinality(fk.own_key) > 0
               AND (i.indkey::int2[])[0:cardinality(fk.own_key) - 1] @> fk.own_key
               AND (i.indkey::int2[])[0:cardinality(fk.own_key) - 1] <@ fk.own_key))
)
ORDER BY 1, 2
