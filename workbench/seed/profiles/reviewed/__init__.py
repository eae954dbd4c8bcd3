"""The reviewed schema's seeding profile: its sixteen hand-written generators on the catalog engine.

``seeds/ci.toml``, ``demo.toml`` and ``premortem.toml`` name this module (``[catalog]
generators``): every reviewed table is handed to the generator in :mod:`.tables` that has
always made it (orders with their line items, whose totals derive from the lines), in
the order listed here, which is the order they read each other's ids and prices in. The engine
does the rest: plan, tenant order, keys dropped and restored, COPY, resume, workers. A table the
schema gains later comes from the catalog, and so does a column these generators do not make
(its default, else the plan's generator for it).

The generators keep their own random streams (seed, tenant, table), so the rows are those the
separate loader wrote before this profile existed, whatever the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from workbench.seed.handover import Chunk, HandContext
from workbench.seed.profiles.reviewed import tables
from workbench.seed.profiles.reviewed.tables import Tenant
from workbench.seed.values import pools

VOLUMES = {
    "per_tenant": ("users", "customers", "products", "locations", "opportunities", "quotes",
                   "orders"),
    "per_day": ("activities", "email_history", "notifications", "inventory_movements",
                "user_sessions"),
    "per_parent": ("contacts", "order_line_items", "inventory", "api_tokens",
                   "quote_line_items"),
    "shares": ("customers_deleted", "products_deleted", "orders_deleted",
               "opportunities_deleted", "users_deleted", "users_invited", "contacts_primary",
               "contacts_decision_maker", "customers_email_null", "line_items_without_product",
               "api_tokens_revoked", "orders_discounted"),
    "text": ("email_body_kb", "email_body_sigma"),
}
"""The volumes these generators read, by profile section (seed/profile.py checks a profile
that names this module against them)."""
SCHEMA = "public"
BODIES = f"{SCHEMA}.email_bodies"  # unit 0300 moves email bodies into a table of their own


@dataclass(frozen=True)
class Handed:
    """One of :mod:`.tables`' generators as a handover callable; ``sides``: tables filled
    from its chunks when the variant has them (key from the parent's columns, the rest by
    name)."""

    gen: Callable[[Tenant], Iterator[tables.Chunk]]
    sides: tuple[str, ...] = ()

    def __call__(self, ctx: HandContext) -> Iterator[Chunk]:
        """The generator's chunks for this build's tenant, tables named with their schema."""
        tenant = ctx.shared.get("tenant")
        if tenant is None:  # one per build: the generators pass ids and prices through it
            tenant = ctx.shared["tenant"] = Tenant(ctx.seed, ctx.slot, ctx.weight, ctx.profile,
                                                   ctx.cal, pools())
        for table, data in self.gen(tenant):
            name = f"{SCHEMA}.{table}"
            yield name, data
            for side in self.sides:
                if ctx.has(side):
                    yield side, ctx.side_chunk(side, name, data)


def _generators() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for gen in tables.GENERATORS:
        handed = Handed(gen, (BODIES,) if gen is tables.gen_email_history else ())
        made = [gen.__name__.removeprefix("gen_")]
        if gen is tables.gen_orders:
            made.append("order_line_items")
        out.update({f"{SCHEMA}.{t}": handed for t in made})
    return out


GENERATORS = _generators()
"""Every reviewed table and the callable that makes it, in the order they run."""
