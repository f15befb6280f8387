"""The deal archive (P05): purchases with their lines, returns, condition reports,
and the customer figures derived from them."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

import attrs

from clientcare.errors import RuleViolation, ValidationError
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._boundary import check_text
from clientcare.kernel._checks import aware, clean_text
from clientcare.kernel._values import Money, new_id
from clientcare.purchases._events import PurchaseRecorded, ReturnRecorded

__all__ = [
    "BuyingSummary",
    "ConditionReport",
    "CustomerFigures",
    "Purchase",
    "PurchaseKind",
    "PurchaseLine",
    "figures_from",
    "summaries_from",
]


class PurchaseKind(enum.StrEnum):
    """A sale, or goods coming back (a return or refund)."""

    SALE = "sale"
    RETURN = "return"


def _quantity(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError("quantity", "must be a whole number above zero")


def _price(instance: object, attribute: attrs.Attribute[Money], value: Money) -> None:
    if value.amount < 0:
        raise ValidationError("unit_price", "must not be negative")


def _column_text(limit: int) -> Callable[[object, attrs.Attribute[str | None], str | None], None]:
    """Optional text that fits its column on every backend (``String(limit)`` in the SQL adapter)."""

    def check(instance: object, attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            raise ValidationError(attribute.name, "must be a str or None")
        if len(value) > limit:
            raise ValidationError(attribute.name, f"at most {limit} characters")
        check_text(value, attribute.name)

    return check


def _style_no(value: object) -> str:
    return clean_text(value, "style_no", limit=64)


@attrs.frozen(kw_only=True)
class PurchaseLine:
    """P05: one item of a purchase: style number, size, structure, colour, price."""

    style_no: str = attrs.field(converter=_style_no)
    unit_price: Money = attrs.field(validator=_price)
    quantity: int = attrs.field(default=1, validator=_quantity)
    size: str | None = attrs.field(default=None, validator=_column_text(50))
    colour: str | None = attrs.field(default=None, validator=_column_text(50))
    structure: str | None = attrs.field(default=None, validator=_column_text(100))
    description: str | None = attrs.field(default=None, validator=_column_text(300))
    full_price: bool = True

    @property
    def total(self) -> Money:
        """Unit price times quantity."""
        return self.unit_price * self.quantity


@attrs.frozen(kw_only=True)
class ConditionReport:
    """P05: later news of an item — years in use and its condition."""

    at: datetime
    style_no: str
    years_in_use: Decimal
    condition: str
    by: str | None = None


@attrs.define(eq=False, kw_only=True)
class Purchase(Aggregate):
    """A receipt in the deal archive. Returns are purchases of kind ``return``
    with a negative amount that point at the sale they undo."""

    customer_id: str | None
    occurred_at: datetime
    kind: PurchaseKind
    lines: tuple[PurchaseLine, ...]
    amount: Money
    store_id: str | None = None
    staff_id: str | None = None
    receipt_id: str | None = None
    original_id: str | None = None
    condition_reports: tuple[ConditionReport, ...] = ()

    @classmethod
    def sale(
        cls,
        *,
        tenant: str,
        customer_id: str | None,
        lines: Sequence[PurchaseLine],
        at: datetime,
        currency: str,
        store_id: str | None = None,
        staff_id: str | None = None,
        receipt_id: str | None = None,
        purchase_id: str | None = None,
    ) -> Purchase:
        """Record a sale; every line must be in the tenant's currency."""
        lines = _check_lines(lines, currency)
        total = sum((line.total for line in lines), Money.zero(currency))
        purchase = cls(
            id=purchase_id or new_id(),
            tenant=tenant,
            customer_id=customer_id,
            occurred_at=aware(at, "occurred_at"),
            kind=PurchaseKind.SALE,
            lines=lines,
            amount=total,
            store_id=store_id,
            staff_id=staff_id,
            receipt_id=_receipt(receipt_id),
        )
        purchase.record(
            PurchaseRecorded(
                tenant=tenant,
                occurred_at=at,
                purchase_id=purchase.id,
                customer_id=customer_id,
                store_id=store_id,
                amount=total.amount,
                currency=total.currency,
            )
        )
        return purchase

    def make_return(
        self,
        *,
        lines: Sequence[PurchaseLine],
        at: datetime,
        already_returned: Iterable[Purchase] = (),
        staff_id: str | None = None,
        receipt_id: str | None = None,
    ) -> Purchase:
        """A return (refund) of some of this sale's lines; cannot exceed what was sold."""
        if self.kind is not PurchaseKind.SALE:
            raise RuleViolation("return.original", "only a sale can be returned")
        lines = _check_lines(lines, self.amount.currency)
        sold: dict[str, int] = {}
        for line in self.lines:
            sold[line.style_no] = sold.get(line.style_no, 0) + line.quantity
        for earlier in already_returned:
            for line in earlier.lines:
                sold[line.style_no] = sold.get(line.style_no, 0) - line.quantity
        for line in lines:
            sold[line.style_no] = sold.get(line.style_no, 0) - line.quantity
            if sold[line.style_no] < 0:
                raise RuleViolation("return.quantity", "more returned than was sold")
        if aware(at, "occurred_at") < self.occurred_at:
            raise ValidationError("occurred_at", "a return cannot precede its sale")
        total = -sum((line.total for line in lines), Money.zero(self.amount.currency))
        refund = Purchase(
            id=new_id(),
            tenant=self.tenant,
            customer_id=self.customer_id,
            occurred_at=at,
            kind=PurchaseKind.RETURN,
            lines=lines,
            amount=total,
            store_id=self.store_id,
            staff_id=staff_id,
            receipt_id=_receipt(receipt_id),
            original_id=self.id,
        )
        refund.record(
            ReturnRecorded(
                tenant=self.tenant,
                occurred_at=at,
                purchase_id=refund.id,
                original_id=self.id,
                customer_id=self.customer_id,
                amount=total.amount,
                currency=total.currency,
            )
        )
        return refund

    def report_condition(
        self, *, style_no: str, years_in_use: Decimal | int | str, condition: str, at: datetime, by: str | None = None
    ) -> ConditionReport:
        """P05: note how an item is holding up, reported later by the customer."""
        if style_no not in {line.style_no for line in self.lines}:
            raise ValidationError("style_no", "not an item of this purchase")
        years = Decimal(str(years_in_use))
        if years < 0:
            raise ValidationError("years_in_use", "must not be negative")
        report = ConditionReport(
            at=aware(at, "at"),
            style_no=style_no,
            years_in_use=years,
            condition=clean_text(condition, "condition", limit=500),
            by=by,
        )
        self.condition_reports = (*self.condition_reports, report)
        return report


def _check_lines(lines: Sequence[PurchaseLine], currency: str) -> tuple[PurchaseLine, ...]:
    result = tuple(lines)
    if not result:
        raise ValidationError("lines", "at least one line")
    for line in result:
        if line.unit_price.currency != currency:
            raise ValidationError("unit_price", f"must be in {currency}")
    return result


def _receipt(value: str | None) -> str | None:
    if value is None:
        return None
    return clean_text(value, "receipt_id", limit=64)


@attrs.frozen(kw_only=True)
class CustomerFigures:
    """P05: what the deal archive says about one customer."""

    customer_id: str
    total_spend: Money
    purchase_count: int
    return_count: int
    first_purchase_at: datetime | None
    last_purchase_at: datetime | None

    @property
    def average_ticket(self) -> Money:
        """Net spend per sale (zero before the first sale)."""
        if self.purchase_count == 0:
            return Money.zero(self.total_spend.currency)
        return Money(self.total_spend.amount / self.purchase_count, self.total_spend.currency).quantize()


def figures_from(customer_id: str, purchases: Iterable[Purchase], currency: str) -> CustomerFigures:
    """Customer figures computed in Python; SQL adapters compute the same with SUM/COUNT."""
    total = Money.zero(currency)
    sales = returns = 0
    first: datetime | None = None
    last: datetime | None = None
    for purchase in purchases:
        total = total + purchase.amount
        if purchase.kind is PurchaseKind.SALE:
            sales += 1
            first = purchase.occurred_at if first is None or purchase.occurred_at < first else first
            last = purchase.occurred_at if last is None or purchase.occurred_at > last else last
        else:
            returns += 1
    return CustomerFigures(
        customer_id=customer_id,
        total_spend=total,
        purchase_count=sales,
        return_count=returns,
        first_purchase_at=first,
        last_purchase_at=last,
    )


@attrs.frozen(kw_only=True)
class BuyingSummary:
    """One customer's buying history in the shape lifetime models need.

    A transaction is a purchase day (the local calendar day at the offset the
    sale was recorded with); sales only, returns do not count. ``repeat_spend``
    is the spend of every purchase day after the first.
    """

    customer_id: str
    first_day: date
    last_day: date
    purchase_days: int
    repeat_spend: Money

    @property
    def repeat_days(self) -> int:
        """Purchase days after the first (the models' frequency ``x``)."""
        return self.purchase_days - 1


def summaries_from(purchases: Iterable[Purchase], end: datetime, currency: str) -> list[BuyingSummary]:
    """Buying summaries of every customer with a sale before ``end``, by customer id.

    The reference the storage adapters must match; SQL adapters compute the
    same in one aggregate statement.
    """
    days: dict[str, dict[date, Decimal]] = {}
    for purchase in purchases:
        if purchase.kind is not PurchaseKind.SALE or purchase.customer_id is None or purchase.occurred_at >= end:
            continue
        per_day = days.setdefault(purchase.customer_id, {})
        day = purchase.occurred_at.date()
        per_day[day] = per_day.get(day, Decimal(0)) + purchase.amount.amount
    result = []
    for customer_id in sorted(days):
        per_day = days[customer_id]
        first = min(per_day)
        result.append(
            BuyingSummary(
                customer_id=customer_id,
                first_day=first,
                last_day=max(per_day),
                purchase_days=len(per_day),
                repeat_spend=Money(sum((v for d, v in per_day.items() if d != first), Decimal(0)), currency),
            )
        )
    return result
