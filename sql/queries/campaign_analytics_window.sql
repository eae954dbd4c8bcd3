-- name: campaign_analytics_window
-- screen: Marketing dashboard: per-campaign delivery funnel over a time window
-- risks: RISK-SCALE-001
-- params: org_id, since, until
SELECT campaign_id,
       count(*) AS sent,
       count(*) FILTER (WHERE status IN ('delivered', 'opened', 'clicked')) AS delivered,
       count(*) FILTER (WHERE opened_at IS NOT NULL OR status IN ('opened', 'clicked')) AS opened,
       count(*) FILTER (WHERE status = 'clicked') AS clicked,
       count(*) FILTER (WHERE status = 'bounced') AS bounced
FROM email_history
WHERE organization_id = %(org_id)s
  AND created_at >= %(since)s
  AND created_at < %(until)s
GROUP BY campaign_id
ORDER BY sent DESC
