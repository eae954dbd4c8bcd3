-- name: activity_timeline
-- screen: Entity detail, Activity tab: one entity's timeline, newest first
-- risks: RISK-SCALE-002
-- params: org_id, entity_type, entity_id, page_size
SELECT id, action, created_by, description, created_at
FROM activities
WHERE organization_id = %(org_id)s
  AND entity_type = %(entity_type)s::activity_entity_type
  AND entity_id = %(entity_id)s
ORDER BY created_at DESC
LIMIT %(page_size)s
