-- Names of the tables of schema public (partitions left out): whether a database holds every
-- table a profile's hand-written generators write (workbench/seed/catalog_runner.pick_engine).
SELECT c.relname::text
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
