"""The clientcare demo: one month of a small fashion shop, told as the owner reads it.

Run it with ``make demo`` or ``python examples/demo.py [URL]``. The default
URL is an SQLite file beside this script; a second run finds the customers,
sales and calls of the first (the clock is fixed to January 2026) and tells
the same month again. Every call is the public API an ERP or POS system would
make; amounts and dates are formatted with Babel in the tenant's language
(zh-CN unless the playbook says otherwise), and what a customer receives is
shown as the rendered message itself.

The other ``*_demo.py`` files tell one area each, for developers.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_currency, format_percent

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.notifiers import RecordingNotifier

DEFAULT_URL = f"sqlite:///{Path(__file__).resolve().parent / 'clientcare-demo.db'}"
TENANT = "demo-shop"
MONTH = date(2026, 1, 1)
COMPLAINT_DAY = date(2026, 1, 20)
SHOP = """
[shop]
name = "衣尚女装"
signature = "衣尚女装 静安店 021-5555 0000"
"""

# The owner's words for the library's codes. A code missing here is shown as
# "其他" rather than as the code itself.
REASONS = {
    "return_visit": "回访",
    "after_sales": "售后回访",
    "follow_up": "跟进",
    "birthday": "生日问候",
    "important_date": "纪念日问候",
    "holiday": "节日问候",
    "card_expiry": "会员卡到期提醒",
    "rotation_visit": "例行拜访",
    "thank_you": "感谢电话",
    "lost_interview": "流失顾客访谈",
    "wanted_item": "到货通知",
    "after_care": "投诉回访",
    "inform": "新品通知",
    "referral_thanks": "推荐致谢",
}
CHANNELS = {
    "phone": "电话",
    "sms": "短信",
    "email": "邮件",
    "in_person": "当面",
    "messaging": "微信消息",
    "club": "会员活动",
    "mail": "信件",
}
STEPS = {
    "received": "受理",
    "listened": "倾听",
    "apologised": "道歉",
    "diagnosed": "查明原因",
    "answer_decided": "确定答复",
    "options_offered": "提供方案",
    "option_chosen": "顾客选定方案",
    "resolved": "解决",
    "after_care_done": "回访",
    "closed": "结案",
}


class Words:
    """Money, dates and codes as the tenant's staff read them."""

    def __init__(self, care: clientcare.Clientcare) -> None:
        self.locale = care.playbook.locale.language
        self.currency = care.playbook.locale.currency

    def money(self, amount: Decimal | clientcare.Money) -> str:
        """¥1,299.00 in zh-CN."""
        value = amount.amount if isinstance(amount, clientcare.Money) else amount
        return str(format_currency(value, self.currency, locale=self.locale))

    def day(self, day: date) -> str:
        """2026年1月5日 星期一 in zh-CN."""
        return f"{format_date(day, 'long', locale=self.locale)} {format_date(day, 'EEEE', locale=self.locale)}"

    def share(self, value: Decimal) -> str:
        """80% in zh-CN."""
        return str(format_percent(value, locale=self.locale))

    @staticmethod
    def of(table: dict[str, str], code: object) -> str:
        """The word for ``code`` (an enum or its value)."""
        return table.get(str(code), "其他")


def say(text: str = "") -> None:
    """Print one line of the story."""
    print(text)


def customer(care: clientcare.Clientcare, name: str, phone: str, **profile: object) -> clientcare.Customer:
    """Find the customer by phone (a second run) or open their record with a name and a phone."""
    found = care.customers.find_by_phone(phone)
    if found is not None:
        say(f"  {name} 已在档案中")
        return found
    record = care.customers.register(name, phone, store="静安店", by="小李", customer_agrees=bool(profile), **profile)
    say(f"  新建档案：{name}（资料完整度 {care.customers.completeness(record.id):.0%}）")
    return record


def open_records(care: clientcare.Clientcare) -> dict[str, clientcare.Customer]:
    """Four customers, what they agreed to be contacted about, and one long-standing customer's history."""
    say("一、顾客建档")
    people = {
        "王芳": customer(care, "王芳", "138 0013 8000", birthday=date(1990, 1, 12)),
        "李娜": customer(care, "李娜", "139 0013 9000"),
        "张伟": customer(care, "张伟", "137 0013 7000"),
        "陈静": customer(care, "陈静", "136 0013 6000"),
    }
    consents = {
        "王芳": [("service", "phone"), ("greetings", "sms")],
        "李娜": [("service", "phone")],
        "张伟": [("service", "phone")],
        "陈静": [("service", "phone"), ("marketing", "sms")],
    }
    for name, wishes in consents.items():
        for purpose, channel in wishes:
            care.privacy.give_consent(people[name].id, purpose, channel, method="written", source="in_store")
    # 陈静 has bought here before: her first sale was last autumn, so this month she is a returning customer.
    line = care.purchases.line
    care.purchases.record(
        people["陈静"].id, [line("FY-0907", "680.00")], store_id="静安店", staff_id="小王",
        receipt_id="JA-20251020-0031", at=datetime.fromisoformat("2025-10-20T15:00:00+08:00"),
    )  # fmt: skip
    return people


def sales(care: clientcare.Clientcare, people: dict[str, clientcare.Customer], words: Words) -> None:
    """The month's sales at the till; each receipt is recorded once, however often the demo runs."""
    say("\n二、本月成交")
    line = care.purchases.line
    receipts = [
        ("王芳", "JA-20260105-0001", "2026-01-05T11:00", "小李",
         [line("QY-2301", "899.00", size="M"), line("KZ-1102", "459.00", 2)]),
        ("李娜", "JA-20260106-0002", "2026-01-06T16:30", "小王", [line("WT-0808", "1299.00", size="S")]),
        ("张伟", "JA-20260109-0003", "2026-01-09T19:10", "小李", [line("DY-2026", "1599.00", size="L")]),
        ("陈静", "JA-20260110-0004", "2026-01-10T14:20", "小王", [line("QP-0088", "2380.00")]),
    ]  # fmt: skip
    for name, receipt, at, staff, lines in receipts:
        moment = datetime.fromisoformat(f"{at}+08:00")
        sale = care.purchases.record(
            people[name].id, lines, store_id="静安店", staff_id=staff, receipt_id=receipt, at=moment
        )
        pieces = sum(item.quantity for item in sale.lines)
        say(f"  {words.day(moment.date())} {name} 购买 {pieces} 件，合计 {words.money(sale.amount)}（导购 {staff}）")


def days_of_the_month(
    care: clientcare.Clientcare, clock: FixedClock, people: dict[str, clientcare.Customer], words: Words
) -> None:
    """Each morning the daily run plans the contacts; staff make the calls, the messages go out,
    and on the 20th 张伟 calls about his coat."""
    say("\n三、每天的客户维护")
    notifier = RecordingNotifier()
    names = {person.id: name for name, person in people.items()}
    day = date(2026, 1, 5)
    while day < date(2026, 2, 1):
        clock.set(datetime.combine(day, time(9, 0), tzinfo=care.playbook.locale.zone))
        care.daily.run()
        due = [
            touch
            for person in people.values()
            for touch in care.touches.for_customer(person.id)
            if touch.due == day and touch.status in ("planned", "done")
        ]
        if due or day == COMPLAINT_DAY:
            say(f"  {words.day(day)}")
        for touch in due:
            contact(care, touch, names[touch.customer_id], words)
        if day == COMPLAINT_DAY:
            complaint(care, clock, people["张伟"], words)
        care.touches.dispatch(notifier)
        day += timedelta(days=1)


def contact(care: clientcare.Clientcare, touch: clientcare.Touch, name: str, words: Words) -> None:
    """One contact: a message is shown as the customer reads it; a call is made and marked done."""
    reason = words.of(REASONS, touch.reason)
    if touch.automated:
        message = care.touches.preview(touch.id)
        say(f"    发给 {name} 的{words.of(CHANNELS, message.channel)}（{reason}）：")
        text = "\n        ".join(message.text.strip().splitlines())
        say(f"      「{text}」")
        return
    owner = touch.owner or "店长"
    say(f"    {owner} 通过{words.of(CHANNELS, touch.precision.channel)}联系 {name}（{reason}）")
    say(f"      要点：{touch.precision.information}")
    if touch.status == "planned":
        care.touches.complete(touch.id, "reached", by=owner, note="顾客很满意")
    say("      已联系上，顾客很满意")


def complaint(care: clientcare.Clientcare, clock: FixedClock, wei: clientcare.Customer, words: Words) -> None:
    """张伟's coat: a complaint walked from the call to its close in a day (filed once, however often the demo runs)."""
    clock.set(datetime.combine(COMPLAINT_DAY, time(10, 0), tzinfo=care.playbook.locale.zone))
    c = care.complaints
    filed = c.for_customer(wei.id)
    if not filed:
        case = c.file(
            wei.id, channel="phone", category="product_quality", description="大衣拉链坏了", wish="换一件新的",
            items=["DY-2026"], by="小李",
        )  # fmt: skip
        c.listen(case.id, heard="拉链第二天就坏了", by="张主管")
        c.apologise(case.id, by="张主管")
        c.diagnose(case.id, root_cause="拉链批次质量问题", cause="product_quality", by="张主管")
        c.decide(case.id, story="这批拉链有质量问题，我们免费换新", by="张主管")
        c.offer_options(case.id, [c.option("免费换新", c.remedy("replacement", 1599))], by="张主管")
        c.choose(case.id, 0, actor=clientcare.Actor("张主管", "handler"))
        c.approve(case.id, actor=clientcare.Actor("王店长", "store_manager"))
        c.resolve(case.id, by="张主管", note="新大衣已送到")
        clock.advance(hours=7)
        c.after_care(case.id, by="小李", note="回访：很满意")
        c.close(case.id, lesson="到货时抽检拉链批次", by="张主管")
        filed = c.for_customer(wei.id)
    steps = [words.of(STEPS, entry.step) for entry in c.timeline(filed[0].id) if str(entry.step) in STEPS]
    say("    张伟 来电投诉：大衣拉链坏了（商品质量）")
    say(f"      处理经过：{' → '.join(steps)}")
    say("      结果：免费换新，当天回访顾客满意；教训：到货时抽检拉链批次")


def month_summary(care: clientcare.Clientcare, people: dict[str, clientcare.Customer], words: Words) -> None:
    """The owner's closing figures for January, from analytics, complaints and staff figures."""
    zone = care.playbook.locale.zone
    start = datetime.combine(MONTH, time(), tzinfo=zone)
    end = datetime.combine(date(2026, 2, 1), time(), tzinfo=zone)
    figures = care.analytics.figures(start, end)
    new = sum(cell.customers for cell in care.analytics.cohorts(MONTH, MONTH) if cell.months_since == 0)
    review = care.complaints.review("month", day=MONTH)
    staff = care.staff.leaderboard(MONTH, date(2026, 1, 31))
    calls = sum(row.touches_done for row in staff)
    messages = sum(
        1
        for person in people.values()
        for touch in care.touches.for_customer(person.id)
        if touch.automated and touch.status == "done" and touch.due >= MONTH
    )
    say(f"\n四、{format_date(MONTH, 'yyyy年M月', locale=words.locale)}小结")
    say(f"  销售额 {words.money(figures.net_sales)}，客单价 {words.money(figures.sales_per_buyer)}")
    say(f"  购买顾客 {figures.buyers} 位：新顾客 {new} 位，老顾客 {figures.buyers - new} 位")
    say(f"  投诉 受理 {review.filed} 件，处理完毕 {review.closed} 件")
    say(f"  客户联系 完成 {calls} 次（电话与拜访），自动消息发出 {messages} 条")
    for row in staff:
        say(f"    {row.staff}：联系顾客 {row.customers_reached} 位，完成 {row.touches_done} 次")


def main(url: str) -> None:
    """Tell January on the backend at ``url``."""
    clock = FixedClock(datetime.fromisoformat("2026-01-05T10:00:00+08:00"))
    playbook = clientcare.Playbook.from_toml(SHOP)
    with clientcare.connect(url, tenant=TENANT, clock=clock, playbook=playbook) as care:
        words = Words(care)
        say(f"衣尚女装 静安店 · {format_date(MONTH, 'yyyy年M月', locale=words.locale)}的客户维护\n")
        people = open_records(care)
        sales(care, people, words)
        days_of_the_month(care, clock, people, words)
        month_summary(care, people, words)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL)
