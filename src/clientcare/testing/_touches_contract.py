"""The repository contract for touches and the rest of section C (P20–P35).

Every backend that stores touches must pass :class:`TouchesContract`
unchanged; subclass it next to :class:`~clientcare.testing.BackendContract`
and implement ``make_backend``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from clientcare.cadences import (
    Appointment,
    FollowUp,
    Outcome,
    Precision,
    RecurringRule,
    SaleCredit,
    Touch,
    TouchReason,
    TouchStatus,
    Wish,
)
from clientcare.customers import Channel, Customer
from clientcare.errors import DuplicateRecord
from clientcare.ports import Backend
from clientcare.testing._base import ContractBase, state

__all__ = ["TouchesContract"]

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=8)))
D0 = date(2026, 3, 2)


def _touch(
    tenant: str,
    customer_id: str,
    *,
    reason: TouchReason = TouchReason.RETURN_VISIT,
    due: date = D0,
    owner: str | None = "alice",
    store: str | None = "s1",
    automated: bool = False,
    occasion: date = D0,
) -> Touch:
    return Touch.plan(
        tenant=tenant,
        customer_id=customer_id,
        reason=reason,
        occasion=occasion,
        due=due,
        precision=Precision(information="回访", channel=Channel.SMS if automated else Channel.PHONE),
        at=T0,
        owner=owner,
        store_id=store,
        automated=automated,
    )


class TouchesContract(ContractBase):
    """What every backend must do for touches, appointments, sequences, wishes, rules and credits."""

    @pytest.fixture
    def customer_id(self, backend: Backend) -> str:
        """One stored customer of the tenant."""
        customer = Customer.register(tenant=self.tenant, name="王芳", phone="13800138000", at=T0)
        with backend.unit_of_work(self.tenant) as uow:
            uow.customers.add(customer)
            uow.commit()
        return customer.id

    def _add(self, backend: Backend, *touches: Touch, tenant: str | None = None) -> list[Touch]:
        with backend.unit_of_work(tenant or self.tenant) as uow:
            stored = uow.touches.add_new(list(touches))
            uow.commit()
        return stored

    def test_touch_round_trips(self, backend: Backend, customer_id: str) -> None:
        """A stored touch reads back equal in every field."""
        touch = _touch(self.tenant, customer_id)
        self._add(backend, touch)
        with backend.unit_of_work(self.tenant) as uow:
            again = uow.touches.get(touch.id)
            assert state(again) == state(touch)
            assert uow.touches.by_key(touch.key) is not None

    def test_add_new_skips_known_keys(self, backend: Backend, customer_id: str) -> None:
        """Planning the same occasion twice stores it once (the daily run's idempotence)."""
        assert len(self._add(backend, _touch(self.tenant, customer_id))) == 1
        assert self._add(backend, _touch(self.tenant, customer_id)) == []
        with backend.unit_of_work(self.tenant) as uow:
            assert len(uow.touches.for_customer(customer_id)) == 1

    def test_add_with_a_known_key_is_refused(self, backend: Backend, customer_id: str) -> None:
        """``add`` of a touch whose key exists raises DuplicateRecord."""
        self._add(backend, _touch(self.tenant, customer_id))
        with pytest.raises(DuplicateRecord), backend.unit_of_work(self.tenant) as uow:
            uow.touches.add(_touch(self.tenant, customer_id))
            uow.commit()

    def test_keys_are_per_tenant(self, backend: Backend, customer_id: str) -> None:
        """Another tenant's touch with the same key is stored and stays invisible."""
        self._add(backend, _touch(self.tenant, customer_id))
        assert len(self._add(backend, _touch(self.other_tenant, customer_id), tenant=self.other_tenant)) == 1
        with backend.unit_of_work(self.other_tenant) as uow:
            assert len(uow.touches.for_customer(customer_id)) == 1

    def test_board_queries(self, backend: Backend, customer_id: str) -> None:
        """Due ranges, overdue and closed touches filter by owner and store."""
        early = _touch(self.tenant, customer_id, due=D0 - timedelta(days=2), occasion=D0 - timedelta(days=2))
        mine = _touch(self.tenant, customer_id, due=D0, reason=TouchReason.AFTER_SALES)
        bobs = _touch(self.tenant, customer_id, due=D0 + timedelta(days=1), owner="bob", store="s2")
        done = _touch(self.tenant, customer_id, due=D0, reason=TouchReason.THANK_YOU)
        done.complete(Outcome.REACHED, by="alice", at=T0)
        self._add(backend, early, mine, bobs, done)
        with backend.unit_of_work(self.tenant) as uow:
            week = uow.touches.due_between(D0, D0 + timedelta(days=6))
            assert [t.id for t in week] == [mine.id, bobs.id]
            assert [t.id for t in uow.touches.due_between(D0, D0 + timedelta(days=6), owner="bob")] == [bobs.id]
            assert [t.id for t in uow.touches.due_between(D0, D0 + timedelta(days=6), store_id="s1")] == [mine.id]
            assert [t.id for t in uow.touches.overdue(D0)] == [early.id]
            closed = uow.touches.closed_between(T0 - timedelta(hours=1), T0 + timedelta(hours=1), owner="alice")
            assert [t.id for t in closed] == [done.id]
            assert uow.touches.count_due(D0, TouchReason.AFTER_SALES, "alice") == 1

    def test_lease_is_exclusive_until_it_expires(self, backend: Backend, customer_id: str) -> None:
        """Two dispatch workers never lease the same automated touch; an expired lease is free again."""
        auto = _touch(self.tenant, customer_id, automated=True, owner=None, reason=TouchReason.BIRTHDAY)
        self._add(backend, auto)
        with backend.unit_of_work(self.tenant) as uow:
            first = uow.touches.lease_automated(day=D0, now=T0, worker="w1", until=T0 + timedelta(minutes=5), limit=10)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            second = uow.touches.lease_automated(day=D0, now=T0, worker="w2", until=T0 + timedelta(minutes=5), limit=10)
            uow.commit()
        assert [t.id for t in first] == [auto.id] and second == []
        later = T0 + timedelta(minutes=6)
        with backend.unit_of_work(self.tenant) as uow:
            third = uow.touches.lease_automated(day=D0, now=later, worker="w2", until=later, limit=10)
            assert [t.lease_owner for t in third] == ["w2"]

    def test_sent_count_and_held(self, backend: Backend, customer_id: str) -> None:
        """Done automated touches count towards the cap; held touches are listed."""
        sent = _touch(self.tenant, customer_id, automated=True, owner=None, reason=TouchReason.HOLIDAY)
        sent.complete(Outcome.SENT, by="dispatch", at=T0)
        paused = _touch(self.tenant, customer_id, reason=TouchReason.FOLLOW_UP)
        paused.hold(why="open complaint", at=T0)
        self._add(backend, sent, paused)
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.touches.count_sent_since(customer_id, T0 - timedelta(days=7)) == 1
            assert uow.touches.count_sent_since(customer_id, T0 + timedelta(seconds=1)) == 0
            assert [(t.id, t.status) for t in uow.touches.held()] == [(paused.id, TouchStatus.HELD)]

    def test_sequences_and_their_touches(self, backend: Backend, customer_id: str) -> None:
        """Active follow-ups are found by customer; touches by sequence, in order."""
        sequence = FollowUp.start(tenant=self.tenant, customer_id=customer_id, owner="bob", topic="新品", at=T0)
        touch = Touch.plan(
            tenant=self.tenant,
            customer_id=customer_id,
            reason=TouchReason.FOLLOW_UP,
            occasion=D0,
            due=D0,
            precision=Precision(information="跟进", channel=Channel.PHONE),
            at=T0,
            sequence_id=sequence.id,
            sequence_no=1,
            reference=f"{sequence.id}:1",
        )
        with backend.unit_of_work(self.tenant) as uow:
            uow.follow_ups.add(sequence)
            uow.touches.add(touch)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert [s.id for s in uow.follow_ups.active_for(customer_id)] == [sequence.id]
            assert [t.sequence_no for t in uow.touches.for_sequence(sequence.id)] == [1]
            again = uow.follow_ups.get(sequence.id)
            again.stop(why="purchase", at=T0)
            uow.follow_ups.save(again)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.follow_ups.active_for(customer_id) == []

    def test_appointments_wishes_rules_and_credits(self, backend: Backend, customer_id: str) -> None:
        """The other section-C records store and query as the services expect."""
        appointment = Appointment.book(
            tenant=self.tenant, customer_id=customer_id, starts_at=T0 + timedelta(days=1), at=T0, staff_id="alice"
        )
        wish = Wish.register(tenant=self.tenant, customer_id=customer_id, style_no="QY-1", description="风衣", at=T0)
        rule = RecurringRule.create(
            tenant=self.tenant,
            customer_id=customer_id,
            owner="alice",
            unit="weeks",
            every=2,
            starts_on=D0,
            ends_on=D0 + timedelta(days=30),
            information="进度",
        )
        credit = SaleCredit(
            id="purchase-1",
            tenant=self.tenant,
            customer_id=customer_id,
            occurred_at=T0,
            amount=Decimal("100.00"),
            currency="CNY",
            touch_no=3,
        )
        with backend.unit_of_work(self.tenant) as uow:
            uow.appointments.add(appointment)
            uow.wishes.add(wish)
            uow.recurring.add(rule)
            uow.sale_credits.add(credit)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert [a.id for a in uow.appointments.booked_before(T0 + timedelta(days=2))] == [appointment.id]
            assert uow.appointments.booked_before(T0) == []
            assert [a.id for a in uow.appointments.between(T0, T0 + timedelta(days=2), staff_id="alice")] == [
                appointment.id
            ]
            assert [w.id for w in uow.wishes.open_for("QY-1")] == [wish.id]
            assert [r.id for r in uow.recurring.active_on(D0 + timedelta(days=14))] == [rule.id]
            assert uow.recurring.active_on(D0 + timedelta(days=31)) == []
            assert [(c.id, c.touch_no) for c in uow.sale_credits.between(T0, T0 + timedelta(seconds=1))] == [
                ("purchase-1", 3)
            ]
        with pytest.raises(DuplicateRecord), backend.unit_of_work(self.tenant) as uow:
            uow.sale_credits.add(_same_purchase_credit(credit))
            uow.commit()

    def test_touch_events_reach_the_outbox(self, backend: Backend, customer_id: str) -> None:
        """Planning and completing a touch writes its events to the outbox on commit."""
        touch = _touch(self.tenant, customer_id)
        touch.complete(Outcome.NEGATIVE, by="alice", at=T0)
        self._add(backend, touch)
        with backend.unit_of_work(self.tenant) as uow:
            names = [m.name for m in uow.outbox.pending(limit=100)]
        assert {"TouchPlanned", "TouchCompleted", "SilentComplaintSignal"} <= set(names)


def _same_purchase_credit(credit: SaleCredit) -> SaleCredit:
    """A second credit for the same purchase (a fresh object with the same id)."""
    return SaleCredit(
        id=credit.id,
        tenant=credit.tenant,
        customer_id=credit.customer_id,
        occurred_at=credit.occurred_at,
        amount=credit.amount,
        currency=credit.currency,
    )
