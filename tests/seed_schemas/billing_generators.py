"""The billing fixture's own generator (tests/seed_schemas/billing.sql): bills with their lines.

A bill's total is the sum of its lines, which the catalog alone cannot know; so the profile
hands both tables to :func:`bills`, and the catalog engine makes every other table and column.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from workbench.seed.handover import HandContext
from workbench.seed.values import money, timestamps, uuids


def bills(ctx: HandContext) -> Iterator[tuple[str, dict[str, Any]]]:
    """Bills of this tenant's customers, 1-5 lines each; total = sum(amount)."""
    rng = ctx.rng("bills")
    account = ctx.keys("public.accounts")["id"][0]
    customers = ctx.keys("public.customers")["id"].to_numpy()
    n = max(1, round(30 * ctx.weight))
    ids = uuids(rng, n)
    lines = rng.integers(1, 6, size=n)
    owner = np.repeat(np.arange(n), lines)
    cents = rng.integers(100, 50_000, size=len(owner))
    total = np.bincount(owner, weights=cents, minlength=n).astype(np.int64)
    issued = ctx.cal.start_us + rng.integers(0, 30 * 86_400, n) * 1_000_000
    yield "public.bills", {
        "id": ids, "account_id": np.full(n, account),
        "customer_id": customers[rng.integers(0, len(customers), size=n)],
        "number": np.arange(1, n + 1, dtype=np.int32), "total": money(total),
        "issued_at": timestamps(issued),
    }
    yield "public.bill_lines", {
        "id": uuids(rng, len(owner)), "account_id": np.full(len(owner), account),
        "bill_id": ids[owner], "amount": money(cents),
    }
