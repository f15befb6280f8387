"""One complaint through all six steps (P40-P52), with an escalation and an approval.

Run it with ``python examples/complaints_demo.py [URL]`` (default: in memory).
Every call is the public API an ERP, POS or service desk would make.
"""

from __future__ import annotations

import json
import sys
import uuid
from datetime import datetime

import clientcare
from clientcare import serialization
from clientcare.adapters.clock import FixedClock

TENANT = "demo-complaints"
"""The tenant the story is told in when imported; a run from the shell adds a suffix."""


def main(url: str, tenant: str = TENANT) -> None:
    """Walk one complaint from the phone call to the lesson and the weekly review."""
    clock = FixedClock(datetime.fromisoformat("2026-01-05T10:00:00+08:00"))
    care = clientcare.connect(url, tenant=tenant, clock=clock)
    c = care.complaints
    fang = care.customers.register("王芳", "13800138000", by="小李")
    care.events.subscribe(clientcare.events.ComplaintEscalated, lambda e: print(f"    event: {e.name}"))

    complaint = c.file(
        fang.id, channel="phone", category="product_quality", severity="major",
        description="大衣拉链第二天就坏了", wish="换一件新的", items=["DY-2026"], by="小李",
    )  # fmt: skip
    print(f"filed; first response due {complaint.first_response_due:%a %H:%M}, queue: {len(c.queue())} open")

    clock.advance(hours=2)  # nobody called back within the hour a major complaint allows
    c.check_deadlines()
    print(f"P51 first response missed -> owned by {c.get(complaint.id).owner_role}")

    c.listen(complaint.id, heard="拉链第二天就坏，很失望", by="张主管")  # step 1
    c.apologise(complaint.id, by="张主管")  # step 2
    c.diagnose(complaint.id, root_cause="拉链批次质量问题", cause="product_quality", by="张主管")  # step 3
    answer = c.decide(complaint.id, story="这批拉链有质量问题，我们负责更换", by="张主管")  # step 4 (P45)
    print(f"P45 answer: {answer}; the story everyone tells: {c.story(complaint.id)}")
    c.offer_options(
        complaint.id,
        [
            c.option("replace the coat", c.remedy("replacement", 1800)),
            c.option("repair and a scarf", c.remedy("repair", 100), c.remedy("gift", 150)),
        ],
        by="张主管",
    )
    needs = c.choose(complaint.id, 0, actor=clientcare.Actor("张主管", "handler"))
    print(f"P43 customer chose the replacement (1800 CNY): needs approval = {needs}")
    c.approve(complaint.id, actor=clientcare.Actor("王店长", "store_manager"))
    c.resolve(complaint.id, by="张主管", note="新大衣已送到")  # P44
    print(f"P47 gift suggested: {c.get(complaint.id).gift_reason}")
    clock.advance(days=1)
    c.after_care(complaint.id, by="小李", note="回访：很满意，再次致歉")  # step 5
    c.close(complaint.id, lesson="到货时抽检拉链批次", by="张主管")  # step 6

    print("P49 timeline:")
    for entry in c.timeline(complaint.id):
        print(f"  {entry.at:%m-%d %H:%M} {entry.by:<4} {entry.step}")
    status = c.promise_status(complaint.id)
    print("P51 promises:", ", ".join(f"{t.target} {t.state}" for t in status.targets))
    print("P48 weekly review:", json.dumps(serialization.unstructure(c.review("week")), ensure_ascii=False))
    care.close()


if __name__ == "__main__":
    # A tenant of its own per run: the story runs on a fixed clock, so telling it
    # again on the same file database must not meet the customers of the last run.
    main(sys.argv[1] if len(sys.argv) > 1 else "memory://", f"{TENANT}-{uuid.uuid4().hex[:8]}")
