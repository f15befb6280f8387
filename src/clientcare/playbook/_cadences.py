"""Follow-up cadences (section C of the procedures, P20–P35; docs/cadences.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from clientcare.errors import PlaybookError
from clientcare.playbook._checks import choice, month_days, positive
from clientcare.playbook._loyalty import AbcLabel
from clientcare.playbook._provenance import assumed, documented

__all__ = [
    "AfterPurchaseRules",
    "CadenceRules",
    "ContactRules",
    "FollowUpRules",
    "GreetingRules",
    "LostRules",
    "Occasion",
    "OccasionRules",
    "RotationRules",
    "StaffRules",
    "TouchBenchmark",
]


def _positive_days(instance: object, attribute: attrs.Attribute[Any], value: tuple[int, ...]) -> None:
    if any(v <= 0 for v in value):
        raise PlaybookError(attribute.name, "every value must be greater than zero")


def _hour(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if not 0 <= value <= 23:
        raise PlaybookError(attribute.name, "must be an hour from 0 to 23")


def _not_negative(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if value < 0:
        raise PlaybookError(attribute.name, "must not be negative")


@attrs.frozen
class AfterPurchaseRules:
    """P20/P35: what a recorded sale schedules, and how long a touch earns a sale.

    P20 names no delay; three days lets the customer use the item first.
    P35 says after-sales touches are scheduled, not left to memory: a week,
    a month and a quarter after the sale by default.
    """

    return_visit_days: int = assumed(
        3, why="seed 000 calls after a purchase but names no delay; three days to use the item", validator=positive
    )
    after_sales_days: tuple[int, ...] = assumed(
        (7, 30, 90), why="seed 003 schedules after-sales touches but names no days", validator=_positive_days
    )
    #: A sale within this many days of a reached touch is credited to it (P21, P31).
    attribution_days: int = assumed(
        30, why="seed 000 counts sales after a touch without a window; a month", validator=positive
    )


@attrs.frozen
class TouchBenchmark:
    """P21: one line of the document's follow-up table (seed 000).

    Touch 1 of a sequence is the first contact (第一次接洽), touch ``n + 1``
    the ``n``-th follow-up (第n次跟踪); ``first``..``last`` are touch numbers.
    """

    label: str
    first: int = attrs.field(validator=positive)
    last: int = attrs.field(validator=positive)
    share: Decimal

    def __attrs_post_init__(self) -> None:
        if self.last < self.first:
            raise PlaybookError("last", "must not be below first")
        if not Decimal(0) <= self.share <= Decimal(1):
            raise PlaybookError("share", "must be from 0 to 1")


#: From the documents (seed 000): 2%的销售是在第一次接洽后完成;3%…第一次跟踪后;
#: 5%…第二次跟踪后;10%…第6次跟踪后;80%…第4至11次跟踪后. The lines overlap
#: (the 6th follow-up is inside the 4th–11th) exactly as the document's do.
DOCUMENT_TABLE: tuple[TouchBenchmark, ...] = (
    TouchBenchmark("first_contact", 1, 1, Decimal("0.02")),
    TouchBenchmark("follow_up_1", 2, 2, Decimal("0.03")),
    TouchBenchmark("follow_up_2", 3, 3, Decimal("0.05")),
    TouchBenchmark("follow_up_6", 7, 7, Decimal("0.10")),
    TouchBenchmark("follow_up_4_to_11", 5, 12, Decimal("0.80")),
)


@attrs.frozen
class FollowUpRules:
    """P21: up to 11 touches, spaced by ``gaps_days``.

    The document's own example shrinks its gaps (一周后…四天后…两天, seed 000),
    so gaps may shrink or grow; the default spacing is an assumption (the
    documents give no general gaps). ``benchmark`` is the document's
    2/3/5/10/80 table the shop's own figures are compared with.
    """

    max_touches: int = documented(11, seed="000", passage="第4至11次跟踪后完成", validator=positive)
    gaps_days: tuple[int, ...] = assumed(
        (2, 3, 4, 5, 7, 9, 11, 14, 18, 21),
        why="seed 000's one example (一周后…四天后…两天) is no general rule; gaps that grow",
        validator=_positive_days,
    )
    benchmark: tuple[TouchBenchmark, ...] = documented(
        DOCUMENT_TABLE, seed="000", passage="2%的销售是在第一次接洽后完成"
    )

    def __attrs_post_init__(self) -> None:
        if len(self.gaps_days) < self.max_touches - 1:
            raise PlaybookError("gaps_days", "needs one gap between each two touches (max_touches - 1)")

    def gap_after(self, number: int) -> int:
        """Days between touch ``number`` and the next one."""
        return self.gaps_days[min(number, len(self.gaps_days)) - 1]


@attrs.frozen
class GreetingRules:
    """P07/P22: greetings ahead of the day and gifts (card reminders: ``membership.expiry_reminder_days``).

    ``holidays`` lists the English names the ``holidays`` package gives the
    tenant country's public holidays; ``["*"]`` greets on every one.
    """

    days_ahead: int = assumed(
        3, why="the documents greet on the day without a lead time; three days", validator=_not_negative
    )
    #: Older name of ``[shop] name``: used when that is empty (never the tenant id).
    sender: str = assumed("", why="the shop's own name: the documents cannot know it")
    #: From the documents (seed 003: 國家法定假日期間向客戶表達節日的祝福): all
    #: seven statutory holidays of China, as the ``holidays`` package names them.
    holidays: tuple[str, ...] = documented(
        (
            "New Year's Day",
            "Chinese New Year (Spring Festival)",
            "Tomb-Sweeping Day",
            "Labor Day",
            "Dragon Boat Festival",
            "Mid-Autumn Festival",
            "National Day",
        ),
        seed="003",
        passage="國家法定假日期間向客戶表達節",
    )
    birthday: bool = documented(True, seed="000", passage="生日时送上充满祝福的贺卡")
    important_dates: bool = documented(True, seed="004", passage="客戶紀念日發送簡訊祝福")
    gift_for_key_customers: bool = documented(True, seed="003", passage="贈送帶有公司特點的小禮品")
    #: P22: who gets a small gift with the holiday greeting — ``all`` customers, ``key``
    #: customers only, or ``none``. Key customers are called, the others get the gift
    #: with a message (``reward = "gift"``: staff send or hand it over).
    holiday_gifts: str = attrs.field(
        default="all",
        validator=choice("all", "key", "none"),
        metadata={
            "provenance": {
                "source": "documents",
                "seed": "003",
                "passage": "(7)國家法定假日期間向客戶表達節(jié)日的祝福并贈送帶有公司特點的小禮品。",
            }
        },
    )


def _not_negative_days(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if isinstance(value, bool) or value < 0:
        raise PlaybookError(attribute.name, "must not be negative")


@attrs.frozen(kw_only=True)
class Occasion:
    """P22/P32: a day of the year the shop reaches a group of customers.

    ``dates`` are ``MM-DD`` days each year (none: the occasion is off);
    ``audience`` is ``old`` (P13), ``key`` (P17) or ``all`` customers;
    ``personal``: a staff member calls or visits with an invitation, else an
    automated message; the touch is due ``days_ahead`` before the date.
    """

    dates: tuple[str, ...] = attrs.field(validator=month_days)
    audience: str = attrs.field(validator=choice("old", "key", "all"))
    personal: bool
    days_ahead: int = attrs.field(validator=_not_negative_days)


@attrs.frozen
class OccasionRules:
    """P22/P32: the new brochure, the yearly customer conference and the award event.

    What each is and who it reaches is the documents'; the days are ours (no
    document dates them): a brochure at the start of each season (seed 002:
    每季的新品画册), the conference and the award event near the year's end.
    """

    brochure: Occasion = attrs.field(
        factory=lambda: Occasion(
            dates=("03-01", "06-01", "09-01", "12-01"), audience="old", personal=False, days_ahead=0
        ),
        metadata={
            "provenance": {
                "source": "documents",
                "seed": "000",
                "passage": "为顾客送去最新的商品宣传册",
            }
        },
    )
    conference: Occasion = attrs.field(
        factory=lambda: Occasion(dates=("11-20",), audience="key", personal=True, days_ahead=30),
        metadata={
            "provenance": {
                "source": "documents",
                "seed": "003",
                "passage": "(6)每年召開一次客戶服務會議,邀請代表客戶參觀本企業(yè),增強客戶對本企業(yè)的了解。",
            }
        },
    )
    award_event: Occasion = attrs.field(
        factory=lambda: Occasion(dates=("12-18",), audience="key", personal=True, days_ahead=21),
        metadata={
            "provenance": {
                "source": "documents",
                "seed": "003",
                "passage": "(5)邀請重要客戶參加公司舉辦的優(yōu)秀客戶服務人員獎勵會,并根據情況請客戶頒獎。",
            }
        },
    )

    def items(self) -> tuple[tuple[str, Occasion], ...]:
        """Each occasion with its name (the touch's reference and template)."""
        return (("brochure", self.brochure), ("conference", self.conference), ("award_event", self.award_event))


@attrs.frozen
class RotationRules:
    """P23: every customer is visited within the cycle of their tier; P26 thanks."""

    cycle_days_a: int = assumed(
        30, why="seed 003 sets a rotation (巡回訪問) without periods; monthly for A", validator=positive
    )
    cycle_days_b: int = assumed(90, why="seed 003 sets a rotation without periods; quarterly for B", validator=positive)
    cycle_days_c: int = assumed(
        180, why="seed 003 sets a rotation without periods; half-yearly for C", validator=positive
    )
    #: Rotation visits one staff member (or the unassigned pool) takes per day.
    daily_capacity: int = assumed(8, why="no capacity in the documents; a working day of calls", validator=positive)
    #: P26: tier A customers get a thank-you call this often.
    thank_you_every_days: int = assumed(
        90, why="seed 004 thanks the most valuable customers (表示感謝) without a period; quarterly", validator=positive
    )

    def cycle_for(self, tier: AbcLabel) -> int:
        """The rotation cycle in days for a tier."""
        return {AbcLabel.A: self.cycle_days_a, AbcLabel.B: self.cycle_days_b}.get(tier, self.cycle_days_c)


@attrs.frozen
class LostRules:
    """P27/P34: silence measured against the customer's own buying rhythm.

    The rhythm is the average gap between purchases. Past ``repeat_factor``
    rhythms an old customer is asked for repeat business (P34); past
    ``lost_factor`` rhythms, and never sooner than ``floor_days``, the
    customer counts as lost and gets an interview (P27).
    """

    repeat_factor: Decimal = assumed(
        Decimal("1.0"), why="seed 003 asks for repeat business without a moment; one rhythm"
    )
    lost_factor: Decimal = assumed(
        Decimal("2.0"), why="seeds 002/004 notice lost customers without a rule; two rhythms"
    )
    floor_days: int = assumed(90, why="no floor in the documents; a quarter", validator=positive)
    #: Customers with a single purchase have no rhythm: lost after this many days.
    single_purchase_days: int = assumed(180, why="no rule in the documents; half a year", validator=positive)

    def __attrs_post_init__(self) -> None:
        if not Decimal(0) < self.repeat_factor < self.lost_factor:
            raise PlaybookError("repeat_factor", "must be above 0 and below lost_factor")

    def lost_after(self, *, sales: int, first: date, last: date) -> Decimal:
        """Days of silence after the last purchase (dates in the shop's zone) that make a customer lost."""
        if sales >= 2:
            rhythm = Decimal((last - first).days) / Decimal(sales - 1)
            return max(Decimal(self.floor_days), self.lost_factor * rhythm)
        return Decimal(self.single_purchase_days)

    def shortest_lost_after(self) -> int:
        """The fewest days of silence that can make anyone lost: a lower bound for a storage query."""
        return min(self.floor_days, self.single_purchase_days)


@attrs.frozen
class ContactRules:
    """P24/P04: how touches reach people: channels, quiet hours, caps, retries."""

    #: P24 (seed 002: (三)成立会员俱乐部): the members' club is a channel staff use too.
    staff_channels: tuple[str, ...] = documented(
        ("phone", "messaging", "in_person", "club"),
        seed="002",
        passage="(一)电话沟通 (二)定期的短信沟通 (三)成立会员俱乐部",
    )
    automated_channels: tuple[str, ...] = documented(
        ("sms", "messaging", "email"), seed="003", passage="客戶量大的話可以通過郵件群發"
    )
    quiet_from_hour: int = assumed(21, why="the documents give no quiet hours; evenings", validator=_hour)
    quiet_until_hour: int = assumed(9, why="the documents give no quiet hours; mornings", validator=_hour)
    #: At most this many automated messages per customer within ``cap_window_days``.
    cap_per_window: int = assumed(
        2, why="seed 003 warns against flooding without a cap; two a week", validator=positive
    )
    cap_window_days: int = assumed(
        7, why="seed 003 warns against flooding without a cap; two a week", validator=positive
    )
    no_answer_retries: int = assumed(
        2, why="seed 000 keeps calling without a count for unanswered calls", validator=_not_negative
    )
    retry_after_days: int = assumed(1, why="no retry delay in the documents; the next day", validator=positive)
    #: P24 (seed 003: 客戶量小的話可以很簡單打電話跟進客戶就行; 客戶量大的話可以通過
    #: 郵件群發或者是短信群發): an audience of at most this many customers is
    #: phoned, a larger one gets bulk messages. The documents give no number;
    #: 8, one staff member's day of rotation visits, is an assumption (0: never phone).
    call_audience_up_to: int = assumed(
        8,
        why="seed 003 says few customers are phoned but gives no number; one day of rotation visits",
        validator=_not_negative,
    )
    #: Sends of one automated message before it is dead-lettered (``care.touches.failed()``).
    send_attempts: int = assumed(5, why="delivery machinery, not in the documents", validator=positive)
    #: Backoff after the first failed send; it doubles per attempt up to ``send_backoff_max_seconds``,
    #: with up to a quarter more as jitter so failed touches do not retry in lockstep.
    send_backoff_seconds: int = assumed(60, why="delivery machinery, not in the documents", validator=positive)
    send_backoff_max_seconds: int = assumed(3600, why="delivery machinery, not in the documents", validator=positive)

    def quiet(self, hour: int) -> bool:
        """Whether ``hour`` (tenant time) is inside quiet hours (may wrap midnight)."""
        if self.quiet_from_hour == self.quiet_until_hour:
            return False
        if self.quiet_from_hour > self.quiet_until_hour:
            return hour >= self.quiet_from_hour or hour < self.quiet_until_hour
        return self.quiet_from_hour <= hour < self.quiet_until_hour


@attrs.frozen
class StaffRules:
    """P31: what staff figures hold a salesperson's month of visits against.

    Seed 003 counted 9 customer visits a salesperson a month and called it
    too few; it names no target, so the target is the shop's own choice.
    """

    #: A month with this many visits or fewer is flagged: the document's "too few".
    visits_too_few: int = attrs.field(
        default=9,
        validator=_not_negative,
        metadata={
            "provenance": {
                "source": "documents",
                "seed": "003",
                "passage": "總體計算銷售人員一個月拜訪的客戶量平均為9個",
            }
        },
    )
    #: The shop's own monthly visit target per salesperson; ``None``: only the document's floor.
    visits_target: int | None = attrs.field(
        default=None,
        metadata={
            "provenance": {
                "source": "assumption",
                "why": "the documents say 9 a month is too few but set no target; each shop sets its own",
            }
        },
    )

    @visits_target.validator
    def _check_target(self, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None and value <= self.visits_too_few:
            raise PlaybookError(attribute.name, "must be above visits_too_few")

    def too_few(self, visits: int) -> bool:
        """Whether a month's visits fall short: at or below the document's count, or below the target."""
        return visits <= self.visits_too_few or (self.visits_target is not None and visits < self.visits_target)


@attrs.frozen
class CadenceRules:
    """Section C of the procedures: every follow-up cadence (docs/cadences.md)."""

    after_purchase: AfterPurchaseRules = attrs.field(factory=AfterPurchaseRules)
    follow_up: FollowUpRules = attrs.field(factory=FollowUpRules)
    greetings: GreetingRules = attrs.field(factory=GreetingRules)
    rotation: RotationRules = attrs.field(factory=RotationRules)
    lost: LostRules = attrs.field(factory=LostRules)
    contact: ContactRules = attrs.field(factory=ContactRules)
    staff: StaffRules = attrs.field(factory=StaffRules)
    #: P22/P32: the brochure, the customer conference and the award event.
    occasions: OccasionRules = attrs.field(factory=OccasionRules)
    #: Tenant texts over the shipped ones: ``{locale: {template: {subject, body}}}``.
    templates: dict[str, dict[str, dict[str, str]]] = assumed(
        why="the tenant's own texts; none by default", factory=dict, hash=False
    )
