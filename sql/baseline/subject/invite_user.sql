-- The application's invite (RISK-INT-001): a users row with no auth id yet. Inputs: org, email.
INSERT INTO public.users (organization_id, email, name, role, status)
VALUES (%(org)s, %(email)s, 'Probe Invitee', 'sales', 'invited')
RETURNING id
