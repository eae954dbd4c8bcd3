"""The catalog seeder's pieces without a database: CHECKs read with pglast, column meanings,
repairs and unique tokens, profile overrides."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from workbench.errors import BadParameter
from workbench.seed.constraints import columns_of, hints, like_to_regex, to_polars
from workbench.seed.generators import Context, Spec, values
from workbench.seed.idformat import shape_of_default, shape_of_samples
from workbench.seed.meaning import meaning_of, words
from workbench.seed.overrides import parse_overrides
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
    assert shape_of_samples(["inv_3f2a9c", "inv_0b1c2d"]) == {"prefix": "inv_", "alphabet": "hex",
                                                              "length": 6}
    assert shape_of_samples(["cus_AbC12", "cus_zZ9"])["alphabet"] == "alnum"
    assert shape_of_samples(["000123", "004567"])["alphabet"] == "digits"
    assert shape_of_samples(["cus_2b1f0e7c-8d6e-4a57-9b1c-3e2f1a0b9c8d"]) == {
        "prefix": "cus_", "alphabet": "uuid", "length": 36}


@pytest.mark.parametrize(("default", "shape"), [
    ("('cus_'::text || gen_random_uuid())", {"prefix": "cus_", "alphabet": "uuid", "length": 36}),
    ("concat('inv_', gen_random_uuid())", {"prefix": "inv_", "alphabet": "uuid", "length": 36}),
    ("('INV-'::text || lpad((nextval('s'::regclass))::text, 6, '0'::text))",
     {"prefix": "INV-", "alphabet": "digits", "length": 6}),
    ("encode(extensions.gen_random_bytes(12), 'hex'::text)",
     {"prefix": "", "alphabet": "hex", "length": 24}),
    ("nanoid(24)", {"prefix": "", "alphabet": "nanoid", "length": 24}),
    ("nanoid(8, 'abc')", {"prefix": "", "alphabet": "chars", "chars": "abc", "length": 8}),
    ("substr(md5((random())::text), 1, 20)", {"prefix": "", "alphabet": "hex", "length": 20}),
    ("replace((gen_random_uuid())::text, '-'::text, ''::text)",
     {"prefix": "", "alphabet": "hex", "length": 32}),
    ("generate_ulid()", {"prefix": "", "alphabet": "crockford", "length": 26}),
    ("make_id('acct'::text)", None),               # a project's own function: evaluated instead
    ("(('a'::text || gen_random_uuid()) || 'z'::text)", None),   # a suffix: not a shape
    ("'pending'::text", None),
])
def test_text_id_shapes_read_from_the_default(default: str, shape: dict | None) -> None:
    assert shape_of_default(default) == shape


def test_rows_give_a_shape_only_when_they_look_like_ids() -> None:
    assert shape_of_samples(["we_aB3xY9kQ2mN7", "we_pR4sT6vW8zC1"], strict=True) == {
        "prefix": "we_", "alphabet": "alnum", "length": 12}
    assert shape_of_samples(["USD", "EUR"], strict=True) is None          # too short
    assert shape_of_samples(["Big Corp Ltd", "Acme Pty Ltd"], strict=True) is None
    assert shape_of_samples(["ab_12345678", "ab_123456789"], strict=True) is None  # lengths vary


def test_id_shapes_make_values_of_that_shape() -> None:
    from workbench.seed.values import Calendar

    ctx = Context(Calendar(0, np.ones(1), np.ones(24) / 24), 0, 0)
    rng = np.random.default_rng(1)
    made = {
        "uuid": values(Spec("idshape", "", {"prefix": "po_", "alphabet": "uuid", "length": 36}),
                       rng, 50, ctx),
        "chars": values(Spec("idshape", "", {"prefix": "x-", "alphabet": "chars", "chars": "ab",
                                             "length": 5}), rng, 50, ctx),
    }
    assert made["uuid"].str.contains(r"^po_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-").all()
    assert made["chars"].str.contains(r"^x-[ab]{5}$").all()


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
