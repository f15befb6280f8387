"""What every loyalty use case shares: the tenant's context, and the customer's
stage (P13), which both the tiers and the membership invitations ask for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clientcare.customers._model import Customer
from clientcare.loyalty._tiers import Stage, stage_of

if TYPE_CHECKING:
    from clientcare.kernel._context import Context
    from clientcare.ports import UnitOfWork

__all__ = ["ServiceBase", "stage_in"]


class ServiceBase:
    """A use-case service over one tenant's units of work."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx


def stage_in(uow: UnitOfWork, ctx: Context, customer: Customer) -> Stage:
    """P13: the customer's stage from their sales and the referrals they made."""
    rules = ctx.playbook.segments
    figures = uow.purchases.figures(customer.id, ctx.playbook.locale.currency)
    return stage_of(
        sales=figures.purchase_count,
        referrals=len(uow.referrals.by_referrer(customer.id)),
        poor_relationship=rules.poor_relationship_tag in customer.tags,
        rules=rules,
    )
