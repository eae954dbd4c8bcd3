-- 0180_quote_line_items_shape / revert
ALTER TABLE public.quotes DROP CONSTRAINT quotes_line_items_shape;
