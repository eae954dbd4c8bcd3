"""Seeding profiles: declarative TOML files in ``seeds/``.

A profile says how many tenants, how skewed their sizes are, how long the period is and how
busy each tenant is per day; nothing about *how* rows are made. Every key is checked when the
file is loaded, so a typo is a one-line error naming the field instead of a silent default.

The period is anchored by a fixed date in the profile, never by "today": the same profile,
scale and seed must give identical rows next month too. A profile names either its ``end`` (the
last day, the usual choice) or its ``start``. The anchor matters on the remediated variant: unit
0300 partitions the event tables by month from 24 months before to 3 after the month it is
applied in, plus a DEFAULT partition; rows of a period outside that window land in DEFAULT and
the partitioning experiment measures nothing. So the shipped profiles end on a recent month
end (:data:`ANCHOR`), and ``tests/test_seed.py`` fails once that falls out of the window: move
the anchor forward then (the rows change, deliberately and visibly).
"""

from __future__ import annotations

import datetime as dt
import importlib
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from workbench.errors import BadParameter, NotFound
from workbench.paths import seeds_dir

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
VOLUME_SECTIONS = ("per_tenant", "per_day", "per_parent", "shares", "text")
"""Volumes read by a profile module's own generators: the keys of each are the module's
(its ``VOLUMES``), and all of them are required when a profile names such a module."""
TOP_LEVEL = ("description", "tenants", "skew", "start", "end", "days", "growth", "weekday",
             "hours", *VOLUME_SECTIONS, "catalog")
ANCHOR = dt.date(2026, 10, 31)  # the shipped profiles' ``end``; see the module docstring


@dataclass(frozen=True)
class Profile:
    """A validated seeding profile (after ``--scale``)."""

    name: str
    description: str
    tenants: int
    skew: float
    start: dt.date
    days: int
    growth: float
    weekday: dict[str, float]
    business_hours: tuple[int, int]
    after_hours: float
    per_tenant: dict[str, float]
    per_day: dict[str, float]
    per_parent: dict[str, float]
    shares: dict[str, float]
    text: dict[str, float]
    scale: float = 1.0
    source: Path | None = field(default=None, compare=False)
    catalog: dict[str, Any] = field(default_factory=dict)  # raw [catalog]: seed/overrides.py

    def scaled(self, scale: float) -> Profile:
        """The profile with every per-tenant and per-day volume multiplied by ``scale``.

        Tenants, the period and per-parent ratios stay: scaling makes each tenant busier, it
        does not invent new organizations.
        """
        check_scale(scale)
        return replace(
            self,
            per_tenant={k: v * scale for k, v in self.per_tenant.items()},
            per_day={k: v * scale for k, v in self.per_day.items()},
            scale=self.scale * scale,
        )

    @property
    def end(self) -> dt.date:
        """The last day of the period (inclusive)."""
        return self.start + dt.timedelta(days=self.days - 1)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for manifests."""
        return {
            "name": self.name, "description": self.description, "tenants": self.tenants,
            "skew": self.skew, "start": self.start.isoformat(), "end": self.end.isoformat(),
            "days": self.days,
            "growth": self.growth, "weekday": self.weekday,
            "business_hours": list(self.business_hours), "after_hours": self.after_hours,
            "per_tenant": self.per_tenant, "per_day": self.per_day,
            "per_parent": self.per_parent, "shares": self.shares, "text": self.text,
            "scale": self.scale, "catalog": self.catalog,
        }


def check_scale(scale: float) -> None:
    """``--scale`` must be a positive number."""
    if not isinstance(scale, int | float) or not scale > 0:
        raise BadParameter(f"--scale must be a positive number, got {scale!r}")


def list_profiles() -> list[str]:
    """Names of the profiles in ``seeds/``."""
    return sorted(p.stem for p in seeds_dir().glob("*.toml"))


def _where(name: str, key: str) -> str:
    return f"profile {name!r}: {key}"


def _number(name: str, key: str, value: Any, *, low: float = 0.0, high: float | None = None,
            integer: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadParameter(f"{_where(name, key)} must be a number, got {value!r}")
    if integer and int(value) != value:
        raise BadParameter(f"{_where(name, key)} must be a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise BadParameter(f"{_where(name, key)} must be {bound}, got {value!r}")
    return float(value)


def _section(name: str, data: dict[str, Any], section: str, keys: tuple[str, ...],
             *, high: float | None = None, required: bool = True) -> dict[str, float]:
    raw = data.get(section, {})
    if not isinstance(raw, dict):
        raise BadParameter(f"{_where(name, section)} must be a table of name = number")
    unknown = sorted(set(raw) - set(keys))
    if unknown:
        raise BadParameter(
            f"{_where(name, section + '.' + unknown[0])} is not a known key "
            f"(known: {', '.join(keys)})"
        )
    missing = [k for k in keys if k not in raw]
    if required and missing:
        raise BadParameter(f"{_where(name, section + '.' + missing[0])} is missing")
    return {k: _number(name, f"{section}.{k}", raw[k], high=high) for k in keys if k in raw}


def import_module(module: str, where: str) -> Any:
    """A profile's generators module, imported; one error naming ``where`` if it cannot be."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise BadParameter(f"{where}: cannot import {module!r} ({exc})") from None


def _module_volumes(name: str, module: Any) -> dict[str, tuple[str, ...]]:
    """The volume keys a profile module's generators read (its ``VOLUMES``); none without one.

    The keys belong to the module (a reviewed-schema key means nothing to another schema's
    generators), so a profile is checked against the module it names.
    """
    if not isinstance(module, str):
        return {}
    try:
        volumes = import_module(module, _where(name, "catalog.generators")).VOLUMES
    except AttributeError:
        raise BadParameter(f"{_where(name, 'catalog.generators')}: module {module!r} declares no "
                           "VOLUMES (section -> the volume keys its generators read)") from None
    unknown = sorted(set(volumes) - set(VOLUME_SECTIONS))
    if unknown:
        raise BadParameter(f"{module}.VOLUMES: {unknown[0]} is not a volume section (known: "
                           f"{', '.join(VOLUME_SECTIONS)})")
    return {k: tuple(v) for k, v in volumes.items()}


def _date(name: str, key: str, value: Any) -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise BadParameter(f"{_where(name, key)} must be a date YYYY-MM-DD") from None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise BadParameter(f"{_where(name, key)} must be a date YYYY-MM-DD")
    return value


def parse_profile(name: str, data: dict[str, Any], source: Path | None = None) -> Profile:
    """Validate a profile's raw TOML data; every problem names its field."""
    unknown = sorted(set(data) - set(TOP_LEVEL))
    if unknown:
        raise BadParameter(f"{_where(name, unknown[0])} is not a known key")
    for key in ("tenants", "days"):
        if key not in data:
            raise BadParameter(f"{_where(name, key)} is missing")
    if ("start" in data) == ("end" in data):
        raise BadParameter(f"{_where(name, 'end')}: give either end (last day) or start")
    days = int(_number(name, "days", data["days"], low=1, integer=True))
    anchor = "end" if "end" in data else "start"
    start = _date(name, anchor, data[anchor])
    if anchor == "end":
        start -= dt.timedelta(days=days - 1)
    hours = data.get("hours", {})
    business = hours.get("business", [8, 18])
    if (not isinstance(business, list) or len(business) != 2
            or not all(isinstance(h, int) and 0 <= h <= 24 for h in business)
            or business[0] >= business[1]):
        raise BadParameter(f"{_where(name, 'hours.business')} must be [first_hour, end_hour]")
    weekday = _section(name, data, "weekday", WEEKDAYS, required=False)
    if "engine" in data:
        raise BadParameter(f"{_where(name, 'engine')}: every profile runs on the catalog engine "
                           "now; remove the key (a profile's own generators are named in "
                           "[catalog] generators)")
    catalog = data.get("catalog", {})
    if not isinstance(catalog, dict):
        raise BadParameter(f"{_where(name, 'catalog')} must be a table")
    volumes = _module_volumes(name, catalog.get("generators"))
    hand = bool(volumes)

    def section(key: str, high: float | None = None) -> dict[str, float]:
        return _section(name, data, key, volumes.get(key, ()), high=high, required=hand)

    return Profile(
        name=name,
        description=str(data.get("description", "")),
        tenants=int(_number(name, "tenants", data["tenants"], low=1, integer=True)),
        skew=_number(name, "skew", data.get("skew", 1.0), high=5),
        start=start,
        days=days,
        growth=_number(name, "growth", data.get("growth", 0.0), low=-0.9),
        weekday={d: weekday.get(d, 1.0) for d in WEEKDAYS},
        business_hours=(business[0], business[1]),
        after_hours=_number(name, "hours.after_hours", hours.get("after_hours", 0.1)),
        per_tenant=section("per_tenant"),
        per_day=section("per_day"),
        per_parent=section("per_parent"),
        shares=section("shares", high=1.0),
        text=section("text"),
        source=source,
        catalog=catalog,
    )


def load_profile(name: str | Path, scale: float = 1.0) -> Profile:
    """A profile by name (``seeds/<name>.toml``) or path, scaled by ``scale``."""
    check_scale(scale)
    path = Path(name) if str(name).endswith(".toml") else seeds_dir() / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(list_profiles()) or "none"
        raise NotFound(f"no seeding profile {str(name)!r} (known: {known})")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise BadParameter(f"profile {path.name} is not valid TOML: {exc}") from None
    profile = parse_profile(path.stem, data, path)
    return profile.scaled(scale) if scale != 1.0 else profile
