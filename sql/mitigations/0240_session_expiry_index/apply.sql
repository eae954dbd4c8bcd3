CREATE INDEX idx_sessions_created ON public.user_sessions USING btree (created_at);
