-- Full-text GIN indexes: a GIN index whose operator class takes tsvector (a to_tsvector()
-- expression or a tsvector column), on tables in the given schemas, with the table's row
-- estimate. Params: %(schemas)s text[]; %(table)s regclass text of one table, or NULL for all.
SELECT i.indrelid::regclass::text AS table_name,
       ic.relname AS index_name,
       pg_get_indexdef(i.indexrelid) AS definition,
       greatest(t.reltuples, 0)::bigint AS est_rows
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam AND am.amname = 'gin'
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = ANY (%(schemas)s::text[])
  AND (%(table)s::text IS NULL OR i.indrelid = %(table)s::regclass)
  AND EXISTS (SELECT 1 FROM unnest(i.indclass::oid[]) AS k(opclass)
              JOIN pg_opclass oc ON oc.oid = k.opclass
              WHERE oc.opcintype = 'tsvector'::regtype)
ORDER BY 1, 2;
