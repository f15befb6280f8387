"""The daily run: every cadence's due touches for one day, for every customer."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

import attrs

from clientcare.cadences._appointments_service import sweep_missed
from clientcare.cadences._candidates import EVERYONE, daily_prefilters, expiring, slot_candidates, slots_due
from clientcare.cadences._explain import DAILY_RULES, DailyExplanation, explanation
from clientcare.cadences._holidays import holidays_between
from clientcare.cadences._planner import Planner
from clientcare.cadences._ports import OpenComplaints
from clientcare.cadences._sequences import CustomerView
from clientcare.cadences._service_base import CadenceService, customer_view, no_figures, stable_owner
from clientcare.cadences._touches import Touch, TouchReason, TouchStatus
from clientcare.customers._model import Customer, Purpose
from clientcare.errors import ConcurrencyConflict, DuplicateRecord, ValidationError
from clientcare.playbook import AbcLabel
from clientcare.purchases._model import CustomerFigures, PurchaseKind

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = ["DailyRunReport", "DailyService"]

#: Attempts at one daily-run batch when another worker commits the same touches first.
_RETRIES = 3
#: How far back stored touches are read to skip planning them again (older keys are
#: still safe: the unique key stops them at the insert).
_KEYS_BACK = timedelta(days=400)

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


@attrs.frozen(kw_only=True)
class _Outside:
    """What other areas said about this run's customers, through the ports, once per run."""

    candidates: set[str]
    tiers: Mapping[str, AbcLabel]
    expiries: Mapping[str, date]
    complaints: set[str]
    ended: set[str]
    #: P60: visit intervals of open improvement plans, shorter than the tier's cycle.
    intervals: Mapping[str, int]


def _among(port: object, bulk: str, single: Callable[[str], bool], ids: Sequence[str]) -> set[str]:
    """A port's bulk answer; a port written before the bulk variant is asked customer by customer."""
    many = getattr(port, bulk, None)
    if many is None:
        return {cid for cid in ids if single(cid)}
    return set(many(ids)) if ids else set()


def _open_complaints(port: OpenComplaints, ids: Sequence[str]) -> set[str]:
    """Who of ``ids`` has an open complaint: one bulk answer, or customer by customer from a
    port written before the bulk variant."""
    every = getattr(port, "with_open_complaint", None)
    if every is None:
        return {cid for cid in ids if port.has_open_complaint(cid)}
    return set(every()).intersection(ids)


class DailyService(CadenceService):
    """The daily run: every cadence's due touches for one day, for every customer."""

    def run(self, day: date | None = None, *, shard: int = 0, shards: int = 1, batch: int = 1000) -> DailyRunReport:
        """Plan every touch due on ``day`` (today by default).

        Idempotent: each touch has a unique key (customer, reason, occasion),
        and a second run stores nothing new. Resumable: customers are
        planned in batches, each its own transaction, so a crashed run is
        simply run again. Several workers split the customers with
        ``shard``/``shards`` (by a hash of the id); even if they overlap, the
        unique keys keep every touch single. Shard 0 also sweeps missed
        appointments and staff-set recurring touches, and first runs the
        reactions between areas that are due (``care.events.react``).

        Set-based: each rule's prefilter (:func:`daily_prefilters`) asks the
        storage once per batch which customers it may be due for; only those
        get a view, built in bulk, and the planner decides as it always does.
        """
        if not 0 <= shard < shards:
            raise ValidationError("shard", "must be from 0 to shards - 1")
        ctx = self._ctx
        if shard == 0 and ctx.reactor is not None:
            ctx.reactor()
        today = day or self._today()
        with ctx.unit() as uow:
            everyone = [
                (cid, erased)
                for cid, erased in uow.touches.daily_customers()
                if zlib.crc32(cid.encode()) % shards == shard
            ]
        ids = [cid for cid, erased in everyone if not erased]
        holidays = self._holidays(today)
        outside = self._outside(ids, *self._candidates(ids, today, holidays, batch), today)
        by_reason: dict[str, int] = {}
        held = released = 0
        capacity: Capacity = {}
        stored: list[Touch] = []
        for start in range(0, len(ids), batch):
            done = self._plan_batch_retrying(ids[start : start + batch], today, holidays, outside, capacity)
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
            customers=len(everyone),
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

    def _candidates(
        self, ids: Sequence[str], day: date, holidays: Holidays, batch: int
    ) -> tuple[set[str], set[str], set[str]]:
        """Customers some daily rule may be due for on ``day``: those the storage prefilters
        admit (one statement per rule and batch); those whose rotation or thank-you slot
        may fall on ``day`` (by the hash of the id, for any tier), and which of these
        are key-flagged (their tier is asked once, with everyone else's, in ``_outside``)."""
        playbook = self._ctx.playbook
        declared = daily_prefilters(playbook, day, holidays)
        # A daily rule that declares no prefilter may be due for anyone (rules added later).
        prefilters = [declared.get(rule, EVERYONE) for rule in DAILY_RULES]
        asked = [p for p in prefilters if p is not None]
        slots = slot_candidates(ids, playbook, day)
        found: set[str] = set()
        with self._ctx.unit() as uow:
            for start in range(0, len(ids), batch):
                found |= uow.touches.daily_candidates(ids[start : start + batch], asked)
            flagged = uow.customers.key_flagged(sorted(slots)) if slots else set()
        return found, slots, flagged

    def _outside(
        self, ids: Sequence[str], candidates: set[str], slots: set[str], flagged: set[str], day: date
    ) -> _Outside:
        """What other areas know, asked once per run in bulk through the ports (never
        inside a unit of work); card reminders add their members to the candidates, and
        the tiers keep only the rotation and thank-you slots that fall on ``day``."""
        ports, playbook = self._ports, self._ctx.playbook
        expiries = dict(ports.membership.card_expiries(ids))
        members = expiring(expiries, playbook, day)
        # A plan's visit interval moves the rotation slot off the tier's cycle: the
        # planner judges those customers itself, so they are always candidates.
        intervals = dict(ports.visits.visit_every(ids)) if ids else {}
        asked = sorted(candidates | members | slots | set(intervals))
        tiers = dict(ports.segments.tier_of(asked)) if asked else {}
        chosen = sorted(candidates | members | set(intervals) | slots_due(slots, tiers, flagged, playbook, day))
        return _Outside(
            candidates=set(chosen),
            tiers=tiers,
            expiries=expiries,
            complaints=_open_complaints(ports.complaints, ids),
            ended=_among(ports.relationships, "stopped_among", ports.relationships.marketing_stopped, chosen),
            intervals=intervals,
        )

    def _plan_batch_retrying(
        self, ids: Sequence[str], day: date, holidays: Holidays, outside: _Outside, capacity: Capacity
    ) -> _Batch:
        """Another worker may commit the same keys first: replan the batch, which
        then finds those touches stored and adds only what is still missing."""
        for attempt in range(_RETRIES):
            try:
                return self._plan_batch(ids, day, holidays, outside, dict(capacity) if attempt else capacity)
            except (DuplicateRecord, ConcurrencyConflict):
                if attempt == _RETRIES - 1:
                    raise
                capacity.clear()  # counts are re-read from the store on the next attempt
        raise AssertionError("unreachable")  # pragma: no cover

    def _plan_batch(
        self, ids: Sequence[str], day: date, holidays: Holidays, outside: _Outside, capacity: Capacity
    ) -> _Batch:
        """One batch: a few set-based reads, the planner per candidate, one bulk write."""
        ctx = self._ctx
        chosen = [cid for cid in ids if cid in outside.candidates]
        with ctx.unit() as uow:
            customers = [c for c in uow.customers.by_ids(chosen) if not c.erased] if chosen else []
            wanted = [c.id for c in customers]
            figures = uow.touches.daily_figures(wanted, ctx.playbook.locale.currency) if wanted else {}
            referrals = uow.touches.referral_counts(wanted) if wanted else {}
            known = uow.touches.known_keys(wanted, DAILY_RULES, since=day - _KEYS_BACK) if wanted else set()
        views = self._views(customers, figures, referrals, outside)
        planner = self._planner()
        planned: list[Touch] = []
        rotation: list[Touch] = []
        for view in views:
            planned.extend(self._due_for(planner, view, day, holidays, ended=view.customer.id in outside.ended))
            visit = planner.rotation(view, day)
            if visit is not None:
                rotation.append(visit)
        with ctx.unit() as uow:
            visits = self._assign_rotation(uow, [v for v in rotation if v.key not in known], customers, capacity)
            # One bulk insert for the batch; keys another worker stored meanwhile are skipped.
            stored = uow.touches.add_new([t for t in planned if t.key not in known] + visits)
            held, released = self._hold_and_release(uow, ids, outside.complaints, day)
        return _Batch(stored=stored, held=held, released=released)

    def _views(
        self,
        customers: Sequence[Customer],
        figures: Mapping[str, CustomerFigures],
        referrals: Mapping[str, int],
        outside: _Outside,
    ) -> list[CustomerView]:
        """Each customer as the planners see them, in id order."""
        return [
            customer_view(
                c,
                figures[c.id],
                outside.tiers,
                card_expires=outside.expiries.get(c.id),
                open_complaint=c.id in outside.complaints,
                referrals=referrals.get(c.id, 0),
                visit_every_days=outside.intervals.get(c.id),
            )
            for c in sorted(customers, key=lambda c: c.id)
        ]

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
            figures = uow.touches.daily_figures([customer_id], ctx.playbook.locale.currency)
            referrals = uow.touches.referral_counts([customer_id])
            sales = [p for p in uow.purchases.for_customer(customer_id, limit=20) if p.kind is PurchaseKind.SALE]
            stored = uow.touches.for_customer(customer_id)
        if customer.erased:
            return explanation(
                customer_id, today.isoformat(), planned=(), stored=(), notes=(), blanket="customer erased"
            )
        outside = self._outside([customer_id], {customer_id}, set(), set(), today)
        view = self._views([customer], figures, referrals, outside)[0]
        planner = self._planner()
        planner.notes = notes = []
        planned = self._due_for(planner, view, today, self._holidays(today), ended=customer_id in outside.ended)
        visit = planner.rotation(view, today)
        planned += [visit] if visit is not None else []
        extra: list[tuple[TouchReason, str]] = []
        if not sales:
            notes += [(TouchReason.RETURN_VISIT, "no sale yet"), (TouchReason.AFTER_SALES, "no sale yet")]
        else:
            planned += planner.after_purchase(view, sales[0])  # what the sale itself planned
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
        self, uow: UnitOfWork, ids: Sequence[str], complaints: set[str], day: date
    ) -> tuple[int, int]:
        """P21: hold planned marketing touches while a complaint is open; release the rest."""
        now = self._ctx.now()
        held = released = 0
        for customer_id in sorted(complaints.intersection(ids)):
            for touch in uow.touches.for_customer(customer_id, open_only=True):
                if touch.status is TouchStatus.PLANNED and touch.purpose is Purpose.MARKETING:
                    touch.hold(why="open complaint", at=now)
                    uow.touches.save(touch)
                    held += 1
        for touch in uow.touches.held_for([cid for cid in ids if cid not in complaints]):
            touch.release(due=day, at=now)
            uow.touches.save(touch)
            released += 1
        return held, released

    def _assign_rotation(
        self, uow: UnitOfWork, visits: list[Touch], customers: Sequence[Customer], capacity: Capacity
    ) -> list[Touch]:
        """P23: spread rotation visits over staff within each one's daily capacity;
        what does not fit moves to the next day with room (key customers first).
        Visits planned by an earlier run were left out: they already hold their place.
        Returns the visits, assigned, for the batch's one insert."""
        stores = {c.id: c.home_store for c in customers}
        for visit in sorted(visits, key=lambda t: (t.priority, t.customer_id)):
            staff = list(self._ports.roster.staff_of(stores.get(visit.customer_id)))
            first = stable_owner(visit.customer_id, staff)
            # The customer's own staff member first, then the others; no roster: the pool.
            order = [first, *(s for s in staff if s != first)] if first is not None else [None]
            owner, due = self._free_slot(uow, order, visit.due, capacity)
            capacity[(owner, due)] += 1
            visit.assign(owner=owner, due=due)
        return sorted(visits, key=lambda t: (t.priority, t.customer_id))

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
