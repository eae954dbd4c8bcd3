CREATE INDEX idx_quotes_line_items_path ON public.quotes USING gin (line_items jsonb_path_ops);
