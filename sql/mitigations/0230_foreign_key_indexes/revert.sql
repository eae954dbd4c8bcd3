DROP INDEX public.idx_api_tokens_revoked_by;
DROP INDEX public.idx_movements_inventory;
DROP INDEX public.idx_movements_location;
DROP INDEX public.idx_movements_product;
DROP INDEX public.idx_quotes_customer;
DROP INDEX public.idx_quotes_opportunity;
