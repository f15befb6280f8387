"""What a customer import opens in the loyalty area: the member level and the points
carried over from the old system, in the import's own unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from clientcare.loyalty._membership import Membership, first_or_named
from clientcare.loyalty._points import PointsAccount

if TYPE_CHECKING:
    from clientcare.customers import ImportedCustomer
    from clientcare.kernel._context import Context
    from clientcare.ports import UnitOfWork

__all__ = ["opening_from_import"]

#: The reference of imported opening balances: importing the same file twice credits once.
OPENING_REFERENCE = "customer-import"


def opening_from_import(ctx: Context, uow: UnitOfWork, imported: Sequence[ImportedCustomer]) -> None:
    """Enrol imported members at their level and credit their opening points (P14/P15).

    Only newly stored customers reach here, so nothing is opened twice.
    """
    rules = ctx.playbook.membership
    now = ctx.now()
    expires = now + timedelta(days=ctx.playbook.points.expiry_days)
    for item in imported:
        customer_id = item.customer.id
        if item.member_level is not None:
            membership = Membership.start(tenant=ctx.tenant, customer_id=customer_id)
            level = first_or_named(rules, item.member_level)
            membership.enrol(level, at=now, rules=rules, reason="imported from the previous system")
            uow.memberships.add(membership)
        if item.points > 0:
            account = PointsAccount.open(tenant=ctx.tenant, customer_id=customer_id)
            account.import_opening(item.points, at=now, reference=OPENING_REFERENCE, expires_at=expires)
            uow.points.add(account)
