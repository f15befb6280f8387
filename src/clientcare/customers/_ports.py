"""What the customer archive needs from storage."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from clientcare.customers._model import Customer
from clientcare.customers._notebook import Note

__all__ = ["CustomerRepository", "NoteRepository"]


class CustomerRepository(Protocol):
    """Customers of one tenant."""

    def add(self, customer: Customer) -> None:
        """Store a new customer; DuplicateRecord if its phone is taken."""

    def get(self, customer_id: str) -> Customer:
        """The customer, or NotFound (also for another tenant's customer).

        The id of a customer merged into another gives the kept customer.
        Writes about her conflict with a concurrent :meth:`lock` (an erasure):
        a server backend reads her under a key-share lock, memory checks at
        commit that she did not change since.
        """
        ...

    def lock(self, customer_id: str) -> Customer:
        """The customer, locked against every other unit reading her with :meth:`get` until this unit ends."""
        ...

    def resolve(self, customer_id: str) -> str:
        """The id a merged customer's id stands for now (``customer_id`` itself when not merged)."""
        ...

    def alias(self, absorbed_id: str, kept_id: str) -> None:
        """Record that ``absorbed_id`` now means ``kept_id``; ids that meant ``absorbed_id`` follow."""

    def save(self, customer: Customer) -> None:
        """Store changes; ConcurrencyConflict if someone saved in between."""

    def by_phone(self, phone: str) -> Customer | None:
        """The customer with this E.164 phone, if any."""
        ...

    def by_ids(self, customer_ids: Iterable[str]) -> list[Customer]:
        """The customers with these ids (missing ones are left out)."""
        ...

    def key_flagged(self, customer_ids: Iterable[str]) -> set[str]:
        """Those of ``customer_ids`` marked key customers on their card (P17); no record is decoded."""
        ...

    def search(self, *, name: str | None = None, tag: str | None = None, limit: int = 50) -> list[Customer]:
        """Customers whose name contains ``name`` and/or who carry ``tag``, by name."""
        ...

    def page(
        self,
        *,
        after: str | None = None,
        limit: int = 50,
        name: str | None = None,
        tag: str | None = None,
        phone: str | None = None,
    ) -> list[Customer]:
        """Up to ``limit`` customers who are not erased, by name then id (code point order),
        starting after the customer whose id is ``after`` (keyset paging).

        ``name`` is a case-folded fragment of the name, ``tag`` a tag she
        carries, ``phone`` her E.164 phone. The page resumes at ``after``'s
        current name, so paging never skips or repeats a customer who is not
        renamed meanwhile; an unknown ``after`` gives an empty page.
        """
        ...

    def iter_all(self, *, batch: int = 500) -> Iterator[Customer]:
        """Every customer of the tenant, in id order, fetched in batches."""
        ...

    def count(self) -> int:
        """How many customers the tenant has."""
        ...


class NoteRepository(Protocol):
    """The notebook of one tenant (P08)."""

    def add(self, note: Note) -> None:
        """Store a new note."""

    def for_customer(self, customer_id: str) -> list[Note]:
        """The customer's notes, newest first."""
        ...

    def search(
        self, fragment: str, *, customer_id: str | None = None, author: str | None = None, limit: int = 50
    ) -> list[Note]:
        """Notes whose text or tags contain ``fragment`` (case-insensitive), newest first."""
        ...

    def repoint_customer(self, from_id: str, to_id: str) -> int:
        """Give ``from_id``'s notes to ``to_id`` (a merge), in one statement; returns how many."""
        ...

    def delete_for_customer(self, customer_id: str) -> int:
        """Remove a customer's notes (erasure); returns how many."""
        ...
