"""What an erasure (P04) ends in the cadences: nothing more is planned or sent to her."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from clientcare.kernel._context import Context

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = ["ERASED_WHY", "cancel_for_erased"]

#: The reason recorded on everything cancelled by an erasure (a code, never her data).
ERASED_WHY = "customer erased"
#: How far ahead booked appointments are looked for (they are rarely booked years ahead).
_APPOINTMENTS_AHEAD = timedelta(days=3660)


def cancel_for_erased(ctx: Context, uow: UnitOfWork, customer_id: str, by: str) -> None:
    """Cancel her open touches (campaign touches too), stop her sequences, cancel her
    booked appointments and end her recurring rules, in the erasure's unit of work."""
    now = ctx.now()
    today = now.astimezone(ctx.playbook.locale.zone).date()
    for touch in uow.touches.for_customer(customer_id, open_only=True):
        touch.cancel(why=ERASED_WHY, by=by, at=now)
        uow.touches.save(touch)
    for sequence in uow.follow_ups.active_for(customer_id):
        if sequence.stop(why=ERASED_WHY, at=now):
            uow.follow_ups.save(sequence)
    for appointment in uow.appointments.booked_before(now + _APPOINTMENTS_AHEAD):
        if appointment.customer_id == customer_id:
            appointment.cancel(why=ERASED_WHY, at=now)
            uow.appointments.save(appointment)
    for rule in uow.recurring.active_on(today):
        if rule.customer_id == customer_id:
            rule.end(today - timedelta(days=1))
            uow.recurring.save(rule)
