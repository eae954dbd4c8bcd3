-- The columns of one table (%(table)s: its oid) as the isolation harness fills them: type,
-- type category, NOT NULL, has a default, left to the server (generated, or identity ALWAYS),
-- the first label of an enum type, and whether a unique index covers it.
SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typcategory, a.attnotnull,
       a.atthasdef, (a.attgenerated <> '' OR a.attidentity = 'a'),
       (SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid
        ORDER BY e.enumsortorder LIMIT 1),
       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisunique
               AND a.attnum = ANY (i.indkey::int2[]))
FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
WHERE a.attrelid = %(table)s AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
