"""The purchase hook: what a recorded sale or return means for this area.

:func:`after_purchase` runs inside the purchase's own unit of work, so a sale,
its points, the level it earns and the referral it completes commit together
or not at all.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from clientcare.loyalty._membership import Membership, level_named, qualifying_level
from clientcare.loyalty._membership_service import qualifying_measure, store_membership
from clientcare.loyalty._points import PointsAccount, points_for, sale_keeps
from clientcare.loyalty._points_service import store_account
from clientcare.loyalty._service import stage_in
from clientcare.loyalty._tiers import Stage
from clientcare.purchases._model import Purchase, PurchaseKind

if TYPE_CHECKING:
    from clientcare.kernel._context import Context
    from clientcare.ports import UnitOfWork

__all__ = ["after_purchase"]


def after_purchase(ctx: Context, uow: UnitOfWork, purchase: Purchase) -> None:
    """Inside the purchase's unit of work: level, points and referral for a sale;
    the share of points given back for a return."""
    if purchase.customer_id is None:
        return
    if purchase.kind is PurchaseKind.SALE:
        _after_sale(ctx, uow, purchase, purchase.customer_id)
    elif purchase.original_id is not None:
        _after_return(ctx, uow, purchase, purchase.customer_id, purchase.original_id)


def _after_sale(ctx: Context, uow: UnitOfWork, sale: Purchase, customer_id: str) -> None:
    pb = ctx.playbook
    rules = pb.membership
    now = sale.occurred_at
    found = uow.memberships.find(customer_id)
    membership = found or Membership.start(tenant=ctx.tenant, customer_id=customer_id)
    account_found = uow.points.find(customer_id)
    account = account_found or PointsAccount.open(tenant=ctx.tenant, customer_id=customer_id)

    def points_at(level_name: str | None) -> int:
        level = level_named(rules, level_name)
        if level is None and pb.points.members_only:
            return 0
        multiplier = level.points_multiplier if level else Decimal(1)
        return points_for(sale.amount.amount, rules=pb.points, multiplier=multiplier)

    held = level_named(rules, membership.level)  # the level the till saw before this sale
    # P14 (seed 002: 建议老顾客申请办理…VIP): a customer who is not yet old (P13,
    # this sale counted) does not join at a sale, however big; members move as before.
    may_join = membership.level is not None or not rules.old_customers_only
    if not may_join:
        may_join = stage_in(uow, ctx, uow.customers.get(customer_id)) is Stage.OLD
    if rules.measure == "points_earned":
        # Points decide the level here, so they are earned at the level held before the sale.
        points = points_at(membership.level)
        measure = qualifying_measure(uow, ctx, customer_id, now, extra_points=points)
        membership.after_sale(qualifying_level(rules, measure) if may_join else None, at=now, rules=rules)
    else:
        measure = qualifying_measure(uow, ctx, customer_id, now)
        membership.after_sale(qualifying_level(rules, measure) if may_join else None, at=now, rules=rules)
        points = points_at(membership.level)
    account.earn(points, at=now, purchase_id=sale.id, rules=pb.points)
    # The birthday treat was offered at the till only if the customer was already
    # a member with that benefit; then this sale takes it for the year.
    if held is not None and held.birthday_gift:
        birthday = uow.customers.get(customer_id).hard.birthday
        local = now.astimezone(pb.locale.zone)
        if birthday is not None and birthday.month == local.month:
            membership.take_birthday_treat(local.year)
    if membership.level is not None or membership.history:
        store_membership(uow, membership, found is None)
    if account.entries:
        store_account(uow, account, account_found is None)
    _credit_referral(ctx, uow, sale, customer_id)


def _credit_referral(ctx: Context, uow: UnitOfWork, sale: Purchase, customer_id: str) -> None:
    referral = uow.referrals.by_referred(customer_id)
    if referral is None or referral.converted:
        return
    credit = ctx.playbook.referrals.credit_points
    referral.credit(purchase_id=sale.id, points=credit, at=sale.occurred_at)
    uow.referrals.save(referral)
    found = uow.points.find(referral.referrer_id)
    account = found or PointsAccount.open(tenant=ctx.tenant, customer_id=referral.referrer_id)
    account.credit_referral(credit, at=sale.occurred_at, referral_id=referral.id, rules=ctx.playbook.points)
    if account.entries:
        store_account(uow, account, found is None)


def _after_return(ctx: Context, uow: UnitOfWork, refund: Purchase, customer_id: str, sale_id: str) -> None:
    account = uow.points.find(customer_id)
    if account is None:
        return
    sale = uow.purchases.get(sale_id)
    returns = uow.purchases.returns_of(sale_id)
    if not any(r.id == refund.id for r in returns):
        returns.append(refund)
    returned = -sum((r.amount.amount for r in returns), Decimal(0))
    sold = sale.amount.amount
    pb = ctx.playbook
    # The sale keeps what its net amount earns, never a rounding point more (issue 11).
    keep = sale_keeps(
        account.earned_for(sale_id),
        sold=sold,
        net=sold - returned,
        rules=pb.points,
        multipliers=tuple(level.points_multiplier for level in pb.membership.levels),
    )
    if account.reverse(sale_id, returned=returned, sold=sold, at=refund.occurred_at, keep=keep) is not None:
        uow.points.save(account)
