"""The catalog seeder's pieces without a database: CHECKs read with pglast, column meanings,
repairs and unique tokens, profile overrides."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from workbench.errors import BadParameter
from workbench.seed.constraints import columns_of, hints, like_to_regex, to_polars
from workbench.seed.meaning import meaning_of, words
from workbench.seed.overrides import parse_overrides
from workbench.seed.plan import _id_shape
from workbench.seed.repair import Costs, dedupe, satisfy


def passes(expression: str, frame: pl.DataFrame, types: dict[str, str] | None = None) -> list:
    expr = to_polars(expression, types or {})
    assert expr is not None, expression
    return frame.select(expr).to_series().to_list()


def test_hints_read_the_common_check_forms() -> None:
    h = hints("((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])"
              "::text[])) AND (length(name) <= 10) AND (qty BETWEEN 1 AND 5) AND "
              "(balance >= '-1000'::integer) AND (code ~ '^[A-Z]{3}$'::text) AND "
              "(length(btrim(title)) > 0)", {})
    assert h["status"].choices == ("a", "b")
    assert h["name"].max_len == 10
    assert (h["qty"].lo, h["qty"].hi) == (1, 5)
    assert h["balance"].lo == -1000
    assert h["code"].regex == [("^[A-Z]{3}$", False)]
    assert h["title"].min_len == 1


def test_a_domain_check_speaks_of_its_column() -> None:
    assert hints("VALUE > 0", {}, "quantity")["quantity"].lo == 0


def test_is_not_null_and_num_nonnulls_ask_for_values() -> None:
    h = hints("(a IS NOT NULL) OR (num_nonnulls(b, c) >= 1)", {})
    assert h["a"].required and h["b"].required and h["c"].required


def test_checks_pass_on_null_as_postgres_does() -> None:
    frame = pl.DataFrame({"s": ["a", "c", None], "n": [1, 9, None], "t": ["ab", "x", "abc"]})
    assert passes("s IN ('a', 'b')", frame) == [True, False, True]
    assert passes("n BETWEEN 1 AND 5", frame) == [True, False, True]
    assert passes("t LIKE 'a%'", frame) == [True, False, True]
    assert passes("(s IS NULL) <> (n IS NULL)", frame) == [False, False, False]
    assert passes("num_nonnulls(s, n) = 1", frame) == [False, False, False]
    assert passes("s IS DISTINCT FROM 'a'", frame) == [False, True, True]


def test_an_unknown_function_is_left_to_the_server() -> None:
    assert to_polars("is_even(n)", {}) is None
    assert columns_of("lower((email)::text)") == ("email",)
    assert like_to_regex("a_b%") == "(?s)^a.b.*$"


@pytest.mark.parametrize(("column", "base", "table", "meaning"), [
    ("email", "text", "public.users", "email"), ("name", "text", "public.users", "person"),
    ("name", "text", "public.teams", "company"), ("name", "text", "public.tasks", "title"),
    ("amount_cents", "int8", "public.invoices", "money"),
    ("country_code", "bpchar", "public.teams", "country_code"),
    ("fromAddress", "text", "public.\"Provider\"", "email"),
    ("createdAt", "timestamptz", "public.x", None), ("deleted_at", "timestamptz", "x", "tombstone"),
    ("id", "uuid", "public.x", None),
])
def test_column_meanings(column: str, base: str, table: str, meaning: str | None) -> None:
    assert meaning_of(column, base, table) == meaning


def test_words_split_every_spelling() -> None:
    assert words("workspaceId") == ["workspace", "id"]
    assert words("created_at") == ["created", "at"]


def test_text_ids_take_the_shape_of_their_default() -> None:
    assert _id_shape(["inv_3f2a9c", "inv_0b1c2d"]) == {"prefix": "inv_", "alphabet": "hex",
                                                        "length": 6}
    assert _id_shape(["cus_AbC12", "cus_zZ9"])["alphabet"] == "alnum"


def test_a_failing_comparison_is_repaired_and_the_rest_counted() -> None:
    frame = pl.DataFrame({"s": [1, 5, 3], "e": [2, 4, None], "a": [1, None, None],
                          "b": [None, None, 2], "k": [7, 7, 7]})
    costs = Costs()
    out, keep = satisfy(frame, [("c1", "s < e", None), ("c2", "num_nonnulls(a, b) = 1", None),
                                ("c3", "k < 5", None)],
                        {}, {"e", "a", "b"}, {"k"}, costs)
    assert out["e"].to_list() == [2, 6, None]
    assert keep.tolist() == [False, False, False]
    # a row is counted once, under the first constraint that dropped it
    assert costs["c1 (rows repaired)"] == 1 and costs["c2"] == 1 and costs["c3"] == 2


def test_unique_tokens_keep_emails_emails() -> None:
    frame = pl.DataFrame({"email": ["a@x.com", "a@x.com", None, "b@y.au"]})
    out, keep, changed = dedupe(frame, ("email",), None, "email", 2, np.arange(4), False, 30)
    assert out["email"].to_list() == ["a@x.com", "a.3-1@x.com", None, "b@y.au"]
    assert keep.all() and changed == 1
    _, keep, _ = dedupe(frame, ("email",), None, None, 0, np.arange(4), False, None)
    assert keep.tolist() == [True, False, True, True]


def test_overrides_are_checked_and_scaled() -> None:
    over = parse_overrides("p", {"rows_per_tenant": 10, "rows": {"public.a": 4},
                                 "columns": {"public.a.kind": ["x", "y"]}}, 2.0)
    assert over.rows_per_tenant == 20 and over.rows == {"public.a": 8}
    with pytest.raises(BadParameter, match="catalog.rowz is not a known key"):
        parse_overrides("p", {"rowz": {}})
    with pytest.raises(BadParameter, match="catalog.nulls.public.a.b must be between 0 and 1"):
        parse_overrides("p", {"nulls": {"public.a.b": 3}})
