"""The deal archive as use cases: sales, returns, condition reports, imports (P05)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING

from clientcare.errors import DuplicateRecord, ValidationError
from clientcare.kernel._checks import key_text
from clientcare.kernel._context import Context as _Context
from clientcare.kernel._tabular import BadRow, Headers
from clientcare.kernel._values import Money
from clientcare.purchases._imports import (
    BatchOutcome,
    ImportedPurchase,
    ImportProgress,
    ImportReject,
    ImportReport,
    ProgressCallback,
    checked_batches,
    generic_import,
    read_csv,
    rows_from_mappings,
)
from clientcare.purchases._model import CustomerFigures, Purchase, PurchaseLine
from clientcare.purchases._ports import BulkPurchaseImport, PurchaseImportEncoder

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = ["PurchaseHook", "PurchasesService"]

log = logging.getLogger("clientcare")

#: The longest receipt id the database columns hold.
RECEIPT_LIMIT = 64


#: What follows from a sale or return in another area (points, level, referral
#: credit, touches), run inside the purchase's unit of work so it commits with it.
PurchaseHook = Callable[[_Context, "UnitOfWork", Purchase], None]


class _Service:
    def __init__(self, ctx: _Context, hooks: Sequence[PurchaseHook] = ()) -> None:
        self._ctx = ctx
        self._hooks = tuple(hooks)


class PurchasesService(_Service):
    """P05: the deal archive."""

    def line(
        self,
        style_no: str,
        price: str | int | Decimal,
        quantity: int = 1,
        *,
        size: str | None = None,
        colour: str | None = None,
        structure: str | None = None,
        description: str | None = None,
        full_price: bool = True,
    ) -> PurchaseLine:
        """A purchase line in the tenant's currency."""
        return PurchaseLine(
            style_no=style_no,
            unit_price=Money.of(price, self._ctx.playbook.locale.currency),
            quantity=quantity,
            size=size,
            colour=colour,
            structure=structure,
            description=description,
            full_price=full_price,
        )

    def record(
        self,
        customer_id: str | None,
        lines: Sequence[PurchaseLine],
        *,
        store_id: str | None = None,
        staff_id: str | None = None,
        receipt_id: str | None = None,
        at: datetime | None = None,
    ) -> Purchase:
        """Record a sale (``customer_id`` None for a walk-in); idempotent per receipt id.

        Recording a receipt that is stored already (a till retry, or another
        process that won the race to store it) returns the stored purchase.
        """

        def write() -> Purchase:
            return self._record(customer_id, lines, store_id=store_id, staff_id=staff_id, receipt_id=receipt_id, at=at)

        if receipt_id is not None:
            receipt_id = key_text(receipt_id, "receipt_id", limit=RECEIPT_LIMIT)
            return self._once(receipt_id, write)
        return write()

    def _once(self, receipt_id: str, write: Callable[[], Purchase]) -> Purchase:
        """``write()`` unless the receipt is stored; the stored purchase when a concurrent writer won."""
        with self._ctx.unit() as uow:
            existing = uow.purchases.by_receipt(receipt_id)
        if existing is not None:
            return existing
        try:
            return write()
        except DuplicateRecord as exc:
            if exc.field != "receipt_id":
                raise
            with self._ctx.unit() as uow:
                stored = uow.purchases.by_receipt(receipt_id)
            if stored is None:
                raise
            return stored

    def _record(
        self,
        customer_id: str | None,
        lines: Sequence[PurchaseLine],
        *,
        store_id: str | None,
        staff_id: str | None,
        receipt_id: str | None,
        at: datetime | None,
    ) -> Purchase:
        ctx = self._ctx
        with ctx.unit() as uow:
            if customer_id is not None:
                customer = uow.customers.get(customer_id)
                customer.ensure_not_erased()
            purchase = Purchase.sale(
                tenant=ctx.tenant,
                customer_id=customer_id,
                lines=lines,
                at=at or ctx.now(),
                currency=ctx.playbook.locale.currency,
                store_id=store_id,
                staff_id=staff_id,
                receipt_id=receipt_id,
            )
            uow.purchases.add(purchase)
            for hook in self._hooks:
                hook(ctx, uow, purchase)
        return purchase

    def record_return(
        self,
        purchase_id: str,
        lines: Sequence[PurchaseLine],
        *,
        staff_id: str | None = None,
        receipt_id: str | None = None,
        at: datetime | None = None,
    ) -> Purchase:
        """Record goods coming back against a sale; never more than was sold.

        Idempotent per ``receipt_id``, like :meth:`record`.
        """

        def write() -> Purchase:
            return self._return(purchase_id, lines, staff_id=staff_id, receipt_id=receipt_id, at=at)

        if receipt_id is not None:
            receipt_id = key_text(receipt_id, "receipt_id", limit=RECEIPT_LIMIT)
            return self._once(receipt_id, write)
        return write()

    def _return(
        self,
        purchase_id: str,
        lines: Sequence[PurchaseLine],
        *,
        staff_id: str | None,
        receipt_id: str | None,
        at: datetime | None,
    ) -> Purchase:
        ctx = self._ctx
        with ctx.unit() as uow:
            sale = uow.purchases.get(purchase_id)
            refund = sale.make_return(
                lines=lines,
                at=at or ctx.now(),
                already_returned=uow.purchases.returns_of(purchase_id),
                staff_id=staff_id,
                receipt_id=receipt_id,
            )
            uow.purchases.add(refund)
            for hook in self._hooks:
                hook(ctx, uow, refund)
        return refund

    def report_condition(
        self,
        purchase_id: str,
        *,
        style_no: str,
        years_in_use: Decimal | int | str,
        condition: str,
        by: str | None = None,
    ) -> None:
        """P05: how an item is holding up, reported later."""
        ctx = self._ctx
        with ctx.unit() as uow:
            purchase = uow.purchases.get(purchase_id)
            purchase.report_condition(
                style_no=style_no, years_in_use=years_in_use, condition=condition, at=ctx.now(), by=by
            )
            uow.purchases.save(purchase)

    def get(self, purchase_id: str) -> Purchase:
        """One purchase, or NotFound."""
        with self._ctx.unit() as uow:
            return uow.purchases.get(purchase_id)

    def for_customer(self, customer_id: str, *, limit: int | None = None) -> list[Purchase]:
        """The customer's purchases and returns, newest first."""
        with self._ctx.unit() as uow:
            return uow.purchases.for_customer(customer_id, limit=limit)

    def figures(self, customer_id: str) -> CustomerFigures:
        """Total spend, number of purchases, first and last purchase, average ticket."""
        with self._ctx.unit() as uow:
            return uow.purchases.figures(customer_id, self._ctx.playbook.locale.currency)

    def import_rows(
        self,
        records: Iterable[Mapping[str, object]],
        *,
        batch_size: int = 5000,
        on_progress: ProgressCallback | None = None,
    ) -> ImportReport:
        """The nightly POS import from mappings keyed by the CSV column names (docs/sql.md).

        Streams: memory stays flat however many records come. Bad records are
        reported (record number from 1, ``field: rule``) and the rest are
        imported; each batch commits on its own; known receipt ids are skipped.
        """
        return self._import(rows_from_mappings(records), batch_size, on_progress)

    def import_csv(
        self,
        source: str | Path | IO[str],
        *,
        encoding: str | None = None,
        headers: Headers = None,
        batch_size: int = 5000,
        on_progress: ProgressCallback | None = None,
    ) -> ImportReport:
        """The nightly POS import from a CSV file or ``.xlsx`` workbook with a header
        (layout in docs/sql.md, real POS files in docs/imports.md).

        Rejects carry the file's line number (the header is line 1). The encoding
        is detected unless given; a file that does not decode is refused before
        anything is written. ``headers`` maps the file's header names to the
        columns (a dict or a TOML file); common Chinese POS headers are known already.
        """
        table = read_csv(source, encoding=encoding, headers=headers)
        return self._import(table, batch_size, on_progress, lambda: (table.bytes_read, table.total_bytes))

    def _import(
        self,
        rows: Iterable[tuple[int, Sequence[object] | BadRow]],
        batch_size: int,
        on_progress: ProgressCallback | None,
        files: Callable[[], tuple[int | None, int | None]] = lambda: (None, None),
    ) -> ImportReport:
        if batch_size <= 0:
            raise ValidationError("batch_size", "must be greater than zero")
        report = ImportReport()
        rejects: list[ImportReject] = []
        counted = _Counted(rows)
        reported: list[ImportProgress] = []

        def progress() -> None:
            if on_progress is None:
                return
            done, total = files()
            now = ImportProgress(counted.count, report.imported, report.skipped, len(rejects), done, total)
            if not reported or reported[0] != now:  # the last batch's report is also the end's: once
                reported[:] = [now]
                on_progress(now)

        def settle(outcome: BatchOutcome) -> None:
            report.imported += outcome.imported
            report.skipped += outcome.skipped
            rejects.extend(outcome.rejected)
            progress()

        # Batch N is written by one worker thread while batch N+1 is checked here, so
        # the database works while Python checks rows; at most two batches are in memory.
        # A backend bound to one caller's connection says concurrent_import = False.
        pipelined = bool(getattr(self._ctx.backend, "concurrent_import", True))
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clientcare-import") if pipelined else None
        pending: Future[BatchOutcome] | None = None
        try:
            # Rows are checked here, outside any unit of work: the purchases get their
            # ids then, so the facade's id generator must be in force for the loop.
            with self._ctx.minting():
                for batch, repeated in self._batches(counted, batch_size, rejects):
                    if executor is None:
                        settle(self._write_batch(batch, repeated))
                        continue
                    if pending is not None:
                        settle(pending.result())
                    pending = executor.submit(self._write_batch, batch, repeated)
            if pending is not None:
                settle(pending.result())
        finally:
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)
        report.rejected = sorted(rejects, key=lambda r: r.line)
        report.lines_read = counted.count
        progress()
        return report

    def _batches(
        self, rows: Iterable[tuple[int, Sequence[object] | BadRow]], size: int, rejects: list[ImportReject]
    ) -> Iterator[tuple[Sequence[ImportedPurchase], int]]:
        """Checked batches as the backend will store them, each with how many repeated receipts it dropped."""
        locale = self._ctx.playbook.locale
        backend = self._ctx.backend
        encoder = backend if isinstance(backend, PurchaseImportEncoder) else None
        for batch in checked_batches(rows, size, zone=locale.zone, region=locale.country, rejects=rejects):
            encoded = encoder.encode_purchases(batch, currency=locale.currency) if encoder is not None else batch
            yield encoded, batch.repeated

    def _write_batch(self, batch: Sequence[ImportedPurchase], repeated: int) -> BatchOutcome:
        """Store one batch in its own unit of work; ``repeated`` receipts were dropped from it as skipped."""
        ctx = self._ctx
        if not batch:
            return BatchOutcome(0, repeated)
        with ctx.unit() as uow:
            currency = ctx.playbook.locale.currency
            if isinstance(uow.purchases, BulkPurchaseImport):
                outcome = uow.purchases.import_purchases(batch, currency=currency)
            else:
                outcome = generic_import(uow, batch, tenant=ctx.tenant, currency=currency)
        return BatchOutcome(outcome.imported, outcome.skipped + repeated, outcome.rejected)


class _Counted:
    """Counts the rows an import has read, for progress reports."""

    def __init__(self, rows: Iterable[tuple[int, Sequence[object] | BadRow]]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[tuple[int, Sequence[object] | BadRow]]:
        for item in self._rows:
            self.count += 1
            yield item
