"""Catalog facts shared across modules: table sizes (EXPLAIN findings by bare name, index
candidates by qualified name), and the names index advice builds from them."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest

from workbench import catalog, explain

pytestmark = pytest.mark.db


def test_table_rows_cover_every_schema_and_sum_partitions(
    scratch_db: Callable[[str], str], connect: Callable[..., psycopg.Connection]
) -> None:
    conn = connect(scratch_db("rows"), autocommit=True)
    conn.execute("""
        CREATE SCHEMA app;
        CREATE TABLE app.events (id int, at date) PARTITION BY RANGE (at);
        CREATE TABLE app.events_a PARTITION OF app.events
            FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
        CREATE TABLE app.events_b PARTITION OF app.events
            FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
        INSERT INTO app.events
            SELECT g, '2020-06-01'::date + (g % 400) FROM generate_series(1, 800) g;
        CREATE TABLE app.notes (id int);
        INSERT INTO app.notes SELECT generate_series(1, 30);
        CREATE TABLE public.notes (id int);
        INSERT INTO public.notes SELECT generate_series(1, 5);
        ANALYZE;
    """)
    rows = {q: (r, n) for q, r, n in catalog.table_rows(conn)}
    assert rows["app.events"] == ("events", 800.0)
    assert rows["app.events_a"][1] + rows["app.events_b"][1] == 800.0
    assert rows["app.notes"] == ("notes", 30.0) and rows["public.notes"] == ("notes", 5.0)
    by_bare = explain.relation_rows(conn)
    # EXPLAIN prints bare names: a non-public schema's tables and partitions are judged too,
    # and a name in two schemas is public's (the default search_path's)
    assert by_bare["events"] == 800.0 and by_bare["events_a"] == rows["app.events_a"][1]
    assert by_bare["notes"] == 5.0


def test_a_built_candidate_on_a_table_that_needs_quotes_is_dropped(
    scratch_db: Callable[[str], str], connect: Callable[..., psycopg.Connection]
) -> None:
    from workbench.experiments.index_advice import rank
    from workbench.querysets.candidates import Candidate
    from workbench.querysets.model import QuerySet

    conn = connect(scratch_db("quoted"), autocommit=True)
    conn.execute('CREATE TABLE "Order Items" (id int, "Sku" text)')
    cand = Candidate('public."Order Items"', ("Sku",))
    assert " " in cand.name  # made from the table's name: CREATE quotes it, so must DROP
    assert rank(conn, [cand], QuerySet("test", []), {}, {}, hypothetical=False) == []
    assert conn.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'Order Items'"
                        ).fetchone() == (0,)


def test_a_foreign_key_served_only_by_a_partial_index_is_unindexed(
    scratch_db: Callable[[str], str], connect: Callable[..., psycopg.Connection]
) -> None:
    from workbench.querysets.candidates import CatalogFacts

    conn = connect(scratch_db("fkidx"), autocommit=True)
    conn.execute("""
        CREATE TABLE parent (id int PRIMARY KEY);
        CREATE TABLE partial_child (id int, parent_id int REFERENCES parent);
        CREATE INDEX ON partial_child (parent_id) WHERE id > 0;
        CREATE TABLE served_child (id int, parent_id int REFERENCES parent);
        CREATE INDEX ON served_child (parent_id, id);
    """)
    listed = {(t, cols) for t, _name, cols in CatalogFacts.read(conn).unindexed_fks}
    assert listed == {("public.partial_child", ("parent_id",))}
