"""The silent-complaint signal speaks in severities, and the complaint it opens keeps them."""

from __future__ import annotations

from datetime import datetime

import pytest

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.complaints import Severity
from clientcare.errors import ValidationError
from clientcare.events import SilentComplaintSignal

T0 = datetime.fromisoformat("2026-03-02T10:00:00+08:00")


def test_an_unknown_severity_is_an_error_not_normal() -> None:
    """A signal with a severity no complaint knows is refused where it is raised."""
    with pytest.raises(ValidationError) as info:
        SilentComplaintSignal(
            tenant="t", occurred_at=T0, customer_id="c", source="survey", reference="r", severity="high"
        )
    assert info.value.field == "severity"


def test_a_contact_outcome_complaint_opens_a_major_complaint() -> None:
    """A customer who complains on a follow-up call gets a major complaint, with its tighter promises."""
    care = clientcare.connect("memory://", tenant="shop", clock=FixedClock(T0))
    ann = care.customers.register("王芳", "13800138000", by="staff")
    care.privacy.give_consent(ann.id, "service", "phone", method="verbal", source="in_store")
    touch = care.touches.plan(ann.id, information="新款到店", due=T0.date(), owner="li")
    care.touches.complete(touch.id, outcome="complaint_raised", by="li")
    [complaint] = care.complaints.for_customer(ann.id)
    assert complaint.severity is Severity.MAJOR
