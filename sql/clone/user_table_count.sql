-- How many user tables the database holds (partitions counted once, in their parent; the
-- workbench's own bookkeeping left out): a clone that copied nothing is caught by it.
SELECT count(*)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', '_workbench')
