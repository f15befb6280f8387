"""What the cadence services share: the context they run in, their base, small helpers."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Protocol

from clientcare.cadences._planner import Planner
from clientcare.cadences._ports import CadencePorts
from clientcare.cadences._sequences import CustomerView, FollowUp
from clientcare.customers._model import Customer
from clientcare.kernel._texts import Texts
from clientcare.kernel._values import Money
from clientcare.playbook import AbcLabel, Playbook
from clientcare.purchases._model import CustomerFigures

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = [
    "CadenceContext",
    "CadenceService",
    "customer_view",
    "no_figures",
    "stable_owner",
    "stop_sequence",
]


class CadenceContext(Protocol):
    """What the services need from the facade's shared context."""

    tenant: str
    playbook: Playbook
    #: Runs the reaction jobs that are due (``care.events.react``), when the facade wired one.
    reactor: Callable[[], object] | None

    def now(self) -> datetime: ...

    def unit(self) -> AbstractContextManager[UnitOfWork]: ...


class CadenceService:
    """A use-case service of the cadences: the facade's context and this facade's ports."""

    def __init__(self, ctx: CadenceContext, ports: CadencePorts) -> None:
        self._ctx = ctx
        self._ports = ports

    def _today(self) -> date:
        return self._ctx.now().astimezone(self._ctx.playbook.locale.zone).date()

    def _planner(self) -> Planner:
        ctx = self._ctx
        return Planner(tenant=ctx.tenant, playbook=ctx.playbook, now=ctx.now(), texts=Texts(ctx.playbook))

    def _day_bounds(self, first: date, last: date) -> tuple[datetime, datetime]:
        zone = self._ctx.playbook.locale.zone
        return (
            datetime.combine(first, time.min, zone),
            datetime.combine(last + timedelta(days=1), time.min, zone),
        )

    def _owner_of(self, customer: Customer) -> str | None:
        return stable_owner(customer.id, self._ports.roster.staff_of(customer.home_store))


def stable_owner(customer_id: str, staff: Sequence[str]) -> str | None:
    """The customer's own staff member: the same one every day (a hash of the id)."""
    if not staff:
        return None
    return staff[zlib.crc32(customer_id.encode()) % len(staff)]


def customer_view(
    customer: Customer,
    figures: CustomerFigures,
    tiers: Mapping[str, AbcLabel],
    *,
    card_expires: date | None = None,
    open_complaint: bool = False,
    referrals: int = 0,
    visit_every_days: int | None = None,
) -> CustomerView:
    """The planners' view of a customer; without a known tier, key customers count as A."""
    found = tiers.get(customer.id)
    tier = AbcLabel(found) if found else (AbcLabel.A if customer.key else AbcLabel.C)
    return CustomerView(
        customer=customer,
        figures=figures,
        tier=tier,
        card_expires=card_expires,
        open_complaint=open_complaint,
        referrals=referrals,
        visit_every_days=visit_every_days,
    )


def no_figures(customer_id: str, currency: str) -> CustomerFigures:
    """Figures of a customer whose purchases a planner does not need."""
    return CustomerFigures(
        customer_id=customer_id,
        total_spend=Money.zero(currency),
        purchase_count=0,
        return_count=0,
        first_purchase_at=None,
        last_purchase_at=None,
    )


def stop_sequence(uow: UnitOfWork, sequence: FollowUp, *, why: str, at: datetime) -> None:
    """P21: end a follow-up sequence and cancel its open touches."""
    if sequence.stop(why=why, at=at):
        for touch in uow.touches.for_sequence(sequence.id):
            if touch.status.open:
                touch.cancel(why=f"follow-up stopped: {why}", by="system", at=at)
                uow.touches.save(touch)
        uow.follow_ups.save(sequence)
