-- The columns an insert copying a table's own rows must write, and how each must change so
-- the copies keep every unique key: a column of a unique index (a primary key, a unique
-- constraint, or a unique index declared on its own, partial ones included) with no default
-- (identity, sequence or expression) and not referencing another table gets a fresh value;
-- generated and identity-always columns are left to the server. Input: table (regclass text).
SELECT a.attname::text AS column_name,
       format_type(a.atttypid, a.atttypmod) AS type_name,
       a.atttypmod AS typmod,
       (a.attidentity <> '' OR d.adbin IS NOT NULL) AS has_default,
       EXISTS (SELECT 1 FROM pg_index u
               WHERE u.indrelid = a.attrelid AND u.indisunique
                 AND a.attnum = ANY(u.indkey)) AS in_unique_key,
       EXISTS (SELECT 1 FROM pg_constraint f
               WHERE f.conrelid = a.attrelid AND f.contype = 'f'
                 AND a.attnum = ANY(f.conkey)) AS references_another
FROM pg_attribute a
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = %(table)s::regclass AND a.attnum > 0 AND NOT a.attisdropped
  AND a.attgenerated = '' AND a.attidentity <> 'a'
ORDER BY a.attnum
