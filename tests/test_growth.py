"""Growth follows the profile: scales reach its full volume, plans are captured per scale."""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd
import psycopg
import pytest

from tests._team_tracker import build
from workbench import tenancy
from workbench.experiments.growth import (
    flips,
    growth_of,
    mark_flips,
    profile_rows,
    scales_for,
)
from workbench.querysets import sources
from workbench.seed import load_profile
from workbench.settings import Settings


def test_scales_follow_the_profile_to_its_full_volume() -> None:
    for name in ("ci", "demo", "premortem"):
        scales = scales_for(name)
        assert scales[-1] == 1.0 and scales == sorted(scales) and len(scales) >= 3
        smallest = profile_rows(load_profile(name)) * scales[0]
        assert smallest >= 3_000, name  # never a curve of a few hundred rows
    premortem = scales_for("premortem")
    assert math.log10(premortem[-1] / premortem[0]) >= 3  # three decades, up to ~25M rows
    assert profile_rows(load_profile("premortem")) > 20_000_000


def test_a_plan_flip_is_marked_where_the_fingerprint_changes() -> None:
    frame = pd.DataFrame({
        "query": ["q"] * 3 + ["r"] * 2, "params": ["large/drawn"] * 5,
        "scale": [0.01, 0.1, 1.0, 0.1, 1.0], "rows_seeded": [10, 100, 1000, 100, 1000],
        "shape": ["a", "a", "b", "c", "c"], "median_ms": [1.0] * 5})
    marked = mark_flips(frame)
    assert list(marked["flipped"]) == [False, False, True, False, False]
    assert flips(marked)[["query", "scale", "shape_before", "shape"]].values.tolist() == [
        ["q", 1.0, "a", "b"]]


@pytest.mark.db
@pytest.mark.slow
def test_growth_reseeds_any_schema_at_each_scale_and_captures_plans(
    settings: Settings, scratch_db: Callable[[str], str],
    connect: Callable[..., psycopg.Connection],
) -> None:
    name = build(scratch_db, connect)
    conn = connect(name, autocommit=True)
    conn.execute("TRUNCATE teams, users, team_members, projects, tasks, comments, countries "
                 "RESTART IDENTITY CASCADE")
    model = tenancy.infer(conn)
    qs = sources.choose(conn, model).select(["tasks__list", "tasks__count", "comments__recent"])
    frame = growth_of(settings, name, model, qs, "ci", scales=[0.2, 1.0])
    assert sorted(frame["scale"].unique()) == [0.2, 1.0]
    seeded = frame.groupby("scale")["rows_seeded"].first()
    assert seeded[1.0] > 2 * seeded[0.2] > 0
    assert set(frame["query"]) == {"tasks__list", "tasks__count", "comments__recent"}
    assert frame["shape"].str.len().min() > 0 and "flipped" in frame
