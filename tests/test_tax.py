"""The one GST rule: the seeder's integer cents and the write path's Decimals agree."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from workbench.tax import GST, gst, gst_cents


def test_cents_and_decimals_round_the_same_way() -> None:
    cents = np.arange(0, 20_001, dtype=np.int64)  # every amount up to 200.00, half cents included
    seeded = gst_cents(cents)
    written = [int(gst(Decimal(int(c)) / 100) * 100) for c in cents]
    assert seeded.tolist() == written
    assert (gst_cents(1225), gst(Decimal("12.25"))) == (123, Decimal("1.23"))  # half up
    assert GST == Decimal("0.1")
