-- 0140_email_checks / revert
-- Drops the six CHECK constraints.
-- The caller wraps this script in a transaction.

ALTER TABLE public.organizations DROP CONSTRAINT organizations_email_format;
ALTER TABLE public.users DROP CONSTRAINT users_email_format;
ALTER TABLE public.customers DROP CONSTRAINT customers_email_format;
ALTER TABLE public.contacts DROP CONSTRAINT contacts_email_format;
ALTER TABLE public.email_history DROP CONSTRAINT email_history_from_address_format;
ALTER TABLE public.email_history DROP CONSTRAINT email_history_to_address_format;
