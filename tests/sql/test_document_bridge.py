"""Aggregates on the document bridge (touches here) keep tenant, version and unique-key rules."""

from __future__ import annotations

from datetime import datetime

import attrs
import pytest
from sqlalchemy import Engine

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.sqlalchemy import SqlBackend
from clientcare.errors import ConcurrencyConflict, DuplicateRecord, NotFound

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")


def test_bridged_touches_are_tenant_scoped_versioned_and_unique(sql_engine: Engine) -> None:
    """Touches planned by a purchase obey tenant isolation, version checks and their unique key."""
    backend = SqlBackend(sql_engine)
    care = clientcare.Clientcare(backend, "shop", clock=FixedClock(T0))
    ann = care.customers.register("王芳", "13800138000")
    care.privacy.give_consent(ann.id, "service", "phone", method="verbal", source="in_store")
    care.purchases.record(ann.id, [care.purchases.line("ST-1", "100")], receipt_id="R1")
    with backend.unit_of_work("shop") as uow:
        touches = uow.touches.for_customer(ann.id)
        assert touches, "a purchase plans after-sales touches (P20/P35)"
        first = touches[0]
        assert uow.touches.by_key(first.key) is not None
        assert uow.touches.add_new([attrs.evolve(first, id="other-id")]) == []
        with pytest.raises(DuplicateRecord):
            uow.touches.add(attrs.evolve(first, id="other-id"))
    with backend.unit_of_work("elsewhere") as uow:
        assert uow.touches.for_customer(ann.id) == []
        assert uow.touches.by_key(first.key) is None
        with pytest.raises(NotFound):
            uow.touches.get(first.id)
        with pytest.raises(NotFound):
            uow.touches.save(first)
    with backend.unit_of_work("shop") as uow:
        mine, theirs = uow.touches.get(first.id), uow.touches.get(first.id)
    with backend.unit_of_work("shop") as uow:
        mine.attempts += 1
        uow.touches.save(mine)
        uow.commit()
    with backend.unit_of_work("shop") as uow, pytest.raises(ConcurrencyConflict):
        theirs.attempts += 5
        uow.touches.save(theirs)
    with backend.unit_of_work("shop") as uow:
        assert uow.touches.get(first.id).attempts == first.attempts + 1
