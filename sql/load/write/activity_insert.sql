-- activity_insert: the audit-trail row written on every change.
INSERT INTO public.activities (organization_id, entity_type, entity_id, action, description)
VALUES (%(org)s, %(entity_type)s, %(entity_id)s, %(action)s, %(description)s)
