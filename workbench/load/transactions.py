"""Write transactions, written the way the application's ORM writes them.

Each is one database transaction under the tenant's context. They keep the application's
invariants the way application code does: derived values (order totals, quantity_available)
are computed in Python from the values the transaction read, without row locks. That is
correct for one user and wrong under concurrency (a lost update leaves the stored value
disagreeing with its sources) unless the database derives the value itself, which is exactly
the concurrency side of RISK-INTEGRITY-002 and -007. "Hot" rows (a few per tenant) make the
collisions a short run can produce likely.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import psycopg

from workbench.load.tenants import Tenant
from workbench.sqlfiles import read_sql
from workbench.tax import CENT, gst


@dataclass(frozen=True)
class WriteFacts:
    """Which derived values the database keeps itself (the write path then leaves them alone)."""

    available_derived: bool = False
    subtotal_derived: bool = False
    balance_due_generated: bool = False
    email_bodies_split: bool = False

    @classmethod
    def read(cls, conn: psycopg.Connection) -> WriteFacts:
        """Look at the catalog of ``conn``'s database."""
        row = conn.execute(read_sql("load/derived_values.sql")).fetchone()
        return cls(*(bool(v) for v in row)) if row else cls()


@dataclass
class TxContext:
    """What a write transaction may use: the connection (inside a transaction), tenant, rng."""

    conn: psycopg.Connection
    tenant: Tenant
    rng: random.Random
    facts: WriteFacts = WriteFacts()

    def run(self, sql_name: str, params: dict[str, object]) -> psycopg.Cursor:
        """Execute ``sql/load/write/<sql_name>.sql`` with the tenant added to the parameters."""
        sql_text = read_sql(f"load/write/{sql_name}.sql")
        return self.conn.execute(sql_text, {"org": self.tenant.id, **params})  # type: ignore[arg-type]


Transaction = Callable[[TxContext], int]
TRANSACTIONS: dict[str, Transaction] = {}


def transaction(func: Transaction) -> Transaction:
    """Register a write transaction under its function name."""
    TRANSACTIONS[func.__name__] = func
    return func


def _activity(ctx: TxContext, entity_type: str, entity_id: object, action: str, text: str) -> None:
    ctx.run("activity_insert", {"entity_type": entity_type, "entity_id": entity_id,
                                "action": action, "description": text})


@transaction
def create_order(ctx: TxContext) -> int:
    """A new order with 1-4 lines; totals computed from the lines before inserting."""
    lines = []
    for n in range(ctx.rng.randint(1, 4)):
        product_id = ctx.tenant.pick("product_id", ctx.rng)
        row = ctx.run("product_price", {"product_id": product_id}).fetchone()
        name, price = (row[0], row[1]) if row else ("item", Decimal("1.00"))
        qty = Decimal(ctx.rng.randint(1, 5))
        total = (qty * price).quantize(CENT)
        lines.append((n + 1, product_id, name, qty, price, total, gst(total)))
    subtotal = sum((line[5] for line in lines), Decimal(0))
    tax = sum((line[6] for line in lines), Decimal(0))  # as the seeder: the lines' tax summed
    number = f"L-{ctx.rng.getrandbits(48):012x}"
    insert = "order_insert_derived" if ctx.facts.balance_due_generated else "order_insert"
    order = ctx.run(insert, {"order_number": number, "customer_id":
                                     ctx.tenant.pick("customer_id", ctx.rng),
                                     "subtotal": subtotal, "tax": tax}).fetchone()
    assert order is not None
    for n, product_id, name, qty, price, total, line_tax in lines:
        ctx.run("line_item_insert", {"order_id": order[0], "product_id": product_id,
                                     "line_number": str(n), "description": name, "quantity": qty,
                                     "unit_price": price, "tax": line_tax, "line_total": total})
    _activity(ctx, "order", order[0], "created", f"order {number}")
    return len(lines) + 3


@transaction
def add_line_item(ctx: TxContext) -> int:
    """Add a line to a busy order and save the totals computed from the order as read."""
    order_id = ctx.tenant.pick("hot_order_id", ctx.rng)
    row = ctx.run("order_read_totals", {"order_id": order_id}).fetchone()
    if row is None:
        return 1
    subtotal, tax, lines = row
    product_id = ctx.tenant.pick("product_id", ctx.rng)
    prod = ctx.run("product_price", {"product_id": product_id}).fetchone()
    name, price = (prod[0], prod[1]) if prod else ("item", Decimal("1.00"))
    qty = Decimal(ctx.rng.randint(1, 3))
    total = (qty * price).quantize(CENT)
    line_tax = gst(total)
    ctx.run("line_item_insert", {"order_id": order_id, "product_id": product_id,
                                 "line_number": str(lines + 1), "description": name,
                                 "quantity": qty, "unit_price": price, "tax": line_tax,
                                 "line_total": total})
    if ctx.facts.subtotal_derived:
        ctx.run("order_save_totals_derived", {"order_id": order_id, "line_tax": line_tax})
    else:
        ctx.run("order_save_totals", {"order_id": order_id, "subtotal": subtotal + total,
                                      "tax": tax + line_tax})
    _activity(ctx, "order", order_id, "updated", "line added")
    return 6


def _move_stock(ctx: TxContext, sign: int) -> int:
    inventory_id = ctx.tenant.pick("hot_inventory_id", ctx.rng)
    row = ctx.run("inventory_read", {"inventory_id": inventory_id}).fetchone()
    if row is None:
        return 1
    product_id, location_id, _on_hand, allocated, available = row
    qty = Decimal(ctx.rng.randint(1, 5))
    if sign < 0:
        qty = min(qty, allocated)
        if qty <= 0:
            return 1
    delta = qty * sign
    if ctx.facts.available_derived:
        ctx.run("inventory_allocate_derived", {"inventory_id": inventory_id, "quantity": delta})
    else:
        ctx.run("inventory_allocate", {"inventory_id": inventory_id, "quantity": delta,
                                       "available": available - delta})
    ctx.run("movement_insert", {"inventory_id": inventory_id, "product_id": product_id,
                                "location_id": location_id,
                                "movement_type": "allocate" if sign > 0 else "deallocate",
                                "quantity": qty, "previous": allocated, "new": allocated + delta})
    _activity(ctx, "inventory", inventory_id, "updated", "allocation" if sign > 0 else "release")
    return 4


@transaction
def allocate_inventory(ctx: TxContext) -> int:
    """Allocate stock: allocated += q atomically, available written from the value read."""
    return _move_stock(ctx, +1)


@transaction
def release_inventory(ctx: TxContext) -> int:
    """Release an allocation (the reverse of :func:`allocate_inventory`)."""
    return _move_stock(ctx, -1)


@transaction
def log_email(ctx: TxContext) -> int:
    """Record an email sent to a customer and its activity row."""
    customer_id = ctx.tenant.pick("customer_id", ctx.rng)
    body = "Thanks for your enquiry. " * 20
    email = {"to": "customer@example.com", "customer_id": customer_id, "subject": "Your quote",
             "body": body}
    if ctx.facts.email_bodies_split:
        row = ctx.run("email_insert_split", email).fetchone()
        if row is not None:
            ctx.run("email_body_insert", {"email_id": row[0], "created_at": row[1], "body": body})
    else:
        row = ctx.run("email_insert", email).fetchone()
    _activity(ctx, "customer", customer_id, "commented", f"email {row[0] if row else ''}")
    return 2


@transaction
def dismiss_notification(ctx: TxContext) -> int:
    """A user dismisses their oldest unread notification."""
    ctx.run("notification_dismiss", {"user_id": ctx.tenant.pick("user_id", ctx.rng)})
    return 1
