DROP INDEX public.idx_customers_org_status_created;
DROP INDEX public.idx_orders_org_customer_date;
DROP INDEX public.idx_orders_org_status_date;
