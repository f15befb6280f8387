"""``clientcare customers …`` and ``clientcare purchases import``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

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
    progress_bar,
    to_json,
)
from clientcare.errors import ValidationError
from clientcare.kernel._tabular import ImportProgress

__all__ = ["customers_app", "purchases_app"]

customers_app = typer.Typer(help="The customer archive.", no_args_is_help=True)
purchases_app = typer.Typer(help="The deal archive.", no_args_is_help=True)

#: Rejects listed on the terminal; --json lists every one.
_SHOWN_REJECTS = 20

CustomerId = Annotated[str, typer.Argument(help="The customer's id.", show_default=False)]


def _row(customer: Any) -> tuple[object, ...]:
    return (customer.id, customer.name, customer.phone, customer.home_store, ",".join(sorted(customer.tags)))


def _brief(customer: Any) -> dict[str, object]:
    return dict(zip(("id", "name", "phone", "home_store", "tags"), _row(customer), strict=True)) | {
        "tags": sorted(customer.tags)
    }


@customers_app.command("find")
@handled
def customers_find(
    *,
    url: Url,
    tenant: Tenant,
    phone: Annotated[str | None, typer.Option(help="Any common form of the phone number.")] = None,
    name: Annotated[str | None, typer.Option(help="Part of the name.")] = None,
    tag: Annotated[str | None, typer.Option(help="A tag the customer carries.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 50,
    as_json: Json = False,
) -> None:
    """Find customers by phone, or by part of the name and/or a tag."""
    if phone is None and name is None and tag is None:
        raise ValidationError("query", "give --phone, --name or --tag")
    with opened(url, tenant) as care:
        if phone is not None:
            found = care.customers.find_by_phone(phone)
            customers = [found] if found is not None else []
        else:
            customers = care.customers.search(name=name, tag=tag, limit=limit)
    if as_json:
        print_json([_brief(c) for c in customers])
        return
    print_table(f"{len(customers)} customer(s)", ("id", "name", "phone", "store", "tags"), [_row(c) for c in customers])


@customers_app.command("show")
@handled
def customers_show(url: Url, tenant: Tenant, customer_id: CustomerId, as_json: Json = False) -> None:
    """What staff see when the customer walks in: profile, card, figures, recent purchases and notes."""
    with opened(url, tenant) as care:
        summary = care.customers.summary(customer_id)
    if as_json:
        print_json(to_json(summary))
        return
    customer, figures = summary.customer, to_json(summary.figures)
    rows: list[tuple[str, object]] = [
        ("id", customer.id),
        ("name", customer.name),
        ("phone", customer.phone),
        ("home store", customer.home_store),
        ("tags", ", ".join(sorted(customer.tags))),
        ("key customer", "yes" if customer.key else "no"),
        ("erased", "yes" if customer.erased_at else "no"),
        ("completeness", summary.completeness),
    ]
    rows += [(name.replace("_", " "), _plain(value)) for name, value in figures.items()]
    rows += [("recent purchases", len(summary.recent_purchases)), ("notes", len(summary.notes))]
    print_table(None, ("", "customer"), rows)


def _plain(value: object) -> object:
    if isinstance(value, dict) and set(value) == {"amount", "currency"}:
        return f"{value['amount']} {value['currency']}"
    return value


@customers_app.command("duplicates")
@handled
def customers_duplicates(*, url: Url, tenant: Tenant, as_json: Json = False) -> None:
    """Likely pairs of one person registered twice, with the reasons (ids only)."""
    with opened(url, tenant) as care:
        pairs = care.customers.duplicates()
    if as_json:
        print_json(to_json(pairs))
        return
    rows = [(p.first_id, p.second_id, "; ".join(p.reasons)) for p in pairs]
    print_table(f"{len(pairs)} likely duplicate pair(s)", ("customer", "customer", "why"), rows)


@customers_app.command("merge")
@handled
def customers_merge(
    *,
    url: Url,
    tenant: Tenant,
    keep: Annotated[str, typer.Argument(help="The customer id that stays.", show_default=False)],
    absorb: Annotated[str, typer.Argument(help="The customer id merged into KEEP.", show_default=False)],
    by: Annotated[str, typer.Option("--by", help="Who merges (staff id or name).", show_default=False)],
    as_json: Json = False,
) -> None:
    """Merge one person's two archives into KEEP in one transaction; ABSORB's id resolves to KEEP afterwards."""
    with opened(url, tenant) as care:
        report = care.customers.merge(keep, absorb, by=by)
    if as_json:
        print_json(to_json(report))
        return
    print_table(
        f"customer {report.absorbed_id} merged into {report.kept_id}",
        ("purchases", "notes", "consents"),
        [(report.purchases, report.notes, report.consents)],
    )


@customers_app.command("export")
@handled
def customers_export(url: Url, tenant: Tenant, customer_id: CustomerId) -> None:
    """Everything kept about one customer, as JSON (the right of access)."""
    with opened(url, tenant) as care:
        print_json(to_json(care.privacy.export(customer_id)))


@customers_app.command("erase")
@handled
def customers_erase(
    *,
    url: Url,
    tenant: Tenant,
    customer_id: CustomerId,
    by: Annotated[str, typer.Option("--by", help="Who erases (kept, as an id, in the audit entry).")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase the customer's personal data (P04); figures stay, anonymous."""
    if not yes:
        typer.confirm("Erase this customer's personal data? This cannot be undone", abort=True)
    with opened(url, tenant) as care:
        care.privacy.erase(customer_id, by=by)
    out_console().print(f"customer {customer_id} erased", highlight=False)


@purchases_app.command("import")
@handled
def purchases_import(
    *,
    url: Url,
    tenant: Tenant,
    path: Annotated[Path, typer.Argument(help="CSV file in the documented column layout (docs/sql.md).")],
    playbook: Playbook = None,
    encoding: Annotated[
        str | None, typer.Option(help="The file's text encoding (detected when not given).", show_default=False)
    ] = None,
    headers: Annotated[
        Path | None, typer.Option(help="TOML mapping of the file's header names to columns.", show_default=False)
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Rows per transaction.")] = 5000,
    as_json: Json = False,
) -> None:
    """Import purchases from a POS CSV file; rejected lines are listed, the rest are kept (exit code 8 if any)."""
    with opened(url, tenant, playbook) as care:
        report = _file_import(care.purchases.import_csv, path, encoding, headers, batch_size)
    _summary(report, as_json, skipped="skipped (known receipt)")


@customers_app.command("import")
@handled
def customers_import(
    *,
    url: Url,
    tenant: Tenant,
    path: Annotated[Path, typer.Argument(help="CSV file in the documented column layout (docs/customers-import.md).")],
    playbook: Playbook = None,
    encoding: Annotated[
        str | None, typer.Option(help="The file's text encoding (detected when not given).", show_default=False)
    ] = None,
    headers: Annotated[
        Path | None, typer.Option(help="TOML mapping of the file's header names to columns.", show_default=False)
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Rows per transaction.")] = 5000,
    as_json: Json = False,
) -> None:
    """Bring customers over from the old system's CSV export: consents, tags, dates, member level, points.

    A known external id or phone is skipped, so the same file can be imported again.
    """
    with opened(url, tenant, playbook) as care:
        report = _file_import(care.customers.import_csv, path, encoding, headers, batch_size)
    _summary(report, as_json, skipped="skipped (known id or phone)")


def _file_import(
    importer: Callable[..., Any], path: Path, encoding: str | None, headers: Path | None, batch_size: int
) -> Any:
    """Run an import over the file with a progress bar by bytes read."""
    with progress_bar(path.name, path.stat().st_size, unit_bytes=True) as advance_to:

        def show(progress: ImportProgress) -> None:
            if progress.bytes_read is not None:
                advance_to(progress.bytes_read)

        return importer(path, encoding=encoding, headers=headers, batch_size=batch_size, on_progress=show)


def _summary(report: Any, as_json: bool, *, skipped: str) -> None:
    rejects = [{"line": r.line, "reason": r.reason} for r in report.rejected]
    if as_json:
        print_json(
            {
                "lines_read": report.lines_read,
                "imported": report.imported,
                "skipped": report.skipped,
                "rejected": rejects,
            }
        )
    else:
        print_table(
            None,
            ("rows read", "imported", skipped, "rejected"),
            [(report.lines_read, report.imported, report.skipped, len(rejects))],
        )
        show_rejects(rejects)
    if rejects:
        raise typer.Exit(EXIT_FINDINGS)


def show_rejects(rejects: list[dict[str, Any]]) -> None:
    """The first rejects on stderr, and how many more there are."""
    console = err_console()
    for reject in rejects[:_SHOWN_REJECTS]:
        console.print(f"line {reject['line']}: {reject['reason']}", highlight=False, markup=False)
    if len(rejects) > _SHOWN_REJECTS:
        console.print(f"… and {len(rejects) - _SHOWN_REJECTS} more rejected line(s) (--json lists them all)")
