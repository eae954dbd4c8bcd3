"""The shape of a text id column (prefix, alphabet, length), read from its default or its rows.

A text key is made by a default (``'cus_' || gen_random_uuid()``, ``concat('inv_', ...)``,
``nanoid(24)``, a project's own ``make_id('ch')``) or by the application (a cuid, an ``in_``
prefixed ULID). Seeded rows should look like the real ones: the same prefix, characters and
length, so that code, indexes and checks that read the id see what they would in production.
Three sources, most telling first:

* the default expression read with PostgreSQL's parser (pglast): string literals in front of a
  generator this module knows (:data:`GENERATORS`), without evaluating anything;
* the default evaluated a few times in a read-only transaction (a project's own function);
* rows: ``workbench clone --from`` reads up to :data:`SAMPLE_ROWS` values of each text key
  column of the source and records only their shape (never the values) in
  ``_workbench.seed_id_shapes`` of the clone, which the plan reads.

A shape is ``{"prefix", "alphabet", "length"}`` with ``alphabet`` a name of
:data:`workbench.seed.generators.ALPHABETS`, or ``"uuid"`` for a canonical 36-character uuid
body, or ``"chars"`` with the exact characters seen (``chars``).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from typing import Any

import psycopg
from pglast import ast, parse_sql
from pglast.parser import ParseError
from psycopg import sql

from workbench.seed.generators import ALPHABETS
from workbench.sqlfiles import read_sql

SAMPLE_ROWS = 50
UUID_BODY = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                       r"[0-9a-fA-F]{12}")
SEPARATORS = "_-:"
# Alphabets tried in order, narrowest first (a digits-only body is not called hex).
NARROWEST = ("digits", "hex", "lower", "crockford", "upper", "alnum", "nanoid")
# Functions that make a random id: name -> (alphabet, length, argument giving the length).
GENERATORS: dict[str, tuple[str, int, int | None]] = {
    "gen_random_uuid": ("uuid", 36, None), "uuid_generate_v4": ("uuid", 36, None),
    "uuid_generate_v7": ("uuid", 36, None), "uuidv4": ("uuid", 36, None),
    "uuidv7": ("uuid", 36, None), "uuid_generate_v1": ("uuid", 36, None),
    "nanoid": ("nanoid", 21, 0), "cuid": ("lower", 25, None), "cuid2": ("lower", 24, None),
    "ulid": ("crockford", 26, None), "gen_ulid": ("crockford", 26, None),
    "generate_ulid": ("crockford", 26, None), "ulid_generate": ("crockford", 26, None),
    "md5": ("hex", 32, None), "nextval": ("digits", 8, None),
}


def _func_name(node: ast.FuncCall) -> str:
    return node.funcname[-1].sval.lower()  # type: ignore[index,union-attr]


def _int_arg(node: ast.Node | None) -> int | None:
    if isinstance(node, ast.A_Const) and isinstance(node.val, ast.Integer):
        return int(node.val.ival)  # type: ignore[arg-type]
    return None


def _str_arg(node: ast.Node | None) -> str | None:
    while isinstance(node, ast.TypeCast):
        node = node.arg
    if isinstance(node, ast.A_Const) and isinstance(node.val, ast.String):
        return str(node.val.sval)
    return None


def _body(node: ast.Node | None) -> dict[str, Any] | None:
    """The random part a generator call makes: {alphabet, length[, chars]}, or None."""
    while isinstance(node, ast.TypeCast):
        node = node.arg
    if not isinstance(node, ast.FuncCall):
        return None
    name, args = _func_name(node), list(node.args or ())
    if name in GENERATORS:
        alphabet, length, size_arg = GENERATORS[name]
        if size_arg is not None and len(args) > size_arg:
            length = _int_arg(args[size_arg]) or length
        custom = _str_arg(args[1]) if name == "nanoid" and len(args) > 1 else None
        if custom:
            return {"alphabet": "chars", "chars": "".join(sorted(set(custom))), "length": length}
        return {"alphabet": alphabet, "length": length}
    if name in ("substr", "substring", "left") and args:
        inner = _body(args[0])
        count = _int_arg(args[-1]) if name == "left" or len(args) == 3 else None
        if inner is None or count is None:
            return None
        start = _int_arg(args[1]) if name != "left" else 1
        length = min(count, inner["length"] - (start or 1) + 1)
        return {**inner, "alphabet": "hex" if inner["alphabet"] == "uuid" else inner["alphabet"],
                "length": length}
    if name == "replace" and len(args) == 3 and _str_arg(args[1]) == "-" \
            and _str_arg(args[2]) == "":
        inner = _body(args[0])
        if inner and inner["alphabet"] == "uuid":
            return {"alphabet": "hex", "length": 32}
    if name == "lpad" and len(args) >= 2:
        inner = _body(args[0])
        width = _int_arg(args[1])
        if inner and width:
            return {**inner, "length": width}  # lpad cuts a longer value to the width
    if name == "encode" and len(args) == 2:
        raw = args[0]
        while isinstance(raw, ast.TypeCast):
            raw = raw.arg
        size = (_int_arg(raw.args[0]) if isinstance(raw, ast.FuncCall) and raw.args
                and _func_name(raw) == "gen_random_bytes" else None)
        form = _str_arg(args[1])
        if size and form == "hex":
            return {"alphabet": "hex", "length": 2 * size}
        if size and form == "base64":
            return {"alphabet": "chars", "chars": ALPHABETS["alnum"] + "+/=",
                    "length": (size + 2) // 3 * 4}
    return None


def _pieces(node: ast.Node | None) -> list[str | dict[str, Any]] | None:
    """A default as literal strings and random bodies, in order (None: not understood)."""
    while isinstance(node, ast.TypeCast):
        node = node.arg
    literal = _str_arg(node)
    if literal is not None:
        return [literal]
    if isinstance(node, ast.A_Expr) and node.name and node.name[-1].sval == "||":  # type: ignore[union-attr]
        left, right = _pieces(node.lexpr), _pieces(node.rexpr)  # type: ignore[arg-type]
        return None if left is None or right is None else left + right
    if isinstance(node, ast.FuncCall) and _func_name(node) == "concat":
        out: list[str | dict[str, Any]] = []
        for arg in node.args or ():
            part = _pieces(arg)
            if part is None:
                return None
            out += part
        return out
    body = _body(node)
    return None if body is None else [body]


def shape_of_default(default: str | None) -> dict[str, Any] | None:
    """The shape a default expression makes: literal prefix + one known generator, else None.

    ``'cus_' || gen_random_uuid()`` gives ``{"prefix": "cus_", "alphabet": "uuid", "length":
    36}``; an expression with anything else in it (a suffix, two generators, a function this
    module does not know) gives None, and the default is evaluated instead.
    """
    if not default or "(" not in default:
        return None
    try:
        stmt = parse_sql(f"SELECT {default}")[0].stmt
    except ParseError:
        return None
    pieces = _pieces(stmt.targetList[0].val)  # type: ignore[union-attr,index]
    if not pieces or not isinstance(pieces[-1], dict) or any(
            isinstance(p, dict) for p in pieces[:-1]):
        return None
    body = pieces[-1]
    return {"prefix": "".join(p for p in pieces[:-1] if isinstance(p, str)), **body}


def shape_of_samples(samples: list[str], *, strict: bool = False) -> dict[str, Any] | None:
    """(prefix, alphabet, length) of ids from values a default produced or rows hold.

    ``strict`` (rows, which may be any text): None unless the values look like ids: no spaces,
    one prefix, and a body that is a uuid or of one length of 8+ characters.
    """
    samples = [s for s in samples if s]
    if not samples:
        return None
    uuid_prefixes = {m.group(1) for s in samples if (m := re.fullmatch(
        r"(.*?)(" + UUID_BODY.pattern + ")", s))}
    if len(uuid_prefixes) == 1 and all(UUID_BODY.search(s) for s in samples):
        return {"prefix": uuid_prefixes.pop(), "alphabet": "uuid", "length": 36}
    prefix = samples[0]
    for s in samples[1:]:
        while not s.startswith(prefix):
            prefix = prefix[:-1]
    cut = max(prefix.rfind(ch) for ch in SEPARATORS)
    prefix = prefix[:cut + 1] if cut >= 0 else ""
    rest = [s[len(prefix):] for s in samples]
    chars = set("".join(rest))
    if strict and (any(ch.isspace() for ch in chars) or len({len(r) for r in rest}) > 1
                   or len(rest[0]) < 8):
        return None
    name = next((n for n in NARROWEST if chars <= set(ALPHABETS[n])), None)
    length = max(len(r) for r in rest) or 12
    if name is None:
        return {"prefix": prefix, "alphabet": "chars", "chars": "".join(sorted(chars)),
                "length": length}
    return {"prefix": prefix, "alphabet": name, "length": length}


def sample_default(conn: psycopg.Connection | None, default: str) -> list[str]:
    """Evaluate a default a few times in a read-only transaction (nothing is kept)."""
    if conn is None or "nextval(" in default:
        return []
    try:
        with conn.transaction(force_rollback=True):
            conn.execute("SET TRANSACTION READ ONLY")
            conn.execute("SELECT setseed(0.5)")  # random() repeats: the same plan next time
            rows = conn.execute(sql.SQL("SELECT ({})::text FROM generate_series(1, 20)").format(
                sql.SQL(default))).fetchall()  # type: ignore[arg-type]
        return [r[0] for r in rows if r[0] is not None]
    except psycopg.Error:
        return []


# ---------------------------------------------------------------- shapes of a source's rows


def read_row_shapes(conn: psycopg.Connection, schemas: Sequence[str] = ()
                    ) -> dict[tuple[str, str], dict[str, Any]]:
    """Shapes of the text key columns of ``conn``'s tables that hold id-like values.

    Reads at most :data:`SAMPLE_ROWS` values per column (no ORDER BY: a source may be large);
    a table the user may not read is skipped.
    """
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for table, schema, relname, column in conn.execute(
            read_sql("seed/text_key_columns.sql"), {"schemas": list(schemas)}).fetchall():  # type: ignore[arg-type]
        query = sql.SQL("SELECT {c}::text FROM {t} WHERE {c} IS NOT NULL LIMIT {n}").format(
            c=sql.Identifier(column), t=sql.Identifier(schema, relname), n=SAMPLE_ROWS)
        try:
            with conn.transaction():
                values = [r[0] for r in conn.execute(query)]
        except psycopg.Error:
            continue
        shape = shape_of_samples(values, strict=True)
        if shape is not None:
            out[(table, column)] = shape
    return out


def record_row_shapes(conn: psycopg.Connection,
                      shapes: dict[tuple[str, str], dict[str, Any]]) -> None:
    """Keep ``shapes`` in the clone (``_workbench.seed_id_shapes``), for the seed's plan."""
    if not shapes:
        return
    conn.execute(read_sql("seed/id_shapes.sql"))  # type: ignore[arg-type]
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO _workbench.seed_id_shapes VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (table_name, column_name) DO UPDATE SET prefix = EXCLUDED.prefix, "
            "alphabet = EXCLUDED.alphabet, chars = EXCLUDED.chars, length = EXCLUDED.length",
            [(t, c, s["prefix"], s["alphabet"], s.get("chars"), s["length"])
             for (t, c), s in sorted(shapes.items())])


_RECORDED: weakref.WeakKeyDictionary[psycopg.Connection, dict[tuple[str, str], dict[str, Any]]] \
    = weakref.WeakKeyDictionary()


def recorded_shape(conn: psycopg.Connection | None, table: str, column: str
                   ) -> dict[str, Any] | None:
    """The shape recorded for ``table.column`` when the clone was made (read once per conn)."""
    if conn is None:
        return None
    if conn not in _RECORDED:
        found = conn.execute("SELECT to_regclass('_workbench.seed_id_shapes')").fetchone()
        rows = conn.execute(
            "SELECT table_name, column_name, prefix, alphabet, chars, length "
            "FROM _workbench.seed_id_shapes").fetchall() if found and found[0] else []
        _RECORDED[conn] = {(t, c): {"prefix": p, "alphabet": a, "length": n,
                                    **({"chars": ch} if ch else {})}
                           for t, c, p, a, ch, n in rows}
    return _RECORDED[conn].get((table, column))


__all__ = ["GENERATORS", "read_row_shapes", "record_row_shapes", "recorded_shape",
           "sample_default", "shape_of_default", "shape_of_samples"]
