-- User triggers and whether they fire (O origin, D disabled, R replica, A always): pg_dump
-- writes the state with ALTER TABLE ... DISABLE TRIGGER, which the fingerprint does not show.
SELECT t.tgrelid::regclass::text || ' ' || t.tgname, t.tgenabled::text
FROM pg_trigger t
WHERE NOT t.tgisinternal
ORDER BY 1
