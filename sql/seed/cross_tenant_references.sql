-- Rows of {child} (alias c) whose foreign key {child_columns} points at a row of {parent}
-- (alias p, {parent_columns}) that belongs to another tenant ({child_tenant} and
-- {parent_tenant}: each side's tenant, through its own column or its path of hops).
SELECT count(*)
FROM {child} c
JOIN {parent} p ON ({child_columns}) = ({parent_columns})
WHERE {child_tenant} IS DISTINCT FROM {parent_tenant}
