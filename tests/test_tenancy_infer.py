"""The tenant model, inferred exactly on schemas keyed every way (tests/fixtures/tenancy/*.sql):
uuid team_id through a SECURITY DEFINER helper, text project_id with RLS off, bigint account_id
through a membership table, indirect tenancy three hops deep, and no tenant at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.audit import run_audit
from workbench.errors import BadParameter
from workbench.paths import sql_dir
from workbench.sqlfiles import run_script
from workbench.tenancy import TenantModel, infer

pytestmark = pytest.mark.db
FIXTURES = Path(__file__).parent / "fixtures" / "tenancy"


@pytest.fixture
def build(scratch_db, connect):
    """Build one fixture (after the Supabase stubs) in a fresh database; return a connection."""
    def _build(name: str):
        conn = connect(scratch_db("tenancy"), autocommit=True)
        run_script(conn, sql_dir() / "baseline" / "000_supabase_stubs.sql")
        run_script(conn, FIXTURES / f"{name}.sql")
        return conn
    return _build


def _shape(model: TenantModel) -> dict:
    """The model as plain data: tenant, per-table column or path, globals."""
    return {
        "tenant": (model.tenant_table, model.tenant_key, model.key_type),
        "direct": {t: model.tenant_column(t) for t in model.direct()},
        "indirect": {t: [h.table for h in p] + [p[-1].ref_table]
                     for t in model.indirect() if (p := model.tables[t].path)},
        "global": set(model.global_tables()),
    }


def test_team_uuid_through_a_definer_helper(build):
    model = infer(build("team_uuid"))
    assert model.found()
    assert _shape(model) == {
        "tenant": ("public.teams", ("id",), "uuid"),
        "direct": {"public.bank_accounts": "team_id", "public.documents": "team_id",
                   "public.invoices": "owner_team", "public.projects": "team_id",
                   "public.team_members": "team_id", "public.wiki_pages": "team_id"},
        "indirect": {"public.comments": ["public.comments", "public.documents"]},
        "global": {"public.billing_accounts", "public.currencies"},
    }
    ctx = model.context
    assert ctx.helper_functions == ("private.is_team_member", "private.my_team_ids")
    assert (ctx.membership_table, ctx.membership_user_column, ctx.membership_tenant_column) == (
        "public.team_members", "user_id", "team_id")
    assert ctx.uses_auth_uid and ctx.settings == ()
    assert {"policy", "membership", "helper"} <= {e.kind for e in model.evidence}


def test_text_project_id_with_isolation_in_the_application(build):
    conn = build("project_text")
    model = infer(conn)
    assert _shape(model) == {
        "tenant": ("public.projects", ("id",), "text"),
        "direct": {t: "project_id" for t in (
            "public.api_keys", "public.audit_logs", "public.datasets", "public.observations",
            "public.scores", "public.traces")},
        "indirect": {"public.dataset_items": ["public.dataset_items", "public.datasets"]},
        "global": {"public.background_migrations", "public.organization_memberships",
                   "public.organizations", "public.users"},
    }
    assert model.context.membership_table is None and not model.context.uses_auth_uid
    assert "policy" not in {e.kind for e in model.evidence}  # found without a single policy
    # the case: every tenant table has RLS off, and the audit says so (not "clean")
    [rls] = run_audit(conn, checks=["rls_disabled_on_tenant_table"]).results
    assert {r["table_name"] for r in rls.rows} == {
        "api_keys", "audit_logs", "datasets", "observations", "scores", "traces",
        "dataset_items"}


def test_bigint_account_id_through_a_membership_table(build):
    conn = build("account_bigint")
    model = infer(conn)
    assert _shape(model) == {
        "tenant": ("public.accounts", ("id",), "bigint"),
        "direct": {t: "account_id" for t in (
            "public.account_users", "public.contacts", "public.deals", "public.notes")},
        "indirect": {},
        "global": {"public.profiles"},
    }
    assert model.context.membership_table == "public.account_users"
    assert model.context.membership_user_column == "user_id"
    # users seeing their own memberships is the membership table's scope; profiles are global
    [result] = run_audit(conn, checks=["policy_not_tenant_scoped"]).results
    assert result.status == "clean", result.rows


def test_indirect_three_hops(build):
    conn = build("indirect_three")
    model = infer(conn)
    assert _shape(model) == {
        "tenant": ("public.orgs", ("id",), "uuid"),
        "direct": {"public.members": "org_id", "public.projects": "org_id"},
        "indirect": {
            "public.boards": ["public.boards", "public.projects"],
            "public.lists": ["public.lists", "public.boards", "public.projects"],
            "public.cards": ["public.cards", "public.lists", "public.boards", "public.projects"],
        },
        "global": {"public.attachments", "public.labels"},  # attachments' key is nullable
    }
    assert model.context.settings == ("app.org_id",)
    hops = model.tables["public.cards"].path
    assert [h.columns for h in hops] == [("list_id",), ("board_id",), ("project_id",)]
    # attachments point into tenant data by a nullable key: global, and said so
    report = run_audit(conn, checks=["global_table_references_tenant_data",
                                     "rls_disabled_on_tenant_table"])
    by_id = {r.id: r for r in report.results}
    assert [r["table_name"] for r in by_id["global_table_references_tenant_data"].rows] == [
        "attachments"]
    assert {r["table_name"]: r["tenancy"] for r in by_id["rls_disabled_on_tenant_table"].rows} \
        == {"boards": "indirect", "cards": "indirect", "lists": "indirect"}


def test_no_tenant_is_not_found_and_the_decoy_does_not_win(build):
    model = infer(build("no_tenant"))
    assert not model.found()
    assert model.tenant_table is None and model.tenant_tables() == ()
    assert model.tenant_column("invoices") is None
    assert model.evidence and model.evidence[0].kind == "none"


def test_overrides_narrow_the_model(build):
    conn = build("no_tenant")
    model = infer(conn, tenant_table="currencies")
    assert model.tenant_table == "public.currencies"
    assert set(model.direct()) == {"public.orders", "public.products"}
    model = infer(conn, tenant_column="account_id")
    assert model.direct() == ("public.invoices",) and model.tenant_table is None
    with pytest.raises(BadParameter, match="no_such"):
        infer(conn, tenant_table="no_such")
    with pytest.raises(BadParameter, match="pass --tenant-column too"):
        infer(conn, tenant_table="invoices")  # nothing references it: which column is unknown
    model = infer(conn, tenant_table="invoices", tenant_column="account_id")
    assert model.tenant_table == "public.invoices" and model.direct() == ()


def test_toml_round_trip_and_bad_files(build):
    model = infer(build("indirect_three"))
    again = TenantModel.from_toml(model.to_toml())
    assert again == model
    with pytest.raises(BadParameter, match="not valid TOML"):
        TenantModel.from_toml("tenant_table = ")
    with pytest.raises(BadParameter, match="kind 'sideways'"):
        TenantModel.from_toml('[tables."public.x"]\nkind = "sideways"\n')
    with pytest.raises(BadParameter, match="names no column"):
        TenantModel.from_toml('[tables."public.x"]\nkind = "direct"\n')


def test_setting_without_a_tenant_table(build):
    model = infer(build("setting_no_keys"))
    assert model.found()
    assert _shape(model) == {
        "tenant": (None, (), "text"),
        "direct": {t: "tenant_ref" for t in ("public.documents", "public.events",
                                             "public.folders")},
        "indirect": {},
        "global": {"public.plans"},
    }
    assert model.context.settings == ("app.current_tenant",)


def test_tenant_checks_on_the_team_fixture(build):
    """The policy checks name the policy and the function, on a schema keyed by team_id."""
    conn = build("team_uuid")
    report = run_audit(conn, checks=["policy_not_tenant_scoped", "policy_definer_function_unsafe",
                                     "rls_disabled_on_tenant_table"])
    by_id = {r.id: r for r in report.results}
    assert by_id["rls_disabled_on_tenant_table"].count == 0
    unscoped = by_id["policy_not_tenant_scoped"]
    assert [(r["table_name"], r["policy_name"]) for r in unscoped.rows] == [
        ("wiki_pages", "open_insert")]
    unsafe = {(r["function_name"], r["problem"])
              for r in by_id["policy_definer_function_unsafe"].rows}
    helper = "private.is_team_member(uuid)"
    assert unsafe == {(helper, "search_path not fixed (no SET search_path)"),
                      (helper, "EXECUTE granted to PUBLIC")}


def test_per_user_rows_make_the_user_the_tenant(build):
    model = infer(build("per_user"))
    assert _shape(model) == {
        "tenant": ("auth.users", ("id",), "uuid"),
        "direct": {"public.notes": "user_id", "public.profiles": "id", "public.todos": "user_id"},
        "indirect": {},
        "global": set(),
    }
    assert model.context.membership_table is None and model.context.uses_auth_uid


def test_a_policy_with_using_and_with_check_is_read(scratch_db, connect) -> None:  # type: ignore[no-untyped-def]
    """FOR ALL policies often carry both expressions; the setting behind a helper is found."""
    conn = connect(scratch_db("tenancy"), autocommit=True)
    conn.execute("""
        CREATE TABLE workspaces (id uuid PRIMARY KEY);
        CREATE FUNCTION current_workspace() RETURNS uuid LANGUAGE plpgsql STABLE AS $$
        DECLARE raw text := current_setting('app.workspace', true);
        BEGIN RETURN raw::uuid; END $$;
        CREATE TABLE docs (id int PRIMARY KEY,
                           workspace_id uuid NOT NULL REFERENCES workspaces);
        ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
        CREATE POLICY scoped ON docs USING (workspace_id = (SELECT current_workspace()))
            WITH CHECK (workspace_id = (SELECT current_workspace()));
    """)
    model = infer(conn)
    assert model.context.settings == ("app.workspace",)
    assert model.tenant_column("public.docs") == "workspace_id"
