"""The ``clientcare`` console script: the CLI, or which extra to install.

The CLI needs the ``cli`` extra (typer, rich) and its database commands the
``sql`` extra and a driver; a bare ``pip install clientcare`` has none of
them, so a missing one is named with the install line instead of a traceback.
"""

from __future__ import annotations

import sys

from clientcare.errors import ConfigurationError

__all__ = ["EXTRA_FOR_MODULE", "main", "missing_extra_message"]

EXTRA_FOR_MODULE: dict[str, str] = {
    "typer": "cli",
    "rich": "cli",
    "click": "cli",
    "sqlalchemy": "sql",
    "alembic": "sql",
    "psycopg": "postgres",
    "pymysql": "mysql",
}
"""Top-level module → the extra of ``clientcare`` that installs it."""


def missing_extra_message(module: str | None) -> str | None:
    """The install hint for a missing ``module``, or ``None`` if no extra provides it."""
    top = (module or "").split(".")[0]
    extra = EXTRA_FOR_MODULE.get(top.lower())
    if extra is None:
        return None
    return f'clientcare: this command needs the "{extra}" extra ({top} is missing): pip install "clientcare[{extra}]"'


def main() -> None:
    """Run the CLI; exit with status 3 and the install line when an extra or backend is missing."""
    try:
        # Imported here: the CLI module itself imports typer and rich.
        from clientcare.cli import main as cli_main  # noqa: PLC0415

        cli_main()
    except ModuleNotFoundError as error:
        message = missing_extra_message(error.name)
        if message is None:
            raise
        print(message, file=sys.stderr)  # noqa: T201
        raise SystemExit(3) from None
    except ConfigurationError as error:
        # connect() names the extra a URL's backend needs; say it without a traceback.
        print(f"clientcare: {error}", file=sys.stderr)  # noqa: T201
        raise SystemExit(3) from None
