"""Dict-backed backend, unit of work and repositories."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from clientcare import serialization
from clientcare.customers import Customer, Note
from clientcare.errors import ConcurrencyConflict, DuplicateRecord, NotFound
from clientcare.events import DomainEvent
from clientcare.kernel import Aggregate
from clientcare.ports import OutboxMessage, ReactionJob, UnitOfWork
from clientcare.purchases import (
    BuyingSummary,
    CustomerFigures,
    Purchase,
    PurchaseKind,
    figures_from,
    summaries_from,
)

if TYPE_CHECKING:
    from clientcare.adapters.memory._reactions import MemoryReactions

__all__ = ["MemoryBackend", "MemoryUnitOfWork", "open_backend"]

A = TypeVar("A", bound=Aggregate)


def _copy(obj: A) -> A:
    # Aggregates hold only immutable values (frozen attrs, tuples, frozensets),
    # so a shallow evolve is a full, independent copy.
    return attrs.evolve(obj)


class _TenantData:
    def __init__(self) -> None:
        self.tables: dict[str, dict[str, Aggregate]] = {}
        self.outbox: list[OutboxMessage] = []
        self.reactions: dict[int, ReactionJob] = {}
        #: A merged customer's id -> the kept customer's id.
        self.aliases: dict[str, str] = {}
        #: Which relay holds the outbox, and until when.
        self.relay_lease: tuple[str, datetime] | None = None

    def table(self, name: str) -> dict[str, Aggregate]:
        return self.tables.setdefault(name, {})


#: Unique keys per table: name -> function giving the key (None = no key).
UniqueKey = Callable[[Any], object]


class MemoryBackend:
    """Holds every tenant's data in dicts; share one instance between facades."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._tenants: dict[str, _TenantData] = {}
        self._next_message = 1
        self.unique_keys: dict[str, dict[str, UniqueKey]] = {
            "customers": {"phone": lambda c: c.phone},
            "purchases": {"receipt_id": lambda p: p.receipt_id},
            "referrals": {"referred_id": lambda r: r.referred_id},  # P33: referred once
            "touches": {"key": lambda t: t.key},
            # P50: one complaint per silent-complaint signal.
            "complaints": {"signal": lambda c: (c.signal_source, c.signal_reference) if c.signal_source else None},
        }

    def unit_of_work(self, tenant: str) -> MemoryUnitOfWork:
        """A fresh unit of work for ``tenant``."""
        return MemoryUnitOfWork(self, tenant)

    def close(self) -> None:
        """Nothing to release."""

    def _data(self, tenant: str) -> _TenantData:
        with self._lock:
            return self._tenants.setdefault(tenant, _TenantData())

    def __repr__(self) -> str:
        return f"MemoryBackend(tenants={len(self._tenants)})"


def open_backend(url: str, **options: Any) -> MemoryBackend:
    """Entry point for ``memory://`` URLs (each call is a new, empty store)."""
    return MemoryBackend()


class MemoryRepository(Generic[A]):
    """Generic staged repository over one table; subclasses add lookups."""

    entity = "record"

    def __init__(self, uow: MemoryUnitOfWork, table: str) -> None:
        self._uow = uow
        self._table = table

    def _rows(self) -> Iterator[A]:
        # A snapshot taken under the store's lock: another thread's commit may add rows to
        # the table while this generator is being read.
        with self._uow._backend._lock:
            committed = dict(self._uow._committed(self._table))
        staged = self._uow._staged.get(self._table, {})
        deleted = self._uow._deleted.get(self._table, set())
        for key, row in committed.items():
            if key not in staged and key not in deleted:
                yield row  # type: ignore[misc]
        for row in staged.values():
            yield row  # type: ignore[misc]

    def _track(self, obj: A) -> A:
        self._uow.track(obj)
        return obj

    def _check_unique(self, obj: A) -> None:
        for field, key in self._uow._backend.unique_keys.get(self._table, {}).items():
            value = key(obj)
            if value is None:
                continue
            for row in self._rows():
                if row.id != obj.id and key(row) == value:
                    raise DuplicateRecord(self.entity, field)

    def add(self, obj: A) -> None:
        if obj.tenant != self._uow.tenant:
            raise NotFound(self.entity, obj.id)
        if any(row.id == obj.id for row in self._rows()):
            raise DuplicateRecord(self.entity, "id")
        self._check_unique(obj)
        self._uow._stage(self._table, obj, new=True)
        self._track(obj)

    def get(self, key: str) -> A:
        for row in self._rows():
            if row.id == key:
                return self._track(_copy(row))
        raise NotFound(self.entity, key)

    def save(self, obj: A) -> None:
        if obj.tenant != self._uow.tenant:
            raise NotFound(self.entity, obj.id)
        if not any(row.id == obj.id for row in self._rows()):
            raise NotFound(self.entity, obj.id)
        self._check_unique(obj)
        self._uow._stage(self._table, obj, new=False)
        self._track(obj)

    def _find(self, predicate: Callable[[A], bool]) -> list[A]:
        return [self._track(_copy(row)) for row in self._rows() if predicate(row)]

    def repoint_customer(self, from_id: str, to_id: str) -> int:
        """Give ``from_id``'s rows to ``to_id`` (a merge); returns how many."""
        # Only tables whose rows carry ``customer_id`` call this.
        moved: list[Any] = [
            attrs.evolve(row, customer_id=to_id)  # type: ignore[call-arg]
            for row in self._rows()
            if getattr(row, "customer_id", None) == from_id
        ]
        for row in moved:
            self._uow._stage(self._table, row, new=False)
        return len(moved)

    def _delete(self, keys: Iterable[str]) -> int:
        count = 0
        for key in keys:
            self._uow._deleted.setdefault(self._table, set()).add(key)
            self._uow._staged.get(self._table, {}).pop(key, None)
            count += 1
        return count


class MemoryCustomerRepository(MemoryRepository[Customer]):
    """Customers of one tenant, in memory."""

    def get(self, key: str) -> Customer:
        """The customer; a unit that writes checks at commit that she did not change meanwhile.

        Every write about a customer reads her first, so a note written while
        she is erased conflicts with the erasure instead of outliving it.
        """
        key = self.resolve(key)  # a merged customer's id gives the kept customer
        customer = super().get(key)
        self._uow._read_versions.setdefault(("customers", key), customer.version)
        return customer

    def lock(self, key: str) -> Customer:
        """The customer; memory commits one unit at a time, and the read check does the rest."""
        return self.get(key)

    entity = "customer"

    def resolve(self, customer_id: str) -> str:
        return self._uow._aliases().get(customer_id, customer_id)

    def alias(self, absorbed_id: str, kept_id: str) -> None:
        aliases = self._uow._aliases()
        for old, target in list(aliases.items()):
            if target == absorbed_id:
                self._uow._new_aliases[old] = kept_id
        self._uow._new_aliases[absorbed_id] = kept_id

    def by_phone(self, phone: str) -> Customer | None:
        found = self._find(lambda c: c.phone == phone)
        return found[0] if found else None

    def by_ids(self, customer_ids: Iterable[str]) -> list[Customer]:
        wanted = set(customer_ids)
        return self._find(lambda c: c.id in wanted)

    def key_flagged(self, customer_ids: Iterable[str]) -> set[str]:
        wanted = set(customer_ids)
        return {c.id for c in self._rows() if c.id in wanted and c.key}

    def search(self, *, name: str | None = None, tag: str | None = None, limit: int = 50) -> list[Customer]:
        needle = name.casefold() if name else None

        def match(c: Customer) -> bool:
            if c.erased_at is not None:
                return False
            if needle is not None and needle not in c.name.casefold():
                return False
            return tag is None or tag in c.tags

        return sorted(self._find(match), key=lambda c: (c.name, c.id))[:limit]

    def page(
        self,
        *,
        after: str | None = None,
        limit: int = 50,
        name: str | None = None,
        tag: str | None = None,
        phone: str | None = None,
    ) -> list[Customer]:
        start: tuple[str, str] | None = None
        if after is not None:
            anchor = [c for c in self._rows() if c.id == after]
            if not anchor:
                return []
            start = (anchor[0].name, anchor[0].id)
        needle = name.casefold() if name else None

        def match(c: Customer) -> bool:
            return (
                c.erased_at is None
                and (needle is None or needle in c.name.casefold())
                and (tag is None or tag in c.tags)
                and (phone is None or c.phone == phone)
                and (start is None or (c.name, c.id) > start)
            )

        return sorted(self._find(match), key=lambda c: (c.name, c.id))[:limit]

    def iter_all(self, *, batch: int = 500) -> Iterator[Customer]:
        for row in sorted(self._rows(), key=lambda c: c.id):
            yield self._track(_copy(row))

    def count(self) -> int:
        return sum(1 for _ in self._rows())


class MemoryPurchaseRepository(MemoryRepository[Purchase]):
    """The deal archive, in memory."""

    entity = "purchase"

    def by_receipt(self, receipt_id: str) -> Purchase | None:
        found = self._find(lambda p: p.receipt_id == receipt_id)
        return found[0] if found else None

    def for_customer(self, customer_id: str, *, limit: int | None = None) -> list[Purchase]:
        rows = sorted(
            self._find(lambda p: p.customer_id == customer_id), key=lambda p: (p.occurred_at, p.id), reverse=True
        )
        return rows[:limit] if limit is not None else rows

    def returns_of(self, purchase_id: str) -> list[Purchase]:
        return self._find(lambda p: p.kind is PurchaseKind.RETURN and p.original_id == purchase_id)

    def between(self, start: datetime | None, end: datetime) -> Iterator[Purchase]:
        rows = [p for p in self._rows() if (start is None or p.occurred_at >= start) and p.occurred_at < end]
        for row in sorted(rows, key=lambda p: (p.occurred_at, p.id)):
            yield _copy(row)

    def figures(self, customer_id: str, currency: str) -> CustomerFigures:
        rows = [row for row in self._rows() if row.customer_id == customer_id]
        return figures_from(customer_id, rows, currency)

    def buying_summaries(self, end: datetime, currency: str) -> list[BuyingSummary]:
        return summaries_from(self._rows(), end, currency)


class MemoryNoteRepository(MemoryRepository[Note]):
    """The notebook, in memory."""

    entity = "note"

    def for_customer(self, customer_id: str) -> list[Note]:
        return sorted(
            self._find(lambda n: n.customer_id == customer_id), key=lambda n: (n.written_at, n.id), reverse=True
        )

    def search(
        self, fragment: str, *, customer_id: str | None = None, author: str | None = None, limit: int = 50
    ) -> list[Note]:
        def match(n: Note) -> bool:
            return (
                n.matches(fragment)
                and (customer_id is None or n.customer_id == customer_id)
                and (author is None or n.author == author)
            )

        return sorted(self._find(match), key=lambda n: (n.written_at, n.id), reverse=True)[:limit]

    def delete_for_customer(self, customer_id: str) -> int:
        return self._delete([n.id for n in self._rows() if n.customer_id == customer_id])


class MemoryOutbox:
    """Outbox messages of one tenant, in memory."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow
        self._new: list[DomainEvent] = []
        self._delivered: set[int] = set()
        self._rewritten: dict[int, dict[str, object]] = {}

    def append(self, events: Sequence[DomainEvent]) -> None:
        self._new.extend(events)

    def pending(self, *, limit: int = 100) -> list[OutboxMessage]:
        data = self._uow._backend._data(self._uow.tenant)
        return [m for m in data.outbox if m.id not in self._delivered][:limit]

    def mark_delivered(self, message_ids: Sequence[int]) -> None:
        self._delivered.update(message_ids)

    def claim(self, holder: str, *, now: datetime, until: datetime) -> bool:
        # Applied at once under the backend's lock: a lease coordinates relays, it is not data.
        backend = self._uow._backend
        with backend._lock:
            data = backend._data(self._uow.tenant)
            current = data.relay_lease
            if current is not None and current[0] != holder and current[1] > now:
                return False
            data.relay_lease = (holder, until)
            return True


class MemoryUnitOfWork(UnitOfWork):
    """Stages writes; applies them atomically at commit, checking versions."""

    outbox: MemoryOutbox
    reactions: MemoryReactions

    def __init__(self, backend: MemoryBackend, tenant: str) -> None:
        super().__init__()
        self._backend = backend
        self.tenant = tenant
        self._staged: dict[str, dict[str, Aggregate]] = {}
        self._new: dict[str, set[str]] = {}
        self._read_versions: dict[tuple[str, str], int] = {}
        self._deleted: dict[str, set[str]] = {}
        self._new_aliases: dict[str, str] = {}
        self._reset_repositories()

    def _reset_repositories(self) -> None:
        self.customers = MemoryCustomerRepository(self, "customers")
        self.purchases = MemoryPurchaseRepository(self, "purchases")
        self.notes = MemoryNoteRepository(self, "notes")
        # Imported here: those repositories subclass MemoryRepository from this module.
        from clientcare.adapters.memory._assessments import (  # noqa: PLC0415
            MemoryAssessmentRepository,
            MemoryImprovementPlanRepository,
            MemorySurveyRepository,
        )

        self.assessments = MemoryAssessmentRepository(self, "assessments")
        self.improvement_plans = MemoryImprovementPlanRepository(self, "improvement_plans")
        self.surveys = MemorySurveyRepository(self, "survey_responses")
        from clientcare.adapters.memory import _complaints as c  # noqa: PLC0415 - it subclasses MemoryRepository

        self.complaints, self.standard_answers = (
            c.MemoryComplaintRepository(self, "complaints"),
            c.MemoryStandardAnswerRepository(self, "standard_answers"),
        )
        from clientcare.adapters.memory import _touches as t  # noqa: PLC0415 - it subclasses MemoryRepository

        self.touches = t.MemoryTouchRepository(self, "touches")
        self.appointments = t.MemoryAppointmentRepository(self, "appointments")
        self.follow_ups = t.MemoryFollowUpRepository(self, "follow_ups")
        self.wishes = t.MemoryWishRepository(self, "wishes")
        self.recurring = t.MemoryRecurringRuleRepository(self, "recurring")
        self.sale_credits = t.MemorySaleCreditRepository(self, "sale_credits")
        self.outbox = MemoryOutbox(self)
        from clientcare.adapters.memory._reactions import MemoryReactions  # noqa: PLC0415 - it names this module's unit

        self.reactions = MemoryReactions(self)
        # Tiers, membership, points, referrals, contracts (P10-P17, P33). Imported
        # here because that module builds on MemoryRepository defined above.
        from clientcare.adapters.memory._tiers import attach  # noqa: PLC0415

        attach(self)
        from clientcare.adapters.memory._analytics import attach as attach_analytics  # noqa: PLC0415

        attach_analytics(self)

    def _aliases(self) -> dict[str, str]:
        """The tenant's aliases with this unit's new ones on top."""
        return {**self._backend._data(self.tenant).aliases, **self._new_aliases}

    def _committed(self, table: str) -> dict[str, Aggregate]:
        return self._backend._data(self.tenant).table(table)

    def _stage(self, table: str, obj: Aggregate, *, new: bool) -> None:
        self._staged.setdefault(table, {})[obj.id] = obj
        if new:
            self._new.setdefault(table, set()).add(obj.id)

    def _begin(self) -> None:
        self._new_aliases.clear()
        self._staged.clear()
        self._new.clear()
        self._deleted.clear()
        self._read_versions.clear()
        self._reset_repositories()

    def redact_customer(
        self,
        customer_id: str,
        *,
        redact: Callable[[Aggregate], Aggregate],
        redact_payload: Callable[[Any], Any],
    ) -> int:
        """Stage ``redact(a)`` for every aggregate about the customer; rewrite outbox payloads naming her."""
        data = self._backend._data(self.tenant)
        changed = 0
        ids = {customer_id}
        for table in sorted(set(data.tables) | set(self._staged)):
            if table == "customers":
                continue
            staged = self._staged.get(table, {})
            deleted = self._deleted.get(table, set())
            with self._backend._lock:  # a snapshot: other threads may commit meanwhile
                committed = dict(data.table(table))
            rows = {**{k: v for k, v in committed.items() if k not in deleted}, **staged}
            for key, obj in rows.items():
                if getattr(obj, "customer_id", None) != customer_id and key != customer_id:
                    continue
                ids.add(key)
                new = redact(obj)
                if new is not obj:
                    self._stage(table, new, new=key in self._new.get(table, set()))
                    changed += 1
        for message in data.outbox:
            text = repr(message.payload)
            if any(i in text for i in ids):
                self.outbox._rewritten[message.id] = redact_payload(message.payload)
        return changed

    def _apply_rewrites(self, data: _TenantData) -> None:
        # Erasure redacts stored outbox payloads in place (PIPL Art. 47).
        rewritten = self.outbox._rewritten
        if rewritten:
            data.outbox[:] = [attrs.evolve(m, payload=rewritten[m.id]) if m.id in rewritten else m for m in data.outbox]

    def _check_unique_keys(self, table: str, obj: Aggregate, committed: dict[str, Aggregate]) -> None:
        """DuplicateRecord if another committed row holds one of ``obj``'s unique values."""
        # A row this unit deletes no longer holds its value (a merge drops one referral
        # and hands its referred id to another).
        gone = self._deleted.get(table, set())
        for field, unique in self._backend.unique_keys.get(table, {}).items():
            value = unique(obj)
            if value is not None and any(
                other.id != obj.id and other.id not in gone and unique(other) == value for other in committed.values()
            ):
                raise DuplicateRecord(table.rstrip("s"), field)

    def _commit(self) -> None:
        backend = self._backend
        # Everything that can fail runs before the first row changes, so a
        # commit applies all or nothing: payloads and copies first, then the
        # checks, then the writes (which cannot fail).
        payloads = [(event.name, event.occurred_at, serialization.unstructure(event)) for event in self.outbox._new]
        copies = {table: {key: _copy(obj) for key, obj in rows.items()} for table, rows in self._staged.items()}
        writes = bool(self._staged or self._deleted or self.outbox._new or self.outbox._rewritten)
        with backend._lock:
            data = backend._data(self.tenant)
            for (table, key), version in self._read_versions.items() if writes else ():
                current = data.table(table).get(key)
                if current is not None and current.version != version:
                    raise ConcurrencyConflict(table.rstrip("s"), key)
            for table, rows in self._staged.items():
                committed = data.table(table)
                for key, obj in rows.items():
                    current = committed.get(key)
                    if key in self._new.get(table, set()):
                        if current is not None:
                            raise DuplicateRecord(table, "id")
                    elif current is None or current.version != obj.version:
                        raise ConcurrencyConflict(table.rstrip("s"), key)
                    self._check_unique_keys(table, obj, committed)
            self.reactions.check()
            data.aliases.update(self._new_aliases)
            for table, keys in self._deleted.items():
                for key in keys:
                    data.table(table).pop(key, None)
            for table, rows in copies.items():
                committed = data.table(table)
                for key, copy in rows.items():
                    copy.version += 1
                    committed[key] = copy
            for rows in self._staged.values():
                for obj in rows.values():
                    obj.version += 1
            for name, occurred_at, payload in payloads:
                data.outbox.append(
                    OutboxMessage(id=backend._next_message, name=name, occurred_at=occurred_at, payload=payload)
                )
                backend._next_message += 1
            self._apply_rewrites(data)
            self.reactions.apply()
            delivered = self.outbox._delivered
            if delivered:
                data.outbox[:] = [m for m in data.outbox if m.id not in delivered]
        self._staged.clear()
        self._new.clear()
        self._deleted.clear()
        self._read_versions.clear()
        self._new_aliases.clear()
        self.outbox._new.clear()
        self.outbox._rewritten.clear()

    def rollback(self) -> None:
        """Forget everything staged in this unit; the store keeps what the last commit left."""
        self._new_aliases.clear()
        self._staged.clear()
        self._new.clear()
        self._deleted.clear()
        self._read_versions.clear()
        self._reset_repositories()
