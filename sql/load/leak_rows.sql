-- leak_rows.sql: the users rows the RLS policy lets that client see (run only when a tenant is
-- visible: an empty setting, what RESET leaves on a pooled connection, makes the policy's
-- ::uuid cast raise already at plan time).
SELECT count(*) FROM public.users
