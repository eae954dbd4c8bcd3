-- email_insert: an email sent to a customer (body inline, as the schema keeps it).
INSERT INTO public.email_history (organization_id, from_address, to_address, customer_id, subject, body_text, body_html, status, sent_at)
VALUES (%(org)s, 'sales@example.com', %(to)s, %(customer_id)s, %(subject)s, %(body)s, '<p>' || %(body)s || '</p>', 'sent', now())
RETURNING id
