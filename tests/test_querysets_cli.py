"""The query-set commands fail with one line on bad input, never a traceback or a password."""

from __future__ import annotations

import pytest

from tests.test_cli_errors import SECRET, assert_one_line_error, workbench


def test_report_takes_one_schema_source(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = workbench("report", "--schema", f"postgresql://u:{SECRET}@127.0.0.1:1/x",
                  "--migrations", str(tmp_path))
    assert_one_line_error(r, "--schema", "--migrations")


def test_load_needs_a_workload_or_a_target() -> None:
    assert_one_line_error(workbench("load"), "--workload", "--target")


@pytest.mark.db
def test_explain_refuses_a_database_it_did_not_create(settings) -> None:  # type: ignore[no-untyped-def]
    args = ["explain", "--target", "postgres"] + (["--dsn", settings.dsn] if settings.dsn else [])
    assert_one_line_error(workbench(*args), "did not create")
