-- Email bodies wherever the variant keeps them (inline on baseline, in email_bodies on
-- remediated): rows with a body and one digest of (id, tenant, created_at, html, text).
-- {bodies} is email_history itself or email_bodies joined on the composite key.
SELECT count(*) AS with_body,
       md5(string_agg(concat_ws('|', e.id, e.organization_id, e.created_at, b.body_html, b.body_text), ',' ORDER BY e.id)) AS digest
FROM public.email_history AS e
JOIN {bodies}
WHERE b.body_html IS NOT NULL OR b.body_text IS NOT NULL
