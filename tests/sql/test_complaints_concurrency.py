"""Issue 6: two handlers acting on one complaint at once, on every SQL backend, with real connections."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import SqlBackend
from clientcare.adapters.sqlalchemy._complaints import SqlComplaintRepository
from clientcare.errors import ConcurrencyConflict

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")


def _both_read_before_either_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold each thread's first complaint read until both threads have read the complaint."""
    barrier = threading.Barrier(2)
    waited = threading.local()
    original = SqlComplaintRepository.get

    def get(self: SqlComplaintRepository, key: str) -> Any:
        found = original(self, key)
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait(timeout=20)
        return found

    monkeypatch.setattr(SqlComplaintRepository, "get", get)


def test_two_handlers_on_one_complaint_end_in_one_success_and_one_conflict(
    sql_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Li listens while Wang escalates the same complaint: one commits, the other gets ConcurrencyConflict
    (on SQLite they take turns and both commit)."""
    backend = SqlBackend(sql_engine)
    care = clientcare.Clientcare(backend, "shop", clock=FixedClock(T0))
    ann = care.customers.register("王芳", "13800138000")
    complaint = care.complaints.file(ann.id, channel="phone", category="delivery", description="late", by="li")
    # SQLite units of work begin IMMEDIATE: the second waits for the first, so they cannot both read first.
    serialised = sql_engine.dialect.name == "sqlite"
    if not serialised:
        _both_read_before_either_writes(monkeypatch)
    outcomes: dict[str, str] = {}
    lock = threading.Lock()

    def handler(name: str, action: Callable[[clientcare.ComplaintsService], object]) -> None:
        # Each handler has its own facade, so its own connection from the pool.
        facade = clientcare.Clientcare(backend, "shop", clock=FixedClock(T0))
        try:
            action(facade.complaints)
            result = "committed"
        except ConcurrencyConflict:
            result = "conflict"
        with lock:
            outcomes[name] = result

    threads = [
        threading.Thread(target=handler, args=("li", lambda c: c.listen(complaint.id, heard="late twice", by="li"))),
        threading.Thread(target=handler, args=("wang", lambda c: c.escalate(complaint.id, reason="VIP", by="wang"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if serialised:
        assert sorted(outcomes.values()) == ["committed", "committed"], outcomes
        stored = care.complaints.get(complaint.id)
        assert stored.version == 3 and sorted(e.by for e in stored.timeline[1:]) == ["li", "wang"]
        return
    assert sorted(outcomes.values()) == ["committed", "conflict"], outcomes
    monkeypatch.undo()
    stored = care.complaints.get(complaint.id)
    assert stored.version == 2  # filed, then exactly one of the two changes
    winner = next(name for name, result in outcomes.items() if result == "committed")
    assert [e.by for e in stored.timeline[1:]] == [winner]
    # The loser retries, as the conflict asks, and both changes are kept.
    loser = "wang" if winner == "li" else "li"
    if loser == "li":
        care.complaints.listen(complaint.id, heard="late twice", by="li")
    else:
        care.complaints.escalate(complaint.id, reason="VIP", by="wang")
    assert sorted(e.by for e in care.complaints.get(complaint.id).timeline[1:]) == ["li", "wang"]
