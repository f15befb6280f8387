"""The repository contract for complaints and standard answers (P40-P52).

Runs unchanged on every adapter that stores complaints: subclass
:class:`ComplaintRepositoryContract` in a pytest module and implement
``make_backend``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from clientcare.complaints import Category, Complaint, StandardAnswer, Target, TimelineStep
from clientcare.errors import ConcurrencyConflict, NotFound
from clientcare.kernel import BusinessCalendar
from clientcare.playbook import Playbook
from clientcare.ports import Backend
from clientcare.testing._base import ContractBase, state

__all__ = ["ComplaintRepositoryContract"]

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")


def _complaint(tenant: str, customer_id: str | None = "c1", *, at: datetime = T0, **extra: object) -> Complaint:
    playbook = Playbook.default()
    args: dict[str, object] = {"channel": "phone", "category": "delivery", "severity": "normal"}
    args.update(extra)
    complaint = Complaint.file(
        tenant=tenant,
        customer_id=customer_id,
        key_customer=False,
        description="late",
        at=at,
        by="li",
        rules=playbook.complaints,
        calendar=BusinessCalendar.from_playbook(playbook),
        **args,  # type: ignore[arg-type]
    )
    complaint.pull_events()
    return complaint


def _close(complaint: Complaint, at: datetime) -> None:
    """Walk a complaint through the six steps to closed (trivial answer, no remedy)."""
    playbook = Playbook.default()
    rules, calendar = playbook.complaints, BusinessCalendar.from_playbook(playbook)
    complaint.listen(heard="late", by="li", at=at)
    complaint.apologise(by="li", at=at)
    complaint.diagnose(root_cause="courier", cause="delivery", by="li", at=at)
    complaint.decide(answer="trivial", story="sorry", by="li", at=at)
    complaint.resolve(by="li", at=at, rules=rules, calendar=calendar)
    complaint.after_care(by="li", at=at, rules=rules, calendar=calendar, satisfied=True)
    complaint.close(lesson="check couriers", by="li", at=at)
    complaint.pull_events()


class ComplaintRepositoryContract(ContractBase):
    """What every backend's complaint and standard-answer repositories must do."""

    def _add(self, backend: Backend, *complaints: Complaint, tenant: str | None = None) -> None:
        with backend.unit_of_work(tenant or self.tenant) as uow:
            for complaint in complaints:
                uow.complaints.add(complaint)
            uow.commit()

    def test_a_complaint_reads_back_equal_and_stays_in_its_tenant(self, backend: Backend) -> None:
        """Stored and read back, every field is the same; another tenant sees nothing."""
        complaint = _complaint(self.tenant, items=["A1"])
        complaint.open_corrective_action(description="x", owner="o", due=date(2026, 2, 1), item="A1", by="li", at=T0)
        complaint.pull_events()
        self._add(backend, complaint)
        with backend.unit_of_work(self.tenant) as uow:
            back = uow.complaints.get(complaint.id)
        assert state(back) == state(complaint)
        with backend.unit_of_work(self.other_tenant) as other:
            with pytest.raises(NotFound):
                other.complaints.get(complaint.id)
            assert other.complaints.open_complaints() == []
            assert other.complaints.for_customer("c1") == []
            assert not other.complaints.has_open("c1")
            assert other.complaints.with_corrective_actions() == []
            assert other.complaints.count_in_category(Category.DELIVERY, T0 - timedelta(days=1)) == 0

    def test_targets_and_steps_read_back_as_values(self, backend: Backend) -> None:
        """Breached targets, a promise's target and the timeline steps come back typed and equal."""
        playbook = Playbook.default()
        rules, calendar = playbook.complaints, BusinessCalendar.from_playbook(playbook)
        complaint = _complaint(self.tenant, severity="major")
        promise = complaint.promise(what="call back", due=T0 + timedelta(hours=1), by="li", at=T0)
        complaint.check_deadlines(at=T0 + timedelta(days=3), rules=rules, calendar=calendar)
        complaint.pull_events()
        self._add(backend, complaint)
        with backend.unit_of_work(self.tenant) as uow:
            back = uow.complaints.get(complaint.id)
        assert set(back.breaches) == {Target.FIRST_RESPONSE, Target.RESOLUTION, Target.for_promise(promise.id)}
        promised = [e for e in back.timeline if e.step is TimelineStep.PROMISED]
        assert [e.target for e in promised] == [Target.for_promise(promise.id)]
        assert state(back) == state(complaint)

    def test_queries_find_open_complaints_signals_and_periods(self, backend: Backend) -> None:
        """Open ones, per customer, by signal, by period and by category are found."""
        early = _complaint(self.tenant, at=T0 - timedelta(days=10))
        signal = _complaint(self.tenant, "c2", channel="survey", signal=("survey", "a-1"))
        self._add(backend, early, signal)
        with backend.unit_of_work(self.tenant) as uow:
            assert [c.id for c in uow.complaints.open_complaints()] == [early.id, signal.id]
            assert uow.complaints.has_open("c2") and not uow.complaints.has_open("c3")
            assert [c.id for c in uow.complaints.for_customer("c1")] == [early.id]
            found = uow.complaints.by_signal("survey", "a-1")
            assert found is not None and found.id == signal.id
            assert uow.complaints.by_signal("survey", "a-2") is None
            assert uow.complaints.by_signal("contact_outcome", "a-1") is None
            assert [c.id for c in uow.complaints.received_between(T0, T0 + timedelta(days=1))] == [signal.id]
            assert uow.complaints.count_in_category(Category.DELIVERY, T0 - timedelta(days=1)) == 1

    def test_closed_complaints_leave_the_open_lists(self, backend: Backend) -> None:
        """A closed complaint is not open, nor counted by has_open, but stays in the customer's history."""
        closed, still_open = _complaint(self.tenant, at=T0), _complaint(self.tenant, at=T0 + timedelta(hours=1))
        _close(closed, T0 + timedelta(hours=2))
        walk_in = _complaint(self.tenant, None, at=T0 + timedelta(hours=3))
        self._add(backend, closed, still_open, walk_in)
        with backend.unit_of_work(self.tenant) as uow:
            assert [c.id for c in uow.complaints.open_complaints()] == [still_open.id, walk_in.id]
            assert [c.id for c in uow.complaints.for_customer("c1")] == [still_open.id, closed.id]
            assert [c.id for c in uow.complaints.for_customer("c1", open_only=True)] == [still_open.id]
            assert uow.complaints.has_open("c1")
            latest = uow.complaints.get(still_open.id)
            _close(latest, T0 + timedelta(hours=4))
            uow.complaints.save(latest)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert not uow.complaints.has_open("c1")
            assert uow.complaints.for_customer("c1", open_only=True) == []
            assert [c.id for c in uow.complaints.open_complaints()] == [walk_in.id]

    def test_periods_include_their_start_and_exclude_their_end_across_offsets(self, backend: Backend) -> None:
        """received_between is [start, end) and count_in_category counts from ``since`` on, whatever the offset."""
        first, second, third = (_complaint(self.tenant, at=T0 + timedelta(hours=h)) for h in (0, 1, 2))
        price = _complaint(self.tenant, at=T0 + timedelta(hours=1, minutes=1), category="price")
        self._add(backend, first, second, third, price)
        start_in_utc = T0.astimezone(UTC)
        with backend.unit_of_work(self.tenant) as uow:
            between = uow.complaints.received_between(start_in_utc, third.received_at)
            assert [c.id for c in between] == [first.id, second.id, price.id]
            assert uow.complaints.count_in_category(Category.DELIVERY, second.received_at) == 2
            assert uow.complaints.count_in_category(Category.PRICE, second.received_at) == 1
            assert uow.complaints.count_in_category(Category.PRICE, third.received_at) == 0

    def test_corrective_actions_are_found(self, backend: Backend) -> None:
        """Complaints carrying corrective actions are listed for recurrence checks."""
        complaint = _complaint(self.tenant)
        complaint.open_corrective_action(description="x", owner="o", due=date(2026, 2, 1), item=None, by="li", at=T0)
        self._add(backend, complaint, _complaint(self.tenant))
        with backend.unit_of_work(self.tenant) as uow:
            assert [c.id for c in uow.complaints.with_corrective_actions()] == [complaint.id]

    def test_newest_first_per_customer(self, backend: Backend) -> None:
        """A customer's complaints come newest first."""
        rows = [_complaint(self.tenant, at=T0 + timedelta(days=d)) for d in (3, 1, 2)]
        self._add(backend, *rows)
        with backend.unit_of_work(self.tenant) as uow:
            assert [c.id for c in uow.complaints.for_customer("c1")] == [rows[0].id, rows[2].id, rows[1].id]
            assert [c.id for c in uow.complaints.open_complaints()] == [rows[1].id, rows[2].id, rows[0].id]

    def test_two_handlers_conflict(self, backend: Backend) -> None:
        """Two units of work saving the same complaint: one wins, one ConcurrencyConflict."""
        complaint = _complaint(self.tenant)
        self._add(backend, complaint)
        with backend.unit_of_work(self.tenant) as uow:
            a = uow.complaints.get(complaint.id)
        with backend.unit_of_work(self.tenant) as uow:
            b = uow.complaints.get(complaint.id)
        with backend.unit_of_work(self.tenant) as uow:
            a.listen(heard="x", by="li", at=T0)
            uow.complaints.save(a)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow, pytest.raises(ConcurrencyConflict):
            b.listen(heard="y", by="wang", at=T0)
            uow.complaints.save(b)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.complaints.get(complaint.id).timeline[-1].by == "li"

    def test_another_tenant_cannot_save_a_complaint(self, backend: Backend) -> None:
        """Saving a complaint through another tenant's unit of work is NotFound and changes nothing."""
        complaint = _complaint(self.tenant)
        self._add(backend, complaint)
        with backend.unit_of_work(self.other_tenant) as uow, pytest.raises(NotFound):
            uow.complaints.save(complaint)

    def test_standard_answers_by_category(self, backend: Backend) -> None:
        """The Q&A base lists a category's answers, oldest change first."""
        later = StandardAnswer.write(
            tenant=self.tenant, category="price", question="q2?", answer="b", by="kf", at=T0 + timedelta(days=1)
        )
        entry = StandardAnswer.write(tenant=self.tenant, category="price", question="q?", answer="a", by="kf", at=T0)
        with backend.unit_of_work(self.tenant) as uow:
            uow.standard_answers.add(later)
            uow.standard_answers.add(entry)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert [a.id for a in uow.standard_answers.for_category(Category.PRICE)] == [entry.id, later.id]
            assert uow.standard_answers.for_category(Category.OTHER) == []
            assert state(uow.standard_answers.get(entry.id)) == state(entry)
        with backend.unit_of_work(self.other_tenant) as uow:
            assert uow.standard_answers.for_category(Category.PRICE) == []
