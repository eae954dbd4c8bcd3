-- Whether schema.name is a trigger (or event trigger) function, which PostgreSQL refuses to call
-- other than as a trigger, so who may EXECUTE it does not matter.
SELECT EXISTS (
    SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = %(schema)s AND p.proname = %(name)s
      AND p.prorettype IN ('trigger'::regtype, 'event_trigger'::regtype)
)
