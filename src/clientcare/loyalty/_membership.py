"""Membership (P14, P15): levels and their lifecycle policy, and the member with
the members' club.

The lifecycle is a policy read from the playbook, not a hard-coded rule: the
qualifying measure (spend, points earned — never the current balance —, or
number of purchases) over a rolling or calendar window, a validity period,
and a downgrade strategy. The functions here decide; the member applies the
decision to itself; the service loads and stores.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs

from clientcare.errors import RuleViolation, ValidationError
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._checks import aware, clean_text
from clientcare.loyalty._events import (
    MembershipAnniversary,
    MembershipDowngraded,
    MembershipExpiring,
    MembershipInvited,
    MembershipJoined,
    MembershipRenewed,
    MembershipUpgraded,
)
from clientcare.playbook import MemberLevel, MembershipRules

__all__ = [
    "ClubEvent",
    "LevelChange",
    "Membership",
    "PartnerBenefit",
    "first_or_named",
    "level_named",
    "qualifying_level",
    "review_due",
    "review_target",
    "window_start",
]


# -- policy ------------------------------------------------------------------


def level_named(rules: MembershipRules, name: str | None) -> MemberLevel | None:
    """The level called ``name`` (None for no level), or a ValidationError."""
    if name is None:
        return None
    for level in rules.levels:
        if level.name == name:
            return level
    raise ValidationError("level", "not a level of the membership programme")


def first_or_named(rules: MembershipRules, name: str | None) -> MemberLevel:
    """The level called ``name``, or the programme's first level when None."""
    return level_named(rules, name) or rules.levels[0]


def _rank(rules: MembershipRules, name: str | None) -> int:
    """0 for no membership, 1 for the first level, and so on."""
    if name is None:
        return 0
    return next(i for i, level in enumerate(rules.levels, start=1) if level.name == name)


def qualifying_level(rules: MembershipRules, measure: Decimal, *, invited: bool = False) -> MemberLevel | None:
    """The highest level ``measure`` reaches (a positive measure is needed for any level);
    an invited customer reaches at least the highest level open by invitation."""
    best: MemberLevel | None = None
    for level in rules.levels:
        if (measure > 0 and measure >= level.threshold) or (invited and level.by_invitation):
            best = level
    return best


def window_start(now: datetime, rules: MembershipRules, zone: ZoneInfo) -> datetime:
    """Start of the qualifying window: ``window_days`` back, or 1 January this year."""
    if rules.window == "rolling":
        return now - timedelta(days=rules.window_days)
    local = now.astimezone(zone)
    return datetime.combine(date(local.year, 1, 1), time(0), tzinfo=zone)


def _add_months(moment: datetime, months: int) -> datetime:
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _anniversary_on_or_after(joined: datetime, moment: datetime) -> datetime:
    years = max(0, moment.year - joined.year)
    candidate = _add_months(joined, 12 * years)
    while candidate < moment:
        years += 1
        candidate = _add_months(joined, 12 * years)
    return candidate


def _fixed_date_on_or_after(dates: Sequence[str], moment: datetime, zone: ZoneInfo) -> datetime:
    local = moment.astimezone(zone)
    candidates = []
    for year in (local.year, local.year + 1):
        for item in dates:
            month, day = (int(x) for x in item.split("-"))
            day = min(day, calendar.monthrange(year, month)[1])
            candidates.append(datetime.combine(date(year, month, day), time(0), tzinfo=zone))
    return min(c for c in candidates if c >= moment)


def review_due(membership: Membership, rules: MembershipRules, zone: ZoneInfo) -> datetime | None:
    """When the member's level is next judged (None: never, or not a member).

    ``at_review``: validity end plus grace; ``anniversary``: the first joining
    anniversary at or after the validity end, plus grace; ``fixed_dates``: the
    first fixed date at or after the validity end, plus grace;
    ``months_after_promotion``: N months after the last promotion, plus grace.
    """
    if membership.level is None or membership.valid_until is None or rules.downgrade == "never":
        return None
    grace = timedelta(days=rules.grace_days)
    if rules.downgrade == "at_review":
        return membership.valid_until + grace
    if rules.downgrade == "anniversary":
        joined = membership.joined_at or membership.valid_until
        return _anniversary_on_or_after(joined, membership.valid_until) + grace
    if rules.downgrade == "fixed_dates":
        return _fixed_date_on_or_after(rules.fixed_dates, membership.valid_until, zone) + grace
    promoted = membership.promoted_at or membership.valid_until
    return _add_months(promoted, rules.months_after_promotion) + grace


def review_target(membership: Membership, qualified: MemberLevel | None, rules: MembershipRules) -> str | None:
    """The level after a due review: kept if still qualified, else one step down or
    recalculated (None: the membership lapses)."""
    current = _rank(rules, membership.level)
    earned = _rank(rules, qualified.name if qualified else None)
    if earned >= current:
        return membership.level
    if rules.downgrade_step == "recalculate":
        return qualified.name if qualified else None
    return rules.levels[current - 2].name if current >= 2 else None


# -- the member --------------------------------------------------------------


@attrs.frozen(kw_only=True)
class LevelChange:
    """P14: one level change and why (``after`` None: the membership lapsed)."""

    at: datetime
    before: str | None
    after: str | None
    reason: str


@attrs.frozen(kw_only=True)
class ClubEvent:
    """P15: a salon or event of the members' club the member attended."""

    name: str
    at: datetime


@attrs.frozen(kw_only=True)
class PartnerBenefit:
    """P15: a benefit from a partner business (a spa, a mall) given to the member."""

    partner: str
    benefit: str
    at: datetime


@attrs.define(eq=False, kw_only=True)
class Membership(Aggregate):
    """P14/P15: a customer's membership (id = customer id), kept with its history."""

    level: str | None = None
    joined_at: datetime | None = None
    promoted_at: datetime | None = None
    valid_until: datetime | None = None
    invited_at: datetime | None = None
    history: tuple[LevelChange, ...] = ()
    club_joined_at: datetime | None = None
    events_attended: tuple[ClubEvent, ...] = ()
    partner_benefits: tuple[PartnerBenefit, ...] = ()
    reminded_for: datetime | None = None  # the validity end an expiry reminder was raised for
    birthday_treat_year: int | None = None
    greeted_year: int | None = None  # the year a joining-anniversary greeting was raised for

    @classmethod
    def start(cls, *, tenant: str, customer_id: str) -> Membership:
        """A customer not (yet) a member."""
        return cls(id=customer_id, tenant=tenant)

    @property
    def customer_id(self) -> str:
        """The member."""
        return self.id

    @property
    def active(self) -> bool:
        """A member with a level (a validity past its end still counts until the review)."""
        return self.level is not None

    def invite(self, *, by: str, at: datetime) -> None:
        """P14: invite the customer to join."""
        if self.level is not None:
            raise RuleViolation("membership.invite", "already a member")
        self.invited_at = aware(at, "at")
        self.record(MembershipInvited(tenant=self.tenant, occurred_at=at, customer_id=self.id, by=by))

    def move(self, level: str | None, *, at: datetime, rules: MembershipRules, reason: str) -> None:
        """Set the level (join, upgrade, downgrade or lapse), keeping the change and its reason."""
        level_named(rules, level)
        before = self.level
        if level == before:
            return
        up = _rank(rules, level) > _rank(rules, before)
        self.level = level
        self.history = (*self.history, LevelChange(at=at, before=before, after=level, reason=reason))
        valid_until = None if level is None else at + timedelta(days=rules.validity_days)
        self.valid_until = valid_until
        if up:
            self.promoted_at = at
        if before is None and level is not None and valid_until is not None:
            self.joined_at = self.joined_at or at
            self.record(
                MembershipJoined(
                    tenant=self.tenant, occurred_at=at, customer_id=self.id, level=level, valid_until=valid_until
                )
            )
        elif up and before is not None and level is not None:
            self.record(
                MembershipUpgraded(
                    tenant=self.tenant, occurred_at=at, customer_id=self.id, before=before, after=level, reason=reason
                )
            )
        elif before is not None:
            self.record(
                MembershipDowngraded(
                    tenant=self.tenant, occurred_at=at, customer_id=self.id, before=before, after=level, reason=reason
                )
            )

    def enrol(self, level: MemberLevel, *, at: datetime, rules: MembershipRules, reason: str) -> None:
        """P14: an existing customer joins at ``level`` (staff or a bulk enrolment)."""
        if self.level is not None:
            raise RuleViolation("membership.enrol", "already a member")
        self.move(level.name, at=at, rules=rules, reason=reason)

    def accept_invitation(self, qualified: MemberLevel | None, *, at: datetime, rules: MembershipRules) -> str:
        """P14: the invited customer joins at ``qualified`` (the highest level open by
        invitation, or higher if their measure reaches it); returns the level."""
        if self.invited_at is None:
            raise RuleViolation("membership.invitation", "the customer was not invited")
        if qualified is None:
            raise RuleViolation("membership.invitation", "no level is open by invitation")
        self.move(qualified.name, at=at, rules=rules, reason="joined: accepted an invitation")
        return qualified.name

    def review(
        self, qualified: MemberLevel | None, *, at: datetime, rules: MembershipRules, why: str
    ) -> LevelChange | None:
        """P14: a due review — renewed when the level's rule is met again, else one step
        down or recalculated (``review_target``); returns the change, if any."""
        target = review_target(self, qualified, rules)
        if target == self.level:
            self.renew(at=at, rules=rules)
            return None
        self.move(target, at=at, rules=rules, reason=why)
        return self.history[-1]

    def renew(self, *, at: datetime, rules: MembershipRules) -> None:
        """The level's rule was met again: valid for another period from ``at``."""
        if self.level is None:
            raise RuleViolation("membership.renew", "not a member")
        self.valid_until = at + timedelta(days=rules.validity_days)
        self.record(
            MembershipRenewed(
                tenant=self.tenant, occurred_at=at, customer_id=self.id, level=self.level, valid_until=self.valid_until
            )
        )

    def after_sale(self, qualified: MemberLevel | None, *, at: datetime, rules: MembershipRules) -> None:
        """Judge the level on spend before the sale plus the sale: up at once, renewed when
        the card is near its end, never down (downgrades wait for the review)."""
        target = qualified.name if qualified else None
        if _rank(rules, target) > _rank(rules, self.level):
            reason = "joined: qualified at a sale" if self.level is None else "upgraded: qualified at a sale"
            self.move(target, at=at, rules=rules, reason=reason)
        elif (
            self.level is not None
            and target == self.level
            and self.valid_until is not None
            and at >= self.valid_until - timedelta(days=rules.first_reminder_days)
        ):
            self.renew(at=at, rules=rules)

    def remind_expiry(self, now: datetime, rules: MembershipRules) -> bool:
        """P14/P22: raise MembershipExpiring once per validity end, the first of ``expiry_reminder_days`` ahead."""
        if self.level is None or self.valid_until is None or self.reminded_for == self.valid_until:
            return False
        if not self.valid_until - timedelta(days=rules.first_reminder_days) <= now < self.valid_until:
            return False
        self.reminded_for = self.valid_until
        self.record(
            MembershipExpiring(
                tenant=self.tenant, occurred_at=now, customer_id=self.id, level=self.level, valid_until=self.valid_until
            )
        )
        return True

    def greet_anniversary(self, now: datetime, zone: ZoneInfo) -> bool:
        """P15: raise MembershipAnniversary once a year, on or after the joining day."""
        if self.level is None or self.joined_at is None:
            return False
        today = now.astimezone(zone).date()
        joined = self.joined_at.astimezone(zone).date()
        years = today.year - joined.year
        day = min(joined.day, calendar.monthrange(today.year, joined.month)[1])
        if years < 1 or today < date(today.year, joined.month, day) or self.greeted_year == today.year:
            return False
        self.greeted_year = today.year
        self.record(MembershipAnniversary(tenant=self.tenant, occurred_at=now, customer_id=self.id, years=years))
        return True

    def treat_taken(self, year: int) -> bool:
        """P15: whether the birthday treat was taken in ``year`` (tenant time)."""
        return self.birthday_treat_year == year

    def take_birthday_treat(self, year: int) -> None:
        """P15: a sale in the birthday month took the year's treat (once a year)."""
        self.birthday_treat_year = year

    # -- P15 -------------------------------------------------------------------
    def join_club(self, *, at: datetime) -> None:
        """P15: the member joins the members' club."""
        if self.level is None:
            raise RuleViolation("membership.club", "only members join the club")
        self.club_joined_at = self.club_joined_at or aware(at, "at")

    def attend(self, name: str, *, at: datetime) -> ClubEvent:
        """P15: the member came to a salon or event."""
        event = ClubEvent(name=clean_text(name, "event", limit=200), at=aware(at, "at"))
        self.events_attended = (*self.events_attended, event)
        return event

    def grant_partner_benefit(self, partner: str, benefit: str, *, at: datetime) -> PartnerBenefit:
        """P15: a partner business's benefit given to the member."""
        if self.level is None:
            raise RuleViolation("membership.partner", "partner benefits are for members")
        item = PartnerBenefit(
            partner=clean_text(partner, "partner", limit=100),
            benefit=clean_text(benefit, "benefit", limit=200),
            at=aware(at, "at"),
        )
        self.partner_benefits = (*self.partner_benefits, item)
        return item
