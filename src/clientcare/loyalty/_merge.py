"""What a customer merge moves in the loyalty area, in the merge's own unit of work:
points into one ledger and the higher member level."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from clientcare.loyalty._membership import Membership, _rank
from clientcare.loyalty._points import PointsAccount

if TYPE_CHECKING:
    from clientcare.kernel._context import Context
    from clientcare.ports import UnitOfWork

__all__ = ["loyalty_on_merge"]


def loyalty_on_merge(ctx: Context, uow: UnitOfWork, kept_id: str, absorbed_id: str, at: datetime) -> None:
    """Points: the absorbed lots come over with their expiry (balance preserved, one ledger).
    Membership: the higher level wins."""
    absorbed_points = uow.points.find(absorbed_id)
    if absorbed_points is not None and absorbed_points.balance:
        kept_points = uow.points.find(kept_id)
        account = kept_points or PointsAccount.open(tenant=ctx.tenant, customer_id=kept_id)
        account.take_over(absorbed_points, at=at)
        uow.points.save(absorbed_points)
        if kept_points is None:
            uow.points.add(account)
        else:
            uow.points.save(account)
    absorbed_member = uow.memberships.find(absorbed_id)
    rules = ctx.playbook.membership
    if absorbed_member is not None and absorbed_member.level is not None:
        kept_member = uow.memberships.find(kept_id)
        membership = kept_member or Membership.start(tenant=ctx.tenant, customer_id=kept_id)
        if _rank(rules, absorbed_member.level) > _rank(rules, membership.level):
            membership.move(absorbed_member.level, at=at, rules=rules, reason="merged customer's level")
            if kept_member is None:
                uow.memberships.add(membership)
            else:
                uow.memberships.save(membership)
