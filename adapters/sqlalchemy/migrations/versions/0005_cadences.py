"""Typed tables for the follow-up area: touches, appointments, sequences, wishes, rules, sale credits.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

Their documents move out of the bridge table ``cc_documents``: each row is
copied with its version and JSON document, and the key columns are read from
the document (plain JSON and ISO dates here, no domain code, so that this
migration stays what it is when the classes change). The downgrade copies
them back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PAGE = 1000


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


def _doc() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(mysql.LONGTEXT(charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")


def _ts() -> sa.types.TypeEngine[object]:
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")  # type: ignore[return-value]


def _head() -> list[sa.Column[Any]]:
    return [
        sa.Column("tenant", _key(64), nullable=False),
        sa.Column("id", _key(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def _tail(name: str) -> list[Any]:
    return [
        sa.Column("document", _doc(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "id", name=f"pk_{name}"),
    ]


# -- reading the key columns out of a document ------------------------------------------------
def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    return datetime.fromisoformat(value).astimezone(UTC).replace(tzinfo=None)


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def _touch(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": d["key"],
        "customer_id": d["customer_id"],
        "reason": d["reason"],
        "status": d.get("status", "planned"),
        "due": _day(d["due"]),
        "priority": int(d.get("priority", 3)),
        "owner": d.get("owner"),
        "store_id": d.get("store_id"),
        "automated": bool(d.get("automated", False)),
        "sequence_id": d.get("sequence_id"),
        "sequence_no": d.get("sequence_no"),
        "closed_at": _moment(d.get("closed_at")),
        "closed_by": d.get("closed_by"),
        "lease_until": _moment(d.get("lease_until")),
    }


def _appointment(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "customer_id": d["customer_id"],
        "staff_id": d.get("staff_id"),
        "status": d.get("status", "booked"),
        "starts_at": _moment(d["starts_at"]),
    }


def _follow_up(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "customer_id": d["customer_id"],
        "status": d.get("status", "active"),
        "started_at": _moment(d["started_at"]),
    }


def _wish(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "customer_id": d["customer_id"],
        "style_no": d["style_no"],
        "registered_at": _moment(d["registered_at"]),
        "arrived_at": _moment(d.get("arrived_at")),
    }


def _rule(d: dict[str, Any]) -> dict[str, Any]:
    return {"customer_id": d["customer_id"], "starts_on": _day(d["starts_on"]), "ends_on": _day(d.get("ends_on"))}


def _credit(d: dict[str, Any]) -> dict[str, Any]:
    return {"customer_id": d["customer_id"], "occurred_at": _moment(d["occurred_at"])}


#: Bridge kind -> (new table, function giving its key columns from the document).
MOVES: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "touches": ("cc_touches", _touch),
    "appointments": ("cc_appointments", _appointment),
    "follow_ups": ("cc_follow_ups", _follow_up),
    "wishes": ("cc_wishes", _wish),
    "recurring": ("cc_recurring_rules", _rule),
    "sale_credits": ("cc_sale_credits", _credit),
}


def _documents() -> sa.TableClause:
    return sa.table(
        "cc_documents",
        sa.column("tenant"),
        sa.column("kind"),
        sa.column("id"),
        sa.column("version"),
        sa.column("unique_key"),
        sa.column("customer_id"),
        sa.column("document"),
    )


def _pages(connection: sa.Connection, statement: Callable[[Any], Any]) -> Iterator[list[Any]]:
    """Rows in (tenant, id) order, PAGE at a time (keyset paging; memory stays flat)."""
    last: tuple[str, str] | None = None
    while True:
        rows = list(connection.execute(statement(last)))
        if rows:
            yield rows
        if len(rows) < PAGE:
            return
        last = (rows[-1].tenant, rows[-1].id)


def _copy_out(connection: sa.Connection, kind: str, table_name: str, columns: Callable[..., dict[str, Any]]) -> None:
    docs = _documents()
    target: sa.Table = sa.Table(table_name, sa.MetaData(), autoload_with=connection)

    def page(last: tuple[str, str] | None) -> Any:
        query = sa.select(docs.c.tenant, docs.c.id, docs.c.version, docs.c.document).where(docs.c.kind == kind)
        if last is not None:
            query = query.where(sa.tuple_(docs.c.tenant, docs.c.id) > sa.tuple_(*last))
        return query.order_by(docs.c.tenant, docs.c.id).limit(PAGE)

    for rows in _pages(connection, page):
        connection.execute(
            target.insert(),
            [
                {
                    "tenant": r.tenant,
                    "id": r.id,
                    "version": r.version,
                    "document": r.document,
                    **columns(json.loads(r.document)),
                }
                for r in rows
            ],
        )
    connection.execute(docs.delete().where(docs.c.kind == kind))


def _copy_back(connection: sa.Connection, kind: str, table_name: str) -> None:
    docs = _documents()
    source = sa.table(table_name, sa.column("tenant"), sa.column("id"), sa.column("version"), sa.column("document"))

    def page(last: tuple[str, str] | None) -> Any:
        query = sa.select(source.c.tenant, source.c.id, source.c.version, source.c.document)
        if last is not None:
            query = query.where(sa.tuple_(source.c.tenant, source.c.id) > sa.tuple_(*last))
        return query.order_by(source.c.tenant, source.c.id).limit(PAGE)

    for rows in _pages(connection, page):
        values = []
        for r in rows:
            data = json.loads(r.document)
            customer = data.get("customer_id")
            values.append(
                {
                    "tenant": r.tenant,
                    "kind": kind,
                    "id": r.id,
                    "version": r.version,
                    "unique_key": data.get("key") if kind == "touches" else None,
                    "customer_id": customer if isinstance(customer, str) else None,
                    "document": r.document,
                }
            )
        connection.execute(docs.insert(), values)


def upgrade() -> None:
    op.create_table(
        "cc_touches",
        *_head(),
        sa.Column("key", _key(320), nullable=False),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("owner", _key(64), nullable=True),
        sa.Column("store_id", _key(64), nullable=True),
        sa.Column("automated", sa.Boolean(), nullable=False),
        sa.Column("sequence_id", _key(64), nullable=True),
        sa.Column("sequence_no", sa.Integer(), nullable=True),
        sa.Column("closed_at", _ts(), nullable=True),
        sa.Column("closed_by", _key(64), nullable=True),
        sa.Column("lease_until", _ts(), nullable=True),
        *_tail("cc_touches"),
        sa.UniqueConstraint("tenant", "key", name="uq_cc_touches_tenant_key"),
    )
    op.create_index("ix_cc_touches_customer", "cc_touches", ["tenant", "customer_id", "due"])
    op.create_index("ix_cc_touches_owner", "cc_touches", ["tenant", "owner", "status", "due"])
    op.create_index("ix_cc_touches_store", "cc_touches", ["tenant", "store_id", "status", "due"])
    op.create_index("ix_cc_touches_status", "cc_touches", ["tenant", "status", "due"])
    op.create_index("ix_cc_touches_dispatch", "cc_touches", ["tenant", "status", "automated", "due", "priority"])
    op.create_index("ix_cc_touches_sequence", "cc_touches", ["tenant", "sequence_id", "sequence_no"])
    op.create_index("ix_cc_touches_closed", "cc_touches", ["tenant", "closed_at"])

    op.create_table(
        "cc_appointments",
        *_head(),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("staff_id", _key(64), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("starts_at", _ts(), nullable=False),
        *_tail("cc_appointments"),
    )
    op.create_index("ix_cc_appointments_starts", "cc_appointments", ["tenant", "starts_at"])
    op.create_index("ix_cc_appointments_staff", "cc_appointments", ["tenant", "staff_id", "starts_at"])
    op.create_index("ix_cc_appointments_status", "cc_appointments", ["tenant", "status", "starts_at"])

    op.create_table(
        "cc_follow_ups",
        *_head(),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("started_at", _ts(), nullable=False),
        *_tail("cc_follow_ups"),
    )
    op.create_index("ix_cc_follow_ups_customer", "cc_follow_ups", ["tenant", "customer_id", "status"])

    op.create_table(
        "cc_wishes",
        *_head(),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("style_no", _key(64), nullable=False),
        sa.Column("registered_at", _ts(), nullable=False),
        sa.Column("arrived_at", _ts(), nullable=True),
        *_tail("cc_wishes"),
    )
    op.create_index("ix_cc_wishes_style", "cc_wishes", ["tenant", "style_no", "arrived_at"])

    op.create_table(
        "cc_recurring_rules",
        *_head(),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        *_tail("cc_recurring_rules"),
    )
    op.create_index("ix_cc_recurring_rules_ends", "cc_recurring_rules", ["tenant", "ends_on", "starts_on"])

    op.create_table(
        "cc_sale_credits",
        *_head(),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("occurred_at", _ts(), nullable=False),
        *_tail("cc_sale_credits"),
    )
    op.create_index("ix_cc_sale_credits_occurred", "cc_sale_credits", ["tenant", "occurred_at"])

    connection = op.get_bind()
    for kind, (table_name, columns) in MOVES.items():
        _copy_out(connection, kind, table_name, columns)


def downgrade() -> None:
    connection = op.get_bind()
    for kind, (table_name, _) in MOVES.items():
        _copy_back(connection, kind, table_name)
    for _, (table_name, _) in reversed(list(MOVES.items())):
        op.drop_table(table_name)
