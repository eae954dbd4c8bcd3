-- 0190_required_due_date_assignee_key / revert
ALTER TABLE public.opportunities DROP CONSTRAINT opportunities_assigned_to_users_fk;
ALTER TABLE public.orders
    ALTER COLUMN due_date DROP NOT NULL,
    ALTER COLUMN due_date DROP DEFAULT;
