DROP INDEX public.idx_notifications_active;
