"""Any workload profile from loadtests/workloads/ (``--workload NAME``), tenant-aware.

    locust -f loadtests/workload.py --headless -u 10 -r 10 -t 10s --workload browse

The DSN comes from WORKBENCH_DSN (or the embedded server), never from the command line.
"""

from workbench.load.user import WorkloadUser


class TenantUser(WorkloadUser):
    """One user of one tenant running the chosen workload."""
