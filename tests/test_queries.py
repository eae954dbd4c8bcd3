"""Query catalog registry: parameter drawing for a given organization (the load tests' path)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import psycopg
import pytest

from workbench.errors import BadParameter
from workbench.queries import LAST_UUID, catalog, draw_parameters_for


def test_every_catalog_parameter_is_drawn_for_any_organization(
    baseline_db: str, connect: Callable[..., psycopg.Connection]
) -> None:
    """An organization without rows still gets a full set (a window ending now, no cursor)."""
    conn = connect(baseline_db, autocommit=True)
    org = str(uuid.uuid4())
    drawn = draw_parameters_for(conn, [org], window_days=7, page_size=10)
    assert list(drawn) == [org]
    params = drawn[org]
    assert (params.tenant, params.window) == (org, "recent")
    assert params.values["org_id"] == org and params.values["page_size"] == 10
    assert params.values["since"] < params.values["until"]
    assert params.values["cursor_id"] == LAST_UUID
    for query in catalog().values():
        assert set(params.for_query(query)) == set(query.params)
    with pytest.raises(BadParameter):
        draw_parameters_for(conn, [org], window="someday")
