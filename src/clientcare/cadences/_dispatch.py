"""Dispatch: due automated touches sent through a notifier, within consent,
quiet hours and the per-customer frequency cap, leased so many workers can run."""

from __future__ import annotations

import enum
import hashlib
import logging
import random
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
from clientcare.errors import ConcurrencyConflict
from clientcare.playbook import ContactRules

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = ["REFUSED", "DispatchOutcome", "DispatchReport", "Dispatcher", "backoff", "delivery_key"]

#: The dead-letter reason of a send the channel refused for good (an error with ``permanent = True``).
REFUSED = "refused"
#: Tries to mark a sent touch done when other workers write it at the same moment.
_MARK_TRIES = 5

log = logging.getLogger("clientcare.touches")


class DispatchOutcome(enum.StrEnum):
    """What dispatch did with one leased touch."""

    SENT = "sent"
    SKIPPED_NO_CONSENT = "skipped_no_consent"  # consent withdrawn since planning
    SKIPPED_NO_ADDRESS = "skipped_no_address"  # no phone, e-mail or messaging id for the channel
    SKIPPED_WINDOW_OVER = "skipped_window_over"  # P71: the promotion has ended
    DEFERRED_CAP = "deferred_cap"  # P24: moved to tomorrow by the frequency cap
    FAILED = "failed"  # the notifier failed (retried with backoff or dead-lettered) or the lease was lost


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
    """Sends one tenant's due automated touches (``care.touches.dispatch``).

    Each touch goes through three short steps so that no transaction is open
    while the notifier talks to the outside world: check and render (skips and
    deferrals commit here), send, then mark sent (retried on a conflict). A
    crash between send and mark sends again after the lease with the same
    idempotency key, which is how a sink drops the duplicate.
    """

    def __init__(self, ctx: CadenceContext) -> None:
        self._ctx = ctx

    def run(self, notifier: Notifier, *, worker: str, limit: int, lease_seconds: int) -> DispatchReport:
        """Lease up to ``limit`` due touches for ``worker`` and send each; a failed
        send is retried with backoff, and dead-lettered after the playbook's attempts."""
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
        try:
            prepared = self._prepare(touch_id, worker, now, renderer)
        except ConcurrencyConflict:
            return DispatchOutcome.FAILED  # someone changed the touch meanwhile; its lease expires
        if isinstance(prepared, DispatchOutcome):
            return prepared
        try:
            notifier.send(prepared)
        except Exception as exc:  # any notifier error: retried with backoff, never lost
            # DeliveryFailed(permanent=True): the channel refused this message for good.
            reason = REFUSED if getattr(exc, "permanent", False) else type(exc).__name__
            log.warning("notifier failed for touch %s: %s", touch_id, reason)
            self._failed(touch_id, worker, reason, permanent=reason == REFUSED, now=now)
            return DispatchOutcome.FAILED
        self._mark_sent(touch_id, now)
        return DispatchOutcome.SENT

    def _prepare(
        self, touch_id: str, worker: str, now: datetime, renderer: MessageRenderer
    ) -> Notification | DispatchOutcome:
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
            return self._notification(renderer, touch, customer, address, now)

    def _mark_sent(self, touch_id: str, now: datetime) -> None:
        """Mark the touch done, whoever holds its lease now: the message has left.

        The save is version-checked, so two workers that both sent (a lease
        expired mid-send) cannot both complete it; the loser reads it again,
        finds it closed and stops. Both sends carried the same key.
        """
        for _ in range(_MARK_TRIES):
            try:
                with self._ctx.unit() as uow:
                    touch = uow.touches.get(touch_id)
                    if not touch.status.open:
                        return
                    touch.complete(Outcome.SENT, by="dispatch", at=now)
                    uow.touches.save(touch)
                return
            except ConcurrencyConflict:
                continue
        # Still planned: its lease expires and it is sent again under the same key.
        log.warning("could not mark touch %s sent; it will be retried", touch_id)

    def _failed(self, touch_id: str, worker: str, reason: str, *, permanent: bool, now: datetime) -> None:
        contact = self._ctx.playbook.cadences.contact
        try:
            with self._ctx.unit() as uow:
                touch = uow.touches.get(touch_id)
                if touch.lease_owner != worker or touch.status is not TouchStatus.PLANNED:
                    return
                attempt = touch.delivery_attempts + 1
                retry_at = (
                    None if permanent or attempt >= contact.send_attempts else now + backoff(contact, touch_id, attempt)
                )
                touch.delivery_failed(reason=reason, at=now, retry_at=retry_at)
                uow.touches.save(touch)
        except ConcurrencyConflict:
            return  # the lease expires and the next round retries the send

    def _notification(
        self, renderer: MessageRenderer, touch: Touch, customer: Customer, address: str, now: datetime
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
            idempotency_key=delivery_key(self._ctx.tenant, touch.id),
        )


def delivery_key(tenant: str, touch_id: str) -> str:
    """The idempotency key of a touch's message: the same on every attempt and
    every worker, different for every tenant and touch (32 hex characters)."""
    return hashlib.sha256(f"{tenant}\x1f{touch_id}".encode()).hexdigest()[:32]


def backoff(contact: ContactRules, touch_id: str, attempt: int) -> timedelta:
    """How long to wait after failed send number ``attempt`` (1 = the first failure).

    Exponential, capped, plus up to a quarter as jitter. The jitter is drawn
    from the touch and attempt, so it is the same in every process and test
    while touches that failed together still spread out.
    """
    delay = min(contact.send_backoff_seconds * 2 ** (attempt - 1), contact.send_backoff_max_seconds)
    spread = random.Random(f"{touch_id}:{attempt}").uniform(0.0, 0.25)  # noqa: S311 - spreading, not secrecy
    return timedelta(seconds=delay * (1 + spread))


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
