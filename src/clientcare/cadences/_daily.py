"""The daily run: every cadence's due touches for one day, for every customer."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

import attrs

from clientcare.cadences._appointments_service import sweep_missed
from clientcare.cadences._explain import DailyExplanation, explanation
from clientcare.cadences._holidays import holidays_between
from clientcare.cadences._planner import Planner
from clientcare.cadences._sequences import CustomerView
from clientcare.cadences._service_base import CadenceService, customer_view, no_figures, stable_owner
from clientcare.cadences._touches import Touch, TouchReason, TouchStatus
from clientcare.customers._model import Customer, Purpose
from clientcare.errors import ConcurrencyConflict, DuplicateRecord, ValidationError
from clientcare.purchases._model import CustomerFigures, PurchaseKind

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = ["DailyRunReport", "DailyService"]

#: Attempts at one daily-run batch when another worker commits the same touches first.
_RETRIES = 3

#: P23: days ahead a rotation visit may move to find room; past it the visit
#: keeps its own day over capacity (a year: beyond it no cycle is kept anyway).
_SEARCH_DAYS = 366
#: The last day a visit may move to (``date.max`` itself cannot be stepped past).
_LAST_DAY = date.max - timedelta(days=1)

#: Rotation visits already given to (staff member or the pool, day), read once per run.
Capacity = dict[tuple[str | None, date], int]
Holidays = Sequence[tuple[date, str, str]]


@attrs.frozen(kw_only=True)
class DailyRunReport:
    """What one daily run did (a second run for the same day plans nothing new)."""

    day: date
    customers: int
    planned: int
    by_reason: tuple[tuple[str, int], ...]
    held: int
    released: int
    appointments_missed: int


@attrs.frozen(kw_only=True)
class _Batch:
    """What planning one batch of customers stored, held and released."""

    stored: list[Touch]
    held: int = 0
    released: int = 0


class DailyService(CadenceService):
    """The daily run: every cadence's due touches for one day, for every customer."""

    def run(self, day: date | None = None, *, shard: int = 0, shards: int = 1, batch: int = 200) -> DailyRunReport:
        """Plan every touch due on ``day`` (today by default).

        Idempotent: each touch has a unique key (customer, reason, occasion),
        and a second run stores nothing new. Resumable: customers are
        planned in batches, each its own transaction, so a crashed run is
        simply run again. Several workers split the customers with
        ``shard``/``shards`` (by a hash of the id); even if they overlap, the
        unique keys keep every touch single. Shard 0 also sweeps missed
        appointments and staff-set recurring touches, and first runs the
        reactions between areas that are due (``care.events.react``).
        """
        if not 0 <= shard < shards:
            raise ValidationError("shard", "must be from 0 to shards - 1")
        ctx = self._ctx
        if shard == 0 and ctx.reactor is not None:
            ctx.reactor()
        today = day or self._today()
        with ctx.unit() as uow:
            ids = [c.id for c in uow.customers.iter_all() if zlib.crc32(c.id.encode()) % shards == shard]
        holidays = self._holidays(today)
        by_reason: dict[str, int] = {}
        held = released = 0
        capacity: Capacity = {}
        stored: list[Touch] = []
        for start in range(0, len(ids), batch):
            done = self._plan_batch_retrying(ids[start : start + batch], today, holidays, capacity)
            stored.extend(done.stored)
            held += done.held
            released += done.released
        missed = 0
        if shard == 0:
            stored.extend(self._recurring(today))
            missed = sweep_missed(ctx, today)
        for touch in stored:
            by_reason[touch.reason.value] = by_reason.get(touch.reason.value, 0) + 1
        if missed:
            by_reason[TouchReason.APPOINTMENT.value] = by_reason.get(TouchReason.APPOINTMENT.value, 0) + missed
        return DailyRunReport(
            day=today,
            customers=len(ids),
            planned=sum(by_reason.values()),
            by_reason=tuple(sorted(by_reason.items())),
            held=held,
            released=released,
            appointments_missed=missed,
        )

    def _holidays(self, today: date) -> Holidays:
        locale, greet = self._ctx.playbook.locale, self._ctx.playbook.cadences.greetings
        return holidays_between(
            locale.country, greet.holidays, today, today + timedelta(days=greet.days_ahead), language=locale.language
        )

    def _plan_batch_retrying(self, ids: Sequence[str], day: date, holidays: Holidays, capacity: Capacity) -> _Batch:
        """Another worker may commit the same keys first: replan the batch, which
        then finds those touches stored and adds only what is still missing."""
        for attempt in range(_RETRIES):
            try:
                return self._plan_batch(ids, day, holidays, dict(capacity) if attempt else capacity)
            except (DuplicateRecord, ConcurrencyConflict):
                if attempt == _RETRIES - 1:
                    raise
                capacity.clear()  # counts are re-read from the store on the next attempt
        raise AssertionError("unreachable")  # pragma: no cover

    def _plan_batch(self, ids: Sequence[str], day: date, holidays: Holidays, capacity: Capacity) -> _Batch:
        ctx = self._ctx
        currency = ctx.playbook.locale.currency
        with ctx.unit() as uow:
            customers = [c for c in uow.customers.by_ids(ids) if not c.erased]
            figures = {c.id: uow.purchases.figures(c.id, currency) for c in customers}
            referrals = {c.id: len(uow.referrals.by_referrer(c.id)) for c in customers}
        views, complaints, ended = self._views(customers, figures, referrals)
        planner = self._planner()
        candidates: list[Touch] = []
        rotation: list[Touch] = []
        for view in views:
            candidates.extend(self._due_for(planner, view, day, holidays, ended=view.customer.id in ended))
            visit = planner.rotation(view, day)
            if visit is not None:
                rotation.append(visit)
        with ctx.unit() as uow:
            stored = uow.touches.add_new(candidates)
            stored.extend(self._assign_rotation(uow, rotation, customers, capacity))
            held, released = self._hold_and_release(uow, customers, complaints, day)
        return _Batch(stored=stored, held=held, released=released)

    def _views(
        self,
        customers: Sequence[Customer],
        figures: Mapping[str, CustomerFigures],
        referrals: Mapping[str, int],
    ) -> tuple[list[CustomerView], set[str], set[str]]:
        """Each customer as the planners see them, in id order; who has an open complaint; whose
        relationship ended. Other areas' ports run between transactions, never inside one."""
        ports = self._ports
        ids = [c.id for c in customers]
        tiers = ports.segments.tier_of(ids)
        expiries = ports.membership.card_expiries(ids)
        intervals = ports.visits.visit_every(ids)
        complaints = {c.id for c in customers if ports.complaints.has_open_complaint(c.id)}
        ended = {c.id for c in customers if ports.relationships.marketing_stopped(c.id)}
        views = [
            customer_view(
                c,
                figures[c.id],
                tiers,
                card_expires=expiries.get(c.id),
                open_complaint=c.id in complaints,
                referrals=referrals[c.id],
                visit_every_days=intervals.get(c.id),
            )
            for c in sorted(customers, key=lambda c: c.id)
        ]
        return views, complaints, ended

    def explain(self, customer_id: str, day: date | None = None) -> DailyExplanation:
        """Why the daily run plans (or does not) each touch for one customer on ``day`` (today by default).

        Runs the daily run's own planner and filters for that customer with their
        verdicts kept, and the after-sale planning of the latest sale; stores nothing.
        A rule fired when it planned a touch (or one with the same key is stored).
        """
        ctx = self._ctx
        today = day or self._today()
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            figures = {customer_id: uow.purchases.figures(customer_id, ctx.playbook.locale.currency)}
            referrals = {customer_id: len(uow.referrals.by_referrer(customer_id))}
            sales = [p for p in uow.purchases.for_customer(customer_id, limit=20) if p.kind is PurchaseKind.SALE]
            stored = uow.touches.for_customer(customer_id)
        if customer.erased:
            return explanation(
                customer_id, today.isoformat(), planned=(), stored=(), notes=(), blanket="customer erased"
            )
        views, _, ended = self._views([customer], figures, referrals)
        planner = self._planner()
        planner.notes = notes = []
        planned = self._due_for(planner, views[0], today, self._holidays(today), ended=customer_id in ended)
        visit = planner.rotation(views[0], today)
        planned += [visit] if visit is not None else []
        extra: list[tuple[TouchReason, str]] = []
        if not sales:
            notes += [(TouchReason.RETURN_VISIT, "no sale yet"), (TouchReason.AFTER_SALES, "no sale yet")]
        else:
            planned += planner.after_purchase(views[0], sales[0])  # what the sale itself planned
            if sales[0].staff_id is None:
                pool = "no staff on the sale: the touch is for the pool, on no staff member's board"
                extra += [(TouchReason.RETURN_VISIT, pool), (TouchReason.AFTER_SALES, pool)]
        return explanation(customer_id, today.isoformat(), planned=planned, stored=stored, notes=notes, extra=extra)

    def _due_for(
        self, planner: Planner, view: CustomerView, day: date, holidays: Holidays, *, ended: bool
    ) -> list[Touch]:
        """One customer's greetings, thank-you call, silence touch and occasions due on ``day``."""
        owner = self._owner_of(view.customer)
        due = planner.greetings(view, day, owner, holidays)
        extras = [planner.thank_you(view, day, owner), planner.silence(view, day, owner)]
        for extra in [*extras, *planner.occasions(view, day, owner)]:
            # P21: no selling to a customer whose complaint is open; P61: nor
            # to one whose relationship was ended.
            quiet = view.open_complaint or ended
            if extra is not None and not (quiet and extra.purpose is Purpose.MARKETING):
                due.append(extra)
            elif extra is not None and planner.notes is not None:
                why = "an open complaint: no marketing" if view.open_complaint else "the relationship ended"
                planner.notes.append((extra.reason, why))
        return due

    def _hold_and_release(
        self, uow: UnitOfWork, customers: Sequence[Customer], complaints: set[str], day: date
    ) -> tuple[int, int]:
        """P21: hold planned marketing touches while a complaint is open; release the rest."""
        now = self._ctx.now()
        held = released = 0
        for customer_id in sorted(complaints):
            for touch in uow.touches.for_customer(customer_id, open_only=True):
                if touch.status is TouchStatus.PLANNED and touch.purpose is Purpose.MARKETING:
                    touch.hold(why="open complaint", at=now)
                    uow.touches.save(touch)
                    held += 1
        mine = {c.id for c in customers}
        for touch in uow.touches.held():
            if touch.customer_id in mine and touch.customer_id not in complaints:
                touch.release(due=day, at=now)
                uow.touches.save(touch)
                released += 1
        return held, released

    def _assign_rotation(
        self, uow: UnitOfWork, visits: list[Touch], customers: Sequence[Customer], capacity: Capacity
    ) -> list[Touch]:
        """P23: spread rotation visits over staff within each one's daily capacity;
        what does not fit moves to the next day with room (key customers first)."""
        stores = {c.id: c.home_store for c in customers}
        stored: list[Touch] = []
        for visit in sorted(visits, key=lambda t: (t.priority, t.customer_id)):
            if uow.touches.by_key(visit.key) is not None:
                continue  # planned by an earlier run: it already holds its place
            staff = list(self._ports.roster.staff_of(stores.get(visit.customer_id)))
            first = stable_owner(visit.customer_id, staff)
            # The customer's own staff member first, then the others; no roster: the pool.
            order = [first, *(s for s in staff if s != first)] if first is not None else [None]
            owner, due = self._free_slot(uow, order, visit.due, capacity)
            capacity[(owner, due)] += 1
            visit.assign(owner=owner, due=due)
            stored.extend(uow.touches.add_new([visit]))
        return stored

    def _free_slot(
        self, uow: UnitOfWork, order: Sequence[str | None], due: date, capacity: Capacity
    ) -> tuple[str | None, date]:
        """The first staff member in ``order`` with room on ``due``, else the next day with room.

        The search is bounded: past ``_SEARCH_DAYS`` (or the calendar's end) the
        visit stays on its own day with the customer's own staff member, over
        capacity, so a full (or empty) roster never stops the daily run.
        """
        limit = self._ctx.playbook.cadences.rotation.daily_capacity
        people = order or [None]
        day = due
        for _ in range(_SEARCH_DAYS):
            for owner in people:
                slot = (owner, day)
                if slot not in capacity:
                    capacity[slot] = uow.touches.count_due(day, TouchReason.ROTATION_VISIT, owner)
                if capacity[slot] < limit:
                    return owner, day
            if day >= _LAST_DAY:
                break
            day = day + timedelta(days=1)
        overbooked = (people[0], due)
        capacity.setdefault(overbooked, uow.touches.count_due(due, TouchReason.ROTATION_VISIT, people[0]))
        return overbooked

    def _recurring(self, day: date) -> list[Touch]:
        ctx = self._ctx
        planner = self._planner()
        with ctx.unit() as uow:
            rules = [r for r in uow.recurring.active_on(day) if r.occurs_on(day)]
            customers = {c.id: c for c in uow.customers.by_ids({r.customer_id for r in rules})}
            touches: list[Touch] = []
            for rule in rules:
                customer = customers.get(rule.customer_id)
                if customer is None or customer.erased:
                    continue
                view = CustomerView(customer=customer, figures=no_figures(customer.id, ctx.playbook.locale.currency))
                touch = planner.touch(
                    view,
                    TouchReason.RECURRING,
                    occasion=day,
                    due=day,
                    information=rule.information,
                    owner=rule.owner,
                    reference=rule.id,
                    channel=rule.channel,
                )
                if touch is not None:
                    touches.append(touch)
            return uow.touches.add_new(touches)
