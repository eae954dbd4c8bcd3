-- 0410_api_token_default_expiry / revert
-- expires_at back to no default.
-- The caller wraps this script in a transaction.

ALTER TABLE public.api_tokens ALTER COLUMN expires_at DROP DEFAULT;
