-- Share of activities per local hour (Australia/Sydney as UTC+10, the seeder's convention).
SELECT ((extract(hour FROM created_at AT TIME ZONE 'UTC')::int + 10) % 24) AS local_hour,
       count(*)::float8 / sum(count(*)) OVER () AS share
FROM public.activities GROUP BY 1 ORDER BY 1
