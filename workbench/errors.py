"""The workbench's exceptions.

Every error a user can cause (a wrong DSN, an unknown profile, a database the workbench does not
own) is a :class:`WorkbenchError` whose message is one line naming the thing that is wrong and
what to do about it. The CLI prints that line and exits with :attr:`exit_code`; nothing else is
caught, so real bugs still show a traceback.
"""

from __future__ import annotations


def one_line(exc: BaseException, limit: int | None = 200) -> str:
    """An exception's message on one line (whitespace squeezed; its type's name if empty), cut
    to ``limit`` characters: how errors, findings and reports quote a cause they pass on."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if limit is None or len(text) <= limit else text[:limit - 3] + "..."


class WorkbenchError(Exception):
    """Base class: a one-line, user-facing problem."""

    exit_code = 2


class ConnectionFailed(WorkbenchError):
    """The server could not be reached or refused the login."""


class UnsafeOperation(WorkbenchError):
    """A destructive step on a database the workbench did not create."""


class NotFound(WorkbenchError):
    """A named thing (profile, unit, query, check, notebook, run) does not exist."""


class BadParameter(WorkbenchError):
    """A parameter or input file is malformed."""


class SchemaError(WorkbenchError):
    """Applying or reverting SQL failed."""


class NotebookFailed(WorkbenchError):
    """A report notebook raised; the message names the notebook and the cell."""

    exit_code = 1
