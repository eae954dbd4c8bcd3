CREATE INDEX idx_customers_org_status_created ON public.customers USING btree (organization_id, status, created_at);
CREATE INDEX idx_orders_org_customer_date ON public.orders USING btree (organization_id, customer_id, order_date);
CREATE INDEX idx_orders_org_status_date ON public.orders USING btree (organization_id, status, order_date);
