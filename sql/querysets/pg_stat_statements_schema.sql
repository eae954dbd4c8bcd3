-- The schema pg_stat_statements is installed in (NULL when it is not installed here).
SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'pg_stat_statements'
