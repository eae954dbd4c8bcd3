-- Every column of a table (regclass text) as the isolation harness needs it to write a row:
-- name, type, type category, NOT NULL, has a default, generated or identity ALWAYS (skip), the
-- first label of its enum type, and whether a unique index covers it.
SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typcategory, a.attnotnull,
       a.atthasdef, (a.attgenerated <> '' OR a.attidentity = 'a'),
       (SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = a.atttypid
        ORDER BY e.enumsortorder LIMIT 1),
       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisunique
               AND a.attnum = ANY (i.indkey::int2[]))
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
WHERE a.attrelid = %(table)s::regclass AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
