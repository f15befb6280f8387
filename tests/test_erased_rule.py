"""'Customer was erased' is one rule, raised the same way by every area."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.errors import ErasedCustomer

T0 = datetime.fromisoformat("2026-03-02T10:00:00+08:00")

CALLS: dict[str, Callable[[clientcare.Clientcare, str], object]] = {
    "purchase": lambda care, cid: care.purchases.record(cid, [care.purchases.line("A1", "100")]),
    "note": lambda care, cid: care.notebook.write(cid, "likes silk", author="li"),
    "membership": lambda care, cid: care.membership.enrol(cid, by="li"),
    "complaint": lambda care, cid: care.complaints.file(
        cid, channel="in_store", category="product_quality", description="起球", by="li"
    ),
    "profile": lambda care, cid: care.customers.update_profile(cid, by="li", occupation="teacher"),
}


@pytest.mark.parametrize("area", sorted(CALLS))
def test_every_area_refuses_an_erased_customer_with_one_rule(area: str) -> None:
    """Writing about an erased customer raises ErasedCustomer, rule customer.erased, in every area."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0))
    ann = care.customers.register("王芳", "13800138000", by="staff")
    care.privacy.erase(ann.id, by="li")
    with pytest.raises(ErasedCustomer) as info:
        CALLS[area](care, ann.id)
    assert info.value.rule == "customer.erased"
