"""What complaint handling needs from storage."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from clientcare.complaints._answers import StandardAnswer
from clientcare.complaints._model import Complaint
from clientcare.complaints._values import Category

__all__ = ["ComplaintRepository", "StandardAnswerRepository"]


class ComplaintRepository(Protocol):
    """Complaints of one tenant (P40-P52).

    A complaint reads back whole, timeline included; another tenant's are
    NotFound and never listed. One silent-complaint signal (source and
    reference) opens at most one complaint: adding a second raises
    DuplicateRecord("complaint", "signal").
    """

    def add(self, complaint: Complaint) -> None:
        """Store a new complaint."""

    def get(self, complaint_id: str) -> Complaint:
        """The complaint, or NotFound (also for another tenant's complaint)."""
        ...

    def save(self, complaint: Complaint) -> None:
        """Store changes; ConcurrencyConflict if someone saved in between."""

    def open_complaints(self) -> list[Complaint]:
        """Every complaint not closed yet, oldest first."""
        ...

    def for_customer(self, customer_id: str, *, open_only: bool = False) -> list[Complaint]:
        """The customer's complaints, newest first."""
        ...

    def has_open(self, customer_id: str) -> bool:
        """Whether the customer has a complaint that is not closed."""
        ...

    def by_signal(self, source: str, reference: str) -> Complaint | None:
        """The complaint opened from this silent-complaint signal (P50), if any."""
        ...

    def received_between(self, start: datetime, end: datetime) -> list[Complaint]:
        """Complaints received from ``start`` (inclusive) to ``end`` (exclusive), oldest first."""
        ...

    def count_in_category(self, category: Category, since: datetime) -> int:
        """How many complaints of ``category`` were received since ``since``."""
        ...

    def with_corrective_actions(self) -> list[Complaint]:
        """Complaints that carry at least one corrective action (P46)."""
        ...

    def repoint_customer(self, from_id: str, to_id: str) -> int:
        """Give ``from_id``'s complaints to ``to_id`` (a merge), in one statement; returns how many."""
        ...


class StandardAnswerRepository(Protocol):
    """The Q&A base of standard answers (P46)."""

    def add(self, answer: StandardAnswer) -> None:
        """Store a new standard answer."""

    def get(self, answer_id: str) -> StandardAnswer:
        """The answer, or NotFound."""
        ...

    def save(self, answer: StandardAnswer) -> None:
        """Store changes; ConcurrencyConflict on a race."""

    def for_category(self, category: Category) -> list[StandardAnswer]:
        """The answers of one category, oldest first."""
        ...
