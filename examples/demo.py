"""The clientcare demo: a small fashion chain keeps its customers.

Run it with ``make demo`` or ``python examples/demo.py [URL]``. The default
URL is an SQLite file beside this script, so a second run finds the
customers of the first. Read it top to bottom: every call is the public API
an ERP or POS system would make.
"""

from __future__ import annotations

import sys
import uuid
from datetime import date, datetime
from pathlib import Path

import assessments_demo
import cadences_demo
import complaints_demo
import tiers_demo
from babel.numbers import format_currency

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.errors import ClientcareError

DEFAULT_URL = f"sqlite:///{Path(__file__).resolve().parent / 'clientcare-demo.db'}"


def money(amount: clientcare.Money) -> str:
    """An amount as the shop owner reads it: ¥1,299.00."""
    return str(format_currency(amount.amount, amount.currency, locale="zh_CN"))


def say(text: str) -> None:
    """Print one line of the story."""
    print(text)


def customer_by_phone(care: clientcare.Clientcare, name: str, phone: str, **extra: object) -> clientcare.Customer:
    """Find the customer by phone (a returning run) or register them (P01: name and phone only)."""
    found = care.customers.find_by_phone(phone)
    if found is not None:
        say(f"  {name} is already in the archive (registered {found.registered_at:%Y-%m-%d})")
        return found
    customer = care.customers.register(name, phone, store="静安店", by="小李", **extra)  # type: ignore[arg-type]
    say(f"  registered {name}, completeness {care.customers.completeness(customer.id):.0%}")
    return customer


def main(url: str) -> None:
    """Tell the story on the backend at ``url``."""
    clock = FixedClock(datetime.fromisoformat("2026-01-05T10:00:00+08:00"))
    with clientcare.connect(url, tenant="demo-fashion", clock=clock) as care:
        say(f"clientcare {clientcare.__version__} on {url}\n")

        say("1. Start small (P01): a name and a phone")
        fang = customer_by_phone(care, "王芳", "138 0013 8000")
        wei = customer_by_phone(care, "张伟", "139-0013-9000")
        na = customer_by_phone(care, "李娜", "+86 137 0013 7000", birthday=date(1992, 8, 8), customer_agrees=True)
        chen = customer_by_phone(care, "陈建国", "13600136000")

        say("\n2. Learn more over time (P02/P03, hard 20% / soft 80%)")
        care.customers.update_profile(fang.id, by="小李", gender="female", clothing_size="M", age_band="30-39")
        care.customers.update_profile(
            fang.id, by="小李", personality="外向", dress_preferences="简约通勤", hobbies=("瑜伽", "旅行")
        )
        say(f"  王芳 completeness now {care.customers.completeness(fang.id):.0%}")
        care.customers.update_profile(chen.id, by="小王", employer="华润万家", position="采购总监")
        care.customers.set_key(chen.id, by="店长")
        care.customers.add_important_date(chen.id, "company_founding", "华润万家成立日", 1, 20, by="小王")
        for day, label in care.customers.upcoming_dates(chen.id):
            say(f"  陈建国 is a key customer; coming up: {label} on {day:%m-%d}")

        say("\n3. Consent (P04): why we ask, what was agreed, and withdrawal")
        care.privacy.give_consent(fang.id, "marketing", "sms", method="written", source="in_store")
        care.privacy.give_consent(wei.id, "marketing", "sms", method="verbal", source="phone_call")
        care.privacy.withdraw_consent(wei.id, "marketing")
        say(f"  may text 王芳 offers: {care.privacy.may_contact(fang.id, 'marketing', 'sms')}")
        say(f"  may text 张伟 offers: {care.privacy.may_contact(wei.id, 'marketing', 'sms')} (withdrawn)")

        say("\n4. The deal archive (P05)")
        line = care.purchases.line
        run = clock.now().strftime("%Y%m%d")
        sale = care.purchases.record(
            fang.id,
            [
                line("QY-2301", "899.00", size="M", colour="藏青", structure="真丝"),
                line("KZ-1102", "459.00", 2, size="27"),
            ],
            store_id="静安店",
            staff_id="小李",
            receipt_id=f"JA-{run}-0001",
        )
        care.purchases.record(
            na.id, [line("WT-0808", "1299.00", size="S")], store_id="徐汇店", receipt_id=f"XH-{run}-0002"
        )
        clock.advance(days=3)
        # The return carries its own receipt id, so a second run adds nothing.
        care.purchases.record_return(
            sale.id, [line("KZ-1102", "459.00", 1)], staff_id="小李", receipt_id=f"JA-{run}-R001"
        )
        figures = care.purchases.figures(fang.id)
        say(
            f"  王芳: {figures.purchase_count} purchase(s), net spend {money(figures.total_spend)}, "
            f"average ticket {money(figures.average_ticket)}, {figures.return_count} return(s)"
        )

        say("\n5. Notebook (P08) and card (P06)")
        care.notebook.write(fang.id, "女儿下月高考，想买红色外套", author="小李", tags=["家庭"])
        say(f"  notes mentioning 红色: {len(care.notebook.search('红色'))}")
        clock.advance(days=40)
        stale = care.customers.stale_cards()
        say(f"  stale cards after 40 days: {[c.name for c in stale]} (key customers are reviewed every 30 days)")
        care.customers.review_card(chen.id, by="小王")

        say("\n6. Export and erasure (P04)")
        export = care.privacy.export(na.id)
        say(f"  export of 李娜 holds {len(export['purchases'])} purchase(s) and her profile")
        care.privacy.erase(na.id, by="li")
        kept = care.purchases.figures(na.id)
        say(
            f"  erased 李娜: findable by phone? {care.customers.find_by_phone('13700137000') is not None}; "
            f"anonymous figures kept: {kept.purchase_count} purchase, {money(kept.total_spend)}"
        )

        say("\n7. Bad input is refused, and nothing changes")
        try:
            care.customers.update_profile(fang.id, by="小李", email="not-an-email")
        except ClientcareError as exc:
            say(f"  refused: {exc}")

        say(f"\nEvents waiting in the outbox for other systems: {len(care.events.pending(limit=1000))}")


def areas(url: str) -> None:
    """The stories of the other areas, each in a tenant of its own for this run,
    so the same file can be told the story again and again."""
    run = new_run_id()
    for title, story in (
        ("Tiers, VIP membership, points and a referral (P10-P17, P33)", tiers_demo.main),
        ("A complaint walked through the six steps (P40-P52)", complaints_demo.main),
        ("Two customers assessed, one routed to review (P60-P62, P65)", assessments_demo.main),
        ("A week of follow-up before Spring Festival (P20-P35)", cadences_demo.main),
    ):
        say(f"\n{'=' * 72}\n{title}\n{'=' * 72}")
        story(url, f"{story.__module__}-{run}")


def new_run_id() -> str:
    """A short id that tells this run's tenants apart from earlier runs'."""
    return uuid.uuid4().hex[:8]


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL
    main(target)
    areas(target)
