"""Dispatch: due automated touches sent through a notifier, within consent,
quiet hours and the per-customer frequency cap, leased so many workers can run."""

from __future__ import annotations

import enum
import hashlib
import logging
import random
from collections import Counter
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import datetime, timedelta

import attrs

from clientcare.cadences._messages import MessageRenderer, RenderedMessage
from clientcare.cadences._ports import Notification, Notifier, NotifierSession
from clientcare.cadences._service_base import CadenceContext
from clientcare.cadences._touches import Outcome, Touch, TouchStatus
from clientcare.customers._model import Channel, Customer
from clientcare.errors import ConcurrencyConflict
from clientcare.playbook import ContactRules

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


@attrs.frozen
class _Claim:
    """A touch leased and rendered in the claim transaction, waiting to be sent."""

    touch: Touch
    notification: Notification


class Dispatcher:
    """Sends one tenant's due automated touches (``care.touches.dispatch``).

    A round works in three steps, and no transaction is open while the
    notifier talks to the outside world: one transaction claims a batch
    (leases the due touches, version-checked, checks consent, window and
    frequency cap, commits skips and deferrals, renders the rest); the
    batch is sent, inside the notifier's ``session()`` when it has one (one
    SMTP connection for the batch); one transaction records every outcome
    (sent, or failed with backoff), each save version-checked. When that
    bulk record meets a conflict (a lease expired mid-send and another
    worker took the touch), each touch is recorded on its own instead. A
    crash between send and record sends again after the lease with the same
    idempotency key, which is how a sink drops the duplicate.
    """

    def __init__(self, ctx: CadenceContext) -> None:
        self._ctx = ctx

    def run(self, notifier: Notifier, *, worker: str, limit: int, lease_seconds: int) -> DispatchReport:
        """Lease up to ``limit`` due touches for ``worker`` and send each; a failed
        send is retried with backoff, and dead-lettered after the playbook's attempts."""
        ctx = self._ctx
        now = ctx.now()
        if ctx.playbook.cadences.contact.quiet(now.astimezone(ctx.playbook.locale.zone).hour):
            return DispatchReport.in_quiet_hours()
        try:
            claims, outcomes = self._claim(worker, now, limit=limit, until=now + timedelta(seconds=lease_seconds))
        except ConcurrencyConflict:
            # Another worker leased the same rows first (the SQL adapter skips
            # locked rows instead); this round sends nothing, the next one goes on.
            return DispatchReport()
        results = _send_all(notifier, claims)
        outcomes.extend(self._record(results, worker, now))
        return DispatchReport.of(outcomes)

    def preview(self, touch_id: str) -> RenderedMessage:
        """What the customer would receive if ``touch_id`` were sent now (the same rendering as :meth:`run`)."""
        ctx = self._ctx
        with ctx.unit() as uow:
            touch = uow.touches.get(touch_id)
            customer = uow.customers.get(touch.customer_id)
        return MessageRenderer(tenant=ctx.tenant, playbook=ctx.playbook).render(touch, customer, now=ctx.now())

    def _claim(
        self, worker: str, now: datetime, *, limit: int, until: datetime
    ) -> tuple[list[_Claim], list[DispatchOutcome]]:
        """One transaction: lease the batch, commit skips and deferrals, render the rest."""
        ctx = self._ctx
        contact = ctx.playbook.cadences.contact
        renderer = MessageRenderer(tenant=ctx.tenant, playbook=ctx.playbook)
        today = now.astimezone(ctx.playbook.locale.zone).date()
        claims: list[_Claim] = []
        outcomes: list[DispatchOutcome] = []
        with ctx.unit() as uow:
            leased = uow.touches.lease_automated(day=today, now=now, worker=worker, until=until, limit=limit)
            if not leased:
                return claims, outcomes
            ids = sorted({t.customer_id for t in leased})
            customers = {c.id: c for c in uow.customers.by_ids(ids)}
            # Sends of this batch count against the cap as if done, so it holds within a batch too.
            sent = Counter(uow.touches.sent_counts_since(ids, now - timedelta(days=contact.cap_window_days)))
            for touch in leased:
                customer = customers.get(touch.customer_id) or uow.customers.get(touch.customer_id)
                checked = _check(touch, customer, now, sent[customer.id] >= contact.cap_per_window)
                if checked is DispatchOutcome.DEFERRED_CAP:
                    touch.reschedule(today + timedelta(days=1), by="dispatch", at=now, why="frequency cap")
                elif checked is not None:
                    touch.skip(why=_WHY[checked], by="dispatch", at=now)
                else:
                    sent[customer.id] += 1
                    notification = self._notification(renderer, touch, customer, now)
                    claims.append(_Claim(touch, notification))
                    continue
                uow.touches.save(touch)
                outcomes.append(checked)
        return claims, outcomes

    def _record(self, results: list[tuple[_Claim, str | None]], worker: str, now: datetime) -> list[DispatchOutcome]:
        """One transaction for the whole batch's outcomes; touch by touch after a conflict."""
        if not results:
            return []
        contact = self._ctx.playbook.cadences.contact
        try:
            with self._ctx.unit() as uow:
                for claim, reason in results:
                    touch = claim.touch
                    if reason is None:
                        touch.complete(Outcome.SENT, by="dispatch", at=now)
                    else:
                        touch.delivery_failed(reason=reason, at=now, retry_at=_retry_at(contact, touch, reason, now))
                uow.touches.save_all([claim.touch for claim, _ in results])
        except ConcurrencyConflict:
            for claim, reason in results:
                if reason is None:
                    self._mark_sent(claim.touch.id, now)
                else:
                    self._failed(claim.touch.id, worker, reason, now=now)
        return [DispatchOutcome.SENT if reason is None else DispatchOutcome.FAILED for _, reason in results]

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

    def _failed(self, touch_id: str, worker: str, reason: str, *, now: datetime) -> None:
        contact = self._ctx.playbook.cadences.contact
        try:
            with self._ctx.unit() as uow:
                touch = uow.touches.get(touch_id)
                if touch.lease_owner != worker or touch.status is not TouchStatus.PLANNED:
                    return
                touch.delivery_failed(reason=reason, at=now, retry_at=_retry_at(contact, touch, reason, now))
                uow.touches.save(touch)
        except ConcurrencyConflict:
            return  # the lease expires and the next round retries the send

    def _notification(self, renderer: MessageRenderer, touch: Touch, customer: Customer, now: datetime) -> Notification:
        message = renderer.render(touch, customer, now=now)
        return Notification(
            touch_id=touch.id,
            customer_id=customer.id,
            channel=message.channel,
            address=_address(customer, touch.precision.channel) or "",
            subject=message.subject,
            body=message.text,
            html=message.html,
            unsubscribe_url=message.unsubscribe_url,
            locale=message.locale,
            idempotency_key=delivery_key(self._ctx.tenant, touch.id),
            pictures=message.pictures,
        )


#: The skip reason stored on the touch for each skipping outcome.
_WHY = {
    DispatchOutcome.SKIPPED_WINDOW_OVER: "window over",
    DispatchOutcome.SKIPPED_NO_CONSENT: "no consent",
    DispatchOutcome.SKIPPED_NO_ADDRESS: "no address for channel",
}


def _check(touch: Touch, customer: Customer, now: datetime, capped: bool) -> DispatchOutcome | None:
    """Why ``touch`` may not be sent now (a skip or the cap's deferral), or ``None`` when it may."""
    if touch.precision.window_end is not None and now >= touch.precision.window_end:
        return DispatchOutcome.SKIPPED_WINDOW_OVER  # P71: promotions are told while they run, never after
    if not customer.has_consent(touch.purpose, touch.precision.channel, at=now):
        return DispatchOutcome.SKIPPED_NO_CONSENT
    if capped:
        return DispatchOutcome.DEFERRED_CAP
    if _address(customer, touch.precision.channel) is None:
        return DispatchOutcome.SKIPPED_NO_ADDRESS
    return None


def _send_all(notifier: Notifier, claims: list[_Claim]) -> list[tuple[_Claim, str | None]]:
    """Send the batch (in one notifier session when it has one); each claim with its failure reason or ``None``."""
    results: list[tuple[_Claim, str | None]] = []
    if not claims:
        return results
    session = notifier.session() if isinstance(notifier, NotifierSession) else nullcontext()
    with session:
        for claim in claims:
            try:
                notifier.send(claim.notification)
            except Exception as exc:  # any notifier error: retried with backoff, never lost
                # DeliveryFailed(permanent=True): the channel refused this message for good.
                reason = REFUSED if getattr(exc, "permanent", False) else type(exc).__name__
                log.warning("notifier failed for touch %s: %s", claim.touch.id, reason)
                results.append((claim, reason))
            else:
                results.append((claim, None))
    return results


def _retry_at(contact: ContactRules, touch: Touch, reason: str, now: datetime) -> datetime | None:
    """When a failed send may be tried again, or ``None`` to dead-letter it (refused, or out of attempts)."""
    attempt = touch.delivery_attempts + 1
    if reason == REFUSED or attempt >= contact.send_attempts:
        return None
    return now + backoff(contact, touch.id, attempt)


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


def _address(customer: Customer, channel: Channel) -> str | None:
    if channel in (Channel.SMS, Channel.PHONE):
        return customer.phone
    if channel is Channel.EMAIL:
        return customer.hard.email
    if channel is Channel.MESSAGING:
        return next((c.value for c in customer.contacts if c.kind in ("messaging", "wechat")), None)
    return None  # face to face, club and post are not automated
