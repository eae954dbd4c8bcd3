-- The catalog-driven seeder's view of every column of the tables in the seeded schemas (partitions
-- left out: rows go to their partitioned parent). One row per column, in column order:
--   base_type:   the type binary COPY and the generators work with (a domain's base type;
--                'enum' for an enum; the element's base type for an array, with is_array);
--   char_limit:  n of varchar(n) / char(n), through domains too;
--   num_precision, num_scale: p and s of numeric(p, s);
--   not_null:    the column's or its domain's NOT NULL;
--   default_sql: the default expression as PostgreSQL prints it; identity 'a'/'d'; generated 's';
--   domain_checks: the CHECK expressions of the column's domain (VALUE stands for the column);
--   labels:      an enum's labels in sort order (the element's, for an enum array).
WITH cols AS (
    SELECT c.oid AS relid, format('%%I.%%I', n.nspname, c.relname) AS table_name,
           n.nspname AS schema_name, c.relname, c.relkind, a.attnum, a.attname, a.atttypid,
           a.atttypmod, a.attnotnull, a.attidentity, a.attgenerated,
           t.typtype, t.typbasetype, t.typtypmod, t.typnotnull, t.typelem, t.typcategory,
           t.oid AS typoid
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_type t ON t.oid = a.atttypid
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY(%(schemas)s)
),
resolved AS (  -- the domain's base type (one level of domain over domain is followed)
    SELECT cols.*, coalesce(nullif(cols.typbasetype, 0), cols.typoid) AS base_oid,
           CASE WHEN cols.typtype = 'd' THEN cols.typtypmod ELSE cols.atttypmod END AS mod
    FROM cols
)
SELECT r.table_name, r.schema_name, r.relname, r.relkind = 'p' AS partitioned,
       r.attname AS column_name, format_type(r.atttypid, r.atttypmod) AS column_type,
       bt.typcategory = 'A' AS is_array,
       CASE WHEN et.typtype = 'e' THEN 'enum'
            WHEN bt.typtype = 'e' THEN 'enum'
            WHEN bt.typcategory = 'A' THEN et.typname::text
            ELSE bt.typname::text END AS base_type,
       CASE WHEN coalesce(et.typname, bt.typname) IN ('varchar', 'bpchar') AND r.mod >= 4
            THEN r.mod - 4 END AS char_limit,
       CASE WHEN coalesce(et.typname, bt.typname) = 'numeric' AND r.mod >= 4
            THEN ((r.mod - 4) >> 16) & 65535 END AS num_precision,
       CASE WHEN coalesce(et.typname, bt.typname) = 'numeric' AND r.mod >= 4
            THEN (r.mod - 4) & 65535 END AS num_scale,
       r.attnotnull OR r.typnotnull AS not_null,
       pg_get_expr(ad.adbin, ad.adrelid) AS default_sql,
       r.attidentity::text AS identity, r.attgenerated::text AS generated,
       ARRAY(SELECT pg_get_expr(dc.conbin, 0) FROM pg_constraint dc
             WHERE dc.contypid = r.atttypid AND dc.contype = 'c' ORDER BY dc.conname) AS domain_checks,
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e
             WHERE e.enumtypid = CASE WHEN bt.typcategory = 'A' THEN bt.typelem ELSE bt.oid END
             ORDER BY e.enumsortorder) AS labels
FROM resolved r
JOIN pg_type bt ON bt.oid = r.base_oid
LEFT JOIN pg_type et ON et.oid = bt.typelem AND bt.typcategory = 'A'
LEFT JOIN pg_attrdef ad ON ad.adrelid = r.relid AND ad.adnum = r.attnum
ORDER BY r.table_name, r.attnum
