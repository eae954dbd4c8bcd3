"""A profile hands tables to its own generator; the catalog engine makes everything else.

On the billing fixture (tests/seed_schemas/billing.sql) the profile hands bills and their lines
to one callable (tests/seed_schemas/billing_generators.py): every bill's total is the sum of its
lines, the column the callable leaves out comes from the catalog, a catalog-made table points at
handed rows and handed rows at catalog-made ones, all inside their tenant, with the same rows on
one worker or two.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbench import db
from workbench.errors import BadParameter
from workbench.seed.catalog_model import SchemaCatalog
from workbench.seed.catalog_runner import explain_plan, seed_catalog
from workbench.seed.profile import parse_profile
from workbench.seed.verify import checksums, cross_tenant_references, violations
from workbench.settings import Settings
from workbench.sqlfiles import run_script
from workbench.tenancy import infer

pytestmark = pytest.mark.db
SCHEMAS = Path(__file__).parent / "seed_schemas"
BILLS = "billing_generators:bills"
PROFILE = {"tenants": 3, "skew": 1.0, "end": "2026-10-31", "days": 30,
           "catalog": {"rows_per_tenant": 20, "fanout": 2,
                       "generators": {"public.bills": BILLS, "public.bill_lines": BILLS}}}


@pytest.fixture
def importable(monkeypatch: pytest.MonkeyPatch) -> None:
    """The generator's module importable here and in worker processes (they get the env)."""
    monkeypatch.syspath_prepend(str(SCHEMAS))
    monkeypatch.setenv("PYTHONPATH", str(SCHEMAS))


@pytest.fixture
def billing(settings: Settings):  # type: ignore[no-untyped-def]
    name = f"{settings.prefix}_handover"
    db.create_database(settings, name, replace=True, allow_destroy=False)
    with db.connection(settings, name, autocommit=True) as conn:
        run_script(conn, SCHEMAS / "billing.sql")
    yield name
    db.drop_database(settings, name)


def test_handed_tables_follow_their_generator_and_the_rest_the_catalog(
        importable, billing, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    prof = parse_profile("billing", PROFILE)
    explained = explain_plan(settings, billing, prof)
    assert f"public.bills [direct] made by the profile's generator {BILLS}" in explained
    assert f"public.bill_lines [direct] made by the profile's generator {BILLS}" in explained
    sums = []
    for workers in (1, 2):
        report = seed_catalog(settings, billing, prof, workers=workers,
                              mode="replace" if sums else "refuse")
        assert report.tables["public.bills"].rows > 0
        assert report.tables["public.bill_lines"].rows >= report.tables["public.bills"].rows
        with db.connection(settings, billing, autocommit=True) as conn:
            catalog = SchemaCatalog.read(conn, ("public",))
            sums.append(checksums(conn, catalog))
            assert {k: v for k, v in violations(conn, catalog).items() if v} == {}
            crossing = cross_tenant_references(conn, catalog, infer(conn, schemas=("public",)))
            assert len(crossing) >= 3 and {k: v for k, v in crossing.items() if v} == {}
            wrong, memos, paid = conn.execute(
                "SELECT (SELECT count(*) FROM bills b WHERE total <> (SELECT sum(amount) "
                "FROM bill_lines l WHERE l.bill_id = b.id)), "
                "(SELECT count(memo) FROM bills), (SELECT count(*) FROM payments)").fetchone()
        assert wrong == 0  # the derived total: the generator's rule, not the catalog's
        assert memos == report.tables["public.bills"].rows  # left out: the catalog filled it
        assert paid > 0  # a catalog-made table pointing at handed rows
    assert sums[0] == sums[1]
    assert all(rows > 0 for rows, _ in sums[0].values()), sums[0]


def test_a_generator_listed_before_its_parent_is_one_error(importable, billing,
                                                          settings: Settings) -> None:  # type: ignore[no-untyped-def]
    backwards = {**PROFILE, "catalog": {"generators": {"public.bill_lines": BILLS,
                                                       "public.bills": BILLS}}}
    with pytest.raises(BadParameter, match="lists public.bill_lines before public.bills"):
        explain_plan(settings, billing, parse_profile("billing", backwards))
    missing = {**PROFILE, "catalog": {"generators": {"public.bills": "billing_generators:nope"}}}
    with pytest.raises(BadParameter, match="names no callable"):
        explain_plan(settings, billing, parse_profile("billing", missing))
    assert "billing_generators" in sys.modules
