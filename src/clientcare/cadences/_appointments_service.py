"""P29: appointments that are moved, cancelled or missed are rescheduled, not lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from clientcare.cadences._appointments import Appointment
from clientcare.cadences._planner import Planner
from clientcare.cadences._sequences import CustomerView
from clientcare.cadences._service_base import CadenceContext, CadenceService, no_figures
from clientcare.cadences._touches import Precision, Touch, TouchReason
from clientcare.customers._model import Channel
from clientcare.kernel._texts import Texts

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = ["AppointmentsService", "reschedule_touch", "sweep_missed"]


class AppointmentsService(CadenceService):
    """P29: appointments that are moved, cancelled or missed are rescheduled, not lost."""

    def book(
        self,
        customer_id: str,
        starts_at: datetime,
        *,
        staff_id: str | None = None,
        topic: str = "",
    ) -> Appointment:
        """Book a time with a staff member."""
        ctx = self._ctx
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            appointment = Appointment.book(
                tenant=ctx.tenant,
                customer_id=customer_id,
                starts_at=starts_at,
                at=ctx.now(),
                staff_id=staff_id,
                store_id=customer.home_store,
                topic=topic,
            )
            uow.appointments.add(appointment)
        return appointment

    def get(self, appointment_id: str) -> Appointment:
        """One appointment, or NotFound."""
        with self._ctx.unit() as uow:
            return uow.appointments.get(appointment_id)

    def move(self, appointment_id: str, to: datetime) -> Touch | None:
        """A new time; a touch to confirm it with the customer is planned for today."""
        return self._change(appointment_id, "moved", lambda a, now: a.move(to, at=now))

    def cancel(self, appointment_id: str, *, why: str) -> Touch | None:
        """Cancelled; a touch to find a new time is planned for today."""
        return self._change(appointment_id, "cancelled", lambda a, now: a.cancel(why=why, at=now))

    def miss(self, appointment_id: str) -> Touch | None:
        """The customer did not come; a touch to find a new time is planned for today."""
        return self._change(appointment_id, "missed", lambda a, now: a.miss(at=now))

    def attend(self, appointment_id: str) -> None:
        """The customer came."""
        ctx = self._ctx
        with ctx.unit() as uow:
            appointment = uow.appointments.get(appointment_id)
            appointment.attend(at=ctx.now())
            uow.appointments.save(appointment)

    def _change(self, appointment_id: str, why: str, action: Callable[[Appointment, datetime], None]) -> Touch | None:
        ctx = self._ctx
        with ctx.unit() as uow:
            now = ctx.now()
            appointment = uow.appointments.get(appointment_id)
            action(appointment, now)
            uow.appointments.save(appointment)
            return reschedule_touch(ctx, uow, appointment, why, now, due=self._today())


def reschedule_touch(
    ctx: CadenceContext, uow: UnitOfWork, appointment: Appointment, why: str, now: datetime, *, due: date
) -> Touch | None:
    """P29: the touch that brings a moved, cancelled or missed appointment back."""
    customer = uow.customers.get(appointment.customer_id)
    texts = Texts(ctx.playbook)
    planner = Planner(tenant=ctx.tenant, playbook=ctx.playbook, now=now, texts=texts)
    view = CustomerView(customer=customer, figures=no_figures(customer.id, ctx.playbook.locale.currency))
    information = texts.render("appointment", "brief", why=why)
    reference = f"{appointment.id}:{why}:{len(appointment.moves)}"
    touch = planner.touch(
        view,
        TouchReason.APPOINTMENT,
        occasion=due,
        due=due,
        information=information,
        owner=appointment.staff_id,
        reference=reference,
        priority=2,
    )
    if touch is None:
        # Without consent to call, staff still must not lose it: an in-person
        # note on their board (no message is sent for a face-to-face touch).
        touch = Touch.plan(
            tenant=ctx.tenant,
            customer_id=customer.id,
            reason=TouchReason.APPOINTMENT,
            occasion=due,
            due=due,
            precision=Precision(information=information, channel=Channel.IN_PERSON),
            at=now,
            owner=appointment.staff_id,
            store_id=appointment.store_id,
            reference=reference,
            priority=2,
        )
    stored = uow.touches.add_new([touch])
    return stored[0] if stored else None


def sweep_missed(ctx: CadenceContext, day: date) -> int:
    """P29: appointments still booked after their day are missed, with a touch each."""
    zone = ctx.playbook.locale.zone
    with ctx.unit() as uow:
        now = ctx.now()
        count = 0
        for appointment in uow.appointments.booked_before(datetime.combine(day, time.min, zone)):
            appointment.miss(at=now)
            uow.appointments.save(appointment)
            reschedule_touch(ctx, uow, appointment, "missed", now, due=day)
            count += 1
    return count
