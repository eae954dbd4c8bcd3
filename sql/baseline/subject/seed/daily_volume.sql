-- Activities and emails per local day (Australia/Sydney as UTC+10, the seeder's convention),
-- to see weekday seasonality and growth.
SELECT day, sum(activities)::bigint AS activities, sum(emails)::bigint AS email_history
FROM (
    SELECT (created_at AT TIME ZONE 'UTC' + interval '10 hours')::date AS day, count(*) AS activities, 0 AS emails
    FROM public.activities GROUP BY 1
    UNION ALL
    SELECT (created_at AT TIME ZONE 'UTC' + interval '10 hours')::date, 0, count(*) FROM public.email_history GROUP BY 1
) v
GROUP BY day ORDER BY day
