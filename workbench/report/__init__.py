"""The report: notebooks executed by papermill into a run bundle, and a scorecard of every risk."""
