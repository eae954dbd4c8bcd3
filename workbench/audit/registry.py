"""Every check, found by scanning: ``sql/audits/NNNN_name.sql`` and ``workbench/audit/checks/``.

Identity comes from the code (sqlfluff's rules): a SQL check's id is its file name without the
number, a Python check's id is its module name; the title is the first line of its docs. A SQL
check's header says the rest::

    -- Tenant tables whose tenant column has no foreign key to the tenant table.
    -- severity: high
    -- risks: RISK-MT-001
    -- kind: structural
    -- requires: tenant-model        (optional: not run, never clean, without a tenant model)
    -- identity: table_name          (optional: the columns naming the object; default *_name)
    -- condition: matters only if ... {owner}   (optional: the rows are ONE finding, see model)
    -- Further comment lines are the check's documentation.

Its query returns one row per offending object; the count is the number of rows.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache
from pathlib import Path

from workbench.audit.base import PythonCheck, SqlCheck
from workbench.audit.model import KINDS, SEVERITIES, CheckInfo
from workbench.errors import BadParameter, NotFound
from workbench.paths import sql_dir

Check = SqlCheck | PythonCheck
_FIELD = re.compile(r"^--\s*(severity|risks|kind|requires|identity|condition):\s*(.*)$")
REQUIREMENTS = ("tenant-model",)


def _parse_sql(path: Path) -> SqlCheck:
    number, _, name = path.stem.partition("_")
    if not number.isdigit() or not name:
        raise BadParameter(f"{path.name}: audit files are named NNNN_snake_name.sql")
    text = path.read_text()
    fields: dict[str, str] = {}
    docs: list[str] = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        if m := _FIELD.match(line):
            fields[m.group(1)] = m.group(2).strip()
        else:
            docs.append(line[2:].strip())
    severity, kind = fields.get("severity", ""), fields.get("kind", "structural")
    if severity not in SEVERITIES or kind not in KINDS or not docs or not fields.get("risks"):
        raise BadParameter(f"{path.name}: header needs a title line, severity, risks and kind")
    if fields.get("requires", REQUIREMENTS[0]) not in REQUIREMENTS:
        raise BadParameter(f"{path.name}: requires: must be one of {', '.join(REQUIREMENTS)}")
    risks = _list(fields["risks"])
    info = CheckInfo(name, docs[0], severity, risks, kind, " ".join(d for d in docs[1:] if d),
                     str(path), int(number), "requires" in fields,
                     _list(fields.get("identity", "")), fields.get("condition", ""))
    return SqlCheck(info, text)


def _list(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


@cache
def _sql_checks(folder: Path) -> tuple[SqlCheck, ...]:
    """Parsed once per process: every probe and audit run asks the registry again."""
    return tuple(_parse_sql(p) for p in sorted(folder.glob("*.sql")))


@cache
def _python_checks() -> tuple[PythonCheck, ...]:
    package = importlib.import_module("workbench.audit.checks")
    found: list[PythonCheck] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        classes = [obj for obj in vars(module).values() if isinstance(obj, type)
                   and issubclass(obj, PythonCheck) and obj is not PythonCheck
                   and obj.__module__ == module.__name__]
        if len(classes) != 1:
            raise BadParameter(f"{module.__name__} must define exactly one check class")
        found.append(classes[0]())
    return tuple(found)


def registry() -> dict[str, Check]:
    """Every check keyed by id, in run order (SQL by number, then Python checks by number)."""
    checks: list[Check] = list(_sql_checks(sql_dir() / "audits"))
    checks.extend(_python_checks())
    out: dict[str, Check] = {}
    for check in sorted(checks, key=lambda c: c.order):
        if check.id in out:
            raise BadParameter(f"two checks share the id {check.id!r}")
        out[check.id] = check
    return out


def select(ids: list[str] | None = None, kinds: list[str] | None = None) -> list[Check]:
    """Checks by id and/or kind (all structural and data checks when nothing is asked)."""
    reg = registry()
    for cid in ids or []:
        if cid not in reg:
            raise NotFound(f"no audit check {cid!r} (known: {', '.join(reg)})")
    wanted_kinds = kinds or ["structural", "data"]
    return [c for c in reg.values()
            if (c.id in (ids or []) if ids else c.kind in wanted_kinds)]
