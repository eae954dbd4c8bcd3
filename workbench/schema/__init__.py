"""The schema under review: the baseline DDL, mitigation units, variants and fingerprints."""
