DROP INDEX public.idx_sessions_created;
