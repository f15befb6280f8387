"""Benefits at the till (P14–P16): what a basket gets now and the points the sale
will earn. Pure: the membership service reads the member, this decides.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

import attrs

from clientcare.errors import ValidationError
from clientcare.kernel._values import Money
from clientcare.loyalty._points import points_for
from clientcare.playbook import BenefitRules, MemberLevel, Playbook
from clientcare.purchases._model import PurchaseLine

__all__ = ["BasketLine", "BenefitKind", "BenefitLine", "Benefits", "benefits_for"]


@attrs.frozen(kw_only=True)
class BasketLine:
    """A line of a basket at the till; ``category`` feeds the full-line bundle (P16)."""

    style_no: str
    unit_price: Money
    quantity: int = 1
    full_price: bool = True
    category: str | None = None

    @property
    def total(self) -> Money:
        """Unit price times quantity."""
        return self.unit_price * self.quantity

    @classmethod
    def of(cls, line: PurchaseLine, *, category: str | None = None) -> BasketLine:
        """A basket line from a purchase line."""
        return cls(
            style_no=line.style_no,
            unit_price=line.unit_price,
            quantity=line.quantity,
            full_price=line.full_price,
            category=category if category is not None else line.structure,
        )


class BenefitKind(enum.StrEnum):
    """What a benefit line is."""

    MEMBER_DISCOUNT = "member_discount"  # the level's discount on full-price goods (P14)
    FREQUENCY_REWARD = "frequency_reward"  # every Nth purchase (P16)
    BUNDLE_DISCOUNT = "bundle_discount"  # a basket covering the full line (P16)
    BIRTHDAY_TREAT = "birthday_treat"  # a gift in the birthday month, once a year (P15)


@attrs.frozen(kw_only=True)
class BenefitLine:
    """One benefit: a discount (negative ``amount``) or a treat (zero amount)."""

    kind: BenefitKind
    description: str
    amount: Money
    style_no: str | None = None


@attrs.frozen(kw_only=True)
class Benefits:
    """What applies to a basket now, and the points the sale will earn."""

    level: str | None
    lines: tuple[BenefitLine, ...]
    subtotal: Money
    discount: Money
    payable: Money
    points: int


def _off(amount: Money, share: Decimal) -> Money:
    return Money(-(amount.amount * share).quantize(Decimal("0.01"), ROUND_HALF_UP), amount.currency)


def _member_discounts(lines: Sequence[BasketLine], level: MemberLevel) -> list[BenefitLine]:
    if level.discount <= 0:
        return []
    return [
        BenefitLine(
            kind=BenefitKind.MEMBER_DISCOUNT,
            description=f"{level.name} {level.discount * 100:.0f}% off full price",
            amount=_off(line.total, level.discount),
            style_no=line.style_no,
        )
        for line in lines
        if line.full_price
    ]


def _frequency_reward(subtotal: Money, sales_so_far: int, rules: BenefitRules) -> list[BenefitLine]:
    if (sales_so_far + 1) % rules.frequency_every != 0 or rules.frequency_discount <= 0:
        return []
    description = f"purchase no. {sales_so_far + 1}"
    return [
        BenefitLine(
            kind=BenefitKind.FREQUENCY_REWARD, description=description, amount=_off(subtotal, rules.frequency_discount)
        )
    ]


def _bundle_discount(lines: Sequence[BasketLine], rules: BenefitRules, currency: str) -> list[BenefitLine]:
    wanted = set(rules.bundle_categories)
    if not wanted or not wanted <= {line.category for line in lines} or rules.bundle_discount <= 0:
        return []
    bundled = sum((line.total for line in lines if line.category in wanted), Money.zero(currency))
    amount = _off(bundled, rules.bundle_discount)
    return [BenefitLine(kind=BenefitKind.BUNDLE_DISCOUNT, description="full line", amount=amount)]


def benefits_for(
    basket: Iterable[BasketLine],
    *,
    level: MemberLevel | None,
    sales_so_far: int,
    birthday_month: bool,
    treat_taken: bool,
    playbook: Playbook,
) -> Benefits:
    """P14/P16: the benefits of a basket. Pure: nothing is written.

    Every discount is computed on the lines' full amounts (discounts do not
    compound): the level's discount on full-price lines; the frequency
    reward on the whole basket when this is the Nth sale; the bundle
    discount on the lines of a basket that covers every category of the full
    line. The birthday treat is a gift line in the birthday month, once a year.
    """
    lines = tuple(basket)
    if not lines:
        raise ValidationError("basket", "at least one line")
    currency = playbook.locale.currency
    subtotal = sum((line.total for line in lines), Money.zero(currency))
    rules = playbook.benefits
    result: list[BenefitLine] = []
    if level is not None:
        result += _member_discounts(lines, level)
        result += _frequency_reward(subtotal, sales_so_far, rules)
    result += _bundle_discount(lines, rules, currency)
    if level is not None and level.birthday_gift and birthday_month and not treat_taken:
        treat = BenefitLine(
            kind=BenefitKind.BIRTHDAY_TREAT, description=rules.birthday_treat, amount=Money.zero(currency)
        )
        result.append(treat)
    discount = sum((b.amount for b in result), Money.zero(currency))
    payable = subtotal + discount
    if payable.amount < 0:
        payable = Money.zero(currency)
    multiplier = level.points_multiplier if level is not None else Decimal(1)
    earns = level is not None or not playbook.points.members_only
    points = points_for(payable.amount, rules=playbook.points, multiplier=multiplier) if earns else 0
    return Benefits(
        level=level.name if level else None,
        lines=tuple(result),
        subtotal=subtotal,
        discount=discount,
        payable=payable,
        points=points,
    )
