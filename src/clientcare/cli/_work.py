"""The day's work: the daily run, dispatch, boards, complaints and tiers."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import typer

from clientcare.cli._common import (
    EXIT_FINDINGS,
    Json,
    Playbook,
    Tenant,
    Url,
    handled,
    opened,
    out_console,
    print_json,
    print_table,
    to_json,
)
from clientcare.errors import ValidationError

__all__ = ["board", "complaints_app", "daily_app", "tiers_app", "touches_app"]

daily_app = typer.Typer(help="The daily run (from cron, once a day).", no_args_is_help=True)
touches_app = typer.Typer(help="Touches: follow-ups, greetings, reminders.", no_args_is_help=True)
complaints_app = typer.Typer(help="Complaints.", no_args_is_help=True)
tiers_app = typer.Typer(help="ABC tiers.", no_args_is_help=True)

Day = Annotated[str | None, typer.Option(help="The day as YYYY-MM-DD; today in the playbook's zone by default.")]


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError("day", "must be YYYY-MM-DD") from None


@daily_app.command("run")
@handled
def daily_run(
    *,
    url: Url,
    tenant: Tenant,
    playbook: Playbook = None,
    day: Day = None,
    shard: Annotated[int, typer.Option(min=0, help="This worker's share of the customers.")] = 0,
    shards: Annotated[int, typer.Option(min=1, help="How many workers share the run.")] = 1,
    as_json: Json = False,
) -> None:
    """Plan every touch due on the day, for every customer (safe to run twice)."""
    with opened(url, tenant, playbook) as care:
        report = care.daily.run(_day(day), shard=shard, shards=shards)
    if as_json:
        print_json(to_json(report))
        return
    print_table(
        f"daily run {report.day.isoformat()}",
        ("customers", "planned", "held", "released", "appointments missed"),
        [(report.customers, report.planned, report.held, report.released, report.appointments_missed)],
    )
    if report.by_reason:
        print_table(None, ("reason", "planned"), report.by_reason)


@daily_app.command("explain")
@handled
def daily_explain(
    *,
    url: Url,
    tenant: Tenant,
    customer_id: Annotated[str, typer.Argument(help="The customer's id.", show_default=False)],
    playbook: Playbook = None,
    day: Day = None,
    as_json: Json = False,
) -> None:
    """Why the daily run plans (or does not plan) each touch for one customer on the day."""
    with opened(url, tenant, playbook) as care:
        why = care.daily.explain(customer_id, _day(day))
    if as_json:
        print_json(to_json(why))
        return
    rows = [(c.rule.value, "yes" if c.fired else "no", c.why) for c in why.rules]
    print_table(f"daily run {why.day}, customer {why.customer_id}", ("rule", "fired", "why"), rows)


@touches_app.command("dispatch")
@handled
def touches_dispatch(
    *,
    url: Url,
    tenant: Tenant,
    playbook: Playbook = None,
    worker: Annotated[str, typer.Option(help="This worker's name, for the leases.")] = "cli",
    limit: Annotated[int, typer.Option(min=1, help="Touches per round.")] = 100,
    as_json: Json = False,
) -> None:
    """Send due automated touches within consent, quiet hours and the frequency cap.

    The console notifier writes one notice per touch to stderr (channel and
    ids, never the text); embedders wire their own notifiers in code.
    """
    from clientcare.adapters.notifiers import ConsoleNotifier  # noqa: PLC0415

    with opened(url, tenant, playbook) as care:
        report = care.touches.dispatch(ConsoleNotifier(sys.stderr), worker=worker, limit=limit)
    data = to_json(report)
    if as_json:
        print_json(data)
        return
    print_table("dispatch", tuple(name.replace("_", " ") for name in data), [tuple(data.values())])


class Period(StrEnum):
    """How far a board looks."""

    TODAY = "today"
    WEEK = "week"
    MONTH = "month"


def _items(items: Any) -> list[tuple[object, ...]]:
    return [(i.due.isoformat(), i.reason, i.customer_id, i.customer_name, i.channel, i.owner, _flags(i)) for i in items]


def _flags(item: Any) -> str:
    return " ".join(
        flag
        for flag, on in (("overdue", item.overdue), ("key", item.key_customer), ("complaint", item.open_complaint))
        if on
    )


_ITEM_COLUMNS = ("due", "reason", "customer", "name", "channel", "owner", "flags")


@handled
def board(
    *,
    url: Url,
    tenant: Tenant,
    playbook: Playbook = None,
    period: Annotated[Period, typer.Option(help="today, week or month.")] = Period.WEEK,
    staff: Annotated[str | None, typer.Option(help="One staff member's board.")] = None,
    store: Annotated[str | None, typer.Option(help="One store's board.")] = None,
    day: Day = None,
    as_json: Json = False,
) -> None:
    """The board (P30) of a staff member, a store or the whole shop: today, this week or this month."""
    with opened(url, tenant, playbook) as care:
        if period is Period.MONTH:
            monthly = care.boards.monthly(_day(day), staff=staff, store=store)
            if as_json:
                print_json(to_json(monthly))
                return
            for week in monthly.weeks:
                print_table(f"{monthly.scope}: week of {week.starts.isoformat()}", _ITEM_COLUMNS, _items(week.items))
            return
        weekly = care.boards.weekly(_day(day), staff=staff, store=store)
    if period is Period.TODAY:
        if as_json:
            print_json(
                to_json({"scope": weekly.scope, "day": weekly.day, "overdue": weekly.overdue, "today": weekly.today})
            )
            return
        print_table(f"{weekly.scope}: {weekly.day.isoformat()}", _ITEM_COLUMNS, _items(weekly.overdue + weekly.today))
        return
    if as_json:
        print_json(to_json(weekly))
        return
    for title, items in (
        ("overdue", weekly.overdue),
        ("today", weekly.today),
        ("tomorrow", weekly.tomorrow),
        ("this week", weekly.this_week),
    ):
        print_table(f"{weekly.scope}: {title}", _ITEM_COLUMNS, _items(items))
    if weekly.appointments:
        out_console().print(f"{len(weekly.appointments)} appointment(s) this week")


_QUEUE_COLUMNS = ("complaint", "customer", "severity", "status", "owner", "next due", "flags")


def _queue_rows(entries: Any) -> list[tuple[object, ...]]:
    return [
        (
            e.complaint_id,
            e.customer_id,
            e.severity.value,
            e.status.value,
            e.owner_role,
            e.next_due.isoformat(timespec="minutes") if e.next_due else "",
            " ".join(f for f, on in (("overdue", e.overdue), ("key", e.key_customer)) if on),
        )
        for e in entries
    ]


@complaints_app.command("list")
@handled
def complaints_list(
    *,
    url: Url,
    tenant: Tenant,
    playbook: Playbook = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer's complaints (open or closed).")] = None,
    as_json: Json = False,
) -> None:
    """Open complaints in queue order (P40), or every complaint of one customer."""
    with opened(url, tenant, playbook) as care:
        if customer is not None:
            complaints = care.complaints.for_customer(customer)
            rows: list[tuple[object, ...]] = [
                (c.id, c.customer_id, c.severity.value, c.status.value, "", "", "") for c in complaints
            ]
            data: Any = [
                {"complaint_id": c.id, "severity": c.severity.value, "status": c.status.value} for c in complaints
            ]
        else:
            queue = care.complaints.queue()
            rows, data = _queue_rows(queue), to_json(queue)
    if as_json:
        print_json(data)
        return
    print_table(f"{len(rows)} complaint(s)", _QUEUE_COLUMNS, rows)


@complaints_app.command("overdue")
@handled
def complaints_overdue(url: Url, tenant: Tenant, playbook: Playbook = None, as_json: Json = False) -> None:
    """Open complaints past a response or resolution target (exit code 8 when there are any)."""
    with opened(url, tenant, playbook) as care:
        overdue = [e for e in care.complaints.queue() if e.overdue]
    if as_json:
        print_json(to_json(overdue))
    else:
        print_table(f"{len(overdue)} overdue complaint(s)", _QUEUE_COLUMNS, _queue_rows(overdue))
    if overdue:
        raise typer.Exit(EXIT_FINDINGS)


@complaints_app.command("show")
@handled
def complaints_show(
    *, url: Url, tenant: Tenant, complaint_id: Annotated[str, typer.Argument(show_default=False)], as_json: Json = False
) -> None:
    """One complaint: its state, targets and timeline."""
    with opened(url, tenant) as care:
        complaint = care.complaints.get(complaint_id)
        timeline = care.complaints.timeline(complaint_id)
        status = care.complaints.promise_status(complaint_id)
    if as_json:
        print_json({"complaint": to_json(complaint), "timeline": to_json(timeline), "targets": to_json(status)})
        return
    print_table(
        f"complaint {complaint.id}",
        ("customer", "severity", "status", "level", "received"),
        [
            (
                complaint.customer_id,
                complaint.severity.value,
                complaint.status.value,
                complaint.level,
                complaint.received_at.isoformat(timespec="minutes"),
            )
        ],
    )
    print_table(
        "timeline",
        ("at", "by", "step"),
        [(e.at.isoformat(timespec="minutes"), e.by, e.step.value) for e in timeline],
    )


@tiers_app.command("recompute")
@handled
def tiers_recompute(url: Url, tenant: Tenant, playbook: Playbook = None, as_json: Json = False) -> None:
    """Recompute every customer's ABC tier over the playbook's period (P10/P12)."""
    with opened(url, tenant, playbook) as care:
        run = care.tiers.recompute()
    if as_json:
        print_json(
            {
                "at": run.at.isoformat(),
                "period_start": run.period_start.isoformat(),
                "period_end": run.period_end.isoformat(),
                "counts": dict(zip("ABC", run.counts, strict=True)),
                "changed": run.changed,
            }
        )
        return
    print_table("tiers recomputed", ("A", "B", "C", "changed"), [(*run.counts, run.changed)])
