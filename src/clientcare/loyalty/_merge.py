"""What a customer merge moves in the loyalty area, in the merge's own unit of work:
points into one ledger, the higher member level, tier history and referrals."""

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
    Membership: the higher level wins. Tier history: the absorbed changes join the kept
    history. Referrals: see :func:`_move_referrals`."""
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
    uow.tiers.take_over_history(kept_id, absorbed_id)
    _move_referrals(uow, kept_id, absorbed_id)


def _move_referrals(uow: UnitOfWork, kept_id: str, absorbed_id: str) -> None:
    """The absorbed customer's referrals become the kept one's; one between the two
    would refer her to herself and goes. Referred twice, she keeps the earlier
    referral (``referred_id`` is unique)."""
    for made in uow.referrals.by_referrer(absorbed_id):
        if made.referred_id == kept_id:
            uow.referrals.remove(made)
        else:
            made.pass_to(absorbed_id=absorbed_id, kept_id=kept_id)
            uow.referrals.save(made)
    brought = uow.referrals.by_referred(absorbed_id)
    if brought is None:
        return
    if brought.referrer_id == kept_id:
        uow.referrals.remove(brought)
        return
    already = uow.referrals.by_referred(kept_id)
    if already is not None:
        if (already.recorded_at, already.id) <= (brought.recorded_at, brought.id):
            uow.referrals.remove(brought)
            return
        uow.referrals.remove(already)
    brought.pass_to(absorbed_id=absorbed_id, kept_id=kept_id)
    uow.referrals.save(brought)
