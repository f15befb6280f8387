"""The application facade: use cases grouped by area, one unit of work each."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, TypeVar

import attrs

from clientcare import serialization
from clientcare._analytics_service import AnalyticsService
from clientcare._assessment_sources import AssessmentSources, NoData
from clientcare._assessments_service import AssessmentsService, SurveysService
from clientcare._campaigns import CampaignsService
from clientcare._checks import clean_text, one_of
from clientcare._complaints_service import ComplaintsService
from clientcare._context import Context as _Context
from clientcare._customers import (
    Channel,
    ConsentMethod,
    Contact,
    Customer,
    DataSource,
    DateKind,
    ImportantDate,
    Purpose,
    RelationshipCard,
)
from clientcare._imports import (
    BatchOutcome,
    ImportedPurchase,
    ImportProgress,
    ImportReject,
    ImportReport,
    ProgressCallback,
    batched,
    generic_import,
    read_csv,
    rows_from_mappings,
    validated_purchases,
)
from clientcare._loyalty import (
    CadenceMembership,
    CadenceSegments,
    MembershipService,
    PointsService,
    ReferralsService,
    TiersService,
    after_purchase,
)
from clientcare._notes import Note
from clientcare._purchases import CustomerFigures, Purchase, PurchaseLine
from clientcare._touches_service import (
    AppointmentsService,
    BoardsService,
    CadencePorts,
    DailyService,
    NoComplaints,
    NoMembership,
    NoSegments,
    NoStops,
    StaffService,
    TouchesService,
    TouchResponsiveness,
    schedule_after_purchase,
)
from clientcare._values import Money
from clientcare.errors import DuplicateRecord, RuleViolation, ValidationError
from clientcare.events import CustomerRegistered, DomainEvent, MarketingStopped, SilentComplaintSignal
from clientcare.playbook import Playbook
from clientcare.ports import Backend, BulkPurchaseImport, Clock, OutboxMessage

__all__ = [
    "Clientcare",
    "CustomerSummary",
    "CustomersService",
    "EventsService",
    "NotebookService",
    "PrivacyService",
    "PurchasesService",
]

log = logging.getLogger("clientcare")

T = TypeVar("T")
E = TypeVar("E", bound=DomainEvent)
Handler = Callable[[DomainEvent], None]

#: Fields P01 says to ask for only when the customer does not mind.
_ASK_FIRST = frozenset({"birthday", "address"})


@attrs.frozen(kw_only=True)
class CustomerSummary:
    """What staff see when a customer walks in: card, figures, completeness."""

    customer: Customer
    card: RelationshipCard
    figures: CustomerFigures
    completeness: Decimal
    recent_purchases: tuple[Purchase, ...]
    notes: tuple[Note, ...]


class _Service:
    def __init__(self, ctx: _Context) -> None:
        self._ctx = ctx


class CustomersService(_Service):
    """The customer archive and relationship card (P01–P03, P06, P07)."""

    def register(
        self,
        name: str,
        phone: str,
        *,
        store: str | None = None,
        by: str = "system",
        customer_agrees: bool = False,
        **profile: Any,
    ) -> Customer:
        """P01: register with a name and a phone; more only if the customer agrees.

        Birthday and address (P01's "only if the customer does not mind")
        are refused unless ``customer_agrees`` is true.
        """
        asked = _ASK_FIRST & {k for k, v in profile.items() if v is not None}
        if asked and not customer_agrees:
            field = sorted(asked)[0]
            raise RuleViolation("register.ask_first", f"{field} only with the customer's agreement")
        ctx = self._ctx
        with ctx.unit() as uow:
            now = ctx.now()
            customer = Customer.register(
                tenant=ctx.tenant, name=name, phone=phone, at=now, store=store, region=ctx.playbook.locale.country
            )
            if profile:
                customer.update_profile(by=by, at=now, region=ctx.playbook.locale.country, **profile)
            if customer.phone and uow.customers.by_phone(customer.phone) is not None:
                raise DuplicateRecord("customer", "phone")
            uow.customers.add(customer)
        return customer

    def get(self, customer_id: str) -> Customer:
        """The customer, or NotFound."""
        with self._ctx.unit() as uow:
            return uow.customers.get(customer_id)

    def find_by_phone(self, phone: str) -> Customer | None:
        """Lookup by phone in any common format (normalised to E.164 first)."""
        with self._ctx.unit() as uow:
            return uow.customers.by_phone(self._ctx.phone(phone))

    def search(self, *, name: str | None = None, tag: str | None = None, limit: int = 50) -> list[Customer]:
        """Customers by a fragment of the name and/or a tag."""
        if name is None and tag is None:
            raise ValidationError("search", "give a name fragment or a tag")
        with self._ctx.unit() as uow:
            return uow.customers.search(name=name, tag=tag, limit=limit)

    def _change(self, customer_id: str, action: Callable[[Customer, datetime], T]) -> T:
        with self._ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            result = action(customer, self._ctx.now())
            uow.customers.save(customer)
        return result

    def update_profile(self, customer_id: str, *, by: str, **fields: Any) -> tuple[str, ...]:
        """P02/P03: fill in hard or soft fields; returns the names that changed."""
        region = self._ctx.playbook.locale.country
        ctx = self._ctx
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            changed = customer.update_profile(by=by, at=ctx.now(), region=region, **fields)
            if "phone" in changed and customer.phone:
                other = uow.customers.by_phone(customer.phone)
                if other is not None and other.id != customer.id:
                    raise DuplicateRecord("customer", "phone")
            uow.customers.save(customer)
        return changed

    def set_contacts(self, customer_id: str, contacts: Sequence[tuple[str, str]], *, by: str) -> None:
        """P06: the extra contacts on the card, as (kind, value) pairs."""
        items = tuple(Contact(kind=k, value=v) for k, v in contacts)
        self._change(customer_id, lambda c, now: c.set_contacts(items, by=by, at=now))

    def add_important_date(
        self,
        customer_id: str,
        kind: DateKind | str,
        label: str,
        month: int,
        day: int,
        *,
        year: int | None = None,
        by: str,
    ) -> ImportantDate:
        """P07: an anniversary or founding day that should bring a greeting."""
        important = ImportantDate(
            kind=one_of(DateKind, kind, "kind"),
            label=clean_text(label, "label", limit=100),
            month=month,
            day=day,
            year=year,
        )
        self._change(customer_id, lambda c, now: c.add_important_date(important, by=by, at=now))
        return important

    def upcoming_dates(self, customer_id: str, *, within_days: int = 30) -> list[tuple[date, str]]:
        """P07: birthday and important dates falling in the next ``within_days``."""
        customer = self.get(customer_id)
        today = self._ctx.now().astimezone(self._ctx.playbook.locale.zone).date()
        result: list[tuple[date, str]] = []
        entries = list(customer.important_dates)
        if customer.hard.birthday is not None:
            b = customer.hard.birthday
            entries.append(ImportantDate(kind=DateKind.OTHER, label="birthday", month=b.month, day=b.day))
        for entry in entries:
            when = entry.next_on_or_after(today)
            if (when - today).days <= within_days:
                result.append((when, entry.label))
        return sorted(result)

    def tag(self, customer_id: str, *tags: str, by: str) -> None:
        """Attach labels for later lookups."""
        self._change(customer_id, lambda c, now: c.tag(*tags, by=by, at=now))

    def untag(self, customer_id: str, *tags: str, by: str) -> None:
        """Remove labels."""
        self._change(customer_id, lambda c, now: c.untag(*tags, by=by, at=now))

    def set_key(self, customer_id: str, key: bool = True, *, by: str) -> None:
        """P06/P17: manage the customer as a key customer (or not)."""
        self._change(customer_id, lambda c, now: c.mark_key(key, by=by, at=now))

    def review_card(self, customer_id: str, *, by: str) -> None:
        """P06: confirm the card is accurate, valid and timely."""
        self._change(customer_id, lambda c, now: c.review_card(by=by, at=now))

    def card(self, customer_id: str) -> RelationshipCard:
        """P06: the relationship card, with its staleness now."""
        return self.get(customer_id).card(now=self._ctx.now(), playbook=self._ctx.playbook)

    def stale_cards(self, *, key: bool | None = None) -> list[RelationshipCard]:
        """P06: cards not reviewed within the playbook's period; key ones first."""
        now, playbook = self._ctx.now(), self._ctx.playbook
        with self._ctx.unit() as uow:
            cards = [
                c.card(now=now, playbook=playbook)
                for c in uow.customers.iter_all()
                if (key is None or c.key == key) and c.card_stale(now=now, playbook=playbook)
            ]
        return sorted(cards, key=lambda card: (not card.key, card.reviewed_at is not None, card.customer_id))

    def history(self, customer_id: str) -> list[Any]:
        """P06: every change of the card and profile, oldest first."""
        return list(self.get(customer_id).history)

    def completeness(self, customer_id: str) -> Decimal:
        """P03: profile completeness in 0..1 with the playbook's 20/80 weights."""
        return self.get(customer_id).completeness(self._ctx.playbook)

    def summary(self, customer_id: str, *, recent: int = 5) -> CustomerSummary:
        """The customer at a glance: card, deal figures, completeness, latest notes."""
        ctx = self._ctx
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            figures = uow.purchases.figures(customer_id, ctx.playbook.locale.currency)
            purchases = uow.purchases.for_customer(customer_id, limit=recent)
            notes = uow.notes.for_customer(customer_id)[:recent]
        return CustomerSummary(
            customer=customer,
            card=customer.card(now=ctx.now(), playbook=ctx.playbook),
            figures=figures,
            completeness=customer.completeness(ctx.playbook),
            recent_purchases=tuple(purchases),
            notes=tuple(notes),
        )


class PrivacyService(_Service):
    """P04: consent, export of everything held, and erasure."""

    def give_consent(
        self,
        customer_id: str,
        purpose: Purpose | str,
        channel: Channel | str,
        *,
        method: ConsentMethod | str,
        source: DataSource | str,
    ) -> None:
        """Record consent for a purpose on a channel, how it was given and where the data came from."""
        ctx = self._ctx
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            customer.give_consent(purpose, channel, at=ctx.now(), method=method, source=source)
            uow.customers.save(customer)

    def withdraw_consent(self, customer_id: str, purpose: Purpose | str, channel: Channel | str | None = None) -> int:
        """Honour a withdrawal at once; returns how many consents ended."""
        ctx = self._ctx
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            ended = customer.withdraw_consent(purpose, channel, at=ctx.now())
            uow.customers.save(customer)
        return ended

    def may_contact(self, customer_id: str, purpose: Purpose | str, channel: Channel | str) -> bool:
        """Whether the customer has consented to this purpose on this channel now."""
        with self._ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
        return customer.has_consent(purpose, channel, at=self._ctx.now())

    def export(self, customer_id: str) -> dict[str, Any]:
        """Everything held about one customer, JSON-ready (a subject access request)."""
        ctx = self._ctx
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            purchases = uow.purchases.for_customer(customer_id)
            notes = uow.notes.for_customer(customer_id)
        return {
            "exported_at": ctx.now().isoformat(),
            "tenant": ctx.tenant,
            "customer": serialization.unstructure(customer),
            "purchases": serialization.unstructure(purchases),
            "notes": serialization.unstructure(notes),
        }

    def erase(self, customer_id: str) -> None:
        """Remove personal data and notes; purchases stay as anonymous figures."""
        ctx = self._ctx
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            customer.erase(at=ctx.now())
            uow.customers.save(customer)
            uow.notes.delete_for_customer(customer_id)


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
        """Record a sale (``customer_id`` None for a walk-in); idempotent per receipt id."""
        ctx = self._ctx
        with ctx.unit() as uow:
            if receipt_id is not None:
                existing = uow.purchases.by_receipt(receipt_id)
                if existing is not None:
                    return existing
            if customer_id is not None:
                customer = uow.customers.get(customer_id)
                if customer.erased:
                    raise RuleViolation("purchase.customer", "customer was erased")
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
            # P20/P35/P21: the return visit and after-sales touches, the sale's
            # credit and the end of follow-up sequences, in the same transaction.
            schedule_after_purchase(uow, tenant=ctx.tenant, playbook=ctx.playbook, now=ctx.now(), purchase=purchase)
            for hook in ctx.purchase_hooks:
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
        ctx = self._ctx
        with ctx.unit() as uow:
            if receipt_id is not None:
                existing = uow.purchases.by_receipt(receipt_id)
                if existing is not None:
                    return existing
            sale = uow.purchases.get(purchase_id)
            refund = sale.make_return(
                lines=lines,
                at=at or ctx.now(),
                already_returned=uow.purchases.returns_of(purchase_id),
                staff_id=staff_id,
                receipt_id=receipt_id,
            )
            uow.purchases.add(refund)
            for hook in ctx.purchase_hooks:
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
        batch_size: int = 5000,
        on_progress: ProgressCallback | None = None,
    ) -> ImportReport:
        """The nightly POS import from a CSV file with a header (layout in docs/sql.md).

        Rejects carry the file's line number (the header is line 1).
        """
        return self._import(read_csv(source), batch_size, on_progress)  # type: ignore[arg-type]

    def _import(
        self, rows: Iterable[tuple[int, Sequence[object]]], batch_size: int, on_progress: ProgressCallback | None
    ) -> ImportReport:
        if batch_size <= 0:
            raise ValidationError("batch_size", "must be greater than zero")
        locale = self._ctx.playbook.locale
        report = ImportReport()
        rejects: list[ImportReject] = []
        counted = _Counted(rows)
        purchases = validated_purchases(counted, zone=locale.zone, region=locale.country, rejects=rejects)

        def settle(outcome: BatchOutcome) -> None:
            report.imported += outcome.imported
            report.skipped += outcome.skipped
            rejects.extend(outcome.rejected)
            self._progress(report, rejects, counted.count, on_progress)

        # Batch N is written by one worker thread while batch N+1 is checked here, so
        # the database works while Python checks rows; at most two batches are in memory.
        # A backend bound to one caller's connection says concurrent_import = False.
        pipelined = bool(getattr(self._ctx.backend, "concurrent_import", True))
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clientcare-import") if pipelined else None
        pending: Future[BatchOutcome] | None = None
        try:
            for batch in batched(purchases, batch_size):
                if executor is None:
                    settle(self._write_batch(batch))
                    continue
                if pending is not None:
                    settle(pending.result())
                pending = executor.submit(self._write_batch, batch)
            if pending is not None:
                settle(pending.result())
        finally:
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)
        report.rejected = sorted(rejects, key=lambda r: r.line)
        report.lines_read = counted.count
        self._progress(report, rejects, counted.count, on_progress)
        return report

    def _write_batch(self, batch: Sequence[ImportedPurchase]) -> BatchOutcome:
        """Store one batch in its own unit of work; receipts repeated within it count as skipped."""
        ctx = self._ctx
        currency = ctx.playbook.locale.currency
        unique: list[ImportedPurchase] = []
        receipts: set[str] = set()
        for item in batch:
            if item.receipt_id not in receipts:
                receipts.add(item.receipt_id)
                unique.append(item)
        with ctx.unit() as uow:
            if isinstance(uow.purchases, BulkPurchaseImport):
                outcome = uow.purchases.import_purchases(unique, currency=currency)
            else:
                outcome = generic_import(uow, unique, tenant=ctx.tenant, currency=currency)
        repeated = len(batch) - len(unique)
        return BatchOutcome(outcome.imported, outcome.skipped + repeated, outcome.rejected)

    @staticmethod
    def _progress(
        report: ImportReport, rejects: list[ImportReject], read: int, on_progress: ProgressCallback | None
    ) -> None:
        if on_progress is not None:
            on_progress(ImportProgress(read, report.imported, report.skipped, len(rejects)))


class _Counted:
    """Counts the rows an import has read, for progress reports."""

    def __init__(self, rows: Iterable[tuple[int, Sequence[object]]]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[tuple[int, Sequence[object]]]:
        for item in self._rows:
            self.count += 1
            yield item


class NotebookService(_Service):
    """P08: every staff member's customer notebook."""

    def write(self, customer_id: str, text: str, *, author: str, tags: Sequence[str] = ()) -> Note:
        """A quick note about a customer."""
        ctx = self._ctx
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            if customer.erased:
                raise RuleViolation("note.customer", "customer was erased")
            note = Note.write(
                tenant=ctx.tenant, customer_id=customer_id, author=author, text=text, at=ctx.now(), tags=frozenset(tags)
            )
            uow.notes.add(note)
        return note

    def for_customer(self, customer_id: str) -> list[Note]:
        """Notes on one customer, newest first."""
        with self._ctx.unit() as uow:
            return uow.notes.for_customer(customer_id)

    def search(
        self, fragment: str, *, customer_id: str | None = None, author: str | None = None, limit: int = 50
    ) -> list[Note]:
        """Notes containing ``fragment`` (case-insensitive), newest first."""
        clean = clean_text(fragment, "fragment", limit=200)
        with self._ctx.unit() as uow:
            return uow.notes.search(clean, customer_id=customer_id, author=author, limit=limit)


class EventsService(_Service):
    """Domain events: in-process subscribers and the durable outbox."""

    def subscribe(self, handler: Callable[[E], None], event_type: type[E] = DomainEvent) -> None:  # type: ignore[assignment]
        """Call ``handler`` after each committed use case, for events of ``event_type``."""
        self._ctx.subscribers.append((event_type, handler))  # type: ignore[arg-type]

    def pending(self, *, limit: int = 100) -> list[OutboxMessage]:
        """Outbox messages not yet delivered, oldest first."""
        with self._ctx.unit() as uow:
            return uow.outbox.pending(limit=limit)

    def mark_delivered(self, message_ids: Sequence[int]) -> None:
        """Take delivered messages off the pending list."""
        with self._ctx.unit() as uow:
            uow.outbox.mark_delivered(message_ids)


class Clientcare:
    """The facade an embedding system talks to, scoped to one tenant.

    Build it with :func:`clientcare.connect` from a URL, or directly from your
    own ports: ``Clientcare(backend, tenant="acme", clock=my_clock)``.
    """

    def __init__(
        self,
        backend: Backend,
        tenant: str,
        *,
        clock: Clock,
        playbook: Playbook | None = None,
        assessment_sources: AssessmentSources | None = None,
        cadence_ports: CadencePorts | None = None,
    ) -> None:
        self._ctx = _Context(backend, tenant, clock, playbook or Playbook.default())
        self._given_sources = assessment_sources
        self._given_ports = cadence_ports
        self.customers = CustomersService(self._ctx)
        self.privacy = PrivacyService(self._ctx)
        self.purchases = PurchasesService(self._ctx)
        self.notebook = NotebookService(self._ctx)
        self.events = EventsService(self._ctx)
        self.tiers = TiersService(self._ctx)
        self.membership = MembershipService(self._ctx)
        self.points = PointsService(self._ctx)
        self.referrals = ReferralsService(self._ctx)
        self._ctx.purchase_hooks.append(after_purchase)
        # P33: a lead the cadences register from a referral becomes a referral record.
        self._ctx.subscribers.append((CustomerRegistered, self.referrals.on_customer_registered))
        self.analytics = AnalyticsService(self._ctx)
        self.complaints = ComplaintsService(self._ctx)
        # P50: a silent-complaint signal (survey, contact outcome) opens a complaint.
        self._ctx.subscribers.append((SilentComplaintSignal, self.complaints.on_signal))
        # Outside data for assessments: the embedder's sources where given, this
        # facade's own areas where they have the data, "no data" otherwise.
        sources = assessment_sources or AssessmentSources()
        if isinstance(sources.complaints, NoData):
            sources = attrs.evolve(sources, complaints=self.complaints)
        if isinstance(sources.referrals, NoData):
            sources = attrs.evolve(sources, referrals=self.referrals)
        if isinstance(sources.tiers, NoData):
            sources = attrs.evolve(sources, tiers=self.tiers)
        if isinstance(sources.responsiveness, NoData):
            sources = attrs.evolve(sources, responsiveness=TouchResponsiveness(self._ctx))
        self.assessments = AssessmentsService(self._ctx, sources)
        self.surveys = SurveysService(self._ctx, sources)
        #: Tiers, complaints, membership and roster as the cadences see them
        #: (defaults documented on CadencePorts; swap attributes to wire areas).
        self.cadence_ports = cadence_ports or CadencePorts()
        if isinstance(self.cadence_ports.complaints, NoComplaints):
            self.cadence_ports.complaints = self.complaints  # P21: pause sequences while a complaint is open
        if isinstance(self.cadence_ports.relationships, NoStops):
            self.cadence_ports.relationships = self.assessments  # P61: no marketing once a relationship ended
        if isinstance(self.cadence_ports.segments, NoSegments):
            self.cadence_ports.segments = CadenceSegments(self._ctx)  # P17/P23: visits by tier
        if isinstance(self.cadence_ports.membership, NoMembership):
            self.cadence_ports.membership = CadenceMembership(self._ctx)  # P14/P22: card expiry reminders
        self.touches = TouchesService(self._ctx, self.cadence_ports)
        self.campaigns = CampaignsService(self._ctx, self.cadence_ports.relationships)
        self.daily = DailyService(self._ctx, self.cadence_ports)
        self.appointments = AppointmentsService(self._ctx, self.cadence_ports)
        self.boards = BoardsService(self._ctx, self.cadence_ports)
        self.staff = StaffService(self._ctx, self.cadence_ports)
        self._ctx.subscribers.append((MarketingStopped, self.touches.on_marketing_stopped))

    @property
    def tenant(self) -> str:
        """The tenant this facade reads and writes."""
        return self._ctx.tenant

    @property
    def playbook(self) -> Playbook:
        """The rules and numbers in force."""
        return self._ctx.playbook

    @property
    def clock(self) -> Clock:
        """Where this facade gets the time."""
        return self._ctx.clock

    @property
    def backend(self) -> Backend:
        """The storage adapter."""
        return self._ctx.backend

    def for_tenant(self, tenant: str) -> Clientcare:
        """Another facade on the same backend, for another tenant."""
        return Clientcare(
            self._ctx.backend,
            tenant,
            clock=self._ctx.clock,
            playbook=self._ctx.playbook,
            assessment_sources=self._given_sources,
            cadence_ports=self._given_ports,
        )

    def close(self) -> None:
        """Release the backend's connections."""
        self._ctx.backend.close()

    def __enter__(self) -> Clientcare:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Clientcare(tenant={self._ctx.tenant!r}, backend={type(self._ctx.backend).__name__})"
