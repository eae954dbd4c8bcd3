"""EXPLAIN ANALYZE capture: plans for the catalog, flattened, fingerprinted and judged.

Plans come from ``EXPLAIN (ANALYZE, BUFFERS, SETTINGS, FORMAT JSON)`` after warm-up runs, and
every repeat's plan is kept. EXPLAIN ANALYZE instruments every node and so inflates runtime
(37-54% on scan-heavy queries on this machine): its timings explain *where* time goes, while
before/after latencies come from :func:`time_plain` (plain executions, client monotonic clock).
Every statement runs inside a transaction that is rolled back, so catalog queries that write
(``writes: true``) leave the data as it was, and psycopg's automatic preparation is expected to
be off on the connection (``prepare_threshold=None``) so a plan never outlives an index change.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg
from psycopg import sql

from workbench import catalog
from workbench.errors import NotFound
from workbench.queries import ParamSet, Query
from workbench.sqlfiles import read_sql

EXPLAIN_OPTIONS = "ANALYZE, BUFFERS, SETTINGS, FORMAT JSON"
LARGE_RELATION_ROWS = 10_000  # the premortem's "10k+ rows per table"
MISESTIMATE_FACTOR = 10.0
NESTED_LOOP_INNER_LOOPS = 1_000
FILTER_RATIO = 10.0


class _Rollback(Exception):
    """Raised inside a transaction block to undo whatever the statement did."""


@dataclass
class PlanCapture:
    """Every EXPLAIN ANALYZE plan of one query with one parameter set on one database."""

    query: str
    params: str
    variant: str
    plans: list[dict[str, Any]]
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def plan(self) -> dict[str, Any]:
        """The median-time repeat's plan (the representative one)."""
        ordered = sorted(self.plans, key=lambda p: p.get("Execution Time", 0.0))
        return ordered[len(ordered) // 2]

    @property
    def execution_ms(self) -> list[float]:
        """Server-reported execution time of each repeat (instrumented: inflated)."""
        return [float(p.get("Execution Time", 0.0)) for p in self.plans]

    @property
    def shape(self) -> str:
        """Plan-shape fingerprint of the representative plan."""
        return plan_shape(self.plan)

    @property
    def shapes(self) -> list[str]:
        """Shape of every repeat (more than one distinct value: the plan flipped between runs)."""
        return [plan_shape(p) for p in self.plans]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as saved in results/."""
        return asdict(self) | {"shape": self.shape}


@contextmanager
def rolled_back(conn: psycopg.Connection) -> Iterator[None]:
    """Run the block in a transaction (or savepoint) that is always rolled back."""
    try:
        with conn.transaction():
            yield
            raise _Rollback
    except _Rollback:
        pass


def session_settings(conn: psycopg.Connection) -> dict[str, str]:
    """Settings that change timings and plans, recorded with every measurement."""
    names = ("max_parallel_workers_per_gather", "work_mem", "jit", "random_page_cost",
             "shared_buffers", "server_version")
    out = {}
    for name in names:
        row = conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()
        out[name] = str(row[0]) if row else ""
    return out


def explain_once(
    conn: psycopg.Connection, query: Query, params: ParamSet, *, timing: bool = True
) -> dict[str, Any]:
    """One EXPLAIN (ANALYZE, BUFFERS, SETTINGS, FORMAT JSON) of ``query``; the top JSON object."""
    options = EXPLAIN_OPTIONS if timing else EXPLAIN_OPTIONS + ", TIMING OFF"
    stmt = f"EXPLAIN ({options}) {query.sql}"
    with rolled_back(conn):
        row = conn.execute(stmt, params.for_query(query)).fetchone()  # type: ignore[arg-type]
    assert row is not None
    doc = row[0]
    if isinstance(doc, str):
        doc = json.loads(doc)
    return doc[0]


def time_plain(conn: psycopg.Connection, query: Query, params: ParamSet) -> float:
    """Milliseconds for one plain execution (all rows fetched), client monotonic clock."""
    args = params.for_query(query)
    with rolled_back(conn):
        started = time.perf_counter()
        cur = conn.execute(query.sql, args)  # type: ignore[arg-type]
        if cur.description is not None:
            cur.fetchall()
        elapsed = time.perf_counter() - started
    return elapsed * 1000.0


def capture(
    conn: psycopg.Connection,
    queries: Iterable[Query],
    param_sets: Iterable[ParamSet],
    *,
    variant: str = "",
    warmup: int = 1,
    repeats: int = 3,
) -> list[PlanCapture]:
    """EXPLAIN ANALYZE every query with every parameter set: ``warmup`` discarded runs first.

    Warm-up runs bring the pages into cache so that repeats compare like with like.
    """
    settings = session_settings(conn)
    sets = list(param_sets)
    out: list[PlanCapture] = []
    for query in queries:
        for ps in sets:
            for _ in range(warmup):
                explain_once(conn, query, ps)
            plans = [explain_once(conn, query, ps) for _ in range(max(repeats, 1))]
            out.append(PlanCapture(query.name, ps.label, variant, plans, settings))
    return out


# ---------------------------------------------------------------------------------------------
# Flattening, shapes, rendering
# ---------------------------------------------------------------------------------------------
def walk(plan: dict[str, Any]) -> Iterator[tuple[int, int | None, int, dict[str, Any]]]:
    """(node id, parent id, depth, node) for every node, depth first, init plans included."""
    counter = 0
    stack: list[tuple[dict[str, Any], int | None, int]] = [(plan["Plan"], None, 0)]
    while stack:
        node, parent, depth = stack.pop()
        node_id = counter
        counter += 1
        yield node_id, parent, depth, node
        for child in reversed(node.get("Plans", [])):
            stack.append((child, node_id, depth + 1))


def flatten(capture_: PlanCapture, plan: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One row per plan node: type, relation, index, estimated vs actual rows, time, buffers."""
    plan = plan or capture_.plan
    rows = []
    for node_id, parent, depth, n in walk(plan):
        loops = int(n.get("Actual Loops", 1) or 0)
        actual_per_loop = float(n.get("Actual Rows", 0.0))
        rows.append({
            "query": capture_.query,
            "params": capture_.params,
            "variant": capture_.variant,
            "node_id": node_id,
            "parent_id": parent,
            "depth": depth,
            "node_type": n.get("Node Type"),
            "parent_relationship": n.get("Parent Relationship"),
            "strategy": n.get("Strategy"),
            "relation": n.get("Relation Name"),
            "alias": n.get("Alias"),
            "index": n.get("Index Name"),
            "est_rows": float(n.get("Plan Rows", 0.0)),
            "actual_rows": actual_per_loop,
            "loops": loops,
            "actual_rows_total": actual_per_loop * loops,
            "total_ms": float(n.get("Actual Total Time", 0.0) or 0.0) * max(loops, 1),
            "startup_ms": float(n.get("Actual Startup Time", 0.0) or 0.0),
            "est_cost": float(n.get("Total Cost", 0.0)),
            "shared_hit": int(n.get("Shared Hit Blocks", 0)),
            "shared_read": int(n.get("Shared Read Blocks", 0)),
            "temp_read": int(n.get("Temp Read Blocks", 0)),
            "temp_written": int(n.get("Temp Written Blocks", 0)),
            "rows_removed_by_filter": float(n.get("Rows Removed by Filter", 0.0)) * max(loops, 1),
            "rows_removed_by_recheck": float(n.get("Rows Removed by Index Recheck", 0.0))
            * max(loops, 1),
            "sort_method": n.get("Sort Method"),
            "sort_space_type": n.get("Sort Space Type"),
            "sort_space_kb": n.get("Sort Space Used"),
            "hash_batches": n.get("Hash Batches"),
            "workers_launched": n.get("Workers Launched"),
            "subplans_removed": n.get("Subplans Removed"),
            "filter": n.get("Filter") or n.get("Index Cond") or n.get("Recheck Cond"),
        })
    return rows


def nodes_frame(captures: Iterable[PlanCapture]) -> pd.DataFrame:
    """Every node of every representative plan, one row each (the frame notebooks show)."""
    return pd.DataFrame([row for c in captures for row in flatten(c)])


def _shape_text(node: dict[str, Any]) -> str:
    parts = [str(node.get("Node Type"))]
    for key in ("Strategy", "Relation Name", "Index Name", "Join Type"):
        if node.get(key):
            parts.append(str(node[key]))
    children = ",".join(_shape_text(c) for c in node.get("Plans", []))
    return f"{'/'.join(parts)}({children})"


def plan_shape(plan: dict[str, Any]) -> str:
    """12-hex fingerprint of node types, relations, indexes and join types (no numbers).

    Equal shapes mean the planner chose the same strategy; a different shape between variants
    or runs is a plan change worth looking at.
    """
    return hashlib.sha1(_shape_text(plan["Plan"]).encode()).hexdigest()[:12]


def shape_text(plan: dict[str, Any]) -> str:
    """The readable string that :func:`plan_shape` hashes."""
    return _shape_text(plan["Plan"])


def render_tree(plan: dict[str, Any]) -> str:
    """The plan as an indented text tree with estimated vs actual rows, time and buffers."""
    lines = [f"planning {plan.get('Planning Time', 0):.2f} ms, "
             f"execution {plan.get('Execution Time', 0):.2f} ms (instrumented)"]
    for _, _, depth, n in walk(plan):
        label = str(n.get("Node Type"))
        if n.get("Strategy") and n.get("Node Type") in ("Aggregate", "SetOp"):
            label = f"{n['Strategy']} {label}"
        if n.get("Index Name"):
            label += f" using {n['Index Name']}"
        if n.get("Relation Name"):
            label += f" on {n['Relation Name']}"
        loops = n.get("Actual Loops", 1)
        detail = (f"est {n.get('Plan Rows', 0):g} rows, actual {n.get('Actual Rows', 0):g} "
                  f"x{loops}, {n.get('Actual Total Time', 0):.2f} ms, "
                  f"hit {n.get('Shared Hit Blocks', 0)} read {n.get('Shared Read Blocks', 0)}")
        extras = []
        if n.get("Rows Removed by Filter"):
            extras.append(f"filtered {n['Rows Removed by Filter']:g}")
        if n.get("Sort Method"):
            extras.append(f"sort {n['Sort Method']} {n.get('Sort Space Used')}kB "
                          f"{n.get('Sort Space Type')}")
        if n.get("Hash Batches", 1) and n.get("Hash Batches", 1) > 1:
            extras.append(f"hash batches {n['Hash Batches']}")
        if n.get("Subplans Removed"):
            extras.append(f"pruned {n['Subplans Removed']}")
        if extras:
            detail += "; " + "; ".join(extras)
        prefix = "  " * depth + ("-> " if depth else "")
        lines.append(f"{prefix}{label}  ({detail})")
    for trig in plan.get("Triggers", []):
        lines.append(f"trigger {trig.get('Constraint Name') or trig.get('Trigger Name')}: "
                     f"{trig.get('Time', 0):.2f} ms x{trig.get('Calls', 0)}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------------------------
FINDING_COLUMNS = ["query", "params", "variant", "kind", "node_id", "node_type", "relation",
                   "index", "detail", "value"]


def relation_rows(conn: psycopg.Connection) -> dict[str, float]:
    """Estimated live rows per relation, by the bare name EXPLAIN prints (``Relation Name``).

    Every user schema's tables (a bare name in two schemas: public's first, as the default
    search_path resolves it); partitions summed into their parents and listed themselves.
    """
    rows: dict[str, float] = {}
    for _qualified, relname, n in catalog.table_rows(conn):
        rows.setdefault(relname, n)
    return rows


def _under_limit(node: dict[str, Any], by_id: dict[int, dict[str, Any]]) -> bool:
    parent = node["parent_id"]
    while parent is not None:
        if by_id[parent]["node_type"] == "Limit":
            return True
        parent = by_id[parent]["parent_id"]
    return False


def judge(
    captures: Iterable[PlanCapture],
    rel_rows: dict[str, float],
    *,
    large_rows: float = LARGE_RELATION_ROWS,
) -> pd.DataFrame:
    """Findings, one row per (query, params, plan node, kind).

    Kinds: ``seq_scan_large`` (sequential scan of a relation with at least ``large_rows``),
    ``misestimate`` (estimated vs actual rows per loop off by more than 10x, and by 100+ rows),
    ``spill`` (sort or hash written to disk), ``nested_loop`` (inner side executed 1000+
    times), ``filter_heavy_index`` (an index scan that discards over 10x the rows it returns).
    """
    out: list[dict[str, Any]] = []
    for cap in captures:
        nodes = flatten(cap)
        by_id = {n["node_id"]: n for n in nodes}
        for n in nodes:
            def add(kind: str, detail: str, value: float, n: dict[str, Any] = n,
                    cap: PlanCapture = cap) -> None:
                out.append({"query": cap.query, "params": cap.params,
                            "variant": cap.variant, "kind": kind, "node_id": n["node_id"],
                            "node_type": n["node_type"], "relation": n["relation"],
                            "index": n["index"], "detail": detail, "value": value})

            rel = n["relation"]
            if n["node_type"] in ("Seq Scan", "Parallel Seq Scan") and rel:
                size = rel_rows.get(rel, 0.0)
                if size >= large_rows:
                    add("seq_scan_large", f"sequential scan of {rel} (~{size:,.0f} rows)", size)
            est, act = n["est_rows"], n["actual_rows"]
            hi, lo = max(est, act), max(min(est, act), 1.0)
            # Under a Limit a node stops early, and bitmap nodes report no rows: neither
            # "actual" is comparable with the estimate.
            comparable = not _under_limit(n, by_id) and not str(n["node_type"]).startswith("Bitmap")
            if comparable and hi / lo > MISESTIMATE_FACTOR and hi - lo >= 100 and n["loops"] > 0:
                add("misestimate", f"estimated {est:,.0f} rows, actual {act:,.0f} per loop",
                    hi / lo)
            if (n["sort_space_type"] == "Disk" or (n["hash_batches"] or 1) > 1
                    or n["temp_written"] > 0):
                add("spill", f"{n['node_type']} wrote {n['temp_written']} temp blocks "
                    f"(sort {n['sort_method'] or '-'}, hash batches {n['hash_batches'] or '-'})",
                    float(n["temp_written"]))
            if n["node_type"] == "Nested Loop":
                children = [c for c in nodes if c["parent_id"] == n["node_id"]]
                inner = children[1] if len(children) > 1 else None
                if inner and inner["loops"] >= NESTED_LOOP_INNER_LOOPS:
                    add("nested_loop", f"inner {inner['node_type']} on {inner['relation'] or '-'} "
                        f"ran {inner['loops']:,} times", float(inner["loops"]))
            if n["node_type"] in ("Index Scan", "Index Only Scan", "Bitmap Heap Scan"):
                removed = n["rows_removed_by_filter"] + n["rows_removed_by_recheck"]
                kept = n["actual_rows_total"]
                if removed >= 1000 and removed > FILTER_RATIO * max(kept, 1.0):
                    add("filter_heavy_index", f"{n['index'] or rel}: kept {kept:,.0f}, "
                        f"filtered away {removed:,.0f}", removed / max(kept, 1.0))
    return pd.DataFrame(out, columns=FINDING_COLUMNS)


def summary_frame(captures: Iterable[PlanCapture]) -> pd.DataFrame:
    """One row per capture: instrumented times (median, min, max), shape, shape flips, top node."""
    rows = []
    for c in captures:
        times = c.execution_ms
        top = c.plan["Plan"]
        rows.append({
            "query": c.query, "params": c.params, "variant": c.variant,
            "explain_median_ms": statistics.median(times),
            "explain_min_ms": min(times), "explain_max_ms": max(times),
            "planning_ms": float(c.plan.get("Planning Time", 0.0)),
            "shape": c.shape, "shapes_seen": len(set(c.shapes)),
            "top_node": top.get("Node Type"), "rows": top.get("Actual Rows"),
            "shared_hit": top.get("Shared Hit Blocks", 0),
            "shared_read": top.get("Shared Read Blocks", 0),
            "max_parallel_workers_per_gather": c.settings.get("max_parallel_workers_per_gather"),
        })
    return pd.DataFrame(rows)


def compare_shapes(before: Iterable[PlanCapture], after: Iterable[PlanCapture]) -> pd.DataFrame:
    """Per (query, params): the shape on each side and whether the plan changed."""
    a = {(c.query, c.params): c for c in before}
    b = {(c.query, c.params): c for c in after}
    rows = []
    for key in sorted(set(a) & set(b)):
        rows.append({"query": key[0], "params": key[1], "shape_before": a[key].shape,
                     "shape_after": b[key].shape, "changed": a[key].shape != b[key].shape})
    return pd.DataFrame(rows)


def save_captures(captures: Iterable[PlanCapture], folder: Path) -> list[Path]:
    """Write each capture's plans as ``<variant>__<query>__<tenant>-<window>.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for c in captures:
        name = f"{c.variant or 'db'}__{c.query}__{c.params.replace('/', '-')}.json"
        path = folder / name
        path.write_text(json.dumps(c.to_dict(), indent=1, default=str))
        paths.append(path)
    return paths


def load_captures(folder: Path) -> list[PlanCapture]:
    """Captures saved by :func:`save_captures`."""
    out = []
    for path in sorted(folder.glob("*.json")):
        d = json.loads(path.read_text())
        d.pop("shape", None)
        out.append(PlanCapture(**d))
    return out


# ---------------------------------------------------------------------------------------------
# Partition pruning
# ---------------------------------------------------------------------------------------------
TEMPORAL_KEY_TYPES = ("date", "timestamp without time zone", "timestamp with time zone")


@dataclass(frozen=True)
class PartitionKey:
    """A partitioned table and its key as the catalog holds them (any schema, any column)."""

    oid: int
    label: str                          # regclass text, as search_path lets it be written
    strategy: str                       # range, list or hash
    keydef: str                         # pg_get_partkeydef
    columns: tuple[str | None, ...]     # per key position; None: an expression
    types: tuple[str, ...]
    expressions: str | None             # pg_get_expr of the expression positions
    leaves: tuple[str, ...]             # bare names, as EXPLAIN prints them

    def terms(self) -> list[sql.Composable] | None:
        """Each key position as SQL (its column, or its expression); None when several
        expressions come back as one text and cannot be told apart."""
        if sum(c is None for c in self.columns) > 1:
            return None
        return [sql.Identifier(c) if c is not None
                else sql.SQL("({})").format(sql.SQL(self.expressions or "NULL"))
                for c in self.columns]

    def names(self) -> list[str]:
        """Each key position as a reader knows it."""
        return [c if c is not None else str(self.expressions) for c in self.columns]

    @property
    def by_time(self) -> bool:
        """A range key whose first position is a date or timestamp (partitioned by time)."""
        return self.strategy == "range" and self.types[0] in TEMPORAL_KEY_TYPES


def partitioned_tables(conn: psycopg.Connection) -> list[PartitionKey]:
    """Every partitioned table that is no partition itself, with its key (pg_partitioned_table)."""
    rows = conn.execute(read_sql("explain/partitioned_tables.sql")).fetchall()  # type: ignore[arg-type]
    return [PartitionKey(int(oid), label, strategy, keydef, tuple(columns), tuple(types),
                         expressions, tuple(leaves))
            for oid, label, strategy, keydef, columns, types, expressions, leaves in rows]


def _pruning_condition(conn: psycopg.Connection, key: PartitionKey, terms: list[sql.Composable]
                       ) -> tuple[sql.Composable | None, str, str | None]:
    """(WHERE condition with constant bounds, the window in words, its start) for ``key``.

    Partitioned by time: the UTC calendar month holding the newest key value (this month when
    the table is empty). Otherwise equality on every key position with the values of the row
    whose first position is greatest (an empty table gives no condition). The session's time
    zone is UTC here (the caller's transaction), so casts read the bounds as UTC.
    """
    table = sql.SQL(key.label)
    names = key.names()
    if key.by_time:
        typ = sql.SQL(key.types[0])
        row = conn.execute(sql.SQL(
            "SELECT w.lo::{t}::text, (w.lo + interval '1 month')::{t}::text FROM (SELECT "
            "date_trunc('month', coalesce(max({k})::timestamptz, now())) AS lo FROM {tbl}) AS w"
        ).format(t=typ, k=terms[0], tbl=table)).fetchone()
        lo, hi = (str(row[0]), str(row[1])) if row else ("", "")
        cond = sql.SQL("{k} >= {lo}::{t} AND {k} < {hi}::{t}").format(
            k=terms[0], lo=sql.Literal(lo), hi=sql.Literal(hi), t=typ)
        return cond, f"{names[0]} from {lo} to {hi} (one month)", lo
    found = conn.execute(sql.SQL("SELECT {} FROM {} ORDER BY {} LIMIT 1").format(
        sql.SQL(", ").join(sql.SQL("({})::text").format(t) for t in terms), table,
        sql.SQL(", ").join(sql.SQL("{} DESC NULLS LAST").format(t) for t in terms))).fetchone()
    if found is None:
        return None, "no rows: no key value to query by", None
    parts = [sql.SQL("{} IS NULL").format(t) if v is None
             else sql.SQL("{} = {}::{}").format(t, sql.Literal(v), sql.SQL(typ))
             for t, v, typ in zip(terms, found, key.types, strict=True)]
    window = " and ".join(f"{n} = {v}" for n, v in zip(names, found, strict=True))
    return sql.SQL(" AND ").join(parts), window, None


def partition_pruning(conn: psycopg.Connection, table: str) -> dict[str, Any]:
    """How many partitions of ``table`` a query by its partition key skips (EXPLAIN ANALYZE).

    The evidence that partitioning pays. ``table`` is qualified, or bare as the search_path
    finds it; which tables are partitioned, and by what, is read from the catalog
    (:func:`partitioned_tables`), never assumed. The query is a count bounded by the key (see
    :func:`_pruning_condition`: one month for a table partitioned by time, the newest row's key
    otherwise) with constant bounds, so the planner prunes at plan time; partitions it still
    had to read show as scan nodes, run-time pruning as "Subplans Removed". A plain table
    reports 0 partitions and runs nothing.
    """
    found = conn.execute("SELECT to_regclass(%s)::oid::bigint", (table,)).fetchone()
    if not found or found[0] is None:
        raise NotFound(f"table {table!r} does not exist in this database: name one that does "
                       "(schema.table, or a bare name the search_path finds)")
    out: dict[str, Any] = {
        "table": table, "key": None, "strategy": None, "window": None,
        "window_start_utc": None, "partitions": 0, "scanned": [], "pruned": 0,
        "subplans_removed_at_run_time": 0, "rows": None, "execution_ms": None, "plan": ""}
    key = next((k for k in partitioned_tables(conn) if k.oid == found[0]), None)
    if key is None:
        return out | {"window": "not partitioned"}
    out |= {"key": key.keydef, "strategy": key.strategy, "partitions": len(key.leaves)}
    terms = key.terms()
    if terms is None:
        return out | {"window": f"not tried: the key {key.keydef} has several expressions"}
    with rolled_back(conn):
        conn.execute("SET LOCAL TimeZone = 'UTC'")
        cond, window, start = _pruning_condition(conn, key, terms)
        out |= {"window": window, "window_start_utc": start}
        if cond is None:
            return out
        doc = conn.execute(sql.SQL(
            "EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM {} WHERE {}").format(
            sql.SQL(key.label), cond)).fetchone()
    plan = (json.loads(doc[0]) if isinstance(doc[0], str) else doc[0])[0] if doc else {}
    leaves = set(key.leaves)
    scanned = sorted({n["Relation Name"] for _, _, _, n in walk(plan)
                      if n.get("Relation Name") in leaves})
    top = plan.get("Plan", {})
    return out | {
        "scanned": scanned, "pruned": len(leaves) - len(scanned),
        "subplans_removed_at_run_time": sum(int(n.get("Subplans Removed", 0))
                                            for _, _, _, n in walk(plan)),
        "rows": top["Plans"][0].get("Actual Rows") if top.get("Plans") else None,
        "execution_ms": plan.get("Execution Time"),
        "plan": render_tree(plan) if plan else "",
    }
