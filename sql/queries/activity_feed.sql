-- name: activity_feed
-- screen: Dashboard: the organization's recent activity feed inside a window
-- risks: RISK-SCALE-002
-- params: org_id, since, until, page_size
SELECT id, entity_type, entity_id, action, created_by, description, created_at
FROM activities
WHERE organization_id = %(org_id)s
  AND created_at >= %(since)s
  AND created_at < %(until)s
ORDER BY created_at DESC
LIMIT %(page_size)s
