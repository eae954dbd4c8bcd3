-- email_insert_split: an email where the schema keeps bodies apart (email_bodies): the
-- history row carries the metadata only.
INSERT INTO public.email_history (organization_id, from_address, to_address, customer_id, subject, status, sent_at)
VALUES (%(org)s, 'sales@example.com', %(to)s, %(customer_id)s, %(subject)s, 'sent', now())
RETURNING id, created_at
