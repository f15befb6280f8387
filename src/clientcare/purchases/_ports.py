"""What the deal archive needs from storage."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from clientcare.purchases._imports import BatchOutcome, ImportedPurchase
from clientcare.purchases._model import BuyingSummary, CustomerFigures, Purchase

__all__ = ["BulkPurchaseImport", "PurchaseImportEncoder", "PurchaseRepository"]


class PurchaseRepository(Protocol):
    """The deal archive of one tenant."""

    def add(self, purchase: Purchase) -> None:
        """Store a purchase; DuplicateRecord if its receipt id was seen before."""

    def get(self, purchase_id: str) -> Purchase:
        """The purchase, or NotFound."""
        ...

    def save(self, purchase: Purchase) -> None:
        """Store changes (condition reports); ConcurrencyConflict on a race."""

    def by_receipt(self, receipt_id: str) -> Purchase | None:
        """The purchase with this POS receipt id, if any."""
        ...

    def for_customer(self, customer_id: str, *, limit: int | None = None) -> list[Purchase]:
        """The customer's purchases, newest first."""
        ...

    def returns_of(self, purchase_id: str) -> list[Purchase]:
        """Returns recorded against a sale."""
        ...

    def between(self, start: datetime | None, end: datetime) -> Iterator[Purchase]:
        """Purchases and returns with ``start <= occurred_at < end`` (no lower bound
        when ``start`` is None), oldest first, streamed."""
        ...

    def figures(self, customer_id: str, currency: str) -> CustomerFigures:
        """Spend, counts and dates for one customer, aggregated by the store."""
        ...

    def buying_summaries(self, end: datetime, currency: str) -> list[BuyingSummary]:
        """Per customer with a sale before ``end``: purchase days, first and last day and
        repeat spend, as :func:`clientcare.purchases.summaries_from` computes them,
        ordered by customer id. Computed by the store, set-based: no purchase is
        loaded as a domain object."""

    def repoint_customer(self, from_id: str, to_id: str) -> int:
        """Give ``from_id``'s purchases to ``to_id`` (a merge), in one statement; returns how many."""
        ...


@runtime_checkable
class BulkPurchaseImport(Protocol):
    """Optional fast path a purchase repository may offer for the nightly import.

    Same outcome as the generic path (:func:`clientcare.purchases._imports.generic_import`):
    receipts already stored are skipped, purchases of unknown or erased
    customers are rejected, the rest are written in the unit of work's
    transaction, without events.
    """

    def import_purchases(self, batch: Sequence[ImportedPurchase], *, currency: str) -> BatchOutcome:
        """Store a batch of checked purchases (receipt ids unique within it)."""
        ...


@runtime_checkable
class PurchaseImportEncoder(Protocol):
    """Optional, offered by a storage backend whose repositories offer :class:`BulkPurchaseImport`.

    The import calls it in the reading thread, before the batch's unit of work
    opens, so the backend builds its rows there while the previous batch is
    written by the import's worker thread.
    """

    def encode_purchases(self, batch: Sequence[ImportedPurchase], *, currency: str) -> Sequence[ImportedPurchase]:
        """The same purchases, in the same order, with whatever the backend's ``import_purchases``
        reads instead of them; touches no database and holds no unit of work."""
        ...
