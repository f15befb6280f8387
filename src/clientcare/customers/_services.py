"""The customer archive, consent and privacy, and the notebook as use cases (P01–P08)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import attrs

from clientcare import serialization
from clientcare.customers._duplicates import DuplicatePair, likely_duplicates
from clientcare.customers._imports import (
    CUSTOMER_COLUMNS,
    REQUIRED,
    CustomerImportHook,
    CustomerImportReport,
    run_import,
)
from clientcare.customers._merge import CustomerMergeHook, MergeReport, merge_records
from clientcare.customers._model import (
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
from clientcare.customers._notebook import Note
from clientcare.customers._paging import MAX_PAGE, CustomerPage, decode_cursor, encode_cursor
from clientcare.customers._read_models import CustomerView
from clientcare.errors import ConfigurationError, DuplicateRecord, RuleViolation, ValidationError
from clientcare.kernel._checks import clean_text, one_of
from clientcare.kernel._context import Context as _Context
from clientcare.kernel._erasure import redact_payload, redacted
from clientcare.kernel._tabular import Headers, ImportProgress, read_table, rows_in_order
from clientcare.kernel._tokens import UnsubscribeToken
from clientcare.playbook import AbcLabel, Playbook
from clientcare.purchases._model import CustomerFigures, Purchase

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

T = TypeVar("T")

__all__ = ["CustomerSummary", "CustomersService", "Eraser", "NotebookService", "PrivacyService"]

log = logging.getLogger("clientcare")


def _is_key(customer: Customer, label: AbcLabel | None, playbook: Playbook) -> bool:
    """P17: hand-picked key customers and, by default (``segments.a_customers_are_key``), every A customer."""
    return customer.key or (playbook.segments.a_customers_are_key and label is AbcLabel.A)


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

    def __init__(
        self,
        ctx: _Context,
        *,
        import_hooks: Sequence[CustomerImportHook] = (),
        merge_hooks: Sequence[CustomerMergeHook] = (),
    ) -> None:
        super().__init__(ctx)
        self._import_hooks = tuple(import_hooks)
        self._merge_hooks = tuple(merge_hooks)

    def merge(self, keep: str, absorb: str, *, by: str) -> MergeReport:
        """One person registered twice becomes one customer, in one transaction (docs/customers-import.md).

        ``absorb``'s purchases, notes, consents (the stricter wins: a withdrawal
        stays), tags, contacts and dates go to ``keep``, and every area hooked
        in moves its rows too; ``absorb`` is retired (its personal data erased)
        and its id resolves to ``keep`` from then on. Records ``CustomersMerged``.
        """
        ctx = self._ctx
        with ctx.unit() as uow:
            kept = uow.customers.get(keep)
            absorbed = uow.customers.get(absorb)
            now = ctx.now()
            consents = merge_records(kept, absorbed, by=by, at=now)
            purchases = uow.purchases.repoint_customer(absorbed.id, kept.id)
            notes = uow.notes.repoint_customer(absorbed.id, kept.id)
            for hook in self._merge_hooks:
                hook(ctx, uow, kept.id, absorbed.id, now)
            uow.customers.save(absorbed)
            uow.customers.save(kept)
            uow.customers.alias(absorbed.id, kept.id)
        log.info("customers merged", extra={"kept_id": kept.id, "absorbed_id": absorbed.id})
        return MergeReport(
            kept_id=kept.id, absorbed_id=absorbed.id, purchases=purchases, notes=notes, consents=consents
        )

    def duplicates(self) -> list[DuplicatePair]:
        """Likely pairs of one person registered twice, with the reasons: the same normalised
        phone or e-mail, the same name and birthday, or names one edit apart at the same store."""
        with self._ctx.unit() as uow:
            return likely_duplicates(uow.customers.iter_all(), region=self._ctx.playbook.locale.country)

    def import_rows(
        self,
        records: Iterable[Mapping[str, object]],
        *,
        batch_size: int = 5000,
        on_progress: Callable[[ImportProgress], None] | None = None,
    ) -> CustomerImportReport:
        """Bring customers over from mappings keyed by the import's column names (docs/customers-import.md).

        Streams; bad records are reported (record number from 1, ``field: rule``)
        and the rest imported; a known external id or phone is skipped.
        """
        rows = rows_in_order(records, CUSTOMER_COLUMNS)
        return run_import(self._ctx, rows, hooks=self._import_hooks, batch_size=batch_size, on_progress=on_progress)

    def import_csv(
        self,
        source: str | Path | IO[str],
        *,
        encoding: str | None = None,
        headers: Headers = None,
        batch_size: int = 5000,
        on_progress: Callable[[ImportProgress], None] | None = None,
    ) -> CustomerImportReport:
        """Bring customers over from a CSV file or ``.xlsx`` workbook with a header
        (docs/customers-import.md, docs/imports.md).

        Rejects carry the file's line number (the header is line 1). The encoding
        is detected unless given; a file that does not decode is refused before
        anything is written. ``headers`` maps the file's header names to the
        columns (a dict or a TOML file); common Chinese headers are known already.
        """
        table = read_table(
            source, CUSTOMER_COLUMNS, sorted(REQUIRED), kind="customers", encoding=encoding, headers=headers
        )
        return run_import(
            self._ctx,
            table,
            hooks=self._import_hooks,
            batch_size=batch_size,
            on_progress=on_progress,
            total_bytes=lambda: (table.bytes_read, table.total_bytes),
        )

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

    def page(
        self,
        *,
        cursor: str | None = None,
        limit: int = 50,
        name: str | None = None,
        tag: str | None = None,
        phone: str | None = None,
    ) -> CustomerPage:
        """Page through the archive by name (keyset paging; docs/api.md).

        Pass the page's ``next_cursor`` back as ``cursor`` for the next page;
        it is opaque and holds no personal data. ``name`` (a fragment), ``tag``
        and ``phone`` (any common format) narrow the listing; erased customers
        are left out. A customer registered meanwhile shows up on the page her
        name falls on; none is skipped or repeated unless renamed meanwhile.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            raise ValidationError("limit", f"must be 1 to {MAX_PAGE}")
        after = decode_cursor(cursor) if cursor is not None else None
        fragment = clean_text(name, "name", limit=100) if name is not None else None
        wanted_tag = clean_text(tag, "tag", limit=50) if tag is not None else None
        wanted_phone = self._ctx.phone(phone) if phone is not None else None
        with self._ctx.unit() as uow:
            found = uow.customers.page(after=after, limit=limit + 1, name=fragment, tag=wanted_tag, phone=wanted_phone)
        shown = tuple(found[:limit])
        more = len(found) > limit
        return CustomerPage(customers=shown, next_cursor=encode_cursor(shown[-1].id) if more else None)

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
        """P06: the relationship card, with its staleness now; P17: an A customer is key by default."""
        now, playbook = self._ctx.now(), self._ctx.playbook
        with self._ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            label = uow.tiers.label_of(customer_id)
        return customer.card(now=now, playbook=playbook, key=_is_key(customer, label, playbook))

    def view(self, customer_id: str) -> CustomerView:
        """P06/P03: the card, tags and completeness as one read model, read in one unit of work."""
        now, playbook = self._ctx.now(), self._ctx.playbook
        with self._ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            label = uow.tiers.label_of(customer.id)
        card = customer.card(now=now, playbook=playbook, key=_is_key(customer, label, playbook))
        return CustomerView.of(customer, card, customer.completeness(playbook))

    def stale_cards(self, *, key: bool | None = None) -> list[RelationshipCard]:
        """P06: cards not reviewed within the playbook's period; key ones (P17: A ones too) first."""
        now, playbook = self._ctx.now(), self._ctx.playbook
        cards = []
        with self._ctx.unit() as uow:
            labels = uow.tiers.labels()
            for c in uow.customers.iter_all():
                is_key = _is_key(c, labels.get(c.id), playbook)
                if (key is None or is_key == key) and c.card_stale(now=now, playbook=playbook, key=is_key):
                    cards.append(c.card(now=now, playbook=playbook, key=is_key))
        return sorted(cards, key=lambda card: (not card.key, card.reviewed_at is not None, card.customer_id))

    def history(self, customer_id: str) -> list[Any]:
        """P06: every change of the card and profile, oldest first."""
        return list(self.get(customer_id).history)

    def completeness(self, customer_id: str) -> Decimal:
        """P02/P03: profile completeness in 0..1 with the playbook's 20/80 weights; spend
        and styles bought count from the deal archive."""
        ctx = self._ctx
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            sales = uow.purchases.figures(customer_id, ctx.playbook.locale.currency).purchase_count
        return customer.completeness(ctx.playbook, purchases=sales)

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
            completeness=customer.completeness(ctx.playbook, purchases=figures.purchase_count),
            recent_purchases=tuple(purchases),
            notes=tuple(notes),
        )


#: What another area does when a customer is erased, inside the erasure's unit of work:
#: cancel what it planned for her (ctx, uow, customer id, who erased her).
Eraser = Callable[[_Context, "UnitOfWork", str, str], None]


class PrivacyService(_Service):
    """P04: consent, export of everything held, and erasure."""

    def __init__(self, ctx: _Context, *, erasers: Sequence[Eraser] = ()) -> None:
        super().__init__(ctx)
        self._erasers = tuple(erasers)

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

    def unsubscribe(self, token: str) -> int:
        """Honour an unsubscribe link: withdraw the purpose on the channel the token names.

        Idempotent: a second call with the same token ends nothing and returns 0.
        A forged, expired or other tenant's token raises
        :class:`~clientcare.errors.InvalidToken` and changes nothing.
        """
        ctx = self._ctx
        secret = ctx.playbook.shop.unsubscribe_secret
        if not secret:
            raise ConfigurationError("unsubscribe needs an unsubscribe secret ([shop] or connect option)")
        claim = UnsubscribeToken.verify(token, secret=secret, tenant=ctx.tenant, now=ctx.now())
        return self.withdraw_consent(claim.customer_id, claim.purpose, claim.channel)

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

    def erase(self, customer_id: str, *, by: str) -> None:
        """Erase the customer (PIPL Art. 47, GDPR Art. 17), in one unit of work.

        Her profile, contacts and notes go; every free-text field about her in
        every area (complaints, surveys, touches, wishes, appointments,
        assessments, contracts, memberships, recurring rules, overrides) and
        in the outbox is replaced; what was planned for her is cancelled.
        Figures stay as anonymous numbers. ``by`` (a staff id) is recorded
        with the time in the customer's record and the CustomerErased event,
        ids only. Erasing twice changes nothing more. Her record is locked
        first: that waits for, and then blocks, every write about her (they
        read her with ``customers.get``).
        """
        who = clean_text(by, "by", limit=64)
        ctx = self._ctx
        with ctx.unit() as uow:
            customer = uow.customers.lock(customer_id)
            customer.erase(at=ctx.now(), by=who)
            uow.customers.save(customer)
            uow.notes.delete_for_customer(customer_id)
            for eraser in self._erasers:
                eraser(ctx, uow, customer_id, who)
            uow.redact_customer(customer_id, redact=redacted, redact_payload=redact_payload)


class NotebookService(_Service):
    """P08: every staff member's customer notebook."""

    def write(self, customer_id: str, text: str, *, author: str, tags: Sequence[str] = ()) -> Note:
        """A quick note about a customer."""
        ctx = self._ctx
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            customer.ensure_not_erased()
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
