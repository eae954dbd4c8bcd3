-- name: notification_badge
-- screen: Header bell: unread notification count for the signed-in user
-- risks: RISK-SCALE-007
-- params: org_id, user_id
SELECT count(*) AS unread
FROM notifications
WHERE organization_id = %(org_id)s
  AND user_id = %(user_id)s
  AND status IN ('pending', 'sent')
