-- Email body sizes in KB (characters / 1024) and how much of them PostgreSQL stores compressed.
-- {bodies} is where the variant keeps them: email_history (inline) or email_bodies (unit 0300).
SELECT count(*) AS bodies,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY octet_length(body_html)) / 1024.0 AS median_html_kb,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY octet_length(body_html)) / 1024.0 AS p95_html_kb,
       avg(pg_column_size(body_html))::float8 / nullif(avg(octet_length(body_html)), 0) AS stored_ratio
FROM {bodies}
