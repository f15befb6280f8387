"""The complaint repositories' contract, run on the in-memory adapter.

A SQL adapter's test module subclasses :class:`ComplaintRepositoryContract`
and overrides :meth:`make_backend`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

from clientcare._calendar import BusinessCalendar
from clientcare._complaints import Category, Complaint, StandardAnswer
from clientcare.adapters.memory import MemoryBackend
from clientcare.errors import ConcurrencyConflict, NotFound
from clientcare.playbook import Playbook
from clientcare.ports import Backend

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
RULES = Playbook.default().complaints
CALENDAR = BusinessCalendar.from_playbook(Playbook.default())


def _complaint(tenant: str, customer_id: str | None = "c1", *, at: datetime = T0, **extra: object) -> Complaint:
    args: dict[str, object] = {"channel": "phone", "category": "delivery", "severity": "normal"}
    args.update(extra)
    complaint = Complaint.file(
        tenant=tenant,
        customer_id=customer_id,
        key_customer=False,
        description="late",
        at=at,
        by="li",
        rules=RULES,
        calendar=CALENDAR,
        **args,  # type: ignore[arg-type]
    )
    complaint.pull_events()
    return complaint


class ComplaintRepositoryContract:
    """What every backend's complaint repositories must do."""

    tenant = "contract-a"

    def make_backend(self) -> Backend:
        """A fresh, empty backend (override in your test module)."""
        raise NotImplementedError

    @pytest.fixture
    def backend(self) -> Iterator[Backend]:
        """A fresh backend per test, closed afterwards."""
        backend = self.make_backend()
        yield backend
        backend.close()

    def _add(self, backend: Backend, *complaints: Complaint) -> None:
        with backend.unit_of_work(self.tenant) as uow:
            for complaint in complaints:
                uow.complaints.add(complaint)
            uow.commit()

    def test_a_complaint_reads_back_equal_and_stays_in_its_tenant(self, backend: Backend) -> None:
        """Stored and read back, every field is the same; another tenant sees nothing."""
        complaint = _complaint(self.tenant, items=["A1"])
        self._add(backend, complaint)
        with backend.unit_of_work(self.tenant) as uow:
            back = uow.complaints.get(complaint.id)
        assert back.timeline == complaint.timeline and back.resolution_due == complaint.resolution_due
        with backend.unit_of_work("contract-b") as other, pytest.raises(NotFound):
            other.complaints.get(complaint.id)

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
            assert [c.id for c in uow.complaints.received_between(T0, T0 + timedelta(days=1))] == [signal.id]
            assert uow.complaints.count_in_category(Category.DELIVERY, T0 - timedelta(days=1)) == 1

    def test_corrective_actions_are_found(self, backend: Backend) -> None:
        """Complaints carrying corrective actions are listed for recurrence checks."""
        complaint = _complaint(self.tenant)
        complaint.open_corrective_action(description="x", owner="o", due=date(2026, 2, 1), item=None, by="li", at=T0)
        self._add(backend, complaint, _complaint(self.tenant))
        with backend.unit_of_work(self.tenant) as uow:
            assert [c.id for c in uow.complaints.with_corrective_actions()] == [complaint.id]

    def test_two_handlers_conflict(self, backend: Backend) -> None:
        """Two units of work saving the same complaint: one wins, one ConcurrencyConflict."""
        complaint = _complaint(self.tenant)
        self._add(backend, complaint)
        first, second = backend.unit_of_work(self.tenant), backend.unit_of_work(self.tenant)
        with first, second:
            a, b = first.complaints.get(complaint.id), second.complaints.get(complaint.id)
            a.listen(heard="x", by="li", at=T0)
            b.listen(heard="y", by="wang", at=T0)
            first.complaints.save(a)
            first.commit()
            with pytest.raises(ConcurrencyConflict):
                second.complaints.save(b)
                second.commit()

    def test_standard_answers_by_category(self, backend: Backend) -> None:
        """The Q&A base lists a category's answers."""
        entry = StandardAnswer.write(tenant=self.tenant, category="price", question="q?", answer="a", by="kf", at=T0)
        with backend.unit_of_work(self.tenant) as uow:
            uow.standard_answers.add(entry)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert [a.id for a in uow.standard_answers.for_category(Category.PRICE)] == [entry.id]
            assert uow.standard_answers.for_category(Category.OTHER) == []


class TestMemoryComplaints(ComplaintRepositoryContract):
    """The in-memory adapter honours the complaint repository contract."""

    def make_backend(self) -> MemoryBackend:
        return MemoryBackend()
