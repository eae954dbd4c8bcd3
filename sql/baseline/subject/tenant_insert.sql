-- A tenant made up for a probe or an experiment, inside a transaction that is rolled back
-- (the reviewed subject's tenant table and its required columns). Input: slug.
INSERT INTO public.organizations (name, slug, email)
VALUES ('Probe Org', %(slug)s, 'owner@probe-example.com')
RETURNING id
