-- Rows of {child} (alias c) whose foreign key {child_columns} is set but has no parent in
-- {parent} (alias p) at {parent_columns}: what the server would have refused had it checked.
-- {present}: every key column IS NOT NULL (a partly-NULL key is not checked, by MATCH SIMPLE).
SELECT count(*)
FROM {child} c
WHERE {present}
  AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE ({parent_columns}) = ({child_columns}))
