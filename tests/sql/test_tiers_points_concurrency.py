"""Concurrent redemptions on every SQL backend: the versioned balance row stops overspending."""

from __future__ import annotations

import random
import threading
import time
from datetime import datetime

from sqlalchemy import Engine

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import SqlBackend
from clientcare.errors import ConcurrencyConflict, RuleViolation

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")


def test_concurrent_redemptions_never_overspend(sql_engine: Engine) -> None:
    """Eight tills redeem 100 points each from 500 at once, retrying conflicts: five succeed, the balance ends at 0."""
    backend = SqlBackend(sql_engine)
    care = clientcare.Clientcare(backend, "shop", clock=FixedClock(T0))
    ann = care.customers.register("王芳", "13800138000")
    care.points.import_opening_balance(ann.id, 500)
    start = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def till(n: int) -> None:
        facade = clientcare.Clientcare(backend, "shop", clock=FixedClock(T0))
        start.wait(timeout=10)
        result = "gave up"
        for _attempt in range(200):
            try:
                facade.points.redeem_at_till(ann.id, 100, receipt_id=f"r{n}")
                result = "redeemed"
                break
            except ConcurrencyConflict:
                time.sleep(random.uniform(0, 0.005))  # back off and retry, as a POS would
            except RuleViolation as exc:
                result = exc.rule
                break
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=till, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["points.balance"] * 3 + ["redeemed"] * 5
    account = care.points.account(ann.id)
    assert account.balance == 0
    assert [e.points for e in account.entries].count(-100) == 5
