"""What a column means, read from its name and type, and the value pools for each meaning.

A column called ``email`` gets addresses, ``country_code`` ISO codes, ``amount`` money, whatever
the table is called: the rules below look at the words of the column name (snake_case or
camelCase split), never at a list of table names. ``name`` alone is ambiguous, so it takes its
meaning from the words of its table's name (a person, a company, a product or a title).

Pools are built by Faker once per process (cached on disk, see
:func:`workbench.seed.values.cached_pools`) and sampled with numpy; Faker never runs per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np

from workbench.seed.values import POOL_SEED, cached_pools, pools

TEXT_TYPES = frozenset({"text", "varchar", "bpchar", "citext", "name"})

# (meaning, words that must all appear in the column name's words, types it applies to)
# First match wins; order goes from specific to general.
RULES: tuple[tuple[str, tuple[str, ...], frozenset[str]], ...] = tuple(
    (meaning, tuple(words.split()), frozenset(types.split()))
    for meaning, words, types in (
        ("email", "email", "text varchar citext"),
        ("email", "mail", "text varchar citext"),
        ("email", "from address", "text varchar citext"),
        ("email", "to address", "text varchar citext"),
        ("email", "reply to", "text varchar citext"),
        ("first_name", "first name", "text varchar citext"),
        ("first_name", "given name", "text varchar citext"),
        ("first_name", "firstname", "text varchar citext"),
        ("last_name", "last name", "text varchar citext"),
        ("last_name", "family name", "text varchar citext"),
        ("last_name", "surname", "text varchar citext"),
        ("last_name", "lastname", "text varchar citext"),
        ("username", "username", "text varchar citext"),
        ("username", "user name", "text varchar citext"),
        ("username", "handle", "text varchar citext"),
        ("username", "login", "text varchar citext"),
        ("person", "full name", "text varchar citext"),
        ("person", "display name", "text varchar citext"),
        ("person", "contact name", "text varchar citext"),
        ("company", "company", "text varchar citext"),
        ("company", "organization name", "text varchar citext"),
        ("company", "business name", "text varchar citext"),
        ("phone", "phone", "text varchar bpchar"),
        ("phone", "mobile", "text varchar bpchar"),
        ("phone", "fax", "text varchar bpchar"),
        ("url", "url", "text varchar"),
        ("url", "website", "text varchar"),
        ("url", "homepage", "text varchar"),
        ("url", "link", "text varchar"),
        ("domain", "domain", "text varchar citext"),
        ("ip", "ip", "text varchar inet cidr"),
        ("user_agent", "agent", "text varchar"),
        ("country_code", "country code", "text varchar bpchar"),
        ("country_code", "country iso", "text varchar bpchar"),
        ("currency", "currency", "text varchar bpchar"),
        ("country", "country", "text varchar"),
        ("city", "city", "text varchar"),
        ("city", "suburb", "text varchar"),
        ("city", "town", "text varchar"),
        ("state", "state", "text varchar"),
        ("state", "province", "text varchar"),
        ("state", "region", "text varchar"),
        ("postcode", "postcode", "text varchar bpchar"),
        ("postcode", "zip", "text varchar bpchar"),
        ("postcode", "postal", "text varchar bpchar"),
        ("street", "street", "text varchar"),
        ("street", "address", "text varchar"),
        ("timezone", "timezone", "text varchar"),
        ("timezone", "tz", "text varchar"),
        ("timezone", "time zone", "text varchar"),
        ("locale", "locale", "text varchar bpchar"),
        ("locale", "language", "text varchar bpchar"),
        ("locale", "lang", "text varchar bpchar"),
        ("color", "color", "text varchar bpchar"),
        ("color", "colour", "text varchar bpchar"),
        ("mime", "mime", "text varchar"),
        ("mime", "content type", "text varchar"),
        ("file_name", "filename", "text varchar"),
        ("file_name", "file name", "text varchar"),
        ("file_name", "path", "text varchar"),
        ("file_name", "key", "text varchar"),
        ("slug", "slug", "text varchar citext"),
        ("token", "token", "text varchar"),
        ("token", "hash", "text varchar bytea"),
        ("token", "secret", "text varchar bytea"),
        ("token", "digest", "text varchar bytea"),
        ("token", "signature", "text varchar bytea"),
        ("code", "sku", "text varchar citext"),
        ("code", "code", "text varchar citext"),
        ("code", "number", "text varchar citext"),
        ("code", "reference", "text varchar citext"),
        ("code", "ref", "text varchar citext"),
        ("job", "job", "text varchar"),
        ("title", "title", "text varchar"),
        ("sentence", "subject", "text varchar"),
        ("sentence", "summary", "text varchar"),
        ("sentence", "headline", "text varchar"),
        ("paragraph", "description", "text varchar"),
        ("paragraph", "notes", "text varchar"),
        ("paragraph", "note", "text varchar"),
        ("paragraph", "body", "text varchar"),
        ("paragraph", "content", "text varchar"),
        ("paragraph", "message", "text varchar"),
        ("paragraph", "comment", "text varchar"),
        ("paragraph", "bio", "text varchar"),
        ("paragraph", "text", "text varchar"),
        ("status", "status", "text varchar"),
        ("status", "state", "text varchar"),
        ("word", "type", "text varchar"),
        ("word", "kind", "text varchar"),
        ("word", "category", "text varchar"),
        ("word", "role", "text varchar"),
        ("word", "source", "text varchar"),
        ("word", "channel", "text varchar"),
        ("word", "provider", "text varchar"),
        ("word", "plan", "text varchar"),
        ("word", "tag", "text varchar"),
        ("latitude", "latitude", "float4 float8 numeric"),
        ("latitude", "lat", "float4 float8 numeric"),
        ("longitude", "longitude", "float4 float8 numeric"),
        ("longitude", "lng", "float4 float8 numeric"),
        ("longitude", "lon", "float4 float8 numeric"),
        ("money", "amount", "numeric int4 int8 float8 money"),
        ("money", "price", "numeric int4 int8 float8 money"),
        ("money", "total", "numeric float8 money"),
        ("money", "subtotal", "numeric int4 int8 float8 money"),
        ("money", "cost", "numeric int4 int8 float8 money"),
        ("money", "balance", "numeric int4 int8 float8 money"),
        ("money", "fee", "numeric int4 int8 float8 money"),
        ("money", "revenue", "numeric int4 int8 float8 money"),
        ("money", "salary", "numeric int4 int8 float8 money"),
        ("money", "budget", "numeric int4 int8 float8 money"),
        ("money", "value", "numeric money"),
        ("money", "cents", "int4 int8"),
        ("percent", "percent", "numeric int2 int4 float4 float8"),
        ("percent", "percentage", "numeric int2 int4 float4 float8"),
        ("percent", "probability", "numeric int2 int4 float4 float8"),
        ("percent", "rate", "numeric float4 float8"),
        ("quantity", "quantity", "numeric int2 int4 int8"),
        ("quantity", "qty", "numeric int2 int4 int8"),
        ("quantity", "count", "int2 int4 int8"),
        ("rating", "rating", "numeric int2 int4 float4 float8"),
        ("rating", "score", "numeric int2 int4 float4 float8"),
        ("rating", "stars", "int2 int4"),
        ("year", "year", "int2 int4"),
        ("age", "age", "int2 int4"),
        ("position", "position", "int2 int4 int8 numeric float8"),
        ("position", "sort", "int2 int4 int8 numeric float8"),
        ("position", "order", "int2 int4 int8"),
        ("position", "rank", "int2 int4 int8"),
        ("position", "priority", "int2 int4"),
        ("position", "index", "int2 int4 int8"),
        ("duration", "duration", "int2 int4 int8 numeric"),
        ("duration", "seconds", "int2 int4 int8 numeric"),
        ("duration", "minutes", "int2 int4 int8 numeric"),
        ("tags", "tags", "json jsonb"),
        ("tags", "labels", "json jsonb"),
        ("tags", "keywords", "json jsonb"),
        ("birth", "birth", "date timestamp timestamptz"),
        ("birth", "dob", "date timestamp timestamptz"),
        ("tombstone", "deleted", "date timestamp timestamptz"),
        ("tombstone", "archived", "date timestamp timestamptz"),
        ("tombstone", "revoked", "date timestamp timestamptz"),
        ("tombstone", "cancelled", "date timestamp timestamptz"),
        ("tombstone", "canceled", "date timestamp timestamptz"),
        ("tombstone", "banned", "date timestamp timestamptz"),
        ("tombstone", "disabled", "date timestamp timestamptz"),
        ("tombstone", "voided", "date timestamp timestamptz"),
        ("future", "expires", "date timestamp timestamptz"),
        ("future", "expiry", "date timestamp timestamptz"),
        ("future", "due", "date timestamp timestamptz"),
        ("future", "until", "date timestamp timestamptz"),
        ("future", "ends", "date timestamp timestamptz"),
        ("future", "end", "date timestamp timestamptz"),
        ("later", "updated", "date timestamp timestamptz"),
        ("later", "modified", "date timestamp timestamptz"),
        ("later", "last", "date timestamp timestamptz"),
        ("later", "completed", "date timestamp timestamptz"),
        ("later", "sent", "date timestamp timestamptz"),
        ("later", "read", "date timestamp timestamptz"),
        ("later", "seen", "date timestamp timestamptz"),
        ("later", "confirmed", "date timestamp timestamptz"),
        ("later", "verified", "date timestamp timestamptz"),
        ("later", "accepted", "date timestamp timestamptz"),
        ("later", "paid", "date timestamp timestamptz"),
    )
)
PERSON_TABLE = {"user", "users", "person", "people", "member", "members", "contact", "contacts",
                "customer", "customers", "employee", "employees", "profile", "profiles",
                "author", "authors", "staff", "client", "clients", "student", "students",
                "patient", "patients", "account_user", "player", "players"}
COMPANY_TABLE = {"organization", "organizations", "organisation", "organisations", "org", "orgs",
                 "company", "companies", "team", "teams", "workspace", "workspaces", "tenant",
                 "tenants", "account", "accounts", "business", "businesses", "vendor", "vendors",
                 "supplier", "suppliers", "agency", "agencies", "brand", "brands"}
PRODUCT_TABLE = {"product", "products", "item", "items", "sku", "skus", "part", "parts"}


def words(name: str) -> list[str]:
    """The words of an identifier: snake_case, kebab-case and camelCase split, lowercased."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def meaning_of(column: str, base: str, table: str) -> str | None:
    """The meaning of ``column`` (of base type ``base``) in ``table``, or None."""
    parts = words(column)
    if parts in (["name"], ["display", "name"]) and base in TEXT_TYPES:
        tparts = set(words(table.split(".")[-1]))
        if tparts & PERSON_TABLE:
            return "person"
        if tparts & COMPANY_TABLE:
            return "company"
        if tparts & PRODUCT_TABLE:
            return "product"
        return "title"
    kind = "text" if base in TEXT_TYPES else base
    for meaning, needed, types in RULES:
        if kind in types and all(w in parts for w in needed):
            return meaning
    return None


@dataclass(frozen=True)
class ExtraPools:
    """Meanings the seeder's original pools lack (made by Faker, fixed content)."""

    country_code: np.ndarray
    country: np.ndarray
    currency: np.ndarray
    timezone: np.ndarray
    locale: np.ndarray
    url: np.ndarray
    color: np.ndarray
    mime: np.ndarray
    file_name: np.ndarray
    username: np.ndarray
    title: np.ndarray


def _build_extra() -> ExtraPools:
    from faker import Faker

    fake = Faker("en_AU")
    fake.seed_instance(POOL_SEED)

    def many(fn, n: int = 300) -> np.ndarray:  # type: ignore[no-untyped-def]
        return np.array(sorted({str(fn()) for _ in range(n)}))

    return ExtraPools(
        country_code=many(fake.country_code), country=many(fake.country),
        currency=many(fake.currency_code), timezone=many(fake.timezone),
        locale=many(lambda: fake.locale().replace("_", "-")), url=many(fake.url),
        color=many(fake.hex_color), mime=many(fake.mime_type), file_name=many(fake.file_name),
        username=many(fake.user_name, 800), title=many(fake.catch_phrase, 600),
    )


@cache
def extra_pools() -> ExtraPools:
    """The extra pools (built once per process, cached on disk)."""
    return cached_pools("seed-extra-pools", _build_extra, ExtraPools)


STATUS_WORDS = np.array(["active", "pending", "inactive", "archived", "draft", "completed"])


@cache
def pool_for(meaning: str) -> np.ndarray | None:
    """The pool of text values for ``meaning`` (None: the meaning is not a text pool)."""
    p, x = pools(), extra_pools()
    table = {
        "first_name": p.first, "last_name": p.last, "company": p.company, "street": p.street,
        "city": p.city, "state": p.state, "postcode": p.postcode, "phone": p.phone,
        "job": p.job, "word": p.word, "sentence": p.sentence, "paragraph": p.paragraph,
        "domain": p.domain, "user_agent": p.user_agent, "ip": p.ipv4, "product": p.product,
        "country_code": x.country_code, "country": x.country, "currency": x.currency,
        "timezone": x.timezone, "locale": x.locale, "url": x.url, "color": x.color,
        "mime": x.mime, "file_name": x.file_name, "username": x.username, "title": x.title,
        "status": STATUS_WORDS,
    }
    return table.get(meaning)
