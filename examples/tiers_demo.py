"""Tiers, membership, points and referrals (P10-P17, P33), as a story.

Run it with ``python examples/tiers_demo.py [URL]`` (``memory://`` by default).
王芳 becomes a VIP by her spend once she is an old customer, earns points, gets 12% off full-price
goods at the till, redeems a gift, refers a friend and is thanked when the
friend first buys; the periodic run then labels the customers A, B and C.
"""

from __future__ import annotations

import sys
import uuid
from datetime import datetime, timedelta

import clientcare
from clientcare.adapters.clock import FixedClock

TENANT = "tiers-demo"
"""The tenant the story is told in when imported; a run from the shell adds a suffix."""


def say(text: str) -> None:
    """Print one line of the story."""
    print(text)


def main(url: str, tenant: str = TENANT) -> None:
    """Tell the story on the backend at ``url``."""
    clock = FixedClock(datetime.fromisoformat("2026-01-05T10:00:00+08:00"))
    care = clientcare.connect(url, tenant=tenant, clock=clock)
    line = care.purchases.line

    say("1. 王芳 buys three times; at the third she is an old customer and her spend makes her a VIP (P13, P14)")
    wang = care.customers.register("王芳", "13800138000", store="静安店", by="小李")
    care.purchases.record(wang.id, [line("QY-2301", "1800")], store_id="静安店", at=clock.now() - timedelta(days=40))
    care.purchases.record(wang.id, [line("KZ-1102", "600", 2)], store_id="静安店", at=clock.now() - timedelta(days=20))
    say(f"   after 3,000 in two sales: member level {care.membership.get(wang.id).level} (not yet an old customer)")
    care.purchases.record(wang.id, [line("TS-0101", "1000")], store_id="静安店")
    membership = care.membership.get(wang.id)
    say(f"   third sale: {membership.level} ({membership.history[-1].reason}), {care.points.balance(wang.id)} points")

    say("2. At the till: 12% off full-price goods, the points the sale will earn (P14, P16)")
    basket = [
        care.membership.basket_line("NEW-01", "1000", category="top"),
        care.membership.basket_line("OUT-09", "200", full_price=False),
    ]
    benefits = care.membership.benefits(wang.id, basket)
    for benefit in benefits.lines:
        say(f"   {benefit.kind}: {benefit.description} {benefit.amount}")
    say(f"   pays {benefits.payable}, earns {benefits.points} points")

    say("3. She redeems a tote bag for 500 points (P14, P15)")
    care.points.redeem_gift(wang.id, "tote")
    say(f"   balance {care.points.balance(wang.id)} points")

    say("4. She refers her colleague 李娜, a lead worked first; 李娜 buys and 王芳 is thanked (P33)")
    li = care.customers.register("李娜", "13900139000", store="静安店", by="小李")
    care.referrals.record(wang.id, li.id, by="小李")
    say(f"   queue priority of 李娜: {care.tiers.priority([li.id])[li.id].name}")
    care.purchases.record(li.id, [line("QY-2301", "899")], store_id="静安店")
    thanked = [m for m in care.events.pending(limit=1000) if m.name == "ReferralCredited"]
    say(f"   referral credited: {care.points.balance(wang.id)} points, {len(thanked)} thank-you event")

    say("5. Eight more customers buy; the periodic run labels everyone A, B or C (P10, P12, P17)")
    for n in range(8):
        other = care.customers.register(f"顾客{n}", f"1370013{n:04d}", store="徐汇店", by="小王")
        care.purchases.record(other.id, [line("TS-0001", str(100 + 20 * n))], at=clock.now() - timedelta(days=n))
    run = care.tiers.recompute()
    say(f"   A {run.counts[0]}, B {run.counts[1]}, C {run.counts[2]}; serialisation degree {run.degree}")
    say(f"   王芳 is {care.tiers.label(wang.id)}, key account: {care.tiers.is_key(wang.id)}")
    care.close()


if __name__ == "__main__":
    # A tenant of its own per run: the story runs on a fixed clock, so telling it
    # again on the same file database must not meet the customers of the last run.
    main(sys.argv[1] if len(sys.argv) > 1 else "memory://", f"{TENANT}-{uuid.uuid4().hex[:8]}")
