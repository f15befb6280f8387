"""P52: price objections — old customers told apart from new, and a quote from cost, volume and potential.

Seed 003: 新客戶和老客戶提出的價格高存在本質上的區別 (a price objection
from an old customer is another thing than one from a new customer); check
the market, a competitor's quote and after-sales problems; no big cut;
先清楚市場的價格,然后核算所有的成本等,針對客戶的量和潛力再具體報價 (know the
market price, cost everything, then quote for the customer's volume and
potential). The numbers are the playbook's (``complaints.quote_*``), marked
as assumptions: the document gives none.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import attrs

from clientcare.kernel._values import Money
from clientcare.playbook import AbcLabel, ComplaintRules, SegmentRules

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = ["PriceQuote", "customer_standing", "quote_price"]

_STEP_UP = {AbcLabel.C: AbcLabel.B, AbcLabel.B: AbcLabel.A, AbcLabel.A: AbcLabel.A}


@attrs.frozen(kw_only=True)
class PriceQuote:
    """P52: the price quoted to a customer who says the price is high, and how it was reached.

    ``floor`` is the full unit cost plus ``complaints.quote_min_margin``;
    ``allowance`` the share off the price that the customer's volume (their
    tier, by purchase amount) and potential earn, as a share of
    ``complaints.price_concession_cap`` — an old customer's only: a new
    customer's price objection earns no volume allowance. ``base`` is the
    current price, or the market price where the market really fell.
    ``needs_approval`` when the quote is further below the price than the cap
    ("no big cut"): the market fell more than the cap allows alone.
    """

    complaint_id: str
    old_customer: bool
    tier: AbcLabel | None
    potential: bool
    list_price: Money
    market_price: Money | None
    unit_cost: Money
    floor: Money
    allowance: Decimal
    price: Money
    concession_share: Decimal
    needs_approval: bool


def customer_standing(
    uow: UnitOfWork, customer_id: str | None, *, rules: SegmentRules, currency: str
) -> tuple[bool, AbcLabel | None]:
    """P13/P10: whether the customer is old (the playbook's one rule) and their tier (volume)."""
    if customer_id is None:
        return False, None
    customer = uow.customers.get(customer_id)
    figures = uow.purchases.figures(customer_id, currency)
    old = rules.is_old(
        sales=figures.purchase_count,
        referrals=len(uow.referrals.by_referrer(customer_id)),
        poor_relationship=rules.poor_relationship_tag in customer.tags,
    )
    return old, uow.tiers.label_of(customer_id)


def quote_price(
    *,
    complaint_id: str,
    list_price: Money,
    unit_cost: Money,
    market_price: Money | None,
    old_customer: bool,
    tier: AbcLabel | None,
    potential: bool,
    rules: ComplaintRules,
) -> PriceQuote:
    """The quote: never below cost plus margin, the volume allowance for old customers only."""
    cent = Decimal("0.01")
    floor = (unit_cost.amount * (1 + rules.quote_min_margin)).quantize(cent, ROUND_HALF_UP)
    base = list_price.amount if market_price is None else min(list_price.amount, market_price.amount)
    volume = _STEP_UP[tier] if potential and tier is not None else tier
    share = rules.quote_allowance_by_tier.get(str(volume), Decimal(0)) if old_customer and volume else Decimal(0)
    allowance = rules.price_concession_cap * share
    price = max(floor, (base * (1 - allowance)).quantize(cent, ROUND_HALF_UP))
    concession = max(Decimal(0), (list_price.amount - price) / list_price.amount).quantize(Decimal("0.0001"))
    return PriceQuote(
        complaint_id=complaint_id,
        old_customer=old_customer,
        tier=tier,
        potential=potential,
        list_price=list_price,
        market_price=market_price,
        unit_cost=unit_cost,
        floor=Money.of(floor, list_price.currency),
        allowance=allowance,
        price=Money.of(price, list_price.currency),
        concession_share=concession,
        needs_approval=concession > rules.price_concession_cap,
    )
