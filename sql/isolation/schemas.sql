-- Every schema outside the system ones: the throw-away role gets USAGE and table privileges in
-- each (inside the harness's rolled-back transaction), so row level security alone decides.
SELECT nspname FROM pg_namespace
WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND nspname NOT LIKE 'pg\_temp\_%' AND nspname NOT LIKE 'pg\_toast\_temp\_%'
ORDER BY 1
