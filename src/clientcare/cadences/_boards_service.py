"""P30: the weekly and monthly boards for a staff member, a store or the tenant."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from clientcare.cadences._boards import (
    MonthlyBoard,
    WeeklyBoard,
    appointment_items,
    board_items,
    monthly_board,
    weekly_board,
)
from clientcare.cadences._service_base import CadenceService
from clientcare.cadences._touches import Touch
from clientcare.customers._model import Customer
from clientcare.errors import ValidationError
from clientcare.playbook import AbcLabel

__all__ = ["BoardsService"]


class BoardsService(CadenceService):
    """P30: the weekly and monthly boards for a staff member, a store or the tenant."""

    def _scope(self, staff: str | None, store: str | None) -> str:
        if staff is not None and store is not None:
            raise ValidationError("scope", "give a staff member or a store, not both")
        return f"staff:{staff}" if staff else f"store:{store}" if store else "tenant"

    def _items(
        self, first: date, last: date, *, staff: str | None, store: str | None, overdue: bool
    ) -> tuple[list[Touch], dict[str, Customer]]:
        with self._ctx.unit() as uow:
            touches = uow.touches.due_between(first, last, owner=staff, store_id=store)
            if overdue:
                touches = uow.touches.overdue(first, owner=staff, store_id=store) + touches
            customers = {c.id: c for c in uow.customers.by_ids({t.customer_id for t in touches})}
        return touches, customers

    def _flags(self, customer_ids: Sequence[str]) -> tuple[Mapping[str, AbcLabel], frozenset[str]]:
        ports = self._ports
        return (
            ports.segments.tier_of(list(customer_ids)),
            frozenset(c for c in customer_ids if ports.complaints.has_open_complaint(c)),
        )

    def weekly(self, day: date | None = None, *, staff: str | None = None, store: str | None = None) -> WeeklyBoard:
        """P30: overdue, today's, tomorrow's and this week's focus (to Sunday)."""
        scope = self._scope(staff, store)
        today = day or self._today()
        sunday = today + timedelta(days=6 - today.weekday())
        last = max(sunday, today + timedelta(days=1))
        touches, customers = self._items(today, last, staff=staff, store=store, overdue=True)
        tiers, complaints = self._flags(sorted(customers))
        items = board_items(touches, customers, today=today, tiers=tiers, complaints=complaints)
        first_dt, last_dt = self._day_bounds(today, last)
        with self._ctx.unit() as uow:
            appointments = [
                a
                for a in uow.appointments.between(first_dt, last_dt, staff_id=staff)
                if a.status.open and (store is None or a.store_id == store)
            ]
            people = {c.id: c for c in uow.customers.by_ids({a.customer_id for a in appointments})}
        return weekly_board(scope, today, items=items, appointments=appointment_items(appointments, people))

    def monthly(self, day: date | None = None, *, staff: str | None = None, store: str | None = None) -> MonthlyBoard:
        """P30: the month's plan by week, and the items that span weeks."""
        scope = self._scope(staff, store)
        today = day or self._today()
        first = today.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        touches, customers = self._items(first, last, staff=staff, store=store, overdue=False)
        tiers, complaints = self._flags(sorted(customers))
        items = board_items(touches, customers, today=today, tiers=tiers, complaints=complaints)
        return monthly_board(scope, first, items)
