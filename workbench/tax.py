"""The reviewed schema's tax rule, in one place: GST is 10 % of a taxable line's net amount.

The seeder (integer cents, vectorised) and the load test's write path (``Decimal`` amounts)
both compute ``tax_amount`` from it, so the derived values they write agree with each other and
with what the audit's drift checks expect.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

GST_PERCENT = 10
GST = Decimal(GST_PERCENT) / 100
CENT = Decimal("0.01")

Cents = TypeVar("Cents")  # an int or a numpy integer array


def gst_cents(net_cents: Cents) -> Cents:
    """GST on amounts in whole cents, rounded half up (``int`` or numpy integer arrays)."""
    return (net_cents * GST_PERCENT + 50) // 100  # type: ignore[operator, return-value]


def gst(amount: Decimal) -> Decimal:
    """GST on a ``Decimal`` amount, to the cent."""
    return (amount * GST).quantize(CENT, rounding=ROUND_HALF_UP)
