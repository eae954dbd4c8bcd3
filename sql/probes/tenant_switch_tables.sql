-- Tables of per-tenant switches: a unique key on the table's tenant column, alone (one row of
-- switches per tenant) or with one text or enum column (one row per tenant and switch name),
-- boolean columns to hold the switches, and little else (at most one other value column besides keys, times and
-- JSON): a table of locations unique per tenant and code is not a switch table.
-- Params: %(columns)s jsonb {"<table oid>": "<its tenant column>"} of the tables to look at.
WITH keyed AS (
    SELECT c.oid AS relid, i.indexrelid, t.attname AS tenant_column,
           (SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(i.indkey[:i.indnkeyatts - 1])
                WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
            JOIN pg_type ty ON ty.oid = a.atttypid
            WHERE a.attname <> t.attname AND (ty.typcategory = 'S' OR ty.typtype = 'e')
           ) AS key_columns,
           i.indnkeyatts AS width
    FROM pg_class c
    JOIN pg_index i ON i.indrelid = c.oid AND i.indisunique AND i.indisvalid
    JOIN pg_attribute t ON t.attrelid = c.oid AND t.attname = (%(columns)s::jsonb ->> c.oid::text)
    WHERE %(columns)s::jsonb ? c.oid::text
      AND t.attnum = ANY (i.indkey[:i.indnkeyatts - 1])
      AND i.indnkeyatts <= 2 AND NOT (0 = ANY (i.indkey[:i.indnkeyatts - 1]))
),
cols AS (
    SELECT k.relid, k.indexrelid, k.width, k.key_columns, k.tenant_column,
           array_agg(a.attname::text ORDER BY a.attnum)
               FILTER (WHERE a.atttypid = 'boolean'::regtype) AS switches,
           count(*) FILTER (WHERE a.atttypid <> 'boolean'::regtype
                              AND a.attname <> k.tenant_column
                              AND a.attname IS DISTINCT FROM k.key_columns[1]
                              AND ty.typcategory <> 'D'
                              AND a.atttypid NOT IN ('json'::regtype, 'jsonb'::regtype)
                              AND NOT EXISTS (SELECT 1 FROM pg_constraint pk
                                              WHERE pk.conrelid = k.relid AND pk.contype = 'p'
                                                AND a.attnum = ANY (pk.conkey))) AS payload
    FROM keyed k
    JOIN pg_attribute a ON a.attrelid = k.relid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_type ty ON ty.oid = a.atttypid
    GROUP BY 1, 2, 3, 4, 5
)
SELECT relid::regclass::text AS table_name,
       CASE WHEN width = 1 THEN 'one row per tenant' ELSE 'one row per tenant and key' END
           AS shape,
       coalesce(key_columns[1], '') AS key_column,
       pg_get_indexdef(indexrelid) AS unique_key,
       switches,
       payload
FROM cols
WHERE (width = 1 OR cardinality(key_columns) = 1)
  AND switches IS NOT NULL AND payload <= 1
ORDER BY 1, 2;
