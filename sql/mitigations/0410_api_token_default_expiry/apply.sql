-- 0410_api_token_default_expiry / apply
-- RISK-INT-006: expires_at had no default, so a token created without one never expires.
-- The default is 90 days from creation (the premortem's suggestion). Deliberately no CHECK
-- forbidding NULL: existing never-expiring tokens must be backfilled or revoked first (an
-- operational decision, listed by the probe), and a CHECK would reject them on the spot.
-- The caller wraps this script in a transaction.

ALTER TABLE public.api_tokens ALTER COLUMN expires_at SET DEFAULT (now() + interval '90 days');
