-- A customer made up for RISK-OPS-006 inside a rolled-back transaction. Input: org.
INSERT INTO public.customers (organization_id, name) VALUES (%(org)s, 'Probe Customer') RETURNING id
