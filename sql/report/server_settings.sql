-- Every setting that differs from its default (what SHOW ALL shows, minus the defaults).
SELECT name, setting, unit, source
FROM pg_settings
WHERE source NOT IN ('default', 'override')
ORDER BY name
