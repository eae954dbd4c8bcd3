CREATE INDEX idx_email_history_org_campaign_created ON public.email_history USING btree (organization_id, campaign_id, created_at);
