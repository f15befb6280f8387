"""What every command shares: the connection options, output as a table or JSON,
one-line errors with documented exit codes, and the progress bar."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from clientcare.errors import (
    ClientcareError,
    ConcurrencyConflict,
    ConfigurationError,
    DuplicateRecord,
    FileUnreadable,
    NotFound,
    RuleViolation,
    ValidationError,
)

if TYPE_CHECKING:
    from clientcare.app import Clientcare

__all__ = [
    "EXIT_DATABASE",
    "EXIT_FILE",
    "EXIT_FINDINGS",
    "EXIT_INPUT",
    "EXIT_NOT_FOUND",
    "EXIT_REFUSED",
    "EXIT_UNEXPECTED",
    "Json",
    "Playbook",
    "Tenant",
    "Url",
    "err_console",
    "handled",
    "opened",
    "out_console",
    "print_json",
    "print_table",
    "progress_bar",
    "settings",
    "to_json",
]

#: Exit codes (docs/cli.md). 2 is click's own: a command or option used wrongly.
EXIT_UNEXPECTED = 1
EXIT_INPUT = 3
EXIT_NOT_FOUND = 4
EXIT_REFUSED = 5
EXIT_FILE = 6
EXIT_DATABASE = 7
EXIT_FINDINGS = 8

Url = Annotated[
    str,
    typer.Option(
        "--url",
        envvar="CLIENTCARE_URL",
        help="Database URL, e.g. sqlite:///care.db or postgresql+psycopg://… (env CLIENTCARE_URL).",
        show_default=False,
    ),
]
Tenant = Annotated[
    str,
    typer.Option(
        "--tenant", envvar="CLIENTCARE_TENANT", help="The shop's tenant (env CLIENTCARE_TENANT).", show_default=False
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Answer as JSON on stdout.")]


class _Settings:
    """Options of the root command that every subcommand honours."""

    debug: bool = False


settings = _Settings()


def out_console() -> Console:
    """Where answers go: stdout, looked up per call so test runners can capture it."""
    return Console(file=sys.stdout, soft_wrap=True)


def err_console() -> Console:
    """Where errors and progress go: stderr, so ``--json`` output stays clean."""
    return Console(file=sys.stderr, soft_wrap=True)


def print_json(data: object) -> None:
    """One JSON document on stdout (non-ASCII kept readable)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def print_table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A rich table on stdout; an empty one says so."""
    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    out_console().print(table)


P = ParamSpec("P")
R = TypeVar("R")


def handled(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the errors a command can meet into one line on stderr and an exit code.

    With ``--debug`` the error is raised as is, traceback and all.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except ModuleNotFoundError:
            # The console script (clientcare.script) names the extra to install, in one place.
            raise
        except Exception as exc:
            if settings.debug:
                raise
            code, line = describe(exc)
            err_console().print(f"[bold red]error:[/bold red] {line}", highlight=False, markup=True)
            raise typer.Exit(code) from None

    return run


def describe(exc: BaseException) -> tuple[int, str]:
    """The exit code and the one line for an error; never the value that caused it."""
    kind = type(exc)
    if isinstance(exc, UnicodeDecodeError):
        return EXIT_INPUT, f"file: not valid {exc.encoding} text at byte {exc.start} (give --encoding)"
    if isinstance(exc, FileUnreadable):
        return EXIT_FILE, _escape(str(exc))
    if isinstance(exc, ValidationError):
        return EXIT_INPUT, _escape(str(exc))
    if isinstance(exc, NotFound):
        return EXIT_NOT_FOUND, _escape(f"{exc.entity}: not found")
    if isinstance(exc, RuleViolation | DuplicateRecord | ConcurrencyConflict):
        return EXIT_REFUSED, _escape(str(exc))
    if isinstance(exc, ConfigurationError):
        return EXIT_INPUT, _escape(f"url: {exc}")
    if isinstance(exc, ClientcareError):
        return EXIT_REFUSED, _escape(str(exc))
    if isinstance(exc, FileNotFoundError):
        return EXIT_FILE, "file: does not exist"
    if isinstance(exc, IsADirectoryError):
        return EXIT_FILE, "file: is a directory"
    if isinstance(exc, PermissionError):
        return EXIT_FILE, "file: not readable (permission denied)"
    if isinstance(exc, OSError) and not kind.__module__.startswith("sqlalchemy"):
        return EXIT_FILE, _escape(f"file: cannot be read ({exc.strerror or kind.__name__})")
    if kind.__module__.startswith("sqlalchemy"):
        return EXIT_DATABASE, _database_line(exc)
    return EXIT_UNEXPECTED, _escape(f"{kind.__name__}: unexpected error (run again with --debug for the traceback)")


def _database_line(exc: BaseException) -> str:
    """Driver messages may quote a statement's parameters (customer data): only the
    error class and the driver's first line, which names the server's complaint."""
    name = type(exc).__name__
    if name == "ArgumentError":
        return "url: not a database URL this installation can open"
    if name in {"ProgrammingError", "NoSuchTableError"} or "no such table" in str(exc):
        return "database: schema missing or out of date (run `clientcare db upgrade`)"
    orig = getattr(exc, "orig", None)
    first = str(orig).splitlines()[0] if orig is not None and str(orig) else name
    return _escape(f"database: unavailable or refused the connection ({first[:160]})")


def _escape(text: str) -> str:
    return text.replace("[", "\\[")


@contextmanager
def progress_bar(description: str, total: int | None, *, unit_bytes: bool) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr with total, rate and time left; yields ``advance_to(done)``.

    Hidden when stderr is not a terminal (cron, pipes), where it would only add noise.
    """
    columns: list[Any] = [TextColumn("[bold]{task.description}"), BarColumn()]
    if unit_bytes:
        columns += [DownloadColumn(), TransferSpeedColumn()]
    else:
        columns += [TextColumn("{task.completed}/{task.total}"), TextColumn("{task.speed} /s")]
    columns.append(TimeRemainingColumn())
    console = err_console()
    with Progress(*columns, console=console, disable=not console.is_terminal, transient=False) as progress:
        task = progress.add_task(description, total=total)

        def advance_to(done: int) -> None:
            progress.update(task, completed=done)

        yield advance_to
        if total is not None:
            progress.update(task, completed=total)


Playbook = Annotated[
    Path | None,
    typer.Option(
        "--playbook",
        envvar="CLIENTCARE_PLAYBOOK",
        help="The shop's playbook (TOML); the default playbook otherwise (env CLIENTCARE_PLAYBOOK).",
        show_default=False,
    ),
]


@contextmanager
def opened(url: str, tenant: str, playbook: Path | None = None) -> Iterator[Clientcare]:
    """The facade on ``url`` for ``tenant``, closed afterwards."""
    # Imported here so that `clientcare --version` and `--help` load no adapter.
    import clientcare  # noqa: PLC0415

    rules = clientcare.Playbook.from_toml(playbook) if playbook is not None else None
    with clientcare.connect(url, tenant=tenant, playbook=rules) as care:
        yield care


def to_json(value: object) -> Any:
    """A domain object as JSON-ready data (the library's own converter)."""
    from clientcare.serialization import unstructure  # noqa: PLC0415

    return unstructure(value)
