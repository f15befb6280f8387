"""The unit-of-work contract: events, rollback and tracking, across areas.

Every backend must pass :class:`UnitOfWorkContract` unchanged: subclass it in
a pytest module and implement ``make_backend``. It stores aggregates of
several areas in one unit (customers, purchases, complaints, touches, points),
so a backend needs every repository of :class:`clientcare.ports.UnitOfWork`.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

import attrs
import pytest

from clientcare.cadences import Precision, Touch, TouchReason
from clientcare.complaints import Complaint
from clientcare.customers import Channel, Customer
from clientcare.errors import NotFound
from clientcare.events import DomainEvent
from clientcare.kernel import Aggregate, BusinessCalendar, Money
from clientcare.loyalty import EntryKind, PointsAccount
from clientcare.playbook import Playbook
from clientcare.ports import Backend, OutboxMessage, UnitOfWork
from clientcare.purchases import Purchase, PurchaseLine
from clientcare.testing._base import ContractBase

__all__ = ["ContractProbe", "UnitOfWorkContract"]

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=8)))


@attrs.frozen(kw_only=True)
class ContractProbe(DomainEvent):
    """An event the contract records on aggregates to follow them to the outbox (``step`` numbers them)."""

    step: int


def _probe(aggregate: Aggregate, step: int) -> None:
    aggregate.record(ContractProbe(tenant=aggregate.tenant, occurred_at=T0, step=step))


@attrs.frozen
class _Batch:
    """One new aggregate of each of five areas, all of one customer."""

    customer: Customer
    sale: Purchase
    complaint: Complaint
    touch: Touch
    points: PointsAccount

    @property
    def aggregates(self) -> tuple[Aggregate, ...]:
        """All five, in the order they are stored."""
        return (self.customer, self.sale, self.complaint, self.touch, self.points)


def _steps(events: Sequence[DomainEvent]) -> list[int]:
    return [event.step for event in events if isinstance(event, ContractProbe)]


class UnitOfWorkContract(ContractBase):
    """What every backend's unit of work must do. Subclasses implement :meth:`make_backend`."""

    tenant = "uow-a"

    def _one_of_each(self) -> _Batch:
        """A customer, a sale, a complaint, a touch and a points account of one customer, new."""
        customer = Customer.register(tenant=self.tenant, name="王芳", phone="13800138000", at=T0)
        line = PurchaseLine(style_no="ST-1", unit_price=Money.of("100"), quantity=1)
        sale = Purchase.sale(tenant=self.tenant, customer_id=customer.id, lines=[line], at=T0, currency="CNY")
        playbook = Playbook.default()
        complaint = Complaint.file(
            tenant=self.tenant,
            customer_id=customer.id,
            key_customer=False,
            channel="phone",
            category="delivery",
            severity="normal",
            description="late",
            at=T0,
            by="li",
            rules=playbook.complaints,
            calendar=BusinessCalendar.from_playbook(playbook),
        )
        touch = Touch.plan(
            tenant=self.tenant,
            customer_id=customer.id,
            reason=TouchReason.RETURN_VISIT,
            occasion=date(2026, 3, 2),
            due=date(2026, 3, 9),
            precision=Precision(information="回访", channel=Channel.PHONE),
            at=T0,
            owner="alice",
        )
        points = PointsAccount.open(tenant=self.tenant, customer_id=customer.id)
        points.credit(EntryKind.OPENING, 100, at=T0, reference="opening", expires_at=None)
        return _Batch(customer, sale, complaint, touch, points)

    def _add_all(self, uow: UnitOfWork, batch: _Batch) -> None:
        uow.customers.add(batch.customer)
        uow.purchases.add(batch.sale)
        uow.complaints.add(batch.complaint)
        uow.touches.add(batch.touch)
        uow.points.add(batch.points)

    def _nothing_stored(self, backend: Backend, batch: _Batch) -> None:
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.customers.count() == 0
            assert uow.purchases.for_customer(batch.customer.id) == []
            with pytest.raises(NotFound):
                uow.complaints.get(batch.complaint.id)
            assert uow.touches.by_key(batch.touch.key) is None
            assert uow.points.find(batch.customer.id) is None
            assert uow.outbox.pending() == []

    # -- events ----------------------------------------------------------------------------
    def test_events_of_every_area_reach_the_outbox_in_the_order_recorded(self, backend: Backend) -> None:
        """Events recorded on aggregates of five areas leave in one commit, in recording order across them."""
        batch = self._one_of_each()
        for aggregate in batch.aggregates:
            aggregate.pull_events()
        order = [
            batch.customer,
            batch.complaint,
            batch.sale,
            batch.customer,
            batch.touch,
            batch.points,
            batch.complaint,
        ]
        for step, aggregate in enumerate(order, 1):
            _probe(aggregate, step)
        with backend.unit_of_work(self.tenant) as uow:
            self._add_all(uow, batch)
            uow.commit()
        assert _steps(uow.committed_events) == [1, 2, 3, 4, 5, 6, 7]
        with backend.unit_of_work(self.tenant) as uow:
            pending = uow.outbox.pending()
        assert _steps_of(pending) == [1, 2, 3, 4, 5, 6, 7]
        assert {m.name for m in pending} == {"ContractProbe"}

    def test_events_of_aggregates_read_back_and_saved_reach_the_outbox(self, backend: Backend) -> None:
        """Aggregates handed out by get and by lookups are tracked: their new events leave with the commit."""
        batch = self._one_of_each()
        with backend.unit_of_work(self.tenant) as uow:
            self._add_all(uow, batch)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            first = uow.outbox.pending()[-1].id
            touch = uow.touches.for_customer(batch.customer.id)[0]
            complaint = uow.complaints.get(batch.complaint.id)
            customer = uow.customers.get(batch.customer.id)
            points = uow.points.find(batch.customer.id)
            assert points is not None
            for step, aggregate in enumerate([complaint, touch, points, customer], 1):
                _probe(aggregate, step)
            uow.complaints.save(complaint)
            uow.touches.save(touch)
            uow.points.save(points)
            uow.customers.save(customer)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            later = [m for m in uow.outbox.pending(limit=1000) if m.id > first]
        assert _steps_of(later) == [1, 2, 3, 4]

    def test_an_aggregate_stored_twice_in_a_unit_sends_its_events_once(self, backend: Backend) -> None:
        """Added then saved in one unit, an aggregate is tracked once and its events are written once."""
        customer = self._one_of_each().customer
        customer.pull_events()
        _probe(customer, 1)
        with backend.unit_of_work(self.tenant) as uow:
            uow.customers.add(customer)
            customer.mark_key(True, by="s1", at=T0)
            uow.customers.save(customer)
            assert uow.tracked == (customer,)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert _steps_of(uow.outbox.pending()) == [1]

    # -- rollback --------------------------------------------------------------------------
    def test_leaving_without_commit_leaves_no_rows_and_no_messages(self, backend: Backend) -> None:
        """A unit of several areas left without commit stores nothing and sends nothing."""
        batch = self._one_of_each()
        _probe(batch.touch, 1)
        with backend.unit_of_work(self.tenant) as uow:
            self._add_all(uow, batch)
            assert len(uow.tracked) == len(batch.aggregates)
        assert uow.committed_events == []
        self._nothing_stored(backend, batch)

    def test_an_exception_leaves_no_rows_and_no_messages(self, backend: Backend) -> None:
        """An error half-way through a unit of several areas undoes all of it, stored versions included."""
        batch = self._one_of_each()
        with pytest.raises(RuntimeError), backend.unit_of_work(self.tenant) as uow:
            self._add_all(uow, batch)
            raise RuntimeError("half-way")
        self._nothing_stored(backend, batch)
        with backend.unit_of_work(self.tenant) as uow:
            uow.customers.add(batch.customer)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            sent = len(uow.outbox.pending())
        with pytest.raises(RuntimeError), backend.unit_of_work(self.tenant) as uow:
            stored = uow.customers.get(batch.customer.id)
            stored.mark_key(True, by="s1", at=T0)
            _probe(stored, 1)
            uow.customers.save(stored)
            uow.complaints.add(batch.complaint)
            raise RuntimeError("half-way")
        with backend.unit_of_work(self.tenant) as uow:
            again = uow.customers.get(batch.customer.id)
            assert (again.key, again.version) == (False, 1)
            assert len(uow.outbox.pending()) == sent
            with pytest.raises(NotFound):
                uow.complaints.get(batch.complaint.id)

    # -- tracking --------------------------------------------------------------------------
    def test_a_committed_unit_clears_its_tracking(self, backend: Backend) -> None:
        """After commit nothing is tracked, and the next unit does not send the same events again."""
        batch = self._one_of_each()
        _probe(batch.customer, 1)
        with backend.unit_of_work(self.tenant) as uow:
            self._add_all(uow, batch)
            assert set(map(id, uow.tracked)) == set(map(id, batch.aggregates))
            uow.commit()
            assert uow.tracked == ()
        assert uow.tracked == ()
        with backend.unit_of_work(self.tenant) as uow:
            sent = len(uow.outbox.pending(limit=1000))
            uow.customers.save(uow.customers.get(batch.customer.id))
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert len(uow.outbox.pending(limit=1000)) == sent
            assert _steps_of(uow.outbox.pending(limit=1000)) == [1]

    def test_a_unit_left_without_commit_forgets_what_it_tracked(self, backend: Backend) -> None:
        """Leaving the block ends the tracking too; the unit opened again starts with nothing tracked."""
        customer = self._one_of_each().customer
        uow = backend.unit_of_work(self.tenant)
        with uow:
            uow.customers.add(customer)
            assert list(uow.tracked) == [customer]
        assert list(uow.tracked) == []
        with uow:
            assert list(uow.tracked) == []

    def test_repositories_keep_no_seen_list(self, backend: Backend) -> None:
        """Tracking is the unit of work's alone: no repository, nor its port, has a ``seen`` collection."""
        names = list(vars(UnitOfWork).get("__annotations__", {}))
        assert names, "the port declares its repositories"
        ports = typing.get_type_hints(UnitOfWork)
        assert [name for name in names if _declares(ports[name], "seen")] == []
        with backend.unit_of_work(self.tenant) as uow:
            exposing = [name for name in names if hasattr(getattr(uow, name), "seen")]
        assert exposing == []


def _declares(port: type, attribute: str) -> bool:
    """Whether a class or any of its bases defines or annotates ``attribute``."""
    return any(attribute in {*vars(klass), *vars(klass).get("__annotations__", {})} for klass in port.__mro__)


def _steps_of(messages: Sequence[OutboxMessage]) -> list[int]:
    return [int(str(m.payload["step"])) for m in messages if m.name == "ContractProbe"]
