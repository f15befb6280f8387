"""Relationship assessments and loyalty surveys (P60-P62, P65, P50), as a story.

Run it with ``python examples/assessments_demo.py [URL]`` (``memory://`` by
default). Two customers are assessed with different outcomes; the weaker
one is routed to review, answered, and given improvement measures; a quarter
later the next assessment shows the change.
"""

from __future__ import annotations

import sys
import uuid
from datetime import datetime, timedelta

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.events import SilentComplaintSignal

TENANT = "demo-assess"
"""The tenant the story is told in when imported; a run from the shell adds a suffix."""


def say(text: str) -> None:
    """Print one line of the story."""
    print(text)


def show(assessment: clientcare.Assessment) -> None:
    """Print the completed form as the document's table."""
    say(f"  {assessment.title}  No.{assessment.number}")
    say("  indicator              weight  score  grade  basis")
    for row in assessment.indicators:
        score = f"{row.score:>5}" if row.score is not None else "  n/a"
        say(f"  {row.key:<22} {row.weight:>5}%  {score}  {row.grade or '-':>5}  {row.basis}")
    say(f"  total {assessment.total} of {assessment.available_weight}% with data -> final {assessment.final_score}")
    say(f"  recommendation: {assessment.standing}")


def main(url: str, tenant: str = TENANT) -> None:
    """Tell the story on the backend at ``url``."""
    clock = FixedClock(datetime.fromisoformat("2026-01-05T10:00:00+08:00"))
    with clientcare.connect(url, tenant=tenant, clock=clock) as care:
        signals: list[SilentComplaintSignal] = []
        care.events.subscribe(SilentComplaintSignal, signals.append)
        fang = care.customers.register("王芳", "13800138000")
        lei = care.customers.register("赵磊", "13700137000")
        care.customers.set_key(fang.id, by="店长")
        for days in (30, 70, 110, 150, 190):
            care.purchases.record(fang.id, [care.purchases.line("A-1", 3000)], at=clock.now() - timedelta(days=days))
        for days in (60, 120):
            care.purchases.record(lei.id, [care.purchases.line("B-7", 5000)], at=clock.now() - timedelta(days=days))

        say("1. Loyalty survey (P62, P65): 王芳 against a named competitor")
        price = clientcare.AttributeAnswer(attribute="price", importance=5, expected=4, experienced=3, competitor=4)
        care.surveys.record(
            fang.id,
            repurchase_intention=5,
            recommend=9,
            trust=5,
            answered_in_time=4,
            attributes=[price],
            competitor="优衣库",
        )
        for row in care.surveys.importance_performance():
            say(f"  {row.attribute}: importance {row.importance}, gap {row.gap}, vs 优衣库 {row.versus_competitor}")
        say(f"  NPS by segment: { {k: str(v.score) for k, v in care.surveys.nps_by_segment().items()} }")

        say("\n2. Assess two customers (P60)")
        good = care.assessments.assess(
            fang.id, by="客服小李", entries={"cooperation": clientcare.IndicatorEntry(score=9, basis="按时付款")}
        )
        show(good)
        weak = care.assessments.assess(
            lei.id, by="客服小李", entries={"cooperation": clientcare.IndicatorEntry(score=5, basis="回复较慢")}
        )
        show(weak)
        plan = care.assessments.plan(lei.id)
        say(f"  improvement plan opened: visit every {plan.visit_every_days if plan else '-'} days")

        say("\n3. Route 赵磊 to review (P61)")
        care.assessments.route(weak.id)
        for role, text in (
            ("marketing_director", "加强拜访，了解采购计划"),
            ("marketing_manager", "可给予新品试用"),
            ("related_departments", "物流准时率需提升"),
        ):
            care.assessments.answer_review(weak.id, actor=clientcare.Actor(f"{role}_1", role), answer=text)
        measure = clientcare.Measure(
            title="每两周上门拜访一次", owner="sales_li", due_on=clock.now().date() + timedelta(days=30)
        )
        plan = care.assessments.draft_measures(weak.id, [measure], by="市场部")
        tasks = [(t.owner, str(t.due_on)) for t in plan.tasks]
        say(f"  status {care.assessments.summary(weak.id).status}; tasks: {tasks}")

        say("\n4. A quarter later (P60 over time)")
        clock.advance(days=91)
        care.purchases.record(lei.id, [care.purchases.line("B-7", 5000)])
        again = care.assessments.assess(lei.id, by="客服小李", entries={"cooperation": 8})
        trend = care.assessments.trend(lei.id)
        change = f"{trend.direction}, {again.change_since_last:+}"
        say(f"  赵磊 {weak.final_score} -> {again.final_score} ({change}), now {again.standing}")
        say(f"  due now (key customers quarterly): {len(care.assessments.due())} customer(s)")

        say("\n5. A silent complaint (P50)")
        care.surveys.record(lei.id, repurchase_intention=2, recommend=3, trust=3, answered_in_time=2)
        say(f"  signals for the complaints area: {[(s.source, s.severity) for s in signals]}")


if __name__ == "__main__":
    # A tenant of its own per run: the story runs on a fixed clock, so telling it
    # again on the same file database must not meet the customers of the last run.
    main(sys.argv[1] if len(sys.argv) > 1 else "memory://", f"{TENANT}-{uuid.uuid4().hex[:8]}")
