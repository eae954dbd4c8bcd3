-- name: campaign_analytics_lifetime
-- screen: Marketing dashboard: one campaign's results over the whole history
-- risks: RISK-SCALE-001
-- params: org_id, campaign_id
SELECT status, count(*) AS emails, min(created_at) AS first_sent, max(created_at) AS last_sent
FROM email_history
WHERE organization_id = %(org_id)s
  AND campaign_id = %(campaign_id)s
GROUP BY status
ORDER BY status
