-- Columns that name another record (*_id) but that no foreign key covers, in the audited
-- schemas; a table's own tenant column is RISK-MT-001's business and left out. Each row says
-- whether a sibling *_type column makes it a polymorphic reference (no single FK can cover it).
-- Params: %(schemas)s text[]; %(columns)s jsonb {"<table oid>": "<its tenant column>"}.
SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
       EXISTS (SELECT 1 FROM pg_attribute s WHERE s.attrelid = c.oid AND NOT s.attisdropped
               AND s.attname = regexp_replace(a.attname, '_id$', '_type')) AS polymorphic,
       (SELECT count(*) FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'c'
               AND a.attnum = ANY (k.conkey)) AS check_constraints
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = ANY (%(schemas)s::text[])
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND a.attname LIKE '%%\_id'
  AND a.attname IS DISTINCT FROM (%(columns)s::jsonb ->> c.oid::text)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.conrelid = c.oid AND f.contype = 'f'
                  AND a.attnum = ANY (f.conkey))
ORDER BY 1, 2
