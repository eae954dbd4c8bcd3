"""What the catalog-driven seeder knows about a schema: tables, columns, keys and checks.

Read once from ``pg_catalog`` (four queries in ``sql/seed/catalog/``) before anything is
planned or changed. Tables are named as ``regclass::text`` would print them with the schema
(``public.messages``), the form the tenant model uses too. The seeded schemas are the ones
asked for plus every schema their foreign keys reach (a Supabase schema's tables point at
``auth.users``, which then needs rows as well).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg

from workbench.sqlfiles import read_sql


@dataclass(frozen=True)
class Col:
    """One column, with everything a generator needs to produce values it accepts."""

    name: str
    type: str                      # as format_type prints it: 'character varying(40)'
    base: str                      # base type ('text', 'int4', 'enum', ...); element's if array
    is_array: bool = False
    char_limit: int | None = None
    precision: int | None = None
    scale: int | None = None
    not_null: bool = False
    default: str | None = None
    identity: str = ""             # 'a' ALWAYS, 'd' BY DEFAULT
    generated: str = ""            # 's' stored generated column: the server computes it
    domain_checks: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()   # enum labels


@dataclass(frozen=True)
class ForeignKey:
    """A foreign key of ``table``: ``columns`` reference ``ref_table``'s ``ref_columns``."""

    name: str
    table: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str = "a"
    deferrable: bool = False

    @property
    def self_reference(self) -> bool:
        """Whether the key points at its own table (a tree: parent_id, manager_id, ...)."""
        return self.table == self.ref_table


@dataclass(frozen=True)
class UniqueKey:
    """A primary key, unique constraint or unique index (``predicate``: a partial index's)."""

    name: str
    columns: tuple[str, ...]
    primary: bool = False
    predicate: str | None = None


@dataclass(frozen=True)
class Check:
    """A CHECK constraint (``expression`` as pg_get_expr prints it)."""

    name: str
    expression: str


@dataclass
class Table:
    """One table to seed."""

    name: str                      # 'public.messages'
    schema: str
    relname: str
    partitioned: bool
    columns: dict[str, Col] = field(default_factory=dict)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    uniques: list[UniqueKey] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    exclusions: list[str] = field(default_factory=list)

    @property
    def primary(self) -> UniqueKey | None:
        """The primary key, if any."""
        return next((u for u in self.uniques if u.primary), None)


@dataclass
class SchemaCatalog:
    """Every table of the seeded schemas."""

    schemas: tuple[str, ...]
    tables: dict[str, Table]

    @classmethod
    def read(cls, conn: psycopg.Connection, schemas: tuple[str, ...] = ("public",)
             ) -> SchemaCatalog:
        """Read the catalog of ``schemas`` and of every schema their foreign keys reach."""
        reach = tuple(r[0] for r in conn.execute(read_sql("seed/catalog/fk_closure.sql"),  # type: ignore[arg-type]
                                                 {"schemas": list(schemas)}))
        params = {"schemas": list(reach)}
        tables: dict[str, Table] = {}
        for (tname, schema, relname, parted, name, typ, is_array, base, limit, prec, scale,
             not_null, default, identity, generated, dchecks, labels) in conn.execute(
                read_sql("seed/catalog/columns.sql"), params):  # type: ignore[arg-type]
            table = tables.setdefault(tname, Table(tname, schema, relname, parted))
            table.columns[name] = Col(name, typ, base, is_array, limit, prec, scale, not_null,
                                      default, identity or "", generated or "",
                                      tuple(dchecks or ()), tuple(labels or ()))
        for (tname, name, kind, cols, ref, ref_cols, expr, on_delete, deferrable) in conn.execute(
                read_sql("seed/catalog/constraints.sql"), params):  # type: ignore[arg-type]
            owner = tables.get(tname)
            if owner is None:
                continue
            if kind == "f":
                owner.foreign_keys.append(ForeignKey(name, tname, tuple(cols), ref,
                                                     tuple(ref_cols), on_delete, deferrable))
            elif kind in ("p", "u"):
                owner.uniques.append(UniqueKey(name, tuple(cols), primary=kind == "p"))
            elif kind == "c":
                owner.checks.append(Check(name, expr))
            else:
                owner.exclusions.append(name)
        for tname, name, keys, predicate in conn.execute(
                read_sql("seed/catalog/unique_indexes.sql"), params):  # type: ignore[arg-type]
            indexed = tables.get(tname)
            if indexed is not None:
                indexed.uniques.append(UniqueKey(name, _key_columns(keys, indexed), False,
                                                 predicate))
        return cls(reach, tables)


def _key_columns(keys: list[str], table: Table) -> tuple[str, ...]:
    """The columns a unique index's keys use (an expression key counts its columns)."""
    from workbench.seed.constraints import columns_of

    out: list[str] = []
    for key in keys:
        name = key.strip('"')
        used = (name,) if name in table.columns else columns_of(key)
        out.extend(c for c in used if c in table.columns and c not in out)
    return tuple(out)
