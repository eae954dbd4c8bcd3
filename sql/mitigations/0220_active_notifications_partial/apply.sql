CREATE INDEX idx_notifications_active ON public.notifications USING btree (organization_id, user_id) WHERE status IN ('pending', 'sent');
