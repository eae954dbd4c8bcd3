"""Column-wise generators, one per table, for one tenant at a time.

A generator yields chunks: ``(table, {column: values})``. Values carry *meaning* (a boolean
flag, integer cents, epoch microseconds); :mod:`workbench.seed.writer` turns them into whatever
the target database's column types are. Every foreign key a generator writes is taken from ids
this same tenant generated earlier, so referential truth holds by construction.

Derived values (the rule the integrity checks test against):

* ``inventory.quantity_available = quantity_on_hand - quantity_allocated``;
  ``inventory.total_value = round(quantity_on_hand * unit_cost)``.
* order line: ``gross = round(quantity * unit_price)``,
  ``discount_amount = round(gross * discount_percent / 100)``, ``net = gross - discount_amount``,
  ``tax_amount = round(net * GST)`` (:mod:`workbench.tax`) when ``tax_type = 'gst'``, else 0,
  ``line_total = net`` (the line's amount; tax stays in ``tax_amount``, as in quotes and in
  unit 0120's rule ``subtotal = sum(line_total)``).
* order: ``subtotal = sum(line_total)``, ``tax_amount = sum(line tax_amount)``,
  ``discount_amount = round(subtotal * discount_percent / 100)`` (0 without a discount),
  ``total = subtotal - discount_amount + tax_amount + shipping_amount``,
  ``balance_due = total - paid_amount``.
* quote: ``subtotal = sum(line_items[].line_total)``, ``tax_amount = round(subtotal * GST)``,
  ``total = subtotal - discount_amount + tax_amount``.
* opportunity: ``weighted_value = round(estimated_value * probability / 100)``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from statistics import NormalDist
from typing import Any

import numpy as np
import polars as pl

from workbench.seed.profile import Profile
from workbench.seed.values import (
    US_PER_DAY,
    Calendar,
    Pools,
    hex_tokens,
    mask,
    money,
    pick,
    pools,
    qty,
    rng_for,
    sample,
    slugify,
    timestamps,
    uuids,
)
from workbench.tax import gst_cents

Chunk = tuple[str, dict[str, Any]]
# Rows per chunk: small enough that a worker's peak RSS stays ~250 MB (premortem's largest
# tenant, measured: 50k/10k rows peaked at ~420 MB per worker, 1.08 GB for the whole run),
# large enough that per-COPY overhead does not show (same wall time at 20k/5k). Email rows
# carry ~3.4 KB of bodies each, hence their own, smaller size. Changing these changes rows
# (each chunk has its own RNG stream), never their determinism.
CHUNK_ROWS = {"email_history": 5_000}
DEFAULT_CHUNK_ROWS = 20_000
NULL = None


def numbered(prefix: str, n: int, width: int = 0, start: int = 1) -> pl.Series:
    """``prefix`` + row number (zero-padded to ``width``): per-tenant unique codes."""
    return concat(prefix, pl.Series(np.arange(start, start + n)).cast(str).str.zfill(width))


def nulls_where(values: Any, where: np.ndarray) -> pl.Series:
    """``values`` with NULL where ``where`` is true."""
    s = pl.Series(values)
    return pl.select(pl.when(pl.Series(where)).then(None).otherwise(s)).to_series()


def concat(*parts: Any) -> pl.Series:
    """Element-wise string concatenation of series, arrays and literals."""
    exprs = [pl.lit(p) if isinstance(p, str) else pl.lit(pl.Series(p)).cast(pl.String)
             for p in parts]
    return pl.select(pl.concat_str(exprs)).to_series()


@dataclass
class Tenant:
    """One organization being generated: its RNG streams, sizes and the ids made so far."""

    seed: int
    index: int
    weight: float
    profile: Profile
    cal: Calendar
    pools: Pools
    ids: dict[str, np.ndarray] = field(default_factory=dict)
    keep: dict[str, Any] = field(default_factory=dict)

    def rng(self, table: str) -> np.random.Generator:
        """This tenant's stream for ``table``."""
        return rng_for(self.seed, self.index, table)

    def count(self, table: str, minimum: int = 1) -> int:
        """Rows of a per-tenant table for this tenant."""
        return max(minimum, round(self.profile.per_tenant[table] * self.weight))

    def daily(self, table: str) -> int:
        """Rows of an event table for this tenant over the period."""
        return round(self.profile.per_day[table] * self.profile.days * self.weight)

    def base(self, ids: np.ndarray) -> dict[str, Any]:
        """id and organization_id, which every tenant table starts with."""
        return {"id": ids, "organization_id": np.full(len(ids), self.org_id)}

    @property
    def org_id(self) -> str:
        """The organization's id."""
        return str(self.ids["organizations"][0])

    def live_customers(self) -> np.ndarray:
        """Customers not soft-deleted: the parents of new orders and opportunities.

        A soft-deleted customer with live orders is a defect the audit counts
        (live_children_of_deleted_parents); a clean seed has none, the anomaly plants them.
        """
        live = self.keep["customer_live"]
        return live if len(live) else self.ids["customers"]

    def users(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Active users, as authors of rows."""
        return sample(rng, self.keep["active_users"], n)


def chunks_of(t: Tenant, table: str, n: int) -> Iterator[tuple[np.random.Generator, np.ndarray]]:
    """Split ``n`` events of ``table`` into time-ordered chunks, each with its own RNG stream.

    Per-day counts are drawn once (multinomial over the calendar), then consecutive days form
    chunks, so rows are written in time order and memory stays bounded at any scale.
    """
    size = CHUNK_ROWS.get(table, DEFAULT_CHUNK_ROWS)
    per_day = t.rng(table + "#days").multinomial(n, t.cal.day_p)
    day, k = 0, 0
    while day < len(per_day):
        end = day
        total = 0
        while end < len(per_day) and (total == 0 or total + per_day[end] <= size):
            total += per_day[end]
            end += 1
        rng = t.rng(f"{table}#{k}")
        days = np.repeat(np.arange(day, end), per_day[day:end])
        hours = rng.choice(24, size=len(days), p=t.cal.hour_p)
        us = (t.cal.start_us + days * US_PER_DAY + (hours - 10) * 3_600_000_000
              + rng.integers(0, 3_600_000_000, size=len(days)))
        if len(us):
            yield rng, np.sort(us)
        day, k = end, k + 1


def address_json(rng: np.random.Generator, p: Pools, n: int, kind: str | np.ndarray) -> pl.Series:
    """JSON address objects (Australian)."""
    kinds = np.full(n, kind) if isinstance(kind, str) else kind
    return concat('{"type": "', kinds, '", "street": "', sample(rng, p.street, n),
                  '", "city": "', sample(rng, p.city, n), '", "state": "',
                  sample(rng, p.state, n), '", "postcode": "', sample(rng, p.postcode, n),
                  '", "country": "AU"}')


def tags_json(rng: np.random.Generator, p: Pools, n: int) -> pl.Series:
    """Small JSON arrays of tag words (0-3 tags)."""
    k = rng.integers(0, 4, size=n)
    words = [sample(rng, p.word, n) for _ in range(3)]
    parts = [pl.when(pl.Series(k) > i).then(pl.lit('"') + pl.Series(w) + pl.lit('"'))
             for i, w in enumerate(words)]
    return pl.select(pl.lit("[") + pl.concat_str(parts, separator=", ", ignore_nulls=True)
                     + pl.lit("]")).to_series()


def after(rng: np.random.Generator, us: np.ndarray, low_s: float, high_s: float) -> np.ndarray:
    """Times some seconds after ``us``."""
    return us + (rng.uniform(low_s, high_s, size=len(us)) * 1e6).astype(np.int64)


def gen_organizations(t: Tenant) -> Iterator[Chunk]:
    """The tenant itself; slug and ABN are globally unique by construction (tenant index)."""
    rng = t.rng("organizations")
    p = t.pools
    ids = uuids(rng, 1)
    t.ids["organizations"] = ids
    name = sample(rng, p.company, 1)
    domain = concat(slugify(name).str.slice(0, 20), f"{t.index}.com.au")
    t.keep["domain"] = domain[0]
    created = np.array([t.cal.start_us - int(rng.integers(30, 1500)) * US_PER_DAY])
    plans = {"free": 2, "starter": 3, "pro": 3}
    plan = "enterprise" if t.weight > 2 else str(pick(rng, plans, 1)[0])
    yield "organizations", {
        "id": ids, "name": name,
        "slug": concat(slugify(name), f"-{t.index}"),
        "abn": np.array([f"{51_000_000_000 + t.index * 7_919:011d}"]),
        "email": concat("info@", domain), "phone": sample(rng, p.phone, 1),
        "website": concat("https://www.", domain),
        "address": address_json(rng, p, 1, "headquarters"),
        "settings": np.array(['{"locale": "en-AU", "currency": "AUD", '
                              '"timezone": "Australia/Sydney", "dateFormat": "DD/MM/YYYY"}']),
        "branding": np.array(['{"primaryColor": "#1f6feb"}']),
        "is_active": np.array([True]), "plan": np.array([plan]),
        "stripe_customer_id": concat("cus_", hex_tokens(rng, 1, 7)),
        "created_at": timestamps(created), "updated_at": timestamps(created),
        "deleted_at": pl.Series([None], dtype=pl.Datetime("us", "UTC")),
    }


def gen_users(t: Tenant) -> Iterator[Chunk]:
    """Staff: one owner, then a role mix; emails unique per tenant (row number in local part)."""
    rng = t.rng("users")
    p, sh = t.pools, t.profile.shares
    n = t.count("users", 2)
    first, last = sample(rng, p.first, n), sample(rng, p.last, n)
    email = concat(first, ".", last, pl.Series(np.arange(n)).cast(str), "@",
                   t.keep["domain"]).str.to_lowercase()
    role = pick(rng, {"admin": 1, "manager": 1.5, "sales": 3, "operations": 2, "support": 1.5,
                      "viewer": 1}, n)
    role[0] = "owner"
    status = pick(rng, {"active": 1 - sh["users_invited"] - 0.04, "invited": sh["users_invited"],
                        "suspended": 0.01, "deactivated": 0.03}, n)
    status[0] = "active"
    created = np.sort(t.cal.start_us - rng.integers(0, 400, size=n) * US_PER_DAY)
    deleted = mask(rng, sh["users_deleted"], n)
    deleted[0] = False
    ids = uuids(rng, n)
    t.ids["users"] = ids
    t.keep["active_users"] = ids[(status == "active") & ~deleted]
    t.keep["user_email"] = email.to_numpy()
    yield "users", {
        **t.base(ids), "auth_id": uuids(rng, n), "email": email,
        "name": concat(first, " ", last),
        "profile": concat('{"jobTitle": "', sample(rng, p.job, n), '", "phone": "',
                          sample(rng, p.phone, n), '"}'),
        "role": role, "status": status,
        "type": nulls_where(pick(rng, {"staff": 4, "installer": 1}, n), mask(rng, 0.2, n)),
        "preferences": np.full(n, '{"theme": "system", "notifications": {"push": true, '
                                  '"email": true}}'),
        "created_at": timestamps(created), "updated_at": timestamps(after(rng, created, 0, 9e6)),
        "created_by": nulls_where(np.full(n, ids[0]), np.arange(n) == 0),
        "updated_by": NULL,
        "deleted_at": nulls_where(timestamps(after(rng, created, 86400, 3e7)), ~deleted),
    }


def gen_api_tokens(t: Tenant) -> Iterator[Chunk]:
    """A few tokens per tenant; revoked ones name a revoking user of the same tenant."""
    rng = t.rng("api_tokens")
    n = max(1, round(len(t.ids["users"]) * t.profile.per_parent["api_tokens"]))
    hashed = hex_tokens(rng, n, 32)
    created = t.cal.times(rng, n)
    revoked = mask(rng, t.profile.shares["api_tokens_revoked"], n)
    yield "api_tokens", {
        **t.base(uuids(rng, n)),
        "name": pick(rng, {"CI deploy": 1, "Zapier": 1, "Xero sync": 1, "Reporting": 1,
                           "Mobile app": 1}, n),
        "hashed_token": hashed, "token_prefix": concat("wb_", pl.Series(hashed).str.slice(0, 8)),
        "user_id": t.users(rng, n),
        "scopes": pick(rng, {'["read"]': 5, '["read", "write"]': 3, '["admin"]': 1}, n),
        "expires_at": nulls_where(timestamps(after(rng, created, 3e7, 6e7)), mask(rng, 0.5, n)),
        "last_used_at": timestamps(after(rng, created, 3600, 3e6)),
        "last_used_ip": sample(rng, t.pools.ipv4, n),
        "created_at": timestamps(created),
        "revoked_at": nulls_where(timestamps(after(rng, created, 86400, 5e6)), ~revoked),
        "revoked_by": nulls_where(t.users(rng, n), ~revoked),
        "revoked_reason": nulls_where(pick(rng, {"rotated": 2, "leaked": 1, "unused": 1}, n),
                                      ~revoked),
    }


def gen_customers(t: Tenant) -> Iterator[Chunk]:
    """Businesses and individuals; emails and account numbers unique per tenant."""
    rng = t.rng("customers")
    p, sh = t.pools, t.profile.shares
    n = t.count("customers")
    business = mask(rng, 0.7, n)
    person = concat(sample(rng, p.first, n), " ", sample(rng, p.last, n))
    name = pl.select(pl.when(pl.Series(business)).then(pl.Series(sample(rng, p.company, n)))
                     .otherwise(person)).to_series()
    local = slugify(name.to_numpy()).str.slice(0, 24)
    email = concat(local, pl.Series(np.arange(n)).cast(str), "@", sample(rng, p.domain, n))
    created = t.cal.times(rng, n)
    deleted = mask(rng, sh["customers_deleted"], n)
    ids = uuids(rng, n)
    t.ids["customers"] = ids
    t.keep["customer_email"] = email.to_numpy()
    t.keep["customer_live"] = ids[~deleted]
    yield "customers", {
        **t.base(ids), "name": name,
        "email": nulls_where(email, mask(rng, sh["customers_email_null"], n)),
        "phone": sample(rng, p.phone, n),
        "website": nulls_where(concat("https://", local, ".com.au"), ~business),
        "status": pick(rng, {"active": 6, "prospect": 3, "inactive": 1, "suspended": 0.2,
                             "blacklisted": 0.1}, n),
        "type": np.where(business, pick(rng, {"business": 8, "government": 1, "non_profit": 1}, n),
                         "individual"),
        "size": nulls_where(pick(rng, {"micro": 4, "small": 3, "medium": 2, "large": 1,
                                       "enterprise": 0.3}, n), ~business),
        "abn": nulls_where(rng.integers(10**10, 10**11 - 1, size=n).astype(str), ~business),
        "account_number": numbered("ACC-", n, 6),
        "addresses": concat("[", address_json(rng, p, n, "billing"), "]"),
        "preferences": pick(rng, {"{}": 3, '{"contactMethod": "email"}': 1,
                                  '{"contactMethod": "phone", "invoiceDay": 15}': 1}, n),
        "tags": tags_json(rng, p, n),
        "created_at": timestamps(created), "updated_at": timestamps(after(rng, created, 0, 5e6)),
        "created_by": t.users(rng, n), "updated_by": t.users(rng, n),
        "deleted_at": nulls_where(timestamps(after(rng, created, 3600, 5e6)), ~deleted),
    }


def gen_contacts(t: Tenant) -> Iterator[Chunk]:
    """People at customers; the flags are booleans here, the writer adapts them to the column."""
    rng = t.rng("contacts")
    p, sh = t.pools, t.profile.shares
    n = max(1, round(len(t.ids["customers"]) * t.profile.per_parent["contacts"]))
    first, last = sample(rng, p.first, n), sample(rng, p.last, n)
    created = t.cal.times(rng, n)
    ids = uuids(rng, n)
    t.ids["contacts"] = ids
    yield "contacts", {
        **t.base(ids), "customer_id": sample(rng, t.ids["customers"], n),
        "first_name": first, "last_name": nulls_where(last, mask(rng, 0.05, n)),
        "email": concat(first, ".", last, pl.Series(np.arange(n)).cast(str), "@",
                        sample(rng, p.domain, n)).str.to_lowercase(),
        "phone": sample(rng, p.phone, n),
        "mobile": nulls_where(sample(rng, p.phone, n), mask(rng, 0.4, n)),
        "job_title": sample(rng, p.job, n),
        "is_primary": mask(rng, sh["contacts_primary"], n),
        "is_decision_maker": mask(rng, sh["contacts_decision_maker"], n),
        "notes": nulls_where(sample(rng, p.sentence, n), mask(rng, 0.7, n)),
        "created_at": timestamps(created), "updated_at": timestamps(after(rng, created, 0, 5e6)),
        "created_by": t.users(rng, n), "updated_by": NULL,
    }


def gen_products(t: Tenant) -> Iterator[Chunk]:
    """The catalogue; SKU and barcode unique per tenant; prices lognormal."""
    rng = t.rng("products")
    p, sh = t.pools, t.profile.shares
    n = t.count("products")
    price = np.round(rng.lognormal(np.log(25_000), 1.0, size=n)).astype(np.int64) + 100
    cost = (price * rng.uniform(0.45, 0.8, size=n)).astype(np.int64)
    created = t.cal.times(rng, n)
    tax = pick(rng, {"gst": 9, "gst_free": 0.6, "input_taxed": 0.2, "export": 0.2}, n)
    ids = uuids(rng, n)
    sku = numbered("SKU-", n, 5)
    name = sample(rng, p.product, n)
    t.ids["products"] = ids
    t.keep.update(product_price=price, product_cost=cost, product_tax=tax,
                  product_sku=sku.to_numpy(), product_name=name)
    yield "products", {
        **t.base(ids), "sku": sku, "name": name,
        "description": sample(rng, p.sentence, n),
        "barcode": nulls_where(concat(f"93{t.index % 1000:03d}",
                                      pl.Series(np.arange(n)).cast(str).str.zfill(8)),
                               mask(rng, 0.2, n)),
        "type": pick(rng, {"physical": 8, "service": 1, "digital": 0.5, "bundle": 0.5}, n),
        "category": sample(rng, p.category, n),
        "subcategory": sample(rng, p.word, n),
        "unit_price": money(price), "cost_price": money(cost), "tax_type": tax,
        "pricing": concat('{"currency": "AUD", "tiers": [{"minQty": 10, "price": ',
                          pl.Series(price * 0.95 / 100).round(2), "}]}"),
        "dimensions": concat('{"weightKg": ', pl.Series(rng.uniform(0.1, 40, n)).round(2),
                             ', "lengthCm": ', pl.Series(rng.integers(5, 200, n)), "}"),
        "is_active": ~mask(rng, 0.05, n), "is_sellable": ~mask(rng, 0.03, n),
        "is_purchasable": ~mask(rng, 0.03, n), "track_inventory": ~mask(rng, 0.1, n),
        "reorder_point": qty(rng.integers(0, 50, n) * 1000),
        "reorder_qty": qty(rng.integers(0, 200, n) * 1000),
        "metadata": np.full(n, "{}"), "tags": tags_json(rng, p, n),
        "created_at": timestamps(created), "updated_at": timestamps(after(rng, created, 0, 5e6)),
        "created_by": t.users(rng, n), "updated_by": NULL,
        "deleted_at": nulls_where(timestamps(after(rng, created, 3600, 5e6)),
                                  ~mask(rng, sh["products_deleted"], n)),
    }


def gen_locations(t: Tenant) -> Iterator[Chunk]:
    """Warehouses; the first is the default."""
    rng = t.rng("locations")
    n = t.count("locations")
    city = sample(rng, t.pools.city, n)
    created = np.full(n, t.cal.start_us - 30 * US_PER_DAY)
    ids = uuids(rng, n)
    t.ids["locations"] = ids
    yield "locations", {
        **t.base(ids), "code": numbered("LOC-", n, 2),
        "name": concat(city, " warehouse"), "description": sample(rng, t.pools.sentence, n),
        "address": address_json(rng, t.pools, n, "shipping"),
        "is_active": np.ones(n, bool), "is_default": np.arange(n) == 0,
        "allow_negative": mask(rng, 0.1, n),
        "created_at": timestamps(created), "updated_at": timestamps(created),
        "created_by": t.users(rng, n), "updated_by": NULL,
    }


def gen_inventory(t: Tenant) -> Iterator[Chunk]:
    """Stock per (product, location) pair; available = on hand - allocated, always."""
    rng = t.rng("inventory")
    np_, nl = len(t.ids["products"]), len(t.ids["locations"])
    pairs = np.argwhere(rng.random((np_, nl)) < t.profile.per_parent["inventory"])
    if len(pairs) == 0:
        pairs = np.array([[0, 0]])
    n = len(pairs)
    prod, loc = pairs[:, 0], pairs[:, 1]
    on_hand = rng.integers(0, 500, size=n) * 1000
    allocated = (on_hand * rng.uniform(0, 0.4, size=n)).astype(np.int64) // 1000 * 1000
    cost = t.keep["product_cost"][prod]
    created = np.full(n, t.cal.start_us) + rng.integers(0, US_PER_DAY * 7, size=n)
    ids = uuids(rng, n)
    t.ids["inventory"] = ids
    t.keep.update(inv_product=prod, inv_location=loc, inv_cost=cost, inv_on_hand=on_hand)
    expiry = (np.datetime64(t.profile.start) + rng.integers(60, 900, size=n)).astype(str)
    yield "inventory", {
        **t.base(ids), "product_id": t.ids["products"][prod],
        "location_id": t.ids["locations"][loc],
        "status": pick(rng, {"available": 20, "allocated": 2, "damaged": 0.3, "returned": 0.3,
                             "quarantined": 0.2, "sold": 0.5}, n),
        "quantity_on_hand": qty(on_hand), "quantity_allocated": qty(allocated),
        "quantity_available": qty(on_hand - allocated), "unit_cost": money(cost),
        "total_value": money((on_hand * cost + 500) // 1000),
        "lot_number": nulls_where(numbered("LOT-", n, start=0), mask(rng, 0.3, n)),
        "serial_number": nulls_where(concat("SN", hex_tokens(rng, n, 5)), mask(rng, 0.9, n)),
        "expiry_date": nulls_where(expiry, mask(rng, 0.8, n)),
        "created_at": timestamps(created), "updated_at": timestamps(after(rng, created, 0, 5e6)),
        "created_by": t.users(rng, n), "updated_by": NULL,
    }


def gen_opportunities(t: Tenant) -> Iterator[Chunk]:
    """Pipeline; weighted value follows probability by stage."""
    rng = t.rng("opportunities")
    n = t.count("opportunities")
    stage = pick(rng, {"new": 3, "qualified": 2.5, "proposal": 2, "negotiation": 1, "won": 1.5,
                       "lost": 1.5}, n)
    prob = pl.Series(stage).replace_strict({"new": 10, "qualified": 25, "proposal": 50,
                                            "negotiation": 75, "won": 100, "lost": 0}).to_numpy()
    est = np.round(rng.lognormal(np.log(800_000), 1.1, size=n)).astype(np.int64)
    created = t.cal.times(rng, n)
    closed = np.isin(stage, ["won", "lost"])
    cust = sample(rng, t.live_customers(), n)
    ids = uuids(rng, n)
    t.ids["opportunities"] = ids
    t.keep["opp_customer"] = cust
    close = after(rng, created, 7 * 86400, 120 * 86400)
    yield "opportunities", {
        **t.base(ids),
        "name": concat(sample(rng, t.pools.category, n), " project ",
                       numbered("", n)),
        "description": sample(rng, t.pools.sentence, n), "customer_id": cust, "stage": stage,
        "probability": pl.Series(prob.astype(float)),
        "estimated_value": money(est), "weighted_value": money((est * prob + 50) // 100),
        "expected_close_date": timestamps(close).dt.date(),
        "actual_close_date": nulls_where(timestamps(close).dt.date(), ~closed),
        "assigned_to": t.users(rng, n), "metadata": np.full(n, '{"source": "web"}'),
        "tags": tags_json(rng, t.pools, n),
        "created_at": timestamps(created), "updated_at": timestamps(after(rng, created, 0, 5e6)),
        "created_by": t.users(rng, n), "updated_by": NULL,
        "deleted_at": nulls_where(timestamps(after(rng, created, 3600, 5e6)),
                                  ~mask(rng, t.profile.shares["opportunities_deleted"], n)),
    }


def gen_quotes(t: Tenant) -> Iterator[Chunk]:
    """Quotes with their JSONB line items (the duplication RISK-INTEGRITY-003 is about)."""
    rng = t.rng("quotes")
    n = t.count("quotes")
    k = 1 + rng.poisson(max(t.profile.per_parent["quote_line_items"] - 1, 0), size=n)
    total_items = int(k.sum())
    prod = rng.integers(0, len(t.ids["products"]), size=total_items)
    q = rng.integers(1, 20, size=total_items)
    price = t.keep["product_price"][prod]
    line = q * price
    owner = np.repeat(np.arange(n), k)
    subtotal = np.bincount(owner, weights=line, minlength=n).astype(np.int64)
    pid, sku = t.ids["products"][prod], t.keep["product_sku"][prod]
    pname = t.keep["product_name"][prod]
    items = [json.dumps({"productId": str(pid[i]), "sku": str(sku[i]), "description": str(pname[i]),
                         "quantity": int(q[i]), "unitPrice": price[i] / 100,
                         "lineTotal": line[i] / 100}) for i in range(total_items)]
    bounds = np.concatenate([[0], np.cumsum(k)])
    line_items = ["[" + ", ".join(items[bounds[j]:bounds[j + 1]]) + "]" for j in range(n)]
    has_opp = mask(rng, 0.7, n)
    opp = rng.integers(0, len(t.ids["opportunities"]), size=n)
    cust = np.where(has_opp, t.keep["opp_customer"][opp], sample(rng, t.ids["customers"], n))
    status = pick(rng, {"draft": 2, "sent": 3, "accepted": 2, "rejected": 1, "expired": 1}, n)
    created = t.cal.times(rng, n)
    tax = gst_cents(subtotal)
    yield "quotes", {
        **t.base(uuids(rng, n)),
        "quote_number": numbered("Q-", n, 6),
        "opportunity_id": nulls_where(t.ids["opportunities"][opp], ~has_opp),
        "customer_id": cust, "status": status,
        "quote_date": timestamps(created).dt.date(),
        "valid_until": timestamps(after(rng, created, 30 * 86400, 30 * 86400 + 1)).dt.date(),
        "accepted_at": nulls_where(timestamps(after(rng, created, 86400, 2e6)).dt.date(),
                                   status != "accepted"),
        "line_items": line_items, "subtotal": money(subtotal),
        "discount_amount": money(np.zeros(n)), "tax_amount": money(tax),
        "total": money(subtotal + tax),
        "terms": np.full(n, "Payment within 30 days of invoice."),
        "notes": nulls_where(sample(rng, t.pools.sentence, n), mask(rng, 0.6, n)),
        "created_at": timestamps(created), "updated_at": timestamps(after(rng, created, 0, 5e6)),
        "created_by": t.users(rng, n), "updated_by": NULL,
    }


def gen_orders(t: Tenant) -> Iterator[Chunk]:
    """Orders and their line items together, so totals follow the documented rule."""
    rng = t.rng("orders")
    sh = t.profile.shares
    n = t.count("orders")
    k = 1 + rng.poisson(max(t.profile.per_parent["order_line_items"] - 1, 0), size=n)
    m = int(k.sum())
    owner = np.repeat(np.arange(n), k)
    prod = rng.integers(0, len(t.ids["products"]), size=m)
    quantity = rng.integers(1, 25, size=m) * 1000
    price = t.keep["product_price"][prod]
    gross = (quantity * price + 500) // 1000
    disc_pct = np.where(mask(rng, 0.15, m), rng.choice([5, 10, 15], size=m), 0)
    line_disc = (gross * disc_pct + 50) // 100
    net = gross - line_disc
    tax_type = t.keep["product_tax"][prod]
    line_tax = np.where(tax_type == "gst", gst_cents(net), 0)
    subtotal = np.bincount(owner, weights=net, minlength=n).astype(np.int64)
    tax = np.bincount(owner, weights=line_tax, minlength=n).astype(np.int64)
    discounted = mask(rng, sh["orders_discounted"], n)
    order_pct = np.where(discounted, rng.choice([5, 10], size=n), 0)
    order_disc = (subtotal * order_pct + 50) // 100
    shipping = np.where(mask(rng, 0.6, n), rng.integers(10, 150, size=n) * 100, 0)
    total = subtotal - order_disc + tax + shipping
    status = pick(rng, {"draft": 0.5, "confirmed": 1, "picking": 0.5, "picked": 0.5,
                        "shipped": 1.5, "delivered": 6, "cancelled": 0.5}, n)
    payment = np.where(status == "delivered",
                       pick(rng, {"paid": 8, "partial": 1, "overdue": 1}, n),
                       pick(rng, {"pending": 6, "partial": 1, "refunded": 0.2}, n))
    paid = np.select([payment == "paid", payment == "refunded", payment == "partial"],
                     [total, total, total // 2], 0)
    created = t.cal.times(rng, n)
    ids = uuids(rng, n)
    t.ids["orders"] = ids
    shipped = np.isin(status, ["shipped", "delivered"])
    cust = sample(rng, t.live_customers(), n)
    yield "orders", {
        **t.base(ids),
        "order_number": numbered("ORD-", n, 6),
        "customer_id": cust, "status": status, "payment_status": payment,
        "order_date": timestamps(created).dt.date(),
        "due_date": timestamps(created + 30 * US_PER_DAY).dt.date(),
        "shipped_date": nulls_where(timestamps(created + 2 * US_PER_DAY).dt.date(), ~shipped),
        "delivered_date": nulls_where(timestamps(created + 5 * US_PER_DAY).dt.date(),
                                      status != "delivered"),
        "billing_address": address_json(rng, t.pools, n, "billing"),
        "shipping_address": address_json(rng, t.pools, n, "shipping"),
        "subtotal": money(subtotal), "discount_amount": money(order_disc),
        "discount_percent": nulls_where(order_pct.astype(float), ~discounted),
        "tax_amount": money(tax), "shipping_amount": money(shipping), "total": money(total),
        "paid_amount": money(paid), "balance_due": money(total - paid),
        "metadata": pick(rng, {"{}": 3, '{"channel": "web"}': 2, '{"channel": "phone"}': 1}, n),
        "internal_notes": nulls_where(sample(rng, t.pools.sentence, n), mask(rng, 0.7, n)),
        "customer_notes": nulls_where(sample(rng, t.pools.sentence, n), mask(rng, 0.8, n)),
        "created_at": timestamps(created), "updated_at": timestamps(after(rng, created, 0, 5e6)),
        "created_by": t.users(rng, n), "updated_by": NULL,
        "deleted_at": nulls_where(timestamps(after(rng, created, 3600, 5e6)),
                                  ~mask(rng, sh["orders_deleted"], n)),
    }
    rng = t.rng("order_line_items")
    line_no = np.arange(m) - np.repeat(np.cumsum(k) - k, k) + 1
    done = np.isin(status[owner], ["picked", "shipped", "delivered"])
    no_product = mask(rng, sh["line_items_without_product"], m)
    created_li = created[owner]
    yield "order_line_items", {
        **t.base(uuids(rng, m)), "order_id": ids[owner],
        "product_id": nulls_where(t.ids["products"][prod], no_product),
        "line_number": line_no.astype(str), "sku": t.keep["product_sku"][prod],
        "description": t.keep["product_name"][prod], "quantity": qty(quantity),
        "unit_price": money(price),
        "discount_percent": nulls_where(disc_pct.astype(float), disc_pct == 0),
        "discount_amount": money(line_disc), "tax_type": tax_type, "tax_amount": money(line_tax),
        "line_total": money(net),
        "qty_picked": qty(np.where(done, quantity, 0)),
        "qty_shipped": qty(np.where(shipped[owner], quantity, 0)),
        "qty_delivered": qty(np.where(status[owner] == "delivered", quantity, 0)),
        "notes": NULL,
        "created_at": timestamps(created_li), "updated_at": timestamps(created_li),
    }


SIGN = {"receive": 1, "allocate": 0, "deallocate": 0, "pick": -1, "ship": -1, "adjust": 1,
        "return": 1, "transfer": -1}


def gen_inventory_movements(t: Tenant) -> Iterator[Chunk]:
    """Stock changes against real inventory rows (product and location agree with the row)."""
    inv = t.ids["inventory"]
    for rng, us in chunks_of(t, "inventory_movements", t.daily("inventory_movements")):
        n = len(us)
        row = rng.integers(0, len(inv), size=n)
        kind = pick(rng, {"receive": 2, "allocate": 2, "deallocate": 0.5, "pick": 2, "ship": 2,
                          "adjust": 0.5, "return": 0.3, "transfer": 0.3}, n)
        q = rng.integers(1, 40, size=n) * 1000
        prev = t.keep["inv_on_hand"][row] + rng.integers(0, 100, size=n) * 1000
        sign = pl.Series(kind).replace_strict(SIGN).to_numpy()
        new = np.maximum(prev + sign * q, 0)
        cost = t.keep["inv_cost"][row]
        is_order = np.isin(kind, ["allocate", "deallocate", "pick", "ship"])
        ref_type = np.where(is_order, "order",
                            np.where(kind == "receive", "purchase_order", "manual"))
        ref = np.where(is_order, sample(rng, t.ids["orders"], n), uuids(rng, n))
        yield "inventory_movements", {
            **t.base(uuids(rng, n)), "inventory_id": inv[row],
            "product_id": t.ids["products"][t.keep["inv_product"][row]],
            "location_id": t.ids["locations"][t.keep["inv_location"][row]],
            "movement_type": kind, "quantity": qty(q), "previous_quantity": qty(prev),
            "new_quantity": qty(new), "unit_cost": money(cost),
            "total_cost": money((q * cost + 500) // 1000),
            "reference_type": nulls_where(ref_type, ref_type == "manual"),
            "reference_id": nulls_where(ref, ref_type == "manual"),
            "metadata": np.full(n, "{}"),
            "notes": nulls_where(sample(rng, t.pools.sentence, n), mask(rng, 0.9, n)),
            "created_at": timestamps(us), "created_by": t.users(rng, n),
        }


ENTITY_TYPES = {"customer": ("customers", 3), "contact": ("contacts", 2), "order": ("orders", 3),
                "opportunity": ("opportunities", 1.5), "product": ("products", 1),
                "inventory": ("inventory", 1), "user": ("users", 0.3)}


def gen_activities(t: Tenant) -> Iterator[Chunk]:
    """The audit trail: every entity_id is a real row of the named type in this tenant."""
    weights = {k: w for k, (_, w) in ENTITY_TYPES.items()}
    for rng, us in chunks_of(t, "activities", t.daily("activities")):
        n = len(us)
        etype = pick(rng, weights, n)
        entity = np.empty(n, dtype="U36")
        for name, (table, _) in ENTITY_TYPES.items():
            where = etype == name
            entity[where] = sample(rng, t.ids[table], int(where.sum()))
        action = pick(rng, {"created": 2, "updated": 5, "viewed": 6, "deleted": 0.3,
                            "exported": 0.3, "shared": 0.3, "assigned": 0.8, "commented": 1}, n)
        updated = action == "updated"
        yield "activities", {
            **t.base(uuids(rng, n)), "entity_type": etype, "entity_id": entity, "action": action,
            "created_by": t.users(rng, n),
            "changes": nulls_where(concat('{"status": {"from": "', sample(rng, t.pools.word, n),
                                          '", "to": "', sample(rng, t.pools.word, n), '"}}'),
                                   ~updated),
            "metadata": concat('{"ip": "', sample(rng, t.pools.ipv4, n),
                               '", "source": "', pick(rng, {"web": 5, "api": 2, "mobile": 1}, n),
                               '"}'),
            "description": concat(action, " ", etype),
            "created_at": timestamps(us),
        }


def gen_notifications(t: Tenant) -> Iterator[Chunk]:
    """In-app notifications to users of this tenant."""
    for rng, us in chunks_of(t, "notifications", t.daily("notifications")):
        n = len(us)
        status = pick(rng, {"read": 5, "sent": 3, "dismissed": 1, "pending": 0.5, "failed": 0.2}, n)
        kind = pick(rng, {"order": 3, "quote": 2, "customer": 1, "inventory": 1, "payment": 1,
                          "shipment": 1, "system": 0.5, "user": 0.3, "issue": 0.3,
                          "warranty": 0.2, "product": 0.5}, n)
        sent = after(rng, us, 1, 60)
        yield "notifications", {
            **t.base(uuids(rng, n)), "user_id": t.users(rng, n), "type": kind,
            "title": concat("New ", kind, " update"), "message": sample(rng, t.pools.sentence, n),
            "status": status,
            "sent_at": nulls_where(timestamps(sent), status == "pending"),
            "read_at": nulls_where(timestamps(after(rng, sent, 60, 86400)), status != "read"),
            "dismissed_at": nulls_where(timestamps(after(rng, sent, 60, 86400)),
                                        status != "dismissed"),
            "failure_reason": nulls_where(np.full(n, "push endpoint gone"), status != "failed"),
            "data": concat('{"entityId": "', sample(rng, t.ids["orders"], n), '"}'),
            "created_at": timestamps(us), "updated_at": timestamps(sent),
        }


EMAIL_HEAD = ('<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" '
              'content="width=device-width"></head><body style="margin:0;padding:0;'
              'background:#f4f4f4"><table role="presentation" width="100%" cellpadding="0" '
              'cellspacing="0"><tr><td style="padding:24px;background:#ffffff">')
EMAIL_P = '<p style="margin:0 0 12px;font-family:Arial,sans-serif;font-size:14px;color:#333333">'
EMAIL_TAIL = f"{EMAIL_P}Kind regards,</p></td></tr></table></body></html>"


@cache
def email_bodies(kb: float, sigma: float, count: int = 256) -> tuple[pl.Series, pl.Series]:
    """A pool of distinct (html, text) bodies; html sizes lognormal around ``kb`` KB.

    Each body is different prose, so PostgreSQL's per-value compression sees realistic text
    (the inline-body risk is about TOAST behaviour on real-looking bodies). The html is a
    table layout with inline styles, as mail clients need, so the text is about 60% of it.
    Bodies here start after the head and greeting, which :func:`gen_email_history` adds.
    """
    p = pools()
    rng = np.random.default_rng(7)
    html, text = [], []
    # sizes at evenly spaced quantiles of the lognormal: the pool's median is the profile's,
    # not that of 256 random draws (which missed it by 6%)
    normal = NormalDist()
    for size in (kb * 1024 * np.exp(sigma * normal.inv_cdf((i + 0.5) / count))
                 for i in range(count)):
        paras: list[str] = []
        length = len(EMAIL_HEAD) + len(EMAIL_TAIL) + len(EMAIL_P) + 15  # + greeting
        while True:  # add paragraphs while that brings the size closer to ``size``
            para = str(p.paragraph[rng.integers(len(p.paragraph))])
            longer = length + len(EMAIL_P) + len(para) + 5
            if paras and abs(longer - size) >= abs(length - size):
                break
            paras.append(para)
            length = longer
        text.append("\n\n".join(paras) + "\n\nKind regards,\n")
        html.append("".join(f"{EMAIL_P}{x}</p>\n" for x in paras) + EMAIL_TAIL)
    return pl.Series(html), pl.Series(text)


def gen_email_history(t: Tenant) -> Iterator[Chunk]:
    """Outbound email with inline bodies of realistic size; addresses are real tenant rows."""
    html_pool, text_pool = email_bodies(t.profile.text["email_body_kb"],
                                        t.profile.text["email_body_sigma"])
    campaigns = uuids(t.rng("email_history#campaigns"), 12)
    for rng, us in chunks_of(t, "email_history", t.daily("email_history")):
        n = len(us)
        sender = rng.integers(0, len(t.ids["users"]), size=n)
        cust = rng.integers(0, len(t.ids["customers"]), size=n)
        body = rng.integers(0, len(html_pool), size=n)
        first = sample(rng, t.pools.first, n)
        status = pick(rng, {"delivered": 4, "opened": 3, "clicked": 1, "sent": 1, "bounced": 0.3,
                            "failed": 0.1, "pending": 0.2}, n)
        sent = after(rng, us, 1, 120)
        opened = np.isin(status, ["opened", "clicked"])
        from_campaign = mask(rng, 0.3, n)
        yield "email_history", {
            **t.base(uuids(rng, n)), "sender_id": t.ids["users"][sender],
            "from_address": t.keep["user_email"][sender],
            "to_address": t.keep["customer_email"][cust], "customer_id": t.ids["customers"][cust],
            "subject": sample(rng, t.pools.sentence, n),
            # gather from polars series: numpy would pad every body to the longest (UCS-4)
            "body_html": concat(EMAIL_HEAD, EMAIL_P, "Hi ", first, ",</p>\n",
                                html_pool.gather(body)),
            "body_text": concat("Hi ", first, ",\n\n", text_pool.gather(body)),
            "status": status,
            "campaign_id": nulls_where(sample(rng, campaigns, n), ~from_campaign),
            "template_id": nulls_where(concat("tmpl_", sample(rng, t.pools.word, n)),
                                       mask(rng, 0.5, n)),
            "opened_at": nulls_where(timestamps(after(rng, sent, 60, 2e5)), ~opened),
            "clicked_at": nulls_where(timestamps(after(rng, sent, 300, 3e5)), status != "clicked"),
            "sent_at": nulls_where(timestamps(sent), status == "pending"),
            "delivered_at": nulls_where(timestamps(after(rng, sent, 1, 30)),
                                        np.isin(status, ["pending", "failed", "bounced"])),
            "bounced_at": nulls_where(timestamps(after(rng, sent, 1, 30)), status != "bounced"),
            "bounce_reason": nulls_where(np.full(n, "550 mailbox unavailable"),
                                         status != "bounced"),
            "metadata": concat('{"messageId": "', hex_tokens(rng, n, 12), '@mail.renoz.com.au"}'),
            "created_at": timestamps(us),
        }


def gen_user_sessions(t: Tenant) -> Iterator[Chunk]:
    """Logins; the token is globally unique (128 random bits)."""
    for rng, us in chunks_of(t, "user_sessions", t.daily("user_sessions")):
        n = len(us)
        yield "user_sessions", {
            "id": uuids(rng, n), "user_id": t.users(rng, n),
            "session_token": hex_tokens(rng, n, 16),
            "user_agent": sample(rng, t.pools.user_agent, n),
            "ip_address": sample(rng, t.pools.ipv4, n),
            "created_at": timestamps(us), "updated_at": timestamps(after(rng, us, 60, 28800)),
        }


# Generation order: parents before children (orders before movements, which reference them).
GENERATORS: tuple[Callable[[Tenant], Iterator[Chunk]], ...] = (
    gen_organizations, gen_users, gen_api_tokens, gen_user_sessions, gen_customers, gen_contacts,
    gen_products, gen_locations, gen_inventory, gen_opportunities, gen_quotes, gen_orders,
    gen_inventory_movements, gen_activities, gen_notifications, gen_email_history,
)
TABLES = tuple(g.__name__.removeprefix("gen_") for g in GENERATORS[:11]) + (
    "orders", "order_line_items", "inventory_movements", "activities", "notifications",
    "email_history")


def tenant_chunks(t: Tenant) -> Iterator[Chunk]:
    """Every chunk of one tenant, in foreign-key order."""
    for gen in GENERATORS:
        yield from gen(t)
