"""P42 step 5: the after-care contact of a resolved complaint becomes a touch on the boards.

The complaints announce ``ComplaintAfterCareDue``; the facade hands its
customer, due moment and complaint id to :func:`plan_after_care`, so the
cadences know no complaint type (the areas stay independent).
"""

from __future__ import annotations

from datetime import datetime

from clientcare.cadences._service_base import CadenceContext
from clientcare.cadences._touches import Precision, Touch, TouchReason
from clientcare.customers._model import Channel, Purpose
from clientcare.kernel._texts import Texts

__all__ = ["plan_after_care"]


def plan_after_care(
    ctx: CadenceContext, customer_id: str, *, due: datetime, complaint_id: str, owner: str | None = None
) -> Touch | None:
    """Plan the after-care touch due on ``due``'s day, or None.

    Seed 001: ⑤投訴處理過后,主動與顧客取得聯系,并再次表示歉意. The touch goes on
    the first channel the customer gave service consent for; without any,
    none is planned and the complaint's own after-care deadline still stands.
    Planning twice for the same complaint keeps one open touch.
    """
    with ctx.unit() as uow:
        customer = uow.customers.get(customer_id)
        now = ctx.now()
        channel = next((c for c in Channel if customer.has_consent(Purpose.SERVICE, c, at=now)), None)
        planned = any(
            t.reason is TouchReason.AFTER_CARE and t.reference == complaint_id
            for t in uow.touches.for_customer(customer_id, open_only=True)
        )
        if channel is None or planned:
            return None
        day = due.astimezone(ctx.playbook.locale.zone).date()
        touch = Touch.plan(
            tenant=ctx.tenant,
            customer_id=customer_id,
            reason=TouchReason.AFTER_CARE,
            occasion=day,
            due=day,
            precision=Precision(information=Texts(ctx.playbook).render("after_care", "brief"), channel=channel),
            at=now,
            owner=owner,
            store_id=customer.home_store,
            priority=1,
            reference=complaint_id,
        )
        uow.touches.add(touch)
    return touch
