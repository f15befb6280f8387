"""SQL tables and repositories for complaints and standard answers (P40-P52).

A complaint is one JSON document (timeline, options, decisions, promises…)
plus the typed columns its lookups filter and sort on: customer, status and
an ``is_open`` flag, severity, key customer, category, reception time, the
silent-complaint signal (a unique key) and the counts of corrective actions.
Every lookup of :class:`clientcare.ports.ComplaintRepository` is one indexed
statement; every index leads with ``tenant``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Column, Index, Integer, String, UniqueConstraint, func, select, true

from clientcare.adapters.sqlalchemy._convert import utc_naive
from clientcare.adapters.sqlalchemy._repos import DocumentRepository
from clientcare.adapters.sqlalchemy._tables import ID_LENGTH, document_table, key_string, timestamp
from clientcare.complaints import Category, Complaint, StandardAnswer
from clientcare.errors import DuplicateRecord, ValidationError

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = [
    "SIGNAL_REFERENCE_LENGTH",
    "SIGNAL_SOURCE_LENGTH",
    "SqlComplaintRepository",
    "SqlStandardAnswerRepository",
    "attach",
    "complaints",
    "standard_answers",
]

#: Longest silent-complaint signal source ("survey", "contact_outcome", …) the table keeps.
SIGNAL_SOURCE_LENGTH = 40
#: Longest signal reference (the survey answer's or touch's id, or an embedder's key).
SIGNAL_REFERENCE_LENGTH = 200

complaints = document_table(
    "cc_complaints",
    Column("customer_id", key_string(ID_LENGTH), nullable=True),
    Column("status", String(20), nullable=False),
    Column("is_open", Boolean, nullable=False),
    Column("severity", String(10), nullable=False),
    Column("key_customer", Boolean, nullable=False),
    Column("category", String(20), nullable=False),
    Column("received_at", timestamp(), nullable=False),
    Column("signal_source", key_string(SIGNAL_SOURCE_LENGTH), nullable=True),
    Column("signal_reference", key_string(SIGNAL_REFERENCE_LENGTH), nullable=True),
    Column("corrective_actions", Integer, nullable=False),
    Column("open_corrective_actions", Integer, nullable=False),
    UniqueConstraint("tenant", "signal_source", "signal_reference"),
    Index("ix_cc_complaints_open", "tenant", "is_open", "received_at"),
    Index("ix_cc_complaints_customer", "tenant", "customer_id", "received_at"),
    Index("ix_cc_complaints_received", "tenant", "received_at"),
    Index("ix_cc_complaints_category", "tenant", "category", "received_at"),
    Index("ix_cc_complaints_actions", "tenant", "corrective_actions", "received_at"),
)

standard_answers = document_table(
    "cc_standard_answers",
    Column("category", String(20), nullable=False),
    Column("updated_at", timestamp(), nullable=False),
    Index("ix_cc_standard_answers_category", "tenant", "category", "updated_at"),
)


class SqlComplaintRepository(DocumentRepository[Complaint]):
    """Complaints of one tenant: a document plus indexed key columns."""

    entity = "complaint"
    table = complaints
    aggregate = Complaint
    authoritative = ("customer_id",)

    def columns(self, obj: Complaint) -> dict[str, Any]:
        """The key columns the lookups filter and sort on."""
        source, reference = obj.signal_source, obj.signal_reference
        if source is not None and len(source) > SIGNAL_SOURCE_LENGTH:
            raise ValidationError("signal_source", f"at most {SIGNAL_SOURCE_LENGTH} characters")
        if reference is not None and len(reference) > SIGNAL_REFERENCE_LENGTH:
            raise ValidationError("signal_reference", f"at most {SIGNAL_REFERENCE_LENGTH} characters")
        return {
            "customer_id": obj.customer_id,
            "status": obj.status.value,
            "is_open": obj.is_open,
            "severity": obj.severity.value,
            "key_customer": obj.key_customer,
            "category": obj.category.value,
            "received_at": utc_naive(obj.received_at),
            "signal_source": source,
            "signal_reference": reference,
            "corrective_actions": len(obj.corrective_actions),
            "open_corrective_actions": sum(1 for a in obj.corrective_actions if a.closed_at is None),
        }

    def add(self, obj: Complaint) -> None:
        """Insert a new complaint; DuplicateRecord(field "signal") when its signal already opened one."""
        try:
            super().add(obj)
        except DuplicateRecord:
            if obj.signal_source is not None and obj.signal_reference is not None:
                taken = self.by_signal(obj.signal_source, obj.signal_reference)
                if taken is not None and taken.id != obj.id:
                    raise DuplicateRecord(self.entity, "signal") from None
            raise

    def open_complaints(self) -> list[Complaint]:
        """Every complaint not closed yet, oldest first."""
        c = self.table.c
        return self._list(c.is_open == true(), order_by=(c.received_at, c.id))

    def for_customer(self, customer_id: str, *, open_only: bool = False) -> list[Complaint]:
        """The customer's complaints, newest first (only open ones with ``open_only``)."""
        c = self.table.c
        conditions = [c.customer_id == customer_id]
        if open_only:
            conditions.append(c.is_open == true())
        return self._list(*conditions, order_by=(c.received_at.desc(), c.id.desc()))

    def has_open(self, customer_id: str) -> bool:
        """Whether the customer has a complaint that is not closed (reads no document)."""
        c = self.table.c
        statement = select(c.id).where(self._where(c.customer_id == customer_id, c.is_open == true())).limit(1)
        return self._uow.connection.execute(statement).first() is not None

    def by_signal(self, source: str, reference: str) -> Complaint | None:
        """The complaint opened from this silent-complaint signal (P50), if any (unique key)."""
        c = self.table.c
        found = self._query(c.signal_source == source, c.signal_reference == reference)
        return found[0] if found else None

    def received_between(self, start: datetime, end: datetime) -> list[Complaint]:
        """Complaints received in ``[start, end)``, oldest first."""
        c = self.table.c
        return self._list(
            c.received_at >= utc_naive(start), c.received_at < utc_naive(end), order_by=(c.received_at, c.id)
        )

    def count_in_category(self, category: Category, since: datetime) -> int:
        """How many complaints of ``category`` were received since ``since`` (``COUNT`` in SQL)."""
        c = self.table.c
        statement = select(func.count()).where(
            self._where(c.category == Category(category).value, c.received_at >= utc_naive(since))
        )
        return int(self._uow.connection.execute(statement).scalar_one())

    def with_corrective_actions(self) -> list[Complaint]:
        """Complaints carrying at least one corrective action (P46), oldest first."""
        c = self.table.c
        return self._list(c.corrective_actions > 0, order_by=(c.received_at, c.id))


class SqlStandardAnswerRepository(DocumentRepository[StandardAnswer]):
    """The Q&A base of standard answers (P46), indexed by category."""

    entity = "standard_answer"
    table = standard_answers
    aggregate = StandardAnswer

    def columns(self, obj: StandardAnswer) -> dict[str, Any]:
        """Category and last change, for :meth:`for_category`."""
        return {"category": obj.category.value, "updated_at": utc_naive(obj.updated_at)}

    def for_category(self, category: Category) -> list[StandardAnswer]:
        """The answers of one category, oldest change first."""
        c = self.table.c
        return self._list(c.category == Category(category).value, order_by=(c.updated_at, c.id))


def attach(uow: SqlUnitOfWork) -> None:
    """Give an SQL unit of work the complaint repositories (called on every reset)."""
    uow.complaints = SqlComplaintRepository(uow)
    uow.standard_answers = SqlStandardAnswerRepository(uow)
