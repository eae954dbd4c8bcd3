-- name: opportunity_delete
-- screen: Pipeline: delete an opportunity (FK ON DELETE SET NULL on quotes; rolled back here)
-- risks: RISK-OPS-005
-- params: opportunity_id
-- writes: true
DELETE FROM opportunities
WHERE id = %(opportunity_id)s
