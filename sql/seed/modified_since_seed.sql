-- Tables whose rows may have changed since the seed finished (%(finished)s): committed inserts,
-- updates or deletes since their last ANALYZE (the seeder ends with one), an ANALYZE after the
-- seed (it resets that count), or no ANALYZE recorded at all (statistics reset: unknown). A copy
-- of a seeded database (%(copy)s) starts with no statistics: there, no ANALYZE is the norm and
-- its count of changes runs from the copy (its finished_at).
SELECT schemaname || '.' || relname
FROM pg_stat_user_tables
WHERE schemaname <> '_workbench'
  AND (n_mod_since_analyze > 0
       OR greatest(last_analyze, last_autoanalyze) IS NULL AND NOT %(copy)s
       OR greatest(last_analyze, last_autoanalyze) > %(finished)s)
ORDER BY 1
