"""The ABC recomputation written set-based, in the database (issue 16).

The labels are computed once, by :func:`abc_label_query`, into a temporary
table beside each customer's stored label; from there one statement each
writes the history rows (``INSERT … SELECT``), moves the changed labels
(``UPDATE … FROM``) and adds the first ones (``INSERT … SELECT``). Python
reads the labels once, to return them: no row is written from Python, so a
first run, which writes every label and history row, costs about what a
later one does.

The temporary table lives on the connection (SQLite, PostgreSQL and MariaDB
all keep ``TEMPORARY`` tables per session, so tenants and workers never see
each other's); it is emptied before and after each use.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, MetaData, String, Table, and_, delete, insert, literal, or_, select, update
from sqlalchemy.schema import CreateTable

from clientcare.adapters.sqlalchemy._convert import offset_minutes, utc_naive
from clientcare.adapters.sqlalchemy._errors import translated
from clientcare.adapters.sqlalchemy._loyalty_queries import abc_label_query
from clientcare.adapters.sqlalchemy._loyalty_tables import customer_tiers, tier_history
from clientcare.adapters.sqlalchemy._tables import ID_LENGTH, key_string
from clientcare.loyalty import AbcLabel, TierChange
from clientcare.playbook import AbcRules

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = ["recompute_abc"]

_LABELS = {label.value: label for label in AbcLabel}

#: This run's label and the stored one (NULL before the first run) of every customer.
scratch = Table(
    "cc_abc_scratch",
    MetaData(),
    Column("customer_id", key_string(ID_LENGTH), primary_key=True),
    Column("label", String(1), nullable=False),
    Column("before_label", String(1), nullable=True),
    prefixes=["TEMPORARY"],
)


def recompute_abc(
    uow: SqlUnitOfWork, *, start: datetime, end: datetime, rules: AbcRules, at: datetime
) -> tuple[dict[str, AbcLabel], list[TierChange]]:
    """Label every customer of the tenant, store the changed labels with their history, in
    the database; return every label and the changes, ordered by customer id."""
    conn, tenant = uow.connection, uow.tenant
    c = customer_tiers.c
    conn.execute(CreateTable(scratch, if_not_exists=True))
    _empty(uow)
    labels = abc_label_query(tenant, start, end, rules).subquery("labels")
    conn.execute(
        insert(scratch).from_select(
            ["customer_id", "label", "before_label"],
            select(labels.c.customer_id, labels.c.label, c.label).select_from(
                labels.outerjoin(customer_tiers, and_(c.tenant == tenant, c.id == labels.c.customer_id))
            ),
        )
    )
    result, changes = _read(uow, at)
    if changes:
        _write_back(uow, at)
    _empty(uow)
    return result, changes


def _empty(uow: SqlUnitOfWork) -> None:
    """Clear the scratch table: TRUNCATE on PostgreSQL, where autovacuum never visits temporary
    tables (dead rows would pile up on a pooled connection); DELETE elsewhere (SQLite truncates
    an unqualified DELETE itself, and MariaDB's TRUNCATE would commit the transaction)."""
    if uow.dialect == "postgresql":
        uow.connection.exec_driver_sql(f"TRUNCATE {scratch.name}")
    else:
        uow.connection.execute(delete(scratch))


def _read(uow: SqlUnitOfWork, at: datetime) -> tuple[dict[str, AbcLabel], list[TierChange]]:
    """Every label from the scratch table, and the changes, in customer id order."""
    s = scratch.c
    result: dict[str, AbcLabel] = {}
    changes: list[TierChange] = []
    rows = uow.connection.execute(select(s.customer_id, s.label, s.before_label).order_by(s.customer_id))
    for customer_id, label, before in rows:
        after = _LABELS[label]
        result[customer_id] = after
        if before != label:
            changes.append(
                TierChange(customer_id=customer_id, before=_LABELS[before] if before else None, after=after, at=at)
            )
    return result, changes


def _write_back(uow: SqlUnitOfWork, at: datetime) -> None:
    """History rows for every change, moved labels updated, first labels inserted: three statements."""
    conn, tenant = uow.connection, uow.tenant
    c, s = customer_tiers.c, scratch.c
    moment, offset = utc_naive(at), offset_minutes(at)
    changed = or_(s.before_label.is_(None), s.before_label != s.label)
    with translated("customer_tier"):
        conn.execute(
            insert(tier_history).from_select(
                ["tenant", "customer_id", "at", "at_offset", "from_label", "to_label"],
                select(
                    literal(tenant, key_string(64)),
                    s.customer_id,
                    literal(moment, tier_history.c.at.type),
                    literal(offset),
                    s.before_label,
                    s.label,
                )
                .where(changed)
                .order_by(s.customer_id),  # history rows numbered in customer order, as before
            )
        )
        moved: Any = (
            update(customer_tiers)
            .where(c.tenant == tenant, c.id == s.customer_id, s.before_label.is_not(None), s.before_label != s.label)
            .values(label=s.label, since=moment, since_offset=offset)
        )
        conn.execute(moved)
        conn.execute(
            insert(customer_tiers).from_select(
                ["tenant", "id", "label", "since", "since_offset"],
                select(
                    literal(tenant, key_string(64)),
                    s.customer_id,
                    s.label,
                    literal(moment, c.since.type),
                    literal(offset),
                ).where(s.before_label.is_(None)),
            )
        )
