-- 0140_email_checks / apply
-- RISK-INTEGRITY-008: the six email columns are plain text with no validation. Each gets a
-- CHECK that the value is local@domain.tld without whitespace (NULL stays allowed where the
-- column is nullable). Deliberately loose: the point is to stop junk ('n/a', a phone number,
-- a name), not to implement RFC 5322. Validated at once (the variants are built empty).
-- The caller wraps this script in a transaction.

ALTER TABLE public.organizations ADD CONSTRAINT organizations_email_format CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$');
ALTER TABLE public.users ADD CONSTRAINT users_email_format CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$');
ALTER TABLE public.customers ADD CONSTRAINT customers_email_format CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$');
ALTER TABLE public.contacts ADD CONSTRAINT contacts_email_format CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$');
ALTER TABLE public.email_history ADD CONSTRAINT email_history_from_address_format CHECK (from_address ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$');
ALTER TABLE public.email_history ADD CONSTRAINT email_history_to_address_format CHECK (to_address ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$');
