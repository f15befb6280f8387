"""The ``clientcare`` command line (``pip install clientcare[cli,sql]``).

``clientcare db upgrade URL`` brings a database to the newest schema;
``clientcare db current URL`` shows where it is; ``clientcare purchases
import URL FILE --tenant T`` runs the nightly POS import from a CSV file;
``clientcare report URL YYYY-MM --tenant T`` writes the owner's monthly report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

__all__ = ["app", "main"]

app = typer.Typer(help="clientcare: keep your customers.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema (SQL adapter).", no_args_is_help=True)
purchases_app = typer.Typer(help="The deal archive.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(purchases_app, name="purchases")

_URL = Annotated[str, typer.Argument(help="Database URL, e.g. sqlite:///care.db or postgresql+psycopg://…")]


@db_app.command("upgrade")
def db_upgrade(
    url: _URL,
    revision: Annotated[str, typer.Option(help="Target migration.")] = "head",
) -> None:
    """Create or upgrade clientcare's tables in the database at URL."""
    from clientcare.adapters.sqlalchemy import current_revision, upgrade  # noqa: PLC0415
    from clientcare.adapters.sqlalchemy._uow import create_clientcare_engine  # noqa: PLC0415

    engine = create_clientcare_engine(url)
    try:
        upgrade(engine, revision)
        Console().print(f"clientcare schema at revision [bold]{current_revision(engine)}[/bold]")
    finally:
        engine.dispose()


@db_app.command("current")
def db_current(url: _URL) -> None:
    """Show the migration the database at URL is at."""
    from clientcare.adapters.sqlalchemy import HEAD, current_revision  # noqa: PLC0415
    from clientcare.adapters.sqlalchemy._uow import create_clientcare_engine  # noqa: PLC0415

    engine = create_clientcare_engine(url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    Console().print(f"current: {current or '(empty)'}  head: {HEAD}")
    if current != HEAD:
        raise typer.Exit(code=1)


@purchases_app.command("import")
def purchases_import(
    url: _URL,
    path: Annotated[Path, typer.Argument(help="CSV file in the documented column layout (docs/sql.md).")],
    tenant: Annotated[str, typer.Option(help="The tenant the purchases belong to.")],
    batch_size: Annotated[int, typer.Option(help="Rows per transaction.")] = 5000,
) -> None:
    """Import purchases from a POS CSV file; rejected lines are listed, the rest are kept."""
    import clientcare  # noqa: PLC0415

    console = Console()
    with clientcare.connect(url, tenant=tenant) as care:
        report = care.purchases.import_csv(path, batch_size=batch_size)
    table = Table("imported", "skipped (known receipt)", "rejected")
    table.add_row(str(report.imported), str(report.skipped), str(len(report.rejected)))
    console.print(table)
    for reject in report.rejected[:50]:
        console.print(f"line {reject.line}: {reject.reason}")
    if report.rejected:
        raise typer.Exit(code=2)


@app.command("report")
def report(
    url: _URL,
    month: Annotated[str, typer.Argument(help="The month, YYYY-MM.")],
    *,
    tenant: Annotated[str, typer.Option(help="The tenant to report on.")],
    out: Annotated[Path, typer.Option(help="The HTML file to write.")] = Path("report.html"),
    language: Annotated[str, typer.Option(help="zh-CN or en.")] = "zh-CN",
    xlsx: Annotated[Path | None, typer.Option(help="Also write the tables to this XLSX file.")] = None,
) -> None:
    """Write the owner's monthly report as one self-contained HTML file."""
    import clientcare  # noqa: PLC0415

    with clientcare.connect(url, tenant=tenant) as care:
        monthly = care.reports.monthly(month, language=language)
    Console().print(f"wrote {monthly.write_html(out)}")
    if xlsx is not None:
        Console().print(f"wrote {monthly.write_xlsx(xlsx)}")


def main() -> None:
    """Entry point of the ``clientcare`` script."""
    app()
