"""Complaints, standard answers, assessments, improvement plans and survey answers get typed tables.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

Their documents move out of the bridge table ``cc_documents`` into
``cc_complaints``, ``cc_standard_answers``, ``cc_assessments`` (with the
side table ``cc_assessment_reviews`` of roles still to answer),
``cc_improvement_plans`` and ``cc_survey_responses``; the key columns are
read from each JSON document. Downgrading moves them back.

Column types are spelled out here (not imported from the adapter), and the
key columns are computed from the JSON as it was written at this revision,
so that this migration stays what it is when later ones change the tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: Rows copied per statement.
_PAGE = 500


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


def _doc() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(mysql.LONGTEXT(charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")


def _ts() -> sa.types.TypeEngine[object]:
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")  # type: ignore[return-value]


def _document_table(name: str, *items: sa.schema.SchemaItem) -> None:
    op.create_table(
        name,
        sa.Column("tenant", _key(64), nullable=False),
        sa.Column("id", _key(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *items,
        sa.Column("document", _doc(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "id", name=f"pk_{name}"),
    )


def _create_tables() -> None:
    _document_table(
        "cc_complaints",
        sa.Column("customer_id", _key(64), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("key_customer", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("received_at", _ts(), nullable=False),
        sa.Column("signal_source", _key(40), nullable=True),
        sa.Column("signal_reference", _key(200), nullable=True),
        sa.Column("corrective_actions", sa.Integer(), nullable=False),
        sa.Column("open_corrective_actions", sa.Integer(), nullable=False),
        sa.UniqueConstraint(
            "tenant", "signal_source", "signal_reference", name="uq_cc_complaints_tenant_signal_source"
        ),
    )
    op.create_index("ix_cc_complaints_open", "cc_complaints", ["tenant", "is_open", "received_at"])
    op.create_index("ix_cc_complaints_customer", "cc_complaints", ["tenant", "customer_id", "received_at"])
    op.create_index("ix_cc_complaints_received", "cc_complaints", ["tenant", "received_at"])
    op.create_index("ix_cc_complaints_category", "cc_complaints", ["tenant", "category", "received_at"])
    op.create_index("ix_cc_complaints_actions", "cc_complaints", ["tenant", "corrective_actions", "received_at"])

    _document_table(
        "cc_standard_answers",
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
    )
    op.create_index("ix_cc_standard_answers_category", "cc_standard_answers", ["tenant", "category", "updated_at"])

    _document_table(
        "cc_assessments",
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("assessed_at", _ts(), nullable=False),
    )
    op.create_index("ix_cc_assessments_customer", "cc_assessments", ["tenant", "customer_id", "assessed_at", "number"])
    op.create_table(
        "cc_assessment_reviews",
        sa.Column("tenant", _key(64), nullable=False),
        sa.Column("role", _key(64), nullable=False),
        sa.Column("assessment_id", _key(64), nullable=False),
        sa.Column("assessed_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "assessment_id", "role", name="pk_cc_assessment_reviews"),
        sa.ForeignKeyConstraint(
            ["tenant", "assessment_id"],
            ["cc_assessments.tenant", "cc_assessments.id"],
            name="fk_cc_assessment_reviews_tenant_cc_assessments",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_cc_assessment_reviews_role", "cc_assessment_reviews", ["tenant", "role", "assessed_at", "assessment_id"]
    )

    _document_table(
        "cc_improvement_plans",
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("opened_at", _ts(), nullable=False),
        sa.Column("closed_at", _ts(), nullable=True),
    )
    op.create_index("ix_cc_improvement_plans_customer", "cc_improvement_plans", ["tenant", "customer_id", "opened_at"])

    _document_table(
        "cc_survey_responses",
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("segment", _key(40), nullable=False),
        sa.Column("answered_at", _ts(), nullable=False),
    )
    op.create_index("ix_cc_survey_responses_answered", "cc_survey_responses", ["tenant", "answered_at"])
    op.create_index("ix_cc_survey_responses_segment", "cc_survey_responses", ["tenant", "segment", "answered_at"])
    op.create_index("ix_cc_survey_responses_customer", "cc_survey_responses", ["tenant", "customer_id", "answered_at"])


# -- moving documents out of cc_documents and back ------------------------------------


def _utc(text: str | None) -> datetime | None:
    """An ISO 8601 moment of a document as naive UTC, as the timestamp columns hold it."""
    if text is None:
        return None
    return datetime.fromisoformat(text).astimezone(UTC).replace(tzinfo=None)


def _complaint(d: dict[str, Any]) -> dict[str, Any]:
    actions = d.get("corrective_actions") or []
    return {
        "customer_id": d.get("customer_id"),
        "status": d["status"],
        "is_open": d["status"] != "closed",
        "severity": d["severity"],
        "key_customer": bool(d.get("key_customer")),
        "category": d["category"],
        "received_at": _utc(d["received_at"]),
        "signal_source": d.get("signal_source"),
        "signal_reference": d.get("signal_reference"),
        "corrective_actions": len(actions),
        "open_corrective_actions": sum(1 for a in actions if a.get("closed_at") is None),
    }


def _standard_answer(d: dict[str, Any]) -> dict[str, Any]:
    return {"category": d["category"], "updated_at": _utc(d["updated_at"])}


def _assessment(d: dict[str, Any]) -> dict[str, Any]:
    return {"customer_id": d["customer_id"], "number": int(d["number"]), "assessed_at": _utc(d["assessed_at"])}


def _plan(d: dict[str, Any]) -> dict[str, Any]:
    return {"customer_id": d["customer_id"], "opened_at": _utc(d["opened_at"]), "closed_at": _utc(d.get("closed_at"))}


def _survey(d: dict[str, Any]) -> dict[str, Any]:
    return {"customer_id": d["customer_id"], "segment": d["segment"], "answered_at": _utc(d["answered_at"])}


#: Bridge kind -> (typed table, key columns from the document).
_KINDS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "complaints": ("cc_complaints", _complaint),
    "standard_answers": ("cc_standard_answers", _standard_answer),
    "assessments": ("cc_assessments", _assessment),
    "improvement_plans": ("cc_improvement_plans", _plan),
    "survey_responses": ("cc_survey_responses", _survey),
}

_documents = sa.table(
    "cc_documents",
    sa.column("tenant"),
    sa.column("kind"),
    sa.column("id"),
    sa.column("version"),
    sa.column("unique_key"),
    sa.column("customer_id"),
    sa.column("document"),
)


#: Key columns that need their type to be written as the adapter writes them
#: (SQLite compares timestamps as text: ``2026-01-05 02:00:00.000000``).
_TYPES: dict[str, sa.types.TypeEngine[Any]] = {
    **{
        name: sa.DateTime()
        for name in ("received_at", "updated_at", "assessed_at", "opened_at", "closed_at", "answered_at")
    },
    **{name: sa.Boolean() for name in ("is_open", "key_customer")},
}


def _typed(name: str, *columns: str) -> sa.TableClause:
    names = ("tenant", "id", "version", "document", *columns)
    return sa.table(name, *(sa.column(c, _TYPES.get(c)) for c in names))


def _pages(bind: sa.Connection, table: sa.TableClause, *conditions: Any) -> Iterator[list[Any]]:
    """Rows of ``table`` in pages by (tenant, id), so no cursor stays open while writing."""
    c = table.c
    last: tuple[str, str] | None = None
    while True:
        statement = sa.select(c.tenant, c.id, c.version, c.document).where(*conditions)
        if last is not None:
            statement = statement.where(sa.tuple_(c.tenant, c.id) > sa.tuple_(*last))
        rows = list(bind.execute(statement.order_by(c.tenant, c.id).limit(_PAGE)))
        if not rows:
            return
        yield rows
        last = (rows[-1].tenant, rows[-1].id)


def _move_out(bind: sa.Connection) -> None:
    reviews = sa.table(
        "cc_assessment_reviews",
        sa.column("tenant"),
        sa.column("role"),
        sa.column("assessment_id"),
        sa.column("assessed_at", sa.DateTime()),
    )
    for kind, (name, key_columns) in _KINDS.items():
        for rows in _pages(bind, _documents, _documents.c.kind == kind):
            values: list[dict[str, Any]] = []
            pending: list[dict[str, Any]] = []
            key_names: list[str] = []
            for row in rows:
                data = json.loads(row.document)
                keys = key_columns(data)
                key_names = list(keys)
                values.append(
                    {"tenant": row.tenant, "id": row.id, "version": row.version, "document": row.document, **keys}
                )
                if kind == "assessments":
                    roles = {r["role"] for r in data.get("reviews") or [] if r.get("answered_at") is None}
                    pending.extend(
                        {
                            "tenant": row.tenant,
                            "role": role,
                            "assessment_id": row.id,
                            "assessed_at": keys["assessed_at"],
                        }
                        for role in sorted(roles)
                    )
            bind.execute(sa.insert(_typed(name, *key_names)), values)
            if pending:
                bind.execute(sa.insert(reviews), pending)
        bind.execute(sa.delete(_documents).where(_documents.c.kind == kind))


def _move_back(bind: sa.Connection) -> None:
    for kind, (name, _) in _KINDS.items():
        table = _typed(name)
        for rows in _pages(bind, table):
            bind.execute(
                sa.insert(_documents),
                [
                    {
                        "tenant": row.tenant,
                        "kind": kind,
                        "id": row.id,
                        "version": row.version,
                        "unique_key": None,
                        "customer_id": json.loads(row.document).get("customer_id"),
                        "document": row.document,
                    }
                    for row in rows
                ],
            )


def upgrade() -> None:
    _create_tables()
    _move_out(op.get_bind())


def downgrade() -> None:
    _move_back(op.get_bind())
    for table in (
        "cc_survey_responses",
        "cc_improvement_plans",
        "cc_assessment_reviews",
        "cc_assessments",
        "cc_standard_answers",
        "cc_complaints",
    ):
        op.drop_table(table)
