-- Activities whose organization_id names no organization (RISK-MT-001). Activities have no
-- children, so moving them creates exactly this defect and no other. The remediated variant's
-- tenant foreign key rejects it.
WITH picked AS (
    SELECT id FROM public.activities ORDER BY md5(id::text || %(salt)s) LIMIT %(count)s
)
UPDATE public.activities a SET organization_id = md5('orphan' || a.id::text)::uuid
FROM picked WHERE a.id = picked.id
RETURNING a.id
