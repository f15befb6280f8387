"""Areas that read each other's data through the facade's wiring."""

from __future__ import annotations

import clientcare
from clientcare.adapters.clock import FixedClock


def test_assessment_reads_complaints_from_the_complaints_area(care: clientcare.Clientcare, clock: FixedClock) -> None:
    """The complaints indicator counts the customer's real complaints instead of "no data"."""
    fang = care.customers.register("王芳", "13800138000")
    quiet = care.assessments.assess(fang.id, by="客服", entries={"cooperation": 8})
    care.complaints.file(
        fang.id, channel="in_store", category="product_quality", description="拉链坏了", by="小李", severity="major"
    )
    clock.advance(days=1)
    after = care.assessments.assess(fang.id, by="客服", entries={"cooperation": 8})
    before = next(s for s in quiet.indicators if s.key == "complaints")
    now = next(s for s in after.indicators if s.key == "complaints")
    assert before.available and now.available
    assert now.score is not None and before.score is not None and now.score < before.score


def test_other_tenants_complaints_stay_unseen(care: clientcare.Clientcare) -> None:
    """A facade's complaint history answers only for its own tenant."""
    assert care.complaints.severities("elsewhere", "c1", since=care.clock.now(), until=care.clock.now()) is None


def test_responsiveness_comes_from_touch_outcomes(care: clientcare.Clientcare, clock: FixedClock) -> None:
    """Two calls, one answered: the responsiveness indicator reads a 50% response rate."""
    fang = care.customers.register("王芳", "13800138000")
    care.privacy.give_consent(fang.id, "service", "phone", method="verbal", source="in_store")
    for outcome in ("reached", "no_answer"):
        touch = care.touches.plan(
            fang.id, information=f"回访 {outcome}", due=clock.now().date(), owner="小李", reference=outcome
        )
        care.touches.complete(touch.id, outcome=outcome, by="小李")
    clock.advance(days=1)
    assessment = care.assessments.assess(fang.id, by="客服", entries={"cooperation": 8})
    row = next(s for s in assessment.indicators if s.key == "responsiveness")
    assert row.available and "0.5000" in row.basis
