"""Campaigns (P70, P71): new products and promotions pushed to past buyers.

A campaign is a batch of automated ``inform`` touches sharing one reference
(``campaign:<code>``) and one time window. Planning goes through the same
touch repository as every cadence, so the dispatcher applies consent, quiet
hours and the per-customer frequency cap; the window makes sure nobody is
told of a promotion after it ended (P71).

Seed 003 gives two routes (二次营销…客户量小的话可以很简单打电话跟进客户就行，客户量大的话
可以通过邮件群发或者是短信群发): a small audience is called by staff (``channel="phone"``:
one staff touch per customer, on the boards, not dispatched), a large one gets
SMS or e-mail. The document names no number for "small"; ``max_calls`` (50 by
default, an assumption) is where a phone campaign is refused in favour of SMS
or e-mail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

import attrs

from clientcare.cadences._ports import MarketingStops
from clientcare.cadences._touches import Precision, Touch, TouchReason, TouchStatus
from clientcare.customers._model import Channel, Customer, Purpose
from clientcare.errors import RuleViolation, ValidationError
from clientcare.kernel._checks import aware, clean_text, one_of
from clientcare.kernel._context import Context

__all__ = ["CampaignReport", "CampaignsService", "campaign_reference"]

_CHANNELS = (Channel.SMS, Channel.EMAIL, Channel.MESSAGING, Channel.PHONE)
#: Calls one phone campaign may plan: the document says "small" without a number (an assumption).
MAX_CALLS = 50


def campaign_reference(code: str) -> str:
    """The touch reference every touch of campaign ``code`` carries."""
    return f"campaign:{code}"


@attrs.frozen(kw_only=True)
class CampaignReport:
    """What launching (or ending) a campaign did, customer counts by outcome."""

    code: str
    audience: int
    planned: int = 0
    already_planned: int = 0
    skipped_no_consent: int = 0
    skipped_marketing_stopped: int = 0
    cancelled: int = 0


class CampaignsService:
    """P70/P71: second marketing to past buyers, in time and within consent."""

    def __init__(self, ctx: Context, relationships: MarketingStops) -> None:
        self._ctx = ctx
        self._relationships = relationships

    def launch(
        self,
        code: str,
        *,
        title: str,
        body: str,
        starts: datetime,
        ends: datetime,
        channel: Channel | str = Channel.SMS,
        link: str | None = None,
        pictures: Sequence[str] = (),
        bought_styles: Sequence[str] | None = None,
        bought_since: datetime | None = None,
        customer_ids: Sequence[str] | None = None,
        max_calls: int = MAX_CALLS,
    ) -> CampaignReport:
        """Plan one automated message per past buyer for the campaign's window.

        The audience is every customer who bought one of ``bought_styles``
        since ``bought_since`` (every past buyer when no styles are given), or
        exactly ``customer_ids``. Customers without marketing consent on the
        channel, or whose relationship was ended, are left out and counted.
        Launching again adds nothing: each touch's key carries the campaign.

        ``channel="phone"`` is the small audience's route (seed 003): each
        customer becomes a staff call on the boards, with the campaign's text
        and window, instead of an automated message; more than ``max_calls``
        calls is refused (``campaign.too_many_calls``: send by SMS or e-mail).
        """
        ctx = self._ctx
        key = clean_text(code, "code", limit=40)
        ch = one_of(Channel, channel, "channel")
        if ch not in _CHANNELS:
            raise ValidationError("channel", "a campaign goes by sms, email, messaging or phone")
        now = ctx.now()
        _check_window(starts, ends, now)
        details = _message(title, body, link, pictures)
        customers = self._audience(now, bought_styles=bought_styles, bought_since=bought_since, ids=customer_ids)
        touches, no_consent, stopped = self._plan(
            customers,
            Precision(information=details["title"], channel=ch, window_start=starts, window_end=ends),
            details=details,
            reference=campaign_reference(key),
            day=max(starts, now).astimezone(ctx.playbook.locale.zone).date(),
            now=now,
        )
        if ch is Channel.PHONE and len(touches) > max_calls:
            # 客户量大的话可以通过邮件群发或者是短信群发: too many to call.
            raise RuleViolation("campaign.too_many_calls", "too many customers to call: send by sms or email")
        with ctx.unit() as uow:
            stored = uow.touches.add_new(touches)
        return CampaignReport(
            code=key,
            audience=len(customers),
            planned=len(stored),
            already_planned=len(touches) - len(stored),
            skipped_no_consent=no_consent,
            skipped_marketing_stopped=stopped,
        )

    def _plan(
        self,
        customers: Sequence[Customer],
        precision: Precision,
        *,
        details: Mapping[str, str],
        reference: str,
        day: date,
        now: datetime,
    ) -> tuple[list[Touch], int, int]:
        """One automated message per consenting customer; how many lacked consent, how many had ended."""
        no_consent = stopped = 0
        touches: list[Touch] = []
        for customer in customers:
            if customer.erased or not customer.has_consent(Purpose.MARKETING, precision.channel, at=now):
                no_consent += 1
            elif self._relationships.marketing_stopped(customer.id):
                stopped += 1
            else:
                touches.append(
                    Touch.plan(
                        tenant=self._ctx.tenant,
                        customer_id=customer.id,
                        reason=TouchReason.INFORM,
                        occasion=day,
                        due=day,
                        precision=precision,
                        at=now,
                        store_id=customer.home_store,
                        # A call is made by staff (it shows on the boards); the other channels are dispatched.
                        automated=precision.channel is not Channel.PHONE,
                        template="campaign",
                        reference=reference,
                        details=details,
                    )
                )
        return touches, no_consent, stopped

    def _audience(
        self,
        now: datetime,
        *,
        bought_styles: Sequence[str] | None,
        bought_since: datetime | None,
        ids: Sequence[str] | None,
    ) -> list[Customer]:
        """``ids`` when given, else every buyer of ``bought_styles`` (any style when none) since ``bought_since``."""
        with self._ctx.unit() as uow:
            if ids is not None:
                return uow.customers.by_ids(ids)
            styles = set(bought_styles or ())
            buyers: set[str] = set()
            # Half-open period: a sale recorded this very second still counts.
            for purchase in uow.purchases.between(bought_since, now + timedelta(seconds=1)):
                if purchase.customer_id and (not styles or any(line.style_no in styles for line in purchase.lines)):
                    buyers.add(purchase.customer_id)
            return uow.customers.by_ids(sorted(buyers))

    def end(self, code: str, *, starts: datetime, ends: datetime, by: str) -> CampaignReport:
        """Stop a campaign early: its unsent messages are cancelled (P71: nobody hears
        of a promotion that no longer runs)."""
        ctx = self._ctx
        reference = campaign_reference(clean_text(code, "code", limit=40))
        zone = ctx.playbook.locale.zone
        now = ctx.now()
        cancelled = 0
        with ctx.unit() as uow:
            for touch in uow.touches.due_between(starts.astimezone(zone).date(), ends.astimezone(zone).date()):
                if touch.reference == reference and touch.status is TouchStatus.PLANNED:
                    touch.cancel(why="campaign ended", by=by, at=now)
                    uow.touches.save(touch)
                    cancelled += 1
        return CampaignReport(code=code, audience=cancelled, cancelled=cancelled)


def _check_window(starts: datetime, ends: datetime, now: datetime) -> None:
    aware(starts, "starts")
    aware(ends, "ends")
    if ends <= starts:
        raise ValidationError("ends", "must be after starts")
    if ends <= now:
        raise RuleViolation("campaign.over", "the campaign has already ended")  # P71: in time, or not at all


def _message(title: str, body: str, link: str | None, pictures: Sequence[str]) -> dict[str, str]:
    """What the ``campaign`` template fills in: title, body, link and pictures."""
    if link is not None and not link.startswith(("https://", "http://")):
        raise ValidationError("link", "must be an http(s) address")
    if any(not p.startswith(("https://", "http://")) for p in pictures):
        raise ValidationError("pictures", "must be http(s) addresses")
    return {
        "title": clean_text(title, "title", limit=100),
        "body": clean_text(body, "body", limit=1000),
        "link": link or "",
        "pictures": " ".join(clean_text(p, "pictures", limit=300) for p in pictures),
    }
