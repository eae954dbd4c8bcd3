CREATE INDEX idx_api_tokens_revoked_by ON public.api_tokens USING btree (revoked_by);
CREATE INDEX idx_movements_inventory ON public.inventory_movements USING btree (inventory_id);
CREATE INDEX idx_movements_location ON public.inventory_movements USING btree (location_id);
CREATE INDEX idx_movements_product ON public.inventory_movements USING btree (product_id);
CREATE INDEX idx_quotes_customer ON public.quotes USING btree (customer_id);
CREATE INDEX idx_quotes_opportunity ON public.quotes USING btree (opportunity_id);
