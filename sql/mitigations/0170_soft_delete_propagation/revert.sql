-- 0170_soft_delete_propagation / revert (rows it soft-deleted stay as they are: data survives)
DROP TRIGGER customers_propagate_soft_delete ON public.customers;
DROP FUNCTION public.customers_propagate_soft_delete();
