-- Roles that reach the database as callers row level security applies to: not superusers, not
-- BYPASSRLS, not PostgreSQL's predefined pg_* roles (on Supabase: anon, authenticated, ...).
-- A relation is exposed when one of these, other than its owner, holds a privilege on it.
SELECT coalesce(array_agg(oid ORDER BY rolname), '{}')::text
FROM pg_roles
WHERE NOT rolsuper AND NOT rolbypassrls AND rolname !~ '^pg_'
