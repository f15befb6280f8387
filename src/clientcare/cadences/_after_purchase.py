"""The purchase hook (P20, P35, P21): what a recorded sale starts and ends in the cadences."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from clientcare.cadences._events import SaleCredited
from clientcare.cadences._planner import Planner
from clientcare.cadences._sequences import SaleCredit
from clientcare.cadences._service_base import CadenceContext, customer_view, stop_sequence
from clientcare.cadences._touches import TouchStatus
from clientcare.kernel._texts import Texts
from clientcare.playbook import Playbook
from clientcare.purchases._model import Purchase

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = ["cadences_after_purchase", "schedule_after_purchase"]


def schedule_after_purchase(
    uow: UnitOfWork, *, tenant: str, playbook: Playbook, now: datetime, purchase: Purchase
) -> None:
    """Called by ``PurchasesService.record`` in its unit of work: plan the return
    visit (P20) and after-sales touches (P35), stop follow-up sequences (P21: a
    purchase ends them) and credit the sale to the touch that preceded it."""
    if purchase.customer_id is None:
        return
    customer = uow.customers.get(purchase.customer_id)
    figures = uow.purchases.figures(customer.id, playbook.locale.currency)
    # No tier lookup here: another area's port must not run inside this
    # transaction. The card's key flag gives key customers their priority.
    planner = Planner(tenant=tenant, playbook=playbook, now=now, texts=Texts(playbook))
    referrals = len(uow.referrals.by_referrer(customer.id))
    uow.touches.add_new(planner.after_purchase(customer_view(customer, figures, {}, referrals=referrals), purchase))
    _credit_sale(uow, playbook, purchase, customer.id)
    for sequence in uow.follow_ups.active_for(customer.id):
        stop_sequence(uow, sequence, why="purchase", at=now)


def cadences_after_purchase(ctx: CadenceContext, uow: UnitOfWork, purchase: Purchase) -> None:
    """P20/P35/P21: the return visit and after-sales touches, the sale's credit, the end of sequences."""
    schedule_after_purchase(uow, tenant=ctx.tenant, playbook=ctx.playbook, now=ctx.now(), purchase=purchase)


def _credit_sale(uow: UnitOfWork, playbook: Playbook, purchase: Purchase, customer_id: str) -> None:
    window = timedelta(days=playbook.cadences.after_purchase.attribution_days)
    preceding = [
        t
        for t in uow.touches.for_customer(customer_id)
        if t.status is TouchStatus.DONE
        and t.outcome is not None
        and t.outcome.reached
        and t.closed_at is not None
        and purchase.occurred_at - window <= t.closed_at <= purchase.occurred_at
    ]
    last = max(preceding, key=lambda t: (t.closed_at, t.id)) if preceding else None
    in_sequence = [t for t in preceding if t.sequence_no is not None]
    numbered = max(in_sequence, key=lambda t: (t.closed_at, t.id)) if in_sequence else None
    credit = SaleCredit(
        id=purchase.id,
        tenant=purchase.tenant,
        customer_id=customer_id,
        occurred_at=purchase.occurred_at,
        amount=purchase.amount.amount,
        currency=purchase.amount.currency,
        touch_id=last.id if last else None,
        touch_no=numbered.sequence_no if numbered else None,
        # Whoever did the touch earns the sale (P31); a message earns it for nobody.
        owner=None if last is None or last.automated else (last.closed_by or last.owner),
        reason=last.reason if last else None,
    )
    credit.record(
        SaleCredited(
            tenant=purchase.tenant,
            occurred_at=purchase.occurred_at,
            purchase_id=purchase.id,
            customer_id=customer_id,
            touch_id=credit.touch_id,
            touch_no=credit.touch_no,
            owner=credit.owner,
            amount=credit.amount,
            currency=credit.currency,
        )
    )
    uow.sale_credits.add(credit)
