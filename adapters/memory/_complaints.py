"""Complaints and standard answers, in memory (P40-P52)."""

from __future__ import annotations

from datetime import datetime

from clientcare.adapters.memory._backend import MemoryRepository
from clientcare.complaints import Category, Complaint, StandardAnswer

__all__ = ["MemoryComplaintRepository", "MemoryStandardAnswerRepository"]


def _oldest_first(complaint: Complaint) -> tuple[datetime, str]:
    return (complaint.received_at, complaint.id)


class MemoryComplaintRepository(MemoryRepository[Complaint]):
    """Complaints of one tenant, in memory."""

    entity = "complaint"

    def open_complaints(self) -> list[Complaint]:
        return sorted(self._find(lambda c: c.is_open), key=_oldest_first)

    def for_customer(self, customer_id: str, *, open_only: bool = False) -> list[Complaint]:
        found = self._find(lambda c: c.customer_id == customer_id and (c.is_open or not open_only))
        return sorted(found, key=_oldest_first, reverse=True)

    def has_open(self, customer_id: str) -> bool:
        return any(c.customer_id == customer_id and c.is_open for c in self._rows())

    def by_signal(self, source: str, reference: str) -> Complaint | None:
        found = self._find(lambda c: c.signal_source == source and c.signal_reference == reference)
        return found[0] if found else None

    def received_between(self, start: datetime, end: datetime) -> list[Complaint]:
        return sorted(self._find(lambda c: start <= c.received_at < end), key=_oldest_first)

    def count_in_category(self, category: Category, since: datetime) -> int:
        return sum(1 for c in self._rows() if c.category == category and c.received_at >= since)

    def with_corrective_actions(self) -> list[Complaint]:
        return sorted(self._find(lambda c: bool(c.corrective_actions)), key=_oldest_first)


class MemoryStandardAnswerRepository(MemoryRepository[StandardAnswer]):
    """The Q&A base, in memory."""

    entity = "standard_answer"

    def for_category(self, category: Category) -> list[StandardAnswer]:
        return sorted(self._find(lambda a: a.category == category), key=lambda a: (a.updated_at, a.id))
