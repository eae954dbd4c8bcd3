"""Schema workbench: evidence for every premortem risk of a multi-tenant PostgreSQL schema."""
