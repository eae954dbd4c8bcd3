-- Settings made with ALTER DATABASE <this database> SET name = value (for every role), e.g. a
-- Supabase project's search_path with schema extensions in it. pg_dump of the schema does not
-- carry them, and functions written for them break without them.
SELECT split_part(cfg, '=', 1) AS name, substr(cfg, strpos(cfg, '=') + 1) AS value
FROM pg_db_role_setting s, unnest(s.setconfig) AS cfg
WHERE s.setrole = 0
  AND s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
ORDER BY 1
