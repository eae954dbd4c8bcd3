"""Any schema's queries under load (``--queryset PLAN.json``), tenant-aware.

    locust -f loadtests/queryset.py --headless -u 10 -r 10 -t 10s \
        --queryset results/<run>/load_plan.json --target <database>

The plan (workbench.load.plan) holds the queries with their weights and each tenant's values;
the DSN comes from WORKBENCH_DSN (or the embedded server), never from the command line.
"""

from workbench.load.user import WorkloadUser


class QuerySetUser(WorkloadUser):
    """One user of one tenant (drawn by size) running the plan's queries by weight."""
