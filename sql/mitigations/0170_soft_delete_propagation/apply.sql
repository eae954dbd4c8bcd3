-- 0170_soft_delete_propagation / apply
-- RISK-INTEGRITY-004 (fact 8): soft delete sets customers.deleted_at and nothing follows it, so a
-- "deleted" customer keeps live orders and opportunities (the premortem's own scenario). FK
-- cascades fire on hard deletes only.
-- Chosen: propagate, by trigger, to the children that carry their own deleted_at (orders and
-- opportunities of the customer), with the parent's timestamp; restoring the customer
-- (deleted_at back to NULL) restores exactly the children that carry that same timestamp, so a
-- child deleted on its own earlier stays deleted. Why not the alternatives: refusing the delete
-- while live children exist pushes the same loop into every caller; views that hide children
-- of deleted parents leave the base tables (which RLS-scoped clients query) inconsistent.
-- Not covered, honestly: children without a deleted_at column (contacts, quotes, order lines,
-- inventory, api_tokens, ...) cannot carry a soft delete; they stay reachable and the audit's
-- soft_delete_without_cascade check keeps listing them.
-- The function fixes its search_path. The caller wraps this script in a transaction.
CREATE FUNCTION public.customers_propagate_soft_delete()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN
        UPDATE public.orders SET deleted_at = NEW.deleted_at
         WHERE customer_id = NEW.id AND deleted_at IS NULL;
        UPDATE public.opportunities SET deleted_at = NEW.deleted_at
         WHERE customer_id = NEW.id AND deleted_at IS NULL;
    ELSIF OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN
        UPDATE public.orders SET deleted_at = NULL
         WHERE customer_id = NEW.id AND deleted_at = OLD.deleted_at;
        UPDATE public.opportunities SET deleted_at = NULL
         WHERE customer_id = NEW.id AND deleted_at = OLD.deleted_at;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER customers_propagate_soft_delete
    AFTER UPDATE OF deleted_at ON public.customers
    FOR EACH ROW WHEN (OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
    EXECUTE FUNCTION public.customers_propagate_soft_delete();
