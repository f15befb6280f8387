"""The root command, the schema, the playbook, the monthly figures and the outbox relay."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, time, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated

import typer

from clientcare.cli._common import (
    EXIT_FINDINGS,
    Json,
    Playbook,
    Tenant,
    Url,
    err_console,
    handled,
    opened,
    out_console,
    print_json,
    print_table,
    settings,
    to_json,
)
from clientcare.cli._customers import customers_app, purchases_app
from clientcare.cli._work import board, complaints_app, daily_app, tiers_app, touches_app
from clientcare.errors import ValidationError

__all__ = ["app", "main"]

app = typer.Typer(
    help="clientcare: keep your customers.", no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False
)
db_app = typer.Typer(help="Database schema (SQL adapter).", no_args_is_help=True)
playbook_app = typer.Typer(help="The shop's rules and numbers.", no_args_is_help=True)
events_app = typer.Typer(help="The durable outbox of domain events.", no_args_is_help=True)
app.add_typer(customers_app, name="customers")
app.add_typer(purchases_app, name="purchases")
app.add_typer(daily_app, name="daily")
app.add_typer(touches_app, name="touches")
app.add_typer(complaints_app, name="complaints")
app.add_typer(tiers_app, name="tiers")
app.add_typer(events_app, name="events")
app.add_typer(playbook_app, name="playbook")
app.add_typer(db_app, name="db")
app.command("board")(board)


def _version() -> str:
    try:
        return version("clientcare")
    except PackageNotFoundError:  # pragma: no cover - only in a source tree without metadata
        return "unknown"


def _show_version(value: bool) -> None:
    if value:
        out_console().print(f"clientcare {_version()}", highlight=False)
        raise typer.Exit()


@app.callback()
def root(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version and exit."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", envvar="CLIENTCARE_DEBUG", help="Show the traceback of an error.")
    ] = False,
) -> None:
    """clientcare: keep your customers. Exit codes are listed in docs/cli.md."""
    settings.debug = debug


@db_app.command("upgrade")
@handled
def db_upgrade(url: Url, revision: Annotated[str, typer.Option(help="Target migration.")] = "head") -> None:
    """Create or upgrade clientcare's tables in the database."""
    from clientcare.adapters.sqlalchemy import create_clientcare_engine, current_revision, upgrade  # noqa: PLC0415

    engine = create_clientcare_engine(url)
    try:
        upgrade(engine, revision)
        out_console().print(f"clientcare schema at revision [bold]{current_revision(engine)}[/bold]")
    finally:
        engine.dispose()


@db_app.command("current")
@handled
def db_current(url: Url, as_json: Json = False) -> None:
    """Show the migration the database is at; exit code 8 when it is behind the newest."""
    from clientcare.adapters.sqlalchemy import HEAD, create_clientcare_engine, current_revision  # noqa: PLC0415

    engine = create_clientcare_engine(url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    if as_json:
        print_json({"current": current, "head": HEAD, "up_to_date": current == HEAD})
    else:
        out_console().print(f"current: {current or '(empty)'}  head: {HEAD}", highlight=False)
    if current != HEAD:
        raise typer.Exit(EXIT_FINDINGS)


@playbook_app.command("check")
@handled
def playbook_check(
    path: Annotated[Path, typer.Argument(help="The playbook TOML file.", show_default=False)], as_json: Json = False
) -> None:
    """Check a playbook file: every value present, typed and in range (exit code 3 at the first error)."""
    from clientcare.playbook import Playbook as Rules  # noqa: PLC0415

    rules = Rules.from_toml(path)
    if as_json:
        print_json({"valid": True, "timezone": rules.locale.timezone, "currency": rules.locale.currency})
    else:
        out_console().print(f"playbook ok ({rules.locale.timezone}, {rules.locale.currency})", highlight=False)


@app.command("report")
@handled
def report(
    *,
    url: Url,
    tenant: Tenant,
    playbook: Playbook = None,
    month: Annotated[str | None, typer.Option(help="The month as YYYY-MM; this month by default.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the owner's monthly report to this HTML file.")] = None,
    xlsx: Annotated[Path | None, typer.Option(help="Also write the report's tables to this XLSX file.")] = None,
    language: Annotated[str, typer.Option(help="The report's language: zh-CN or en.")] = "zh-CN",
    as_json: Json = False,
) -> None:
    """The month's relationship figures (P64), and with --out the owner's monthly report.

    The analytics figures for one calendar month in the playbook's time zone,
    against the month before. ``--out report.html`` also writes the whole
    monthly report (charts as inline SVG, one self-contained file).
    """
    with opened(url, tenant, playbook) as care:
        zone = care.playbook.locale.zone
        first = _month_start(month, care.clock.now().astimezone(zone).date())
        following = (first + timedelta(days=32)).replace(day=1)
        start = datetime.combine(first, time(), tzinfo=zone)
        end = datetime.combine(following, time(), tzinfo=zone)
        figures = to_json(care.analytics.figures(start, end))
        if out is not None or xlsx is not None:
            monthly = care.reports.monthly(first, language=language)
            written = [str(monthly.write_html(out))] if out is not None else []
            written += [str(monthly.write_xlsx(xlsx))] if xlsx is not None else []
            figures["written"] = written
    figures["month"] = first.strftime("%Y-%m")
    if as_json:
        print_json(figures)
        return
    rows = [(name, _money_text(value)) for name, value in figures.items() if name not in {"period_start", "period_end"}]
    print_table(f"relationship figures, {figures['month']}", ("figure", "value"), rows)


def _month_start(month: str | None, today: date) -> date:
    if month is None:
        return today.replace(day=1)
    try:
        return datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise ValidationError("month", "must be YYYY-MM") from None


def _money_text(value: object) -> str:
    if isinstance(value, dict) and set(value) == {"amount", "currency"}:
        return f"{value['amount']} {value['currency']}"
    return str(value)


@events_app.command("relay")
@handled
def events_relay(
    *,
    url: Url,
    tenant: Tenant,
    limit: Annotated[int, typer.Option(min=1, help="Messages per round.")] = 100,
    mark: Annotated[bool, typer.Option(help="Mark the printed messages delivered.")] = True,
) -> None:
    """Relay pending outbox messages to stdout as JSON lines, oldest first, then mark them delivered.

    A relay to stdout: pipe it into the system that consumes the events.
    Each line is written and flushed before the batch is marked, so a
    crash prints a message again rather than losing it (at least once).
    """
    relayed = 0
    with opened(url, tenant) as care:
        while True:
            messages = care.events.pending(limit=limit)
            if not messages:
                break
            for message in messages:
                line = {
                    "id": message.id,
                    "name": message.name,
                    "occurred_at": message.occurred_at.isoformat(),
                    "payload": to_json(message.payload),
                }
                sys.stdout.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
            sys.stdout.flush()
            relayed += len(messages)
            if not mark:
                break
            care.events.mark_delivered([m.id for m in messages])
    err_console().print(f"relayed {relayed} message(s)", highlight=False)


def main() -> None:
    """Entry point of the ``clientcare`` script."""
    app()
