-- The invite as an application must write it when auth_id is NOT NULL: a placeholder auth id.
-- Inputs: org, email.
INSERT INTO public.users (organization_id, auth_id, email, name, role, status)
VALUES (%(org)s, gen_random_uuid(), %(email)s, 'Probe Invitee', 'sales', 'invited')
RETURNING id
