-- terminate_load_backends.sql: drop every load connection to a database (tests: the run must
-- count the failures and reconnect, as after a server restart or a dropped connection).
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %(db)s AND application_name = 'workbench-load'
