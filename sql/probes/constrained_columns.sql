-- Money, quantity and status columns of the given tables, and what constrains each.
-- Params: %(tables)s oid[] of the tables to look at; %(money)s, %(quantity)s, %(status)s name
-- patterns. A column counts as constrained by a CHECK naming it, a foreign key on it, an enum or
-- a domain type that carries a constraint, or a generation expression (nobody writes it).
WITH cols AS (
    SELECT c.oid AS relid, c.oid::regclass::text AS table_name, a.attname AS column_name,
           a.attnum, a.attgenerated, t.oid AS typid, t.typtype,
           CASE WHEN a.attname ~ %(money)s THEN 'money'
                WHEN a.attname ~ %(quantity)s THEN 'quantity'
                ELSE 'status' END AS kind
    FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_type t ON t.oid = a.atttypid
    WHERE c.oid = ANY (%(tables)s::oid[])
      AND (a.attname ~ %(money)s OR a.attname ~ %(quantity)s OR a.attname ~ %(status)s)
)
SELECT table_name, column_name, kind,
       concat_ws(',',
           CASE WHEN EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = relid
                             AND k.contype = 'c' AND attnum = ANY (k.conkey)) THEN 'check' END,
           CASE WHEN EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = relid
                             AND k.contype = 'f' AND attnum = ANY (k.conkey)) THEN 'foreign key' END,
           CASE WHEN typtype = 'e' THEN 'enum' END,
           CASE WHEN typtype = 'd' AND EXISTS (SELECT 1 FROM pg_constraint k
                                               WHERE k.contypid = typid) THEN 'domain' END,
           CASE WHEN attgenerated <> '' THEN 'generated' END) AS constrained_by
FROM cols
ORDER BY table_name, column_name;
