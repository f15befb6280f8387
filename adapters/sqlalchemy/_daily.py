"""The set-based daily run's statements: one per table (or per prefilter) per batch of customers.

Birthdays and important dates live in the customer's JSON document; the
prefilters read them with the database's own JSON functions (``json_extract``
on SQLite, ``json_extract_path_text`` on PostgreSQL, ``JSON_EXTRACT`` on
MariaDB/MySQL), so only the customers a rule may be due for are loaded and
decoded in Python. Every statement is tenant-scoped and takes ids in chunks
well below every backend's parameter limit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, case, cast, func, literal, or_, select
from sqlalchemy.dialects import postgresql

from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._convert import aware_utc, chunks, from_e4
from clientcare.adapters.sqlalchemy._errors import translated
from clientcare.adapters.sqlalchemy._figures import figure_columns, figures_of
from clientcare.adapters.sqlalchemy._loyalty_tables import referrals
from clientcare.cadences import BirthdayWithin, Everyone, ImportantDateWithin, Prefilter, SilenceDue, TouchReason
from clientcare.kernel import Money
from clientcare.purchases import CustomerFigures, PurchaseKind

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = ["candidates", "customers", "figures", "known_keys", "referral_counts"]

#: Ids per IN list (every backend takes far more parameters).
_CHUNK = 1000
_SILENCE = (TouchReason.LOST_INTERVIEW.value, TouchReason.REPEAT_ASK.value)


def _rows(uow: SqlUnitOfWork, statement: Any) -> list[Any]:
    with translated("touch"):
        # ``all()`` fetches in one driver call; iterating fetches row by row, at several times the cost.
        return list(uow.connection.execute(statement).all())


def customers(uow: SqlUnitOfWork, tenant: str) -> list[tuple[str, bool]]:
    """Every customer's id and whether she is erased, in id order (no document is read)."""
    c = t.customers.c
    statement = select(c.id, c.erased_at.is_not(None)).where(c.tenant == tenant).order_by(c.id)
    return [(row[0], bool(row[1])) for row in _rows(uow, statement)]


def _json_text(uow: SqlUnitOfWork, *path: str) -> ColumnElement[Any]:
    document = t.customers.c.document
    if uow.dialect == "postgresql":
        return func.json_extract_path_text(cast(document, postgresql.JSON), *path)
    extracted = func.json_extract(document, "$." + ".".join(path))
    return extracted if uow.dialect == "sqlite" else func.json_unquote(extracted)


def _json_length(uow: SqlUnitOfWork, name: str) -> ColumnElement[Any]:
    document = t.customers.c.document
    if uow.dialect == "postgresql":
        return func.json_array_length(func.json_extract_path(cast(document, postgresql.JSON), name))
    if uow.dialect == "sqlite":
        return func.json_array_length(document, "$." + name)
    return func.json_length(document, "$." + name)


def _within(column: ColumnElement[str], ids: Sequence[str]) -> ColumnElement[bool]:
    """``column`` from the batch's first id to its last: a range, not thousands of
    parameters (ids of other shards in it are dropped in Python)."""
    return column.between(min(ids), max(ids))


def _from_documents(
    uow: SqlUnitOfWork,
    tenant: str,
    ids: Sequence[str],
    birthdays: BirthdayWithin | None,
    dates: ImportantDateWithin | None,
) -> set[str]:
    """Birthdays and important dates, from the documents in one statement for the batch:
    the birthday's month-day judged in SQL, the short list of important dates in Python."""
    c = t.customers.c
    conditions: list[ColumnElement[bool]] = []
    born: ColumnElement[Any] = literal(False)
    if birthdays is not None:
        month_day = func.substr(_json_text(uow, "hard", "birthday"), 6, 5)
        born = or_(*(month_day.between(low, high) for low, high in birthdays.month_days()))
        conditions.append(born)
    listed = _json_length(uow, "important_dates") > 0
    if dates is not None:
        conditions.append(listed)
    statement = select(c.id, born, case((listed, _json_text(uow, "important_dates")))).where(
        c.tenant == tenant, _within(c.id, ids), or_(*conditions)
    )
    found: set[str] = set()
    for customer_id, has_birthday, text in _rows(uow, statement):
        if has_birthday or (
            dates is not None and any(dates.admits(int(d["month"]), int(d["day"])) for d in json.loads(text or "[]"))
        ):
            found.add(customer_id)
    return found


def _silent(uow: SqlUnitOfWork, tenant: str, ids: Sequence[str], rule: SilenceDue) -> set[str]:
    """Customers whose silence touch is due and not stored: sales aggregated in SQL, the
    threshold judged by the domain's own rule, the keys matched against stored ones."""
    p = t.purchases.c
    sale = p.kind == PurchaseKind.SALE.value
    statement = (
        select(p.customer_id, func.count(), func.min(p.occurred_at), func.max(p.occurred_at))
        .where(p.tenant == tenant, _within(p.customer_id, ids), sale)
        .group_by(p.customer_id)
    )
    rows = _rows(uow, statement)
    c = t.touches.c
    stored = select(c.key).where(c.tenant == tenant, _within(c.customer_id, ids), c.reason.in_(_SILENCE))
    with translated("touch"):
        known = set(uow.connection.execute(stored).scalars().all())
    r = referrals.c
    counted = (
        select(r.referrer_id, func.count())
        .where(r.tenant == tenant, _within(r.referrer_id, ids))
        .group_by(r.referrer_id)
    )
    referred = {row[0]: int(row[1]) for row in _rows(uow, counted)}
    due: set[str] = set()
    for customer_id, sales, first, last in rows:
        if rule.lost_key(customer_id, aware_utc(last)) in known:
            continue  # interviewed for this silence already: it only grows until the next sale
        key = rule.key_due(customer_id, int(sales), aware_utc(first), aware_utc(last), referred.get(customer_id, 0))
        if key is not None and key not in known:
            due.add(customer_id)
    return due


def candidates(uow: SqlUnitOfWork, tenant: str, ids: Sequence[str], prefilters: Sequence[Prefilter]) -> set[str]:
    """Those of ``ids`` some prefilter admits: one statement for the birthdays and important
    dates (both read from the documents), one for the silences, for the whole batch."""
    found: set[str] = set()
    if not ids:
        return found
    rules = list(dict.fromkeys(prefilters))  # the same prefilter twice is asked once
    if any(isinstance(rule, Everyone) for rule in rules):
        return set(ids)
    birthdays = next((r for r in rules if isinstance(r, BirthdayWithin)), None)
    dates = next((r for r in rules if isinstance(r, ImportantDateWithin)), None)
    if birthdays is not None or dates is not None:
        found |= _from_documents(uow, tenant, ids, birthdays, dates)
    for rule in rules:
        if isinstance(rule, SilenceDue):
            found |= _silent(uow, tenant, ids, rule)
    return found.intersection(ids)


def figures(uow: SqlUnitOfWork, tenant: str, ids: Sequence[str], currency: str) -> dict[str, CustomerFigures]:
    """Each customer's figures (as ``purchases.figures``), one grouped statement per chunk."""
    p = t.purchases.c
    found: dict[str, CustomerFigures] = {}
    for chunk in chunks(ids, _CHUNK):
        statement = (
            select(p.customer_id, *figure_columns())
            .where(p.tenant == tenant, p.customer_id.in_(chunk))
            .group_by(p.customer_id)
        )
        for customer_id, *values in _rows(uow, statement):
            found[customer_id] = figures_of(customer_id, values, currency)
    for customer_id in ids:
        if customer_id not in found:
            found[customer_id] = CustomerFigures(
                customer_id=customer_id,
                total_spend=Money(from_e4(0, 0), currency),
                purchase_count=0,
                return_count=0,
                first_purchase_at=None,
                last_purchase_at=None,
            )
    return found


def referral_counts(uow: SqlUnitOfWork, tenant: str, ids: Sequence[str]) -> dict[str, int]:
    """How many referrals each customer made (customers without any are left out)."""
    r = referrals.c
    found: dict[str, int] = {}
    for chunk in chunks(ids, _CHUNK):
        statement = (
            select(r.referrer_id, func.count())
            .where(r.tenant == tenant, r.referrer_id.in_(chunk))
            .group_by(r.referrer_id)
        )
        found.update((row[0], int(row[1])) for row in _rows(uow, statement))
    return found


def known_keys(
    uow: SqlUnitOfWork, tenant: str, ids: Sequence[str], reasons: Sequence[str], *, since: date | None
) -> set[str]:
    """Keys of the customers' stored touches of ``reasons`` (due on or after ``since``)."""
    c = t.touches.c
    found: set[str] = set()
    for chunk in chunks(ids, _CHUNK):
        conditions = [c.tenant == tenant, c.customer_id.in_(chunk), c.reason.in_(reasons)]
        if since is not None:
            conditions.append(c.due >= since)
        found.update(row[0] for row in _rows(uow, select(c.key).where(*conditions)))
    return found
