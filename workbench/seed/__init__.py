"""Synthetic multi-tenant data at scale: deterministic, realistic, resumable.

The public API is small on purpose: :func:`seed_database` (what the CLI and the report runner
call for each variant database), :func:`load_profile`, and :func:`table_checksums` for proving
that two runs wrote the same rows.
"""

from workbench.seed.anomalies import anomaly_kinds, load_anomalies
from workbench.seed.profile import Profile, list_profiles, load_profile
from workbench.seed.runner import SeedReport, TableStats, seed_database, table_checksums

__all__ = [
    "Profile", "SeedReport", "TableStats", "anomaly_kinds", "list_profiles", "load_anomalies",
    "load_profile", "seed_database", "table_checksums",
]
