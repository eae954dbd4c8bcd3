"""Inferring the tenant model from the catalog: evidence, not names.

Every table that single-column foreign keys point at is a candidate tenant. Each candidate
collects weighted evidence:

* tables whose foreign key reaches it (``fk``) and tables carrying the same column with the
  same type but no key (``carried``): fan-in alone is weak, lookup tables have it too;
* policies that compare a table's key column with the caller's tenants (a ``current_setting``,
  ``auth.uid()`` through a membership table, a helper function whose body is followed): strong;
* a membership table linking the caller (``auth.uid()``, ``auth.users``) to the candidate;
* the shapes multi-tenant schemas take and lookups do not: unique keys scoped by the column
  (with a column of the table's own: a junction table's pair of keys says nothing), composite
  foreign keys carrying it, tables that carry it and reference each other, and
  deletes cascading from it.

Column names count for nothing (the brief's ``team_id``/``account_id``/``project_id`` schemas
have to come out of the same rules). The best candidate wins if its evidence passes a floor that
plain fan-in cannot reach alone; its lead over the runner-up sets the confidence. Then every
table gets its tenancy: direct (own column), indirect (shortest chain of NOT NULL foreign keys
to a direct table) or global.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import psycopg

from workbench.errors import BadParameter
from workbench.tenancy.catalog import (
    Catalog,
    ForeignKey,
    Function,
    Policy,
    audited_schemas,
    read_catalog,
)
from workbench.tenancy.expressions import Reader, Reading
from workbench.tenancy.model import Evidence, Hop, TableTenancy, TenantContext, TenantModel

# Weights of each kind of evidence and the floor a candidate must reach (see the module doc).
WEIGHTS = {"fk": 0.5, "carried": 0.25, "policy": 3.0, "membership": 3.0, "helper": 1.0,
           "composite_fk": 1.0, "scoped_unique": 1.0, "denormalized": 0.5, "cascade": 0.25}
FLOOR = 1.5
SHAPES = ("policy", "membership", "composite_fk", "scoped_unique", "denormalized")


@cache
def _base_type(t: str) -> str:
    return re.sub(r"\(.*\)", "", t).strip()


@dataclass
class Candidate:
    """One possible tenant table and the tables that carry its key."""

    table: str           # "" when no table is the tenant (policies compare with a setting)
    key: str
    key_type: str
    columns: dict[str, str] = field(default_factory=dict)      # direct table -> tenant column
    evidence: list[Evidence] = field(default_factory=list)
    membership: tuple[str, str, str] | None = None             # table, user column, tenant column
    policy_readings: list[Reading] = field(default_factory=list)

    @property
    def score(self) -> float:
        """The sum of the evidence's weights."""
        return round(sum(e.weight for e in self.evidence), 3)

    def shaped(self) -> bool:
        """Some evidence beyond fan-in (what lookup tables also have)."""
        return any(e.kind in SHAPES for e in self.evidence)

    def add(self, kind: str, detail: str, count: float = 1.0) -> None:
        """Record ``count`` observations of ``kind``."""
        if count:
            self.evidence.append(Evidence(kind, detail, round(WEIGHTS[kind] * count, 3)))


class Inference:
    """The analysis of one catalog (readings of every policy computed once)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.reader = Reader(catalog)
        self.readings = {(p.table, p.name): self.reader.read(p.text, p.table)
                         for p in catalog.policies}
        self.fk_columns: dict[str, set[str]] = {}
        self.key_columns: dict[str, set[str]] = {}  # columns that are a foreign key on their own
        self.user_keys: dict[str, str] = {}  # table -> its NOT NULL key to the platform's users
        for fk in catalog.foreign_keys:
            self.fk_columns.setdefault(fk.child, set()).update(fk.columns)
            if len(fk.columns) == 1:
                self.key_columns.setdefault(fk.child, set()).add(fk.columns[0])
            if len(fk.columns) == 1 and fk.not_null and fk.parent.startswith("auth."):
                self.user_keys.setdefault(fk.child, fk.columns[0])
        self.policies_of: dict[str, list[Policy]] = {}
        for p in catalog.policies:
            self.policies_of.setdefault(p.table, []).append(p)
        self.with_column: dict[str, list[str]] = {}
        for name, entry in sorted(catalog.tables.items()):
            for col in entry.columns:
                self.with_column.setdefault(col, []).append(name)
        self.policy_columns: dict[str, set[str]] = {}
        self.setting_columns: dict[str, set[str]] = {}  # compared with an application setting
        for (table, _), reading in self.readings.items():
            if reading.has_context:
                self.policy_columns.setdefault(table, set()).update(reading.columns)
            if any(not s.startswith("request.jwt") for s in reading.settings):
                self.setting_columns.setdefault(table, set()).update(reading.columns)
        self.fks_by_parent: dict[tuple[str, str], list[ForeignKey]] = {}
        for fk in catalog.foreign_keys:
            if len(fk.columns) == 1 and fk.child != fk.parent:
                self.fks_by_parent.setdefault((fk.parent, fk.ref_columns[0]), []).append(fk)

    # ---- candidates ----------------------------------------------------------------------

    def candidates(self, tenant_table: str | None = None,
                   tenant_column: str | None = None) -> list[Candidate]:
        """Every candidate with its evidence, best first."""
        out = []
        for (parent, key), fks in sorted(self.fks_by_parent.items()):
            if tenant_table and parent != tenant_table:
                continue
            cand = self._candidate(parent, key, fks, tenant_column)
            if cand.columns:
                out.append(cand)
        self._demote_principals(out)
        return sorted(out, key=lambda c: (-c.score, c.table))

    def _candidate(self, parent: str, key: str, fks: list[ForeignKey],
                   forced_column: str | None) -> Candidate:
        cand = Candidate(parent, key, _base_type(fks[0].types[0]))
        by_child: dict[str, list[ForeignKey]] = {}
        for fk in fks:
            if forced_column is None or fk.columns[0] == forced_column:
                by_child.setdefault(fk.child, []).append(fk)
        if not by_child:
            return cand  # no key through the given column: not a candidate
        names = Counter(fk.columns[0] for group in by_child.values() for fk in group)
        dominant = forced_column or (min(names, key=lambda n: (-names[n], n)) if names else None)
        for child, group in sorted(by_child.items()):
            cols = [fk.columns[0] for fk in group]
            in_policy = [c for c in cols if c in self.policy_columns.get(child, set())]
            not_null = [fk.columns[0] for fk in group if fk.not_null]
            pick = (in_policy or ([dominant] if dominant in cols else []) or not_null or cols)[0]
            cand.columns[child] = pick
        fk_tables = sorted(by_child)
        cand.add("fk", f"{len(fk_tables)} table(s) reference {parent}({key}): "
                 + _list(f"{t}.{cand.columns[t]}" for t in fk_tables), len(fk_tables))
        carried = []
        if dominant:
            for name in self.with_column.get(dominant, []):
                col = self.catalog.tables[name].columns.get(dominant)
                if (name != parent and name not in cand.columns and col is not None
                        and _base_type(col.type) == cand.key_type
                        and dominant not in self.key_columns.get(name, set())):
                    cand.columns[name] = dominant
                    carried.append(name)
        cand.add("carried", f"{dominant} ({cand.key_type}) without a key of its own on "
                 + _list(carried), len(carried))
        self._policy_evidence(cand)
        self._shape_evidence(cand, by_child)
        return cand

    def setting_candidate(self) -> Candidate | None:
        """With no tenant table to point at: the column policies compare with a setting on the
        most tables (``tenant_id = current_setting('app.tenant_id')::uuid`` everywhere)."""
        counts = Counter(c for cols in self.setting_columns.values() for c in cols)
        if not counts:
            return None
        column = min(counts, key=lambda c: (-counts[c], c))
        first = next(t for t, cols in sorted(self.setting_columns.items()) if column in cols)
        key_type = _base_type(self.catalog.tables[first].columns[column].type)
        cand = Candidate("", column, key_type)
        for name in self.with_column.get(column, []):
            if _base_type(self.catalog.tables[name].columns[column].type) == key_type:
                cand.columns[name] = column
        self._policy_evidence(cand)
        carried = sorted(set(cand.columns) - set(self.setting_columns))
        cand.add("carried", f"{column} ({key_type}) on tables without such a policy: "
                 + _list(carried), len(carried))
        self._shape_evidence(cand, {})
        return cand

    def _policy_evidence(self, cand: Candidate) -> None:
        tables: list[str] = []
        members: Counter[tuple[str, str, str]] = Counter()
        for policy in [p for t in (*cand.columns, cand.table) for p in self.policies_of.get(t, [])]:
            reading = self.readings[(policy.table, policy.name)]
            column = cand.columns.get(policy.table)
            if not reading.has_context or column is None:
                continue
            if column not in reading.columns and policy.table != cand.table:
                continue
            cand.policy_readings.append(reading)
            if policy.table not in tables:
                tables.append(policy.table)
            for m in self._memberships(cand, reading):
                members[m] += 1
        cand.add("policy", "policies compare the tenant column with the caller's tenant on "
                 + _list(tables), len(tables))
        if not members:
            for m in self._memberships(cand, None):
                members[m] += 1
        if members:
            cand.membership = min(members, key=lambda m: (-members[m], m))
            table, user_col, tenant_col = cand.membership
            cand.add("membership", f"{table} links the caller ({user_col}) to the tenant "
                     f"({tenant_col})")
            reads = {cand.table, table}
            helpers = sorted({f"{f.name}{' (SECURITY DEFINER)' if f.security_definer else ''}"
                              for r in cand.policy_readings for f in r.functions
                              if self.reader.body(f).relations & reads})
            cand.add("helper", "policies learn the caller's tenants through "
                     + _list(helpers) + f", whose body reads {table}", min(len(helpers), 2))

    def _memberships(self, cand: Candidate, reading: Reading | None) -> list[tuple[str, str, str]]:
        """Direct tables that link a user to the candidate: read by ``reading`` (or any)."""
        out = []
        tables = sorted(reading.relations & cand.columns.keys() if reading else cand.columns)
        for table in tables:
            tenant_col = cand.columns[table]
            short = self.catalog.tables[table].short if table in self.catalog.tables else table
            user_col = None
            if reading is not None:
                user_col = next((c for q, c in sorted(reading.caller_columns)
                                 if q in ("", short, table) and c != tenant_col
                                 and c in self.catalog.tables[table].columns), None)
            if user_col is None:
                # unread by any policy: only a junction of user and tenant (one row per pair)
                candidate = self.user_keys.get(table)
                if candidate and any({candidate, tenant_col} <= set(k) for k in
                                     self.catalog.tables[table].unique_keys):
                    user_col = candidate
            if user_col and user_col != tenant_col:  # per-user tenancy has no membership table
                out.append((table, user_col, tenant_col))
        return out

    def _shape_evidence(self, cand: Candidate, by_child: dict[str, list[ForeignKey]]) -> None:
        cols = cand.columns
        composite, denorm = [], []
        for fk in self.catalog.foreign_keys:
            if fk.child not in cols or fk.parent not in cols or fk.parent == cand.table:
                continue
            if len(fk.columns) > 1 and cols[fk.child] in fk.columns \
                    and cols[fk.parent] in fk.ref_columns:
                composite.append(fk.name)
            elif len(fk.columns) == 1 and f"{fk.child}->{fk.parent}" not in denorm:
                denorm.append(f"{fk.child}->{fk.parent}")
        cand.add("composite_fk", "foreign keys carrying the tenant column: " + _list(composite),
                 len(composite))
        cand.add("denormalized", "tables carrying the tenant column reference each other: "
                 + _list(denorm), min(len(denorm), 6))
        scoped = [t for t, c in cols.items() if t in self.catalog.tables and any(
            c in k and set(k) - {c} - self.fk_columns.get(t, set())
            for k in self.catalog.tables[t].unique_keys)]
        cand.add("scoped_unique", "unique keys scoped by the tenant column on " + _list(scoped),
                 min(len(scoped), 3))
        cascading = [t for t, group in by_child.items() if any(fk.cascades for fk in group)]
        cand.add("cascade", "deletes cascade from the tenant to " + _list(cascading),
                 len(cascading))

    def _demote_principals(self, cands: list[Candidate]) -> None:
        """The user side of another candidate's membership is the caller, not the tenant (when
        that candidate's policies say so)."""
        users = {fk.parent for c in cands
                 if c.membership and any(e.kind == "policy" for e in c.evidence)
                 for fk in self.catalog.foreign_keys
                 if fk.child == c.membership[0] and fk.columns == (c.membership[1],)}
        for c in cands:
            if c.table in users:
                c.evidence.append(Evidence("principal", f"{c.table} is the user side of a "
                                           "membership table: the caller, not the tenant",
                                           -round(c.score / 2, 3)))

    # ---- the model -----------------------------------------------------------------------

    def model(self, cand: Candidate, runner_up: Candidate | None) -> TenantModel:
        """Every table's tenancy under ``cand``, with the context and a confidence."""
        tables: dict[str, TableTenancy] = {}
        for name in self.catalog.tables:
            if cand.table and name == cand.table:
                tables[name] = TableTenancy(name, "tenant")
            elif name in cand.columns:
                tables[name] = TableTenancy(name, "direct", cand.columns[name])
        for name, path in self._paths(set(tables)).items():
            tables[name] = TableTenancy(name, "indirect", None, path)
        for name in self.catalog.tables:
            tables.setdefault(name, TableTenancy(name, "global"))
        score, second = cand.score, runner_up.score if runner_up else 0.0
        confidence = round(min(0.99, score / (score + 3)) * (1 - 0.5 * min(1.0, second / score)), 2)
        evidence = tuple(e for e in cand.evidence if e.weight)
        if runner_up:
            evidence += (Evidence("runner_up", f"{runner_up.table} scored {second} "
                                  f"against {score}", 0.0),)
        key = (cand.key,) if cand.table else ()
        return TenantModel(cand.table or None, key, cand.key_type, dict(sorted(tables.items())),
                           self._context(cand, tables), evidence, confidence,
                           self.catalog.schemas)

    def _paths(self, assigned: set[str]) -> dict[str, tuple[Hop, ...]]:
        """Shortest NOT NULL foreign-key chains from unassigned tables to assigned ones."""
        paths: dict[str, tuple[Hop, ...]] = {}
        reached = set(assigned)
        frontier = True
        while frontier:
            frontier = False
            step: dict[str, tuple[Hop, ...]] = {}
            for fk in sorted(self.catalog.foreign_keys, key=lambda f: (f.child, f.name)):
                if (fk.not_null and fk.child not in reached and fk.child not in step
                        and fk.parent in reached and fk.child in self.catalog.tables):
                    hop = Hop(fk.child, fk.columns, fk.parent, fk.ref_columns, fk.name)
                    step[fk.child] = (hop, *paths.get(fk.parent, ()))
            if step:
                paths.update(step)
                reached.update(step)
                frontier = True
        return paths

    def _context(self, cand: Candidate, tables: dict[str, TableTenancy]) -> TenantContext:
        scoped = {t for t, tt in tables.items() if tt.kind in ("direct", "indirect", "tenant")}
        readings = [r for (t, _), r in self.readings.items() if t in scoped and r.has_context]
        settings = sorted({s for r in readings for s in r.settings
                           if not s.startswith("request.jwt")})
        member = cand.membership[0] if cand.membership else None
        helpers = sorted({f.name for r in readings for f in r.functions
                          if self._is_helper(f, cand.table, member)})
        user_col = cand.membership[1] if cand.membership else None
        tenant_col = cand.membership[2] if cand.membership else None
        return TenantContext(tuple(settings), any(r.caller for r in readings), tuple(helpers),
                             member, user_col, tenant_col)

    def _is_helper(self, function: Function, tenant: str, member: str | None) -> bool:
        """A function that reads the tenant or membership table, or a tenant setting.

        ``auth.uid()`` itself (the caller's identity, read from the JWT settings) is not one.
        """
        inner = self.reader.body(function)
        own_settings = {s for s in inner.settings if not s.startswith("request.jwt")}
        return bool(own_settings) or bool(inner.relations & {tenant, member})


def _list(items: object) -> str:
    names = list(items)  # type: ignore[call-overload]
    shown = ", ".join(str(n) for n in names[:8])
    return shown + (f" and {len(names) - 8} more" if len(names) > 8 else "")


def infer_catalog(catalog: Catalog, *, tenant_table: str | None = None,
                  tenant_column: str | None = None) -> TenantModel:
    """The tenant model of an already-read catalog (overrides narrow the candidates)."""
    table_key = None
    if tenant_table:
        table_key = catalog.resolve(tenant_table) or next(
            (fk.parent for fk in catalog.foreign_keys
             if fk.parent.replace('"', "") == tenant_table), None)
        if table_key is None:
            raise BadParameter(f"tenant table {tenant_table!r} does not exist in the audited "
                               "schemas: pass an existing table (schema.table)")
    if tenant_column and not any(tenant_column in t.columns for t in catalog.tables.values()):
        raise BadParameter(f"tenant column {tenant_column!r} is on no table in the audited "
                           "schemas: pass a column the tenant tables carry")
    inference = Inference(catalog)
    cands = inference.candidates(table_key, tenant_column)
    forced = tenant_table or tenant_column
    if not cands and forced:
        return _forced_without_keys(catalog, table_key, tenant_column)
    best = cands[0] if cands else None
    if not forced and (best is None or best.score < FLOOR or not best.shaped()):
        fallback = inference.setting_candidate()
        if fallback is not None and fallback.score >= FLOOR:
            cands, best = [fallback, *cands], fallback
    if best is None or (not forced and (best.score < FLOOR or not best.shaped())):
        note = (f"best candidate {best.table} scored {best.score} (needs {FLOOR} and more than "
                "foreign-key fan-in)" if best else "no table is referenced by foreign keys")
        globals_ = {n: TableTenancy(n, "global") for n in catalog.tables}
        return TenantModel.none(catalog.schemas, globals_, (Evidence("none", note, 0.0),))
    if forced:
        best.evidence.append(Evidence("override", "given: " + ", ".join(
            f"{k} {v}" for k, v in (("--tenant-table", tenant_table),
                                    ("--tenant-column", tenant_column)) if v), 0.0))
    return inference.model(best, cands[1] if len(cands) > 1 else None)


def _forced_without_keys(catalog: Catalog, table: str | None, column: str | None) -> TenantModel:
    """Overrides naming a tenant no foreign key reaches: tables carrying the column are direct."""
    if column is None:
        raise BadParameter(f"no foreign key references {table}: pass --tenant-column too, so "
                           "the tables carrying it can be found")
    tables = {n: TableTenancy(n, "direct", column) if column in t.columns and n != table
              else TableTenancy(n, "tenant" if n == table else "global")
              for n, t in catalog.tables.items()}
    key_type = next((_base_type(t.columns[column].type) for t in catalog.tables.values()
                     if column in t.columns), "")
    note = Evidence("override", f"given: tenant column {column}"
                    + (f", tenant table {table}" if table else ""), 0.0)
    return TenantModel(table, (), key_type, tables, TenantContext(), (note,), 1.0,
                       catalog.schemas)


def infer(conn: psycopg.Connection, *, schemas: Sequence[str] = (),
          tenant_table: str | None = None, tenant_column: str | None = None) -> TenantModel:
    """Read the catalog (four queries) and infer the tenant model of ``schemas``."""
    chosen = audited_schemas(conn, schemas)
    return infer_catalog(read_catalog(conn, chosen), tenant_table=tenant_table,
                         tenant_column=tenant_column)
