"""Segmentation (P10–P13, P17): ABC by spend, attitude segments, new/returning/
old customers, the serialisation degree and key accounts.

Everything here is pure: the functions take figures and return labels. The
repositories feed them (the memory adapter) or compute the same in SQL (the
SQL adapter), and the reference functions here are what both must agree with.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._checks import aware, clean_text
from clientcare.kernel._values import new_id
from clientcare.loyalty._events import AttitudeOverridden, TierDowngraded, TiersRecomputed, TierUpgraded
from clientcare.playbook import AbcLabel, AbcRules, SegmentRules
from clientcare.purchases._model import Purchase, PurchaseKind

__all__ = [
    "AbcLabel",
    "Attitude",
    "AttitudeFacts",
    "AttitudeOverride",
    "CustomerTier",
    "Priority",
    "SerialisationFigure",
    "Stage",
    "TierChange",
    "TierRun",
    "abc_labels",
    "attitude_facts_from",
    "attitude_of",
    "diff_labels",
    "priority_of",
    "serialisation",
    "spend_by_customer",
    "stage_of",
]


_RANK = {AbcLabel.A: 3, AbcLabel.B: 2, AbcLabel.C: 1}


def spend_by_customer(purchases: Iterable[Purchase], start: datetime, end: datetime) -> dict[str, Decimal]:
    """Net spend (sales minus returns) per customer for purchases in ``(start, end]``.

    The period ends at ``end`` inclusive, so a sale recorded at the moment of
    the run counts.

    Walk-in purchases (no customer) are left out. This is the reference the
    SQL adapter's ``SUM(amount) … GROUP BY customer_id`` must match.
    """
    result: dict[str, Decimal] = {}
    for purchase in purchases:
        if purchase.customer_id is None or not start < purchase.occurred_at <= end:
            continue
        result[purchase.customer_id] = result.get(purchase.customer_id, Decimal(0)) + purchase.amount.amount
    return result


def abc_labels(spend: Mapping[str, Decimal], rules: AbcRules) -> dict[str, AbcLabel]:
    """P10: the ABC label of every customer in ``spend`` (include zero spenders).

    Customers are ranked by spend, highest first. By share of spend, a
    customer is A while the spend of everyone strictly ahead of them is below
    ``a_spend_share`` of the total (so the customer who crosses 80% is still
    A), B while it is below ``a + b``, C after. By share of customers the same
    with head counts. Equal spend always gets the same label (ties are judged
    by the spend strictly ahead, never by id), and a customer with no positive
    spend is C whatever the cut-offs say.
    """
    positive = {cid: amount for cid, amount in spend.items() if amount > 0}
    labels = {cid: AbcLabel.C for cid in spend}
    if not positive:
        return labels
    by_spend = sorted(set(positive.values()), reverse=True)
    if rules.basis == "spend":
        total = sum(positive.values(), Decimal(0))
        a_cut, b_cut = rules.a_spend_share * total, (rules.a_spend_share + rules.b_spend_share) * total
    else:
        population = Decimal(len(spend))
        a_cut = rules.a_customer_share * population
        b_cut = (rules.a_customer_share + rules.b_customer_share) * population
    groups: dict[Decimal, list[str]] = {}
    for cid, amount in positive.items():
        groups.setdefault(amount, []).append(cid)
    ahead = Decimal(0)
    for amount in by_spend:
        members = groups[amount]
        label = AbcLabel.A if ahead < a_cut else AbcLabel.B if ahead < b_cut else AbcLabel.C
        for cid in members:
            labels[cid] = label
        ahead += amount * len(members) if rules.basis == "spend" else Decimal(len(members))
    return labels


@attrs.frozen(kw_only=True)
class TierChange:
    """P10: one customer's ABC label changed (``before`` None on the first run)."""

    customer_id: str
    before: AbcLabel | None
    after: AbcLabel
    at: datetime

    @property
    def upgrade(self) -> bool:
        """Whether the customer moved up (C to B, B to A)."""
        return self.before is not None and _RANK[self.after] > _RANK[self.before]

    @property
    def downgrade(self) -> bool:
        """Whether the customer moved down."""
        return self.before is not None and _RANK[self.after] < _RANK[self.before]


def diff_labels(current: Mapping[str, AbcLabel], new: Mapping[str, AbcLabel], at: datetime) -> list[TierChange]:
    """The changes that turn ``current`` into ``new``, by customer id."""
    return [
        TierChange(customer_id=cid, before=current.get(cid), after=label, at=at)
        for cid, label in sorted(new.items())
        if current.get(cid) != label
    ]


@attrs.define(eq=False, kw_only=True)
class CustomerTier(Aggregate):
    """P10: a customer's current ABC label and its history (id = customer id)."""

    label: AbcLabel
    since: datetime
    history: tuple[TierChange, ...] = ()

    @classmethod
    def first(cls, *, tenant: str, change: TierChange) -> CustomerTier:
        """The label from a customer's first recomputation."""
        return cls(id=change.customer_id, tenant=tenant, label=change.after, since=change.at, history=(change,))

    def apply(self, change: TierChange) -> None:
        """Move to the new label, keeping the change as history."""
        self.label = change.after
        self.since = change.at
        self.history = (*self.history, change)


@attrs.frozen(kw_only=True)
class SerialisationFigure:
    """P12: the share of loyal and A customers among active ones, for a scope."""

    scope: str  # "tenant" or a store id
    active: int
    loyal: int
    a: int
    loyal_or_a: int

    @property
    def degree(self) -> Decimal:
        """Loyal-or-A customers over active customers (0 when nobody was active)."""
        if self.active == 0:
            return Decimal(0)
        return (Decimal(self.loyal_or_a) / Decimal(self.active)).quantize(Decimal("0.0001"))


@attrs.define(eq=False, kw_only=True)
class TierRun(Aggregate):
    """P10/P12: one recomputation of the tiers, kept to show the figures over time."""

    at: datetime
    period_start: datetime
    period_end: datetime
    counts: tuple[int, int, int]  # A, B, C
    changed: int
    figures: tuple[SerialisationFigure, ...] = ()

    @classmethod
    def finish(
        cls,
        *,
        tenant: str,
        at: datetime,
        period_start: datetime,
        period_end: datetime,
        labels: Mapping[str, AbcLabel],
        changes: Iterable[TierChange],
        figures: Iterable[SerialisationFigure],
    ) -> TierRun:
        """Record the run and raise an event for every upgrade and downgrade."""
        changes = list(changes)
        counted = [sum(1 for v in labels.values() if v is label) for label in AbcLabel]
        run = cls(
            id=new_id(),
            tenant=tenant,
            at=at,
            period_start=period_start,
            period_end=period_end,
            counts=(counted[0], counted[1], counted[2]),
            changed=len(changes),
            figures=tuple(figures),
        )
        for change in changes:
            # The first label is no move, so it raises no event (a first run over
            # 100k customers would otherwise flood the outbox).
            if change.before is None:
                continue
            kind = TierUpgraded if change.upgrade else TierDowngraded
            run.record(
                kind(
                    tenant=tenant,
                    occurred_at=at,
                    customer_id=change.customer_id,
                    before=change.before,
                    after=change.after,
                )
            )
        run.record(
            TiersRecomputed(
                tenant=tenant,
                occurred_at=at,
                run_id=run.id,
                a=run.counts[0],
                b=run.counts[1],
                c=run.counts[2],
                changed=run.changed,
                serialisation_degree=run.degree,
            )
        )
        return run

    @property
    def degree(self) -> Decimal:
        """The tenant-wide serialisation degree of this run."""
        for figure in self.figures:
            if figure.scope == "tenant":
                return figure.degree
        return Decimal(0)


# -- attitude (P11) ----------------------------------------------------------


class Attitude(enum.StrEnum):
    """P11: how a customer relates to the brand."""

    LOYAL = "loyal"
    EARLY_ADOPTER = "early_adopter"  # a loyal customer who buys new products first
    SWITCHER = "switcher"
    NO_LOYALTY = "no_loyalty"

    @property
    def loyal(self) -> bool:
        """Loyal customers and early adopters are the ones to cultivate."""
        return self in (Attitude.LOYAL, Attitude.EARLY_ADOPTER)


@attrs.frozen(kw_only=True)
class AttitudeFacts:
    """What the deal archive says about one customer, as the attitude rules need it."""

    customer_id: str
    store_id: str | None = None
    sales_in_window: int = 0
    sales_ever: int = 0
    last_sale_at: datetime | None = None
    spend_in_window: Decimal = Decimal(0)
    discounted_spend_in_window: Decimal = Decimal(0)
    early_adoptions: int = 0  # new styles bought within early_adopter_days of their launch
    competitor: bool = False  # tagged as buying from a competitor


@attrs.define
class _Tally:
    sales_ever: int = 0
    sales_in_window: int = 0
    last_sale_at: datetime | None = None
    spend: Decimal = Decimal(0)
    discounted: Decimal = Decimal(0)
    adopted: set[str] = attrs.field(factory=set)


def _launches(rows: Sequence[Purchase], rules: SegmentRules) -> tuple[dict[str, datetime], set[str]]:
    """Each style's launch (its first sale) and the styles that are new: launched
    more than ``early_adopter_days`` after the archive's first sale."""
    launched: dict[str, datetime] = {}
    for purchase in rows:
        if purchase.kind is PurchaseKind.SALE:
            for line in purchase.lines:
                launched.setdefault(line.style_no, purchase.occurred_at)
    early = timedelta(days=rules.early_adopter_days)
    opened = min(launched.values(), default=None)
    fresh = {style for style, at in launched.items() if opened is not None and at - opened > early}
    return launched, fresh


def attitude_facts_from(
    purchases: Iterable[Purchase],
    *,
    start: datetime,
    end: datetime,
    rules: SegmentRules,
    stores: Mapping[str, str | None] | None = None,
    competitors: Iterable[str] = (),
) -> dict[str, AttitudeFacts]:
    """Reference computation of every customer's facts from raw purchases.

    ``stores`` maps customer id to home store (and names every customer to
    include even without purchases); ``competitors`` lists customers tagged
    as buying elsewhere. A style's launch is its first sale in the tenant; a
    style is *new* when it launched more than ``early_adopter_days`` after the
    archive's first sale (the range on sale when the archive began is not
    new). Returns count as spend (negative) but not as sales.
    """
    rows = sorted(purchases, key=lambda p: (p.occurred_at, p.id))
    launched, fresh = _launches(rows, rules)
    early = timedelta(days=rules.early_adopter_days)
    store_of = dict(stores or {})
    tallies: dict[str, _Tally] = {cid: _Tally() for cid in store_of}
    for purchase in rows:
        cid = purchase.customer_id
        if cid is None:
            continue
        tally = tallies.setdefault(cid, _Tally())
        in_window = start < purchase.occurred_at <= end
        if in_window:
            tally.spend += purchase.amount.amount
            off = sum((ln.total.amount for ln in purchase.lines if not ln.full_price), Decimal(0))
            tally.discounted += off if purchase.kind is PurchaseKind.SALE else -off
        if purchase.kind is not PurchaseKind.SALE:
            continue
        tally.sales_ever += 1
        tally.last_sale_at = purchase.occurred_at
        tally.sales_in_window += in_window
        tally.adopted.update(
            line.style_no
            for line in purchase.lines
            if line.style_no in fresh and purchase.occurred_at - launched[line.style_no] <= early
        )
    rivals = set(competitors)
    return {
        cid: AttitudeFacts(
            customer_id=cid,
            store_id=store_of.get(cid),
            sales_in_window=t.sales_in_window,
            sales_ever=t.sales_ever,
            last_sale_at=t.last_sale_at,
            spend_in_window=t.spend,
            discounted_spend_in_window=t.discounted,
            early_adoptions=len(t.adopted),
            competitor=cid in rivals,
        )
        for cid, t in tallies.items()
    }


def attitude_of(facts: AttitudeFacts, *, now: datetime, rules: SegmentRules) -> Attitude:
    """P11: the attitude segment by rule (documented in docs/tiers.md), first match wins.

    1. switcher: tagged as buying from a competitor, or bought at least twice
       but not within ``switcher_lapse_days``;
    2. no loyalty: more than ``discount_share`` of the window's spend was on
       discounted goods (buys the offer, not the brand);
    3. early adopter: loyal by 4. and bought a new style within
       ``early_adopter_days`` of its launch;
    4. loyal: at least ``loyal_min_purchases`` sales in the window and the
       last within ``loyal_recency_days``;
    5. otherwise no loyalty (yet).
    """
    lapsed = facts.last_sale_at is None or now - facts.last_sale_at > timedelta(days=rules.switcher_lapse_days)
    if facts.competitor or (facts.sales_ever >= 2 and lapsed):
        return Attitude.SWITCHER
    if facts.spend_in_window > 0 and facts.discounted_spend_in_window > rules.discount_share * facts.spend_in_window:
        return Attitude.NO_LOYALTY
    recent = facts.last_sale_at is not None and now - facts.last_sale_at <= timedelta(days=rules.loyal_recency_days)
    if facts.sales_in_window >= rules.loyal_min_purchases and recent:
        return Attitude.EARLY_ADOPTER if facts.early_adoptions > 0 else Attitude.LOYAL
    return Attitude.NO_LOYALTY


@attrs.define(eq=False, kw_only=True)
class AttitudeOverride(Aggregate):
    """P11: staff know better than the rule; kept until lifted (id = customer id)."""

    segment: Attitude | None
    reason: str | None = attrs.field(default=None, repr=False)
    by: str | None = None
    at: datetime | None = None
    history: tuple[tuple[datetime, str, str | None], ...] = ()  # (when, by, segment)

    @classmethod
    def set(
        cls, *, tenant: str, customer_id: str, segment: Attitude, reason: str, by: str, at: datetime
    ) -> AttitudeOverride:
        """A first override for a customer."""
        override = cls(id=customer_id, tenant=tenant, segment=None)
        override.change(segment, reason=reason, by=by, at=at)
        return override

    def change(self, segment: Attitude | None, *, reason: str, by: str, at: datetime) -> None:
        """Set another segment, or lift the override with ``None``; a reason is required."""
        self.segment = segment
        self.reason = clean_text(reason, "reason", limit=500)
        self.by = clean_text(by, "by", limit=64)
        self.at = aware(at, "at")
        self.history = (*self.history, (at, self.by, segment.value if segment else None))
        self.record(
            AttitudeOverridden(
                tenant=self.tenant,
                occurred_at=at,
                customer_id=self.id,
                segment=segment.value if segment else None,
                by=self.by,
            )
        )


# -- new / returning / old (P13) and priority (P17, P33) ---------------------


class Stage(enum.StrEnum):
    """P13: how far the relationship has come."""

    NEW = "new"
    RETURNING = "returning"
    OLD = "old"


def stage_of(*, sales: int, referrals: int, poor_relationship: bool, rules: SegmentRules) -> Stage:
    """P13: old = has bought, good relationship, and has referred someone or keeps buying.

    "Keeps buying" is at least ``old_min_purchases`` sales; a customer tagged
    with ``poor_relationship_tag`` is never old. Returning = two sales or
    more; new = at most one.
    """
    if rules.is_old(sales=sales, referrals=referrals, poor_relationship=poor_relationship):
        return Stage.OLD
    if sales >= 2:
        return Stage.RETURNING
    return Stage.NEW


class Priority(enum.IntEnum):
    """P17/P33: queue priority, lower first: key accounts and referred leads lead."""

    KEY = 1
    HIGH = 2
    NORMAL = 3


def priority_of(*, key: bool, label: AbcLabel | None, referred_lead: bool) -> Priority:
    """Key accounts (hand-picked or A) and unconverted referred leads first, B next."""
    if key or label is AbcLabel.A or referred_lead:
        return Priority.KEY
    if label is AbcLabel.B:
        return Priority.HIGH
    return Priority.NORMAL


def serialisation(
    *,
    labels: Mapping[str, AbcLabel],
    attitudes: Mapping[str, Attitude],
    facts: Mapping[str, AttitudeFacts],
) -> list[SerialisationFigure]:
    """P12: the tenant's degree and each store's, over customers active in the window."""
    scopes: dict[str, list[int]] = {"tenant": [0, 0, 0, 0]}
    for cid, fact in facts.items():
        if fact.sales_in_window == 0:
            continue
        loyal = attitudes.get(cid, Attitude.NO_LOYALTY).loyal
        a = labels.get(cid) is AbcLabel.A
        keys = ["tenant"] + ([f"store:{fact.store_id}"] if fact.store_id else [])
        for key in keys:
            row = scopes.setdefault(key, [0, 0, 0, 0])
            row[0] += 1
            row[1] += loyal
            row[2] += a
            row[3] += loyal or a
    return [
        SerialisationFigure(scope=scope, active=r[0], loyal=r[1], a=r[2], loyal_or_a=r[3])
        for scope, r in sorted(scopes.items(), key=lambda item: (item[0] != "tenant", item[0]))
    ]
