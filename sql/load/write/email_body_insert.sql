-- email_body_insert: the body of that email, in email_bodies (same tenant and creation time).
INSERT INTO public.email_bodies (email_id, organization_id, created_at, body_text, body_html)
VALUES (%(email_id)s, %(org)s, %(created_at)s, %(body)s, '<p>' || %(body)s || '</p>')
