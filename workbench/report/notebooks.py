"""Executing report notebooks with papermill, and turning them into HTML.

Notebooks take only harmless parameters (``run_dir``, ``profile``, ...); the server they talk to
comes from the environment the kernel inherits, so an executed notebook never holds a DSN.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager

from workbench.errors import BadParameter, NotFound
from workbench.paths import notebooks_dir, project_root


class IPCKernelManager(AsyncKernelManager):
    """Kernels talk over Unix sockets in a private temp folder, not loopback TCP.

    Nothing on the machine can connect to the kernel, and ipykernel has no reason to print
    its "running over TCP without encryption" warning into every report run.
    """

    socket_dir: Path = Path("/tmp")  # set per run by execute()

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", str(self.socket_dir / "kernel"))
        super().__init__(**kwargs)


@dataclass
class NotebookRun:
    """How one notebook went."""

    name: str
    status: str  # ok | failed
    seconds: float
    output: str
    html: str | None = None
    failed_cell: int | None = None
    error: str | None = None


def discover(names: list[str] | None = None) -> list[Path]:
    """The report's notebooks in name order, or just the named ones (by stem or prefix)."""
    found = sorted(notebooks_dir().glob("[0-9]*.ipynb"))
    if not names:
        return found
    chosen = []
    for name in names:
        matches = [p for p in found if p.stem == name or p.stem.startswith(name)]
        if not matches:
            known = ", ".join(p.stem for p in found)
            raise NotFound(f"no notebook {name!r} in {notebooks_dir()} (known: {known})")
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


def declared_parameters(path: Path) -> dict[str, Any]:
    """The parameters a notebook declares in its tagged cell (papermill's inspection)."""
    import papermill

    return dict(papermill.inspect_notebook(str(path)))


def check_parameters(path: Path, parameters: dict[str, Any]) -> dict[str, Any]:
    """Keep the parameters the notebook declares; an unknown explicit one is an error."""
    declared = declared_parameters(path)
    return {k: v for k, v in parameters.items() if k in declared}


def validate_user_parameters(paths: list[Path], parameters: dict[str, Any]) -> None:
    """Every ``-p NAME=VALUE`` the user gave must be declared by at least one notebook."""
    declared: set[str] = set()
    for path in paths:
        declared |= set(declared_parameters(path))
    unknown = sorted(set(parameters) - declared)
    if unknown:
        raise BadParameter(
            f"parameter {unknown[0]!r} is not declared by any notebook "
            f"(declared: {', '.join(sorted(declared))})"
        )


def execute(path: Path, out_dir: Path, parameters: dict[str, Any]) -> NotebookRun:
    """Run one notebook into ``out_dir``; a failure is recorded with its cell, not raised."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    out_dir.mkdir(parents=True, exist_ok=True)
    output = out_dir / path.name
    started = time.perf_counter()
    run = NotebookRun(path.stem, "ok", 0.0, str(output))
    sockets = tempfile.TemporaryDirectory(prefix="wb-kernel-")
    IPCKernelManager.socket_dir = Path(sockets.name)
    try:
        papermill.execute_notebook(
            str(path), str(output), parameters=check_parameters(path, parameters),
            kernel_name="python3", progress_bar=False, log_output=False,
            cwd=str(project_root()),
            kernel_manager_class=f"{__name__}.IPCKernelManager",
        )
    except PapermillExecutionError as exc:
        run.status = "failed"
        run.failed_cell = exc.exec_count
        run.error = f"{exc.ename}: {exc.evalue}".splitlines()[0][:300]
    except Exception as exc:  # kernel died, notebook unreadable: still a failed notebook
        run.status = "failed"
        run.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
    finally:
        sockets.cleanup()
    run.seconds = round(time.perf_counter() - started, 2)
    if output.exists():
        run.html = str(to_html(output))
    return run


def to_html(notebook: Path) -> Path:
    """The executed notebook as a standalone HTML page beside it."""
    import nbformat
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(
        nbformat.read(str(notebook), as_version=4)
    )
    html = notebook.with_suffix(".html")
    html.write_text(body)
    return html
