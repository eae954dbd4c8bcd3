-- activity_by_action: activity report: actions per entity type over the last 90 days.
SELECT entity_type, action, count(*) AS n
FROM public.activities
WHERE organization_id = %(org)s AND created_at >= now() - interval '90 days'
GROUP BY 1, 2
ORDER BY 3 DESC
