"""Nothing outside the reviewed schema's profile assumes its table or column names.

The developers' guide: only ``sql/baseline/``, ``sql/mitigations/`` and the reviewed schema's
profile may name its tables or columns; everything else reads the catalog (the tenant model) or
the profile's data (``sql/baseline/subject.toml`` through :mod:`workbench.risks.subject`). This
test reads the reviewed table names from the baseline DDL itself (so it follows the schema) and
looks for them, and for its tenant column, in the code's strings (SQL, identifiers, messages)
and in the SQL files, outside the allow-list below. Docstrings and comments are prose and not
searched. No database needed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from workbench.paths import project_root, sql_dir

ROOT = project_root()

PROFILE = {
    "sql/baseline/": "the reviewed schema's DDL and its profile (subject.toml, subject/)",
    "sql/mitigations/": "the mitigation units, written for the reviewed schema",
    "sql/queries/": "the reviewed application's query catalog",
    "sql/load/": "the reviewed application's request context and write transactions",
    "workbench/load/transactions.py": "runs sql/load/write/ the way the reviewed ORM writes",
    "workbench/seed/profiles/reviewed/": "the reviewed schema's seeding profile (its tables "
                                         "handed to the hand-written generators, its "
                                         "distributions and their charts)",
    "workbench/seed/meaning.py": "English words that tell what a table holds (a person, a "
                                 "company, a product): vocabulary for any schema, not the "
                                 "reviewed one's names",
}
"""Files that ARE the reviewed schema's profile, and why."""

AMBIGUOUS = {
    "users": "also Locust's simulated users and the platform's auth.users",
    "locations": "also a SARIF result field",
}
"""Reviewed table names that are ordinary words in this code base; not searched."""

EXTRA_NAMES = ("organization_id",)
"""The reviewed tenant column, which no generic code may assume."""


def reviewed_names() -> set[str]:
    """The reviewed public tables (from the baseline DDL) plus its tenant column."""
    ddl = "\n".join(p.read_text() for p in sorted((sql_dir() / "baseline").glob("0[1-9]*.sql")))
    tables = set(re.findall(r"(?i)CREATE TABLE (?:IF NOT EXISTS )?public\.(\w+)", ddl))
    assert {"organizations", "customers"} <= tables, tables  # the pattern still reads the DDL
    return (tables - set(AMBIGUOUS)) | set(EXTRA_NAMES)


def _allowed(rel: str) -> bool:
    return any(rel.startswith(prefix) for prefix in PROFILE)


def _python_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant that is not a docstring."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                       ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    # attribute docstrings (a string right after an assignment) are prose too
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            for prev, cur in zip(body, body[1:], strict=False):
                if (isinstance(prev, (ast.Assign, ast.AnnAssign)) and isinstance(cur, ast.Expr)
                        and isinstance(cur.value, ast.Constant)):
                    docstrings.add(id(cur.value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docstrings]


def _sql_text(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every SQL line with its ``--`` comment removed."""
    return [(i, line.split("--", 1)[0]) for i, line in enumerate(path.read_text().splitlines(), 1)]


def offenders(root: Path = ROOT) -> list[str]:
    """``path:line: name`` for every reviewed name outside the profile, under ``root``."""
    pattern = re.compile(r"\b(" + "|".join(sorted(reviewed_names())) + r")\b")
    found = []
    files = [*root.joinpath("workbench").rglob("*.py"), *root.joinpath("sql").rglob("*.sql")]
    for path in sorted(files):
        rel = path.relative_to(root).as_posix()
        if _allowed(rel):
            continue
        texts = _python_strings(path) if path.suffix == ".py" else _sql_text(path)
        for line, text in texts:
            found += [f"{rel}:{line}: {m}" for m in sorted(set(pattern.findall(text)))]
    return found


def test_no_reviewed_names_outside_the_profile() -> None:
    assert offenders() == [], (
        "these name the reviewed schema's tables or tenant column outside its profile: read the "
        "tenant model or the catalog, or put the fact in sql/baseline/subject.toml")


def test_the_search_finds_planted_names(tmp_path: Path) -> None:
    """The check can fail: code strings and SQL naming the reviewed schema are reported, prose
    (docstrings, comments) and the profile's own folders are not."""
    (tmp_path / "workbench").mkdir()
    (tmp_path / "workbench" / "probe.py").write_text(
        '"""Prose may say customers."""\nQUERY = "SELECT 1 FROM public.customers"\n')
    for folder, text in (("sql/explain", "-- orders by size\nSELECT organization_id FROM t\n"),
                         ("sql/baseline/subject", "SELECT 1 FROM orders\n")):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "x.sql").write_text(text)
    assert offenders(tmp_path) == ["sql/explain/x.sql:2: organization_id",
                                   "workbench/probe.py:2: customers"]
