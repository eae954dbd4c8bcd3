"""The ``workbench`` command.

Each module in this package is one command group and exposes ``register(app)``; they are found
by scanning the package, so adding a command never means editing a list. Commands parse, call
library functions and print; a :class:`WorkbenchError` becomes one line on stderr and its exit
code, never a traceback.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

from workbench.errors import WorkbenchError

app = typer.Typer(
    name="workbench",
    help="Evidence for every premortem risk of a multi-tenant PostgreSQL schema.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _register_all() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_all()


def main() -> None:
    """Entry point: run the app, turning workbench errors into one line and an exit code."""
    try:
        # Outside standalone mode click returns (not raises) the code of typer.Exit.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            if code == 130:  # typer turns Ctrl-C into Exit(130) and says nothing
                print("interrupted", file=sys.stderr)
            sys.exit(code)
    except WorkbenchError as exc:
        from workbench.settings import Settings, scrub

        try:
            secrets = Settings.load().secrets()
        except WorkbenchError:
            secrets = []
        print(f"error: {scrub(str(exc), secrets)}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("aborted", file=sys.stderr)
        sys.exit(130)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # typer's click: unknown command or option, bad value
        ctx = getattr(exc, "ctx", None)
        where = f" (see {ctx.command_path} --help)" if ctx is not None else ""
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        print(f"error: {message}{where}", file=sys.stderr)
        sys.exit(getattr(exc, "exit_code", 2))
