DROP INDEX public.idx_quotes_line_items_path;
