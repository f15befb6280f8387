"""A week of follow-up for one salesperson (P20–P35), ending with her weekly board.

Run it with ``python examples/cadences_demo.py [URL]`` (default: in memory).
Every call is the public API an ERP, POS or scheduler would make.
"""

from __future__ import annotations

import json
import sys
import uuid
from datetime import date, datetime, timedelta

import clientcare
from clientcare import serialization
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.notifiers import ConsoleNotifier

TENANT = "demo-cadences"
"""The tenant the story is told in when imported; a run from the shell adds a suffix."""


def main(url: str, tenant: str = TENANT) -> None:
    """Sales, a follow-up, the Spring Festival daily runs, and 小李's board for the week."""
    clock = FixedClock(datetime.fromisoformat("2026-02-09T10:00:00+08:00"))  # Monday before Spring Festival
    care = clientcare.connect(url, tenant=tenant, clock=clock)
    care = care.with_cadence_ports(roster=clientcare.FixedRoster({None: ["小李", "小王"]}))

    def customer(name: str, phone: str, *consents: str, key: bool = False, **profile: object) -> clientcare.Customer:
        c = care.customers.register(name, phone, by="小李", customer_agrees=bool(profile), **profile)
        for item in consents:
            purpose, channel = item.split("/")
            care.privacy.give_consent(c.id, purpose, channel, method="verbal", source="in_store")
        if key:
            care.customers.set_key(c.id, by="店长")
        return c

    fang = customer("王芳", "13800138000", "service/phone", "greetings/sms", birthday=date(1990, 2, 12))
    jing = customer("陈静", "13500135000", "service/phone", "greetings/phone", key=True)
    wei = customer("张伟", "13700137000", "marketing/phone")

    care.purchases.record(fang.id, [care.purchases.line("DY-2026", "1299")], staff_id="小李")  # P20, P35
    care.purchases.record(jing.id, [care.purchases.line("QP-88", "4800")], staff_id="小李")
    care.touches.start_follow_up(wei.id, owner="小李", topic="春季新款")  # P21
    care.touches.want(fang.id, "WJ-7", description="米色围巾")  # P28

    notifier = ConsoleNotifier()
    for offset in range(6):  # the scheduler's daily run, then the message dispatch
        clock.set(datetime.fromisoformat("2026-02-09T09:30:00+08:00") + timedelta(days=offset))
        report = care.daily.run()
        print(f"{report.day} daily run: planned {report.planned} {dict(report.by_reason)}")
        care.touches.dispatch(notifier)
    care.touches.stock_arrived("WJ-7")
    care.touches.dispatch(notifier)

    board = care.boards.weekly(date(2026, 2, 12), staff="小李")
    print("\n小李's weekly board on Thursday 12 February 2026 (key customers and complaints first):")
    for title, items in (("overdue", board.overdue), ("today", board.today), ("tomorrow", board.tomorrow),
                         ("this week", board.this_week)):  # fmt: skip
        print(f"  {title}:")
        for item in items:
            extra = f", offer {item.reward}" if item.reward else ""
            key = " [key]" if item.key_customer else ""
            print(
                f"    {item.due} {item.customer_name}{key}: {item.reason} by {item.channel}{extra} — {item.information}"
            )
    print("\nas JSON (first item):")
    first = (board.overdue + board.today + board.tomorrow + board.this_week)[0]
    print(json.dumps(serialization.unstructure(first), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    # A tenant of its own per run: the story runs on a fixed clock, so telling it
    # again on the same file database must not meet the customers of the last run.
    main(sys.argv[1] if len(sys.argv) > 1 else "memory://", f"{TENANT}-{uuid.uuid4().hex[:8]}")
