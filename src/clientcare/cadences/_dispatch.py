"""Dispatch: due automated touches sent through a notifier, within consent,
quiet hours and the per-customer frequency cap, leased so many workers can run."""

from __future__ import annotations

import enum
import logging
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from clientcare.cadences._messages import MessageRenderer, RenderedMessage
from clientcare.cadences._ports import Notification, Notifier
from clientcare.cadences._service_base import CadenceContext
from clientcare.cadences._touches import Outcome, Touch, TouchStatus
from clientcare.customers._model import Channel, Customer
from clientcare.errors import ConcurrencyConflict, DeliveryFailed

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = ["DispatchOutcome", "DispatchReport", "Dispatcher"]

log = logging.getLogger("clientcare.touches")


class DispatchOutcome(enum.StrEnum):
    """What dispatch did with one leased touch."""

    SENT = "sent"
    SKIPPED_NO_CONSENT = "skipped_no_consent"  # consent withdrawn since planning
    SKIPPED_NO_ADDRESS = "skipped_no_address"  # no phone, e-mail or messaging id for the channel
    SKIPPED_WINDOW_OVER = "skipped_window_over"  # P71: the promotion has ended
    DEFERRED_CAP = "deferred_cap"  # P24: moved to tomorrow by the frequency cap
    FAILED = "failed"  # the notifier failed or the lease was lost; retried after the lease


@attrs.frozen(kw_only=True)
class DispatchReport:
    """What one dispatch round did with due automated touches, a count per outcome."""

    sent: int = 0
    skipped_no_consent: int = 0
    skipped_no_address: int = 0
    skipped_window_over: int = 0
    deferred_cap: int = 0
    failed: int = 0
    quiet_hours: bool = False

    @classmethod
    def of(cls, outcomes: Iterable[DispatchOutcome]) -> DispatchReport:
        """The report of a round whose touches ended with ``outcomes``."""
        counts = Counter(outcomes)
        return cls(
            sent=counts[DispatchOutcome.SENT],
            skipped_no_consent=counts[DispatchOutcome.SKIPPED_NO_CONSENT],
            skipped_no_address=counts[DispatchOutcome.SKIPPED_NO_ADDRESS],
            skipped_window_over=counts[DispatchOutcome.SKIPPED_WINDOW_OVER],
            deferred_cap=counts[DispatchOutcome.DEFERRED_CAP],
            failed=counts[DispatchOutcome.FAILED],
        )

    @classmethod
    def in_quiet_hours(cls) -> DispatchReport:
        """A round that sent nothing because it ran inside quiet hours."""
        return cls(quiet_hours=True)

    def count(self, outcome: DispatchOutcome) -> int:
        """How many touches ended with ``outcome``."""
        match outcome:
            case DispatchOutcome.SENT:
                return self.sent
            case DispatchOutcome.SKIPPED_NO_CONSENT:
                return self.skipped_no_consent
            case DispatchOutcome.SKIPPED_NO_ADDRESS:
                return self.skipped_no_address
            case DispatchOutcome.SKIPPED_WINDOW_OVER:
                return self.skipped_window_over
            case DispatchOutcome.DEFERRED_CAP:
                return self.deferred_cap
            case DispatchOutcome.FAILED:
                return self.failed


class Dispatcher:
    """Sends one tenant's due automated touches (``care.touches.dispatch``)."""

    def __init__(self, ctx: CadenceContext) -> None:
        self._ctx = ctx

    def run(self, notifier: Notifier, *, worker: str, limit: int, lease_seconds: int) -> DispatchReport:
        """Lease up to ``limit`` due touches for ``worker`` and send each; a failed
        send stays planned and is retried once its lease expires."""
        ctx = self._ctx
        now = ctx.now()
        local = now.astimezone(ctx.playbook.locale.zone)
        if ctx.playbook.cadences.contact.quiet(local.hour):
            return DispatchReport.in_quiet_hours()
        try:
            with ctx.unit() as uow:
                leased = [
                    t.id
                    for t in uow.touches.lease_automated(
                        day=local.date(),
                        now=now,
                        worker=worker,
                        until=now + timedelta(seconds=lease_seconds),
                        limit=limit,
                    )
                ]
        except ConcurrencyConflict:
            # Another worker leased the same rows first (the SQL adapter skips
            # locked rows instead); this round sends nothing, the next one goes on.
            return DispatchReport()
        renderer = MessageRenderer(tenant=ctx.tenant, playbook=ctx.playbook)
        return DispatchReport.of(self._send_one(notifier, touch_id, worker, now, renderer) for touch_id in leased)

    def preview(self, touch_id: str) -> RenderedMessage:
        """What the customer would receive if ``touch_id`` were sent now (the same rendering as :meth:`run`)."""
        ctx = self._ctx
        with ctx.unit() as uow:
            touch = uow.touches.get(touch_id)
            customer = uow.customers.get(touch.customer_id)
        return MessageRenderer(tenant=ctx.tenant, playbook=ctx.playbook).render(touch, customer, now=ctx.now())

    def _send_one(
        self, notifier: Notifier, touch_id: str, worker: str, now: datetime, renderer: MessageRenderer
    ) -> DispatchOutcome:
        ctx = self._ctx
        contact = ctx.playbook.cadences.contact
        with ctx.unit() as uow:
            touch = uow.touches.get(touch_id)
            if touch.lease_owner != worker or touch.status is not TouchStatus.PLANNED:
                return DispatchOutcome.FAILED
            customer = uow.customers.get(touch.customer_id)
            channel = touch.precision.channel
            if touch.precision.window_end is not None and now >= touch.precision.window_end:
                # P71: promotions are told while they run, never after.
                return _skip(uow, touch, "window over", now, DispatchOutcome.SKIPPED_WINDOW_OVER)
            if not customer.has_consent(touch.purpose, channel, at=now):
                return _skip(uow, touch, "no consent", now, DispatchOutcome.SKIPPED_NO_CONSENT)
            sent = uow.touches.count_sent_since(customer.id, now - timedelta(days=contact.cap_window_days))
            if sent >= contact.cap_per_window:
                tomorrow = now.astimezone(ctx.playbook.locale.zone).date() + timedelta(days=1)
                touch.reschedule(tomorrow, by="dispatch", at=now, why="frequency cap")
                uow.touches.save(touch)
                return DispatchOutcome.DEFERRED_CAP
            address = _address(customer, channel)
            if address is None:
                return _skip(uow, touch, "no address for channel", now, DispatchOutcome.SKIPPED_NO_ADDRESS)
            try:
                notifier.send(_notification(renderer, touch, customer, address, now))
            except DeliveryFailed as exc:
                if not exc.permanent:
                    log.warning("notifier failed for touch %s: %s", touch.id, exc.reason)
                    return DispatchOutcome.FAILED
                # The channel refused this message for good: retrying cannot help.
                log.warning("channel refused touch %s: %s", touch.id, exc.reason)
                _skip(uow, touch, f"refused by channel: {exc.reason}", now, DispatchOutcome.FAILED)
                return DispatchOutcome.FAILED
            except Exception as exc:  # the lease expires and another round retries
                log.warning("notifier failed for touch %s: %s", touch.id, type(exc).__name__)
                return DispatchOutcome.FAILED
            touch.complete(Outcome.SENT, by="dispatch", at=now)
            uow.touches.save(touch)
        return DispatchOutcome.SENT


def _notification(
    renderer: MessageRenderer, touch: Touch, customer: Customer, address: str, now: datetime
) -> Notification:
    message = renderer.render(touch, customer, now=now)
    return Notification(
        touch_id=touch.id,
        customer_id=customer.id,
        channel=message.channel,
        address=address,
        subject=message.subject,
        body=message.text,
        html=message.html,
        unsubscribe_url=message.unsubscribe_url,
        locale=message.locale,
    )


def _skip(uow: UnitOfWork, touch: Touch, why: str, now: datetime, outcome: DispatchOutcome) -> DispatchOutcome:
    touch.skip(why=why, by="dispatch", at=now)
    uow.touches.save(touch)
    return outcome


def _address(customer: Customer, channel: Channel) -> str | None:
    if channel in (Channel.SMS, Channel.PHONE):
        return customer.phone
    if channel is Channel.EMAIL:
        return customer.hard.email
    if channel is Channel.MESSAGING:
        return next((c.value for c in customer.contacts if c.kind in ("messaging", "wechat")), None)
    return None  # face to face, club and post are not automated
