"""In-memory repositories for touches, appointments, sequences, wishes, rules and sale credits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from clientcare.adapters.memory._backend import MemoryRepository, _copy
from clientcare.cadences import (
    Appointment,
    AppointmentStatus,
    FollowUp,
    FollowUpStatus,
    Prefilter,
    RecurringRule,
    SaleCredit,
    Touch,
    TouchReason,
    TouchStatus,
    Wish,
)
from clientcare.purchases import CustomerFigures

__all__ = [
    "MemoryAppointmentRepository",
    "MemoryFollowUpRepository",
    "MemoryRecurringRuleRepository",
    "MemorySaleCreditRepository",
    "MemoryTouchRepository",
    "MemoryWishRepository",
]


def _order(t: Touch) -> tuple[date, int, str]:
    return (t.due, t.priority, t.id)


class MemoryTouchRepository(MemoryRepository[Touch]):
    """Touches, in memory; the key is a unique key of the backend."""

    entity = "touch"

    def add_new(self, touches: Sequence[Touch]) -> list[Touch]:
        known = {row.key for row in self._rows()}
        stored: list[Touch] = []
        for touch in touches:
            if touch.key in known:
                continue
            known.add(touch.key)
            self.add(touch)
            stored.append(touch)
        return stored

    def by_key(self, key: str) -> Touch | None:
        found = self._find(lambda t: t.key == key)
        return found[0] if found else None

    def for_customer(self, customer_id: str, *, open_only: bool = False) -> list[Touch]:
        return sorted(
            self._find(lambda t: t.customer_id == customer_id and (not open_only or t.status.open)), key=_order
        )

    def for_sequence(self, sequence_id: str) -> list[Touch]:
        return sorted(self._find(lambda t: t.sequence_id == sequence_id), key=lambda t: (t.sequence_no or 0, t.id))

    def due_between(
        self,
        first: date,
        last: date,
        *,
        owner: str | None = None,
        store_id: str | None = None,
        open_only: bool = True,
    ) -> list[Touch]:
        def match(t: Touch) -> bool:
            return (
                first <= t.due <= last
                and (not open_only or t.status.open)
                and (owner is None or t.owner == owner)
                and (store_id is None or t.store_id == store_id)
            )

        return sorted(self._find(match), key=_order)

    def overdue(self, before: date, *, owner: str | None = None, store_id: str | None = None) -> list[Touch]:
        def match(t: Touch) -> bool:
            return (
                t.due < before
                and t.status.open
                and (owner is None or t.owner == owner)
                and (store_id is None or t.store_id == store_id)
            )

        return sorted(self._find(match), key=_order)

    def closed_between(self, start: datetime, end: datetime, *, owner: str | None = None) -> list[Touch]:
        def match(t: Touch) -> bool:
            return (
                t.closed_at is not None
                and start <= t.closed_at < end
                and (owner is None or owner in (t.owner, t.closed_by))
            )

        return sorted(self._find(match), key=lambda t: (t.closed_at, t.id))

    def held(self) -> list[Touch]:
        return sorted(self._find(lambda t: t.status is TouchStatus.HELD), key=_order)

    # -- the daily run's questions: the plain per-customer reference ------------------
    def daily_customers(self) -> list[tuple[str, bool]]:
        return [(c.id, c.erased) for c in self._uow.customers.iter_all()]

    def daily_candidates(self, customer_ids: Sequence[str], prefilters: Sequence[Prefilter]) -> set[str]:
        """Every customer: the reference the SQL prefilters are compared with."""
        return set(customer_ids)

    def daily_figures(self, customer_ids: Sequence[str], currency: str) -> dict[str, CustomerFigures]:
        return {cid: self._uow.purchases.figures(cid, currency) for cid in customer_ids}

    def referral_counts(self, customer_ids: Sequence[str]) -> dict[str, int]:
        return {cid: len(self._uow.referrals.by_referrer(cid)) for cid in customer_ids}

    def known_keys(self, customer_ids: Sequence[str], reasons: Sequence[TouchReason], *, since: date) -> set[str]:
        wanted, kinds = set(customer_ids), set(reasons)
        return {t.key for t in self._rows() if t.customer_id in wanted and t.reason in kinds and t.due >= since}

    def held_for(self, customer_ids: Sequence[str]) -> list[Touch]:
        wanted = set(customer_ids)
        return sorted(self._find(lambda t: t.status is TouchStatus.HELD and t.customer_id in wanted), key=_order)

    def failed(self) -> list[Touch]:
        return sorted(self._find(lambda t: t.status is TouchStatus.FAILED), key=_order)

    def count_due(self, day: date, reason: TouchReason, owner: str | None) -> int:
        return sum(1 for t in self._rows() if t.due == day and t.reason is reason and t.owner == owner)

    def count_sent_since(self, customer_id: str, since: datetime) -> int:
        return sum(
            1
            for t in self._rows()
            if t.customer_id == customer_id
            and t.automated
            and t.status is TouchStatus.DONE
            and t.closed_at is not None
            and t.closed_at >= since
        )

    def save_all(self, touches: Sequence[Touch]) -> None:
        for touch in touches:
            self.save(touch)

    def sent_counts_since(self, customer_ids: Sequence[str], since: datetime) -> dict[str, int]:
        wanted = set(customer_ids)
        counts: dict[str, int] = {}
        for t in self._rows():
            if (
                t.customer_id in wanted
                and t.automated
                and t.status is TouchStatus.DONE
                and t.closed_at is not None
                and t.closed_at >= since
            ):
                counts[t.customer_id] = counts.get(t.customer_id, 0) + 1
        return counts

    def lease_automated(self, *, day: date, now: datetime, worker: str, until: datetime, limit: int) -> list[Touch]:
        taken: list[Touch] = []
        rows = sorted(
            (
                t
                for t in self._rows()
                if t.automated
                and t.status is TouchStatus.PLANNED
                and t.due <= day
                and (t.lease_until is None or t.lease_until <= now)
            ),
            key=_order,
        )
        for row in rows[:limit]:
            touch = self._track(_copy(row))
            touch.lease_owner, touch.lease_until = worker, until
            self.save(touch)
            taken.append(touch)
        return taken


class MemoryAppointmentRepository(MemoryRepository[Appointment]):
    """Appointments, in memory."""

    entity = "appointment"

    def booked_before(self, moment: datetime) -> list[Appointment]:
        return sorted(
            self._find(lambda a: a.status is AppointmentStatus.BOOKED and a.starts_at < moment),
            key=lambda a: (a.starts_at, a.id),
        )

    def between(self, start: datetime, end: datetime, *, staff_id: str | None = None) -> list[Appointment]:
        return sorted(
            self._find(lambda a: start <= a.starts_at < end and (staff_id is None or a.staff_id == staff_id)),
            key=lambda a: (a.starts_at, a.id),
        )


class MemoryFollowUpRepository(MemoryRepository[FollowUp]):
    """Follow-up sequences, in memory."""

    entity = "follow_up"

    def active_for(self, customer_id: str) -> list[FollowUp]:
        return sorted(
            self._find(lambda f: f.customer_id == customer_id and f.status is FollowUpStatus.ACTIVE),
            key=lambda f: (f.started_at, f.id),
        )


class MemoryWishRepository(MemoryRepository[Wish]):
    """Wanted items, in memory."""

    entity = "wish"

    def open_for(self, style_no: str) -> list[Wish]:
        return sorted(self._find(lambda w: w.style_no == style_no and w.open), key=lambda w: (w.registered_at, w.id))


class MemoryRecurringRuleRepository(MemoryRepository[RecurringRule]):
    """Staff-set recurring touches, in memory."""

    entity = "recurring_rule"

    def active_on(self, day: date) -> list[RecurringRule]:
        return sorted(
            self._find(lambda r: r.starts_on <= day and (r.ends_on is None or day <= r.ends_on)), key=lambda r: r.id
        )


class MemorySaleCreditRepository(MemoryRepository[SaleCredit]):
    """Sale credits, in memory (id = purchase id)."""

    entity = "sale_credit"

    def between(self, start: datetime, end: datetime) -> list[SaleCredit]:
        return sorted(self._find(lambda c: start <= c.occurred_at < end), key=lambda c: (c.occurred_at, c.id))
