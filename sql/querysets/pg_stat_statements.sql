-- The normalised statements pg_stat_statements holds for the current database, busiest first:
-- top-level only (a function's inner statements are its caller's cost), with calls, mean and
-- total execution time. {view} is the extension's view, in whatever schema it was installed.
SELECT s.queryid, s.query, s.calls, s.mean_exec_time, s.total_exec_time, s.rows
FROM {view} s
WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND s.toplevel
  AND s.calls > 0
ORDER BY s.calls DESC, s.queryid
