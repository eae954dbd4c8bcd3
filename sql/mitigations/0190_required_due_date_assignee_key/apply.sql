-- 0190_required_due_date_assignee_key / apply
-- RISK-INTEGRITY-005: the premortem's two examples of fields that should be required.
-- orders.due_date: NOT NULL, default 30 days from today (the terms the seeded orders carry), so
-- writers that never set it still store one; rows already without one get order_date + 30
-- (a data change the revert does not undo: the revert restores the catalog).
-- opportunities.assigned_to: optional by design (unassigned deals exist) but a bare uuid today;
-- it now references a user of the same organization (through the (organization_id, id) key of
-- unit 0100) and is cleared, alone, when that user is deleted. The index
-- idx_opportunities_org_assigned already leads with both columns.
-- The caller wraps this script in a transaction.

UPDATE public.orders SET due_date = order_date + 30 WHERE due_date IS NULL;
ALTER TABLE public.orders
    ALTER COLUMN due_date SET DEFAULT (CURRENT_DATE + 30),
    ALTER COLUMN due_date SET NOT NULL;
ALTER TABLE public.opportunities ADD CONSTRAINT opportunities_assigned_to_users_fk
    FOREIGN KEY (organization_id, assigned_to) REFERENCES public.users (organization_id, id)
    ON DELETE SET NULL (assigned_to);
