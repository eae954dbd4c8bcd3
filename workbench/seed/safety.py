"""A seed never leaves a database without its keys: restore on failure, and ``--restore``.

The seeder drops keys, indexes and foreign keys for the bulk load and records how to recreate
each in ``_workbench.seed_deferred`` (:mod:`workbench.seed.runner`). Between that drop and the
restore anything can happen: a generator error, Ctrl-C (or SIGTERM, SIGHUP: see
:func:`terminate_as_interrupt`), a lost connection. Any of them now
restores what was dropped before the exception leaves the command, deleting (and counting in
the error) rows that repeat a unique key, which no later restore could get past; if even that
fails (the server went away), the one-line error says to run ``workbench seed --restore``,
which is also the last resort after kill -9 (nothing runs then). ``--resume`` restores too,
after loading.
"""

from __future__ import annotations

import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from workbench import db
from workbench.errors import WorkbenchError, one_line
from workbench.settings import Settings


class RestoreFailed(WorkbenchError):
    """Seeding failed and the dropped keys could not be put back; ``--restore`` finishes it."""


class SeedStopped(WorkbenchError):
    """Seeding failed; its keys came back only after deleting rows that repeated one."""


@contextmanager
def restored_on_failure(restore: Callable[[Counter], object], database: str) -> Iterator[None]:
    """Run the body; if it raises anything (Ctrl-C included), ``restore(deleted)`` before
    re-raising.

    The restore deletes rows repeating a unique key (a seed that wrote them could never be
    restored, ``--restore`` neither) and counts them in ``deleted``: then the error is
    :class:`SeedStopped`, naming the cause and what the keys cost. A failing restore turns
    into :class:`RestoreFailed` naming both causes and the command that finishes the job; the
    original exception is chained either way.
    """
    try:
        yield
    except BaseException as exc:
        deleted: Counter = Counter()
        try:
            restore(deleted)
        except BaseException as again:
            raise RestoreFailed(
                f"seeding {database!r} stopped ({one_line(exc)}) and its keys and indexes "
                f"could not be put back ({one_line(again)}); run `workbench seed --restore "
                f"--target {database}` once the cause is fixed") from exc
        if deleted:
            cost = ", ".join(f"{k}: {n:,}" for k, n in sorted(deleted.items()))
            raise SeedStopped(
                f"seeding {database!r} stopped ({one_line(exc)}); its keys and indexes are "
                f"back after deleting the rows that repeated a unique key ({cost}); reseed "
                f"with --replace once the cause is fixed") from exc
        raise


def pending(settings: Settings, database: str) -> int:
    """How many dropped keys, indexes and foreign keys still wait to be restored in ``database``."""
    with db.connection(settings, database, autocommit=True) as conn:
        found = conn.execute("SELECT to_regclass('_workbench.seed_deferred')").fetchone()
        if not found or found[0] is None:
            return 0
        row = conn.execute("SELECT count(*) FROM _workbench.seed_deferred").fetchone()
    return int(row[0]) if row else 0


def restore_keys(settings: Settings, database: str, *, workers: int = 2,
                 allow_destroy: bool = False) -> tuple[int, dict[str, float]]:
    """``workbench seed --restore``: recreate what a stopped seed left dropped.

    Returns (how many were waiting, seconds per restore step). Only in databases the workbench
    owns (or with ``allow_destroy``), like seeding itself. Rows stay as they are: ``--resume``
    finishes the load, ``--replace`` starts again.
    """
    from workbench.seed.runner import restore_deferred  # runner imports this module

    db.require_destroyable(settings, database, allow_destroy=allow_destroy,
                           action="restore keys in")
    waiting = pending(settings, database)
    seconds = restore_deferred(settings, database, workers) if waiting else {}
    return waiting, seconds


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """While seeding, SIGTERM and SIGHUP act like Ctrl-C (a CI job cancelled, a closed terminal).

    Their default is to end the process at once, which would leave the keys dropped; as a
    KeyboardInterrupt they go through :func:`restored_on_failure` like Ctrl-C does. Main thread
    only (signal handlers cannot be set elsewhere); the previous handlers come back afterwards.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = {s: signal.signal(s, interrupt) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
