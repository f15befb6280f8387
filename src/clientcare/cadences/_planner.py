"""The planner: which touches the cadences (P20–P35) call for, customer by customer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from clientcare.cadences._candidates import next_occasion_day, silence_thresholds
from clientcare.cadences._sequences import CustomerView, choose_channel, slot_due
from clientcare.cadences._touches import PURPOSE_OF, Precision, Touch, TouchReason
from clientcare.customers._model import Channel
from clientcare.kernel._texts import Texts
from clientcare.playbook import Playbook
from clientcare.purchases._model import Purchase

__all__ = ["Planner"]


class Planner:
    """Plans one customer's due touches for one day under one playbook."""

    def __init__(self, *, tenant: str, playbook: Playbook, now: datetime, texts: Texts) -> None:
        self.tenant = tenant
        self.playbook = playbook
        self.rules = playbook.cadences
        self.now = now
        self.texts = texts
        #: Why rules planned nothing, kept only when someone asks (``daily.explain``).
        self.notes: list[tuple[TouchReason, str]] | None = None

    def _why_not(self, reason: TouchReason, text: str) -> None:
        if self.notes is not None:
            self.notes.append((reason, text))

    def _brief(
        self,
        template: str,
        view: CustomerView | None = None,
        gift: bool = False,
        values: Mapping[str, object] | None = None,
    ) -> str:
        filled = dict(values or {})
        filled["gift"] = self.texts.raw("asks", "gift") if gift else ""
        text = self.texts.render(template, "brief", **filled)
        if view is not None and self.is_old(view):
            text += self.texts.raw("asks", "referral")  # P33: ask old customers for referrals at each contact
        return text

    def is_old(self, view: CustomerView) -> bool:
        """P13: the playbook's one "old customer" rule (``segments.is_old``)."""
        segments = self.playbook.segments
        return segments.is_old(
            sales=view.figures.purchase_count,
            referrals=view.referrals,
            poor_relationship=segments.poor_relationship_tag in view.customer.tags,
        )

    def touch(
        self,
        view: CustomerView,
        reason: TouchReason,
        *,
        occasion: date,
        due: date,
        information: str,
        automated: bool = False,
        owner: str | None = None,
        reward: str | None = None,
        template: str | None = None,
        reference: str | None = None,
        priority: int | None = None,
        channel: Channel | None = None,
        sequence: tuple[str, int] | None = None,
        details: Mapping[str, str] | None = None,
    ) -> Touch | None:
        """A touch for ``view``'s customer, or None when no consented channel exists."""
        purpose = PURPOSE_OF[reason]
        contact = self.rules.contact
        if channel is not None:
            chosen = channel if view.customer.has_consent(purpose, channel, at=self.now) else None
        else:
            channels = contact.automated_channels if automated else contact.staff_channels
            chosen = choose_channel(view.customer, purpose, channels, self.now)
        if chosen is None:  # P04: never plan a contact the customer has not agreed to
            tried = [channel.value] if channel is not None else list(channels)
            self._why_not(reason, f"no consent for {purpose.value} on {' or '.join(tried)}")
            return None
        return Touch.plan(
            tenant=self.tenant,
            customer_id=view.customer.id,
            reason=reason,
            occasion=occasion,
            due=due,
            precision=Precision(information=information, reward=reward, channel=chosen),
            at=self.now,
            owner=None if automated else owner,
            store_id=view.customer.home_store,
            automated=automated,
            priority=priority if priority is not None else (1 if view.key else 2 if view.tier == "B" else 3),
            template=template or reason.value,
            reference=reference,
            sequence_id=sequence[0] if sequence else None,
            sequence_no=sequence[1] if sequence else None,
            details=details,
        )

    # -- P20/P35 -----------------------------------------------------------------
    def after_purchase(self, view: CustomerView, purchase: Purchase) -> list[Touch]:
        """P20 return visit and P35 after-sales touches for a recorded sale."""
        rules = self.rules.after_purchase
        sold = purchase.occurred_at.astimezone(self.playbook.locale.zone).date()
        result: list[Touch | None] = [
            self.touch(
                view,
                TouchReason.RETURN_VISIT,
                occasion=sold,
                due=sold + timedelta(days=rules.return_visit_days),
                information=self._brief("return_visit", view),
                owner=purchase.staff_id,
                reference=purchase.id,
            )
        ]
        for days in rules.after_sales_days:
            result.append(
                self.touch(
                    view,
                    TouchReason.AFTER_SALES,
                    occasion=sold,
                    due=sold + timedelta(days=days),
                    information=self._brief("after_sales", view),
                    owner=purchase.staff_id,
                    reference=f"{purchase.id}:{days}d",
                )
            )
        return [t for t in result if t is not None]

    # -- P07/P22/P14 -------------------------------------------------------------
    def _greeting(
        self, view: CustomerView, reason: TouchReason, occasion: date, day: date, owner: str | None, **values: str
    ) -> Touch | None:
        greet = self.rules.greetings
        due = occasion - timedelta(days=greet.days_ahead)
        if not due <= day <= occasion:
            return None
        # Key customers get a personal greeting from their staff member with a
        # small gift (P22); everyone else an automated message. On public holidays
        # the document gives everyone a small gift (seed 003: 國家法定假日期間…贈送…小禮品):
        # a message tells the customer it waits in the store (``holiday_gifts``).
        personal = view.key and greet.gift_for_key_customers
        gift = personal
        if reason is TouchReason.HOLIDAY:
            gift = greet.holiday_gifts == "all" or (greet.holiday_gifts == "key" and view.key)
        reference = values.pop("reference", "")
        if gift:
            values["gift"] = "1"
        touch = self.touch(
            view,
            reason,
            occasion=occasion,
            due=due,
            information=self._brief(reason.value, None, gift=gift, values=values),
            automated=not personal,
            owner=owner,
            reward="gift" if gift else None,
            reference=reference or None,
            details=values,
        )
        if touch is None and personal:
            # No consent for a call: fall back to a consented automated greeting.
            touch = self.touch(
                view,
                reason,
                occasion=occasion,
                due=due,
                information=self._brief(reason.value, None, gift=gift, values=values),
                automated=True,
                reward="gift" if gift and reason is TouchReason.HOLIDAY else None,
                reference=reference or None,
                details=values if reason is TouchReason.HOLIDAY else {k: v for k, v in values.items() if k != "gift"},
            )
        return touch

    def greetings(
        self, view: CustomerView, day: date, owner: str | None, holidays: Sequence[tuple[date, str, str]]
    ) -> list[Touch]:
        """P07/P22: birthday, important dates and public holidays, ahead of the day."""
        greet = self.rules.greetings
        horizon = day + timedelta(days=greet.days_ahead)
        result: list[Touch | None] = []
        birthday = view.customer.hard.birthday
        if birthday is None or not greet.birthday:
            self._why_not(TouchReason.BIRTHDAY, "no birthday on file" if greet.birthday else "off in the playbook")
        else:
            self._why_not(TouchReason.BIRTHDAY, f"outside the window (greeted {greet.days_ahead} days ahead)")
            for year in (day.year, day.year + 1):
                try:
                    when = birthday.replace(year=year)
                except ValueError:  # 29 February: greet on 28 February
                    when = date(year, 2, 28)
                if day <= when <= horizon:
                    result.append(self._greeting(view, TouchReason.BIRTHDAY, when, day, owner))
        dated = view.customer.important_dates if greet.important_dates else ()
        self._why_not(TouchReason.IMPORTANT_DATE, f"none within {greet.days_ahead} days" if dated else "none on file")
        if greet.important_dates:
            for important in view.customer.important_dates:
                when = important.next_on_or_after(day)
                if when <= horizon:
                    result.append(
                        self._greeting(
                            view,
                            TouchReason.IMPORTANT_DATE,
                            when,
                            day,
                            owner,
                            label=important.label,
                            reference=important.kind.value + ":" + important.label,
                        )
                    )
        self._why_not(TouchReason.HOLIDAY, f"no holiday the playbook greets within {greet.days_ahead} days")
        for when, name, shown in holidays:
            if day <= when <= horizon:
                result.append(
                    self._greeting(view, TouchReason.HOLIDAY, when, day, owner, holiday=shown, reference=name)
                )
        self._why_not(TouchReason.CARD_EXPIRY, "no membership card expiring within the reminder windows")
        if view.card_expires is not None:
            result.extend(self._card_expiry(view, day, owner))
        return [t for t in result if t is not None]

    def _card_expiry(self, view: CustomerView, day: date, owner: str | None) -> list[Touch | None]:
        expires = view.card_expires
        if expires is None:
            return []
        aheads = sorted(self.playbook.membership.expiry_reminder_days, reverse=True)
        result: list[Touch | None] = []
        for index, ahead in enumerate(aheads):
            start = expires - timedelta(days=ahead)
            stop = expires - timedelta(days=aheads[index + 1]) if index + 1 < len(aheads) else expires
            if start <= day < stop or (day == stop == expires):
                result.append(self._card_reminder(view, expires, start, ahead, owner))
        return result

    def _card_reminder(
        self, view: CustomerView, expires: date, due: date, ahead: int, owner: str | None
    ) -> Touch | None:
        """A message where the member consented to one; else a call from their
        staff member (seed 000: 会员优惠卡快到期了打个电话提醒她)."""
        information = self._brief("card_expiry", None, values={"date": expires.isoformat()})
        for automated in (True, False):
            touch = self.touch(
                view,
                TouchReason.CARD_EXPIRY,
                occasion=expires,
                due=due,
                information=information,
                automated=automated,
                owner=None if automated else owner,
                reference=f"{ahead}d",
                details={"date": expires.isoformat()},
            )
            if touch is not None:
                return touch
        return None

    # -- P22/P32 -----------------------------------------------------------------
    def occasions(self, view: CustomerView, day: date, owner: str | None) -> list[Touch]:
        """P22 the new brochure, P32 the customer conference and the award event
        (``cadences.occasions``): a touch for each occasion whose audience takes
        the customer, due ``days_ahead`` before its date (planned until the date)."""
        result: list[Touch] = []
        why: list[str] = []
        for name, occasion in self.rules.occasions.items():
            when = next_occasion_day(occasion.dates, day)
            if when is None or day < when - timedelta(days=occasion.days_ahead):
                why.append(f"{name}: not within {occasion.days_ahead} days of its date")
                continue
            if not self._in_audience(view, occasion.audience):
                why.append(f"{name}: for {occasion.audience} customers")
                continue
            details = {"date": when.isoformat()}
            invitation = name != "brochure"  # the brochure informs; the events invite
            touch = None
            for automated in (False, True) if occasion.personal else (True,):
                touch = self.touch(
                    view,
                    TouchReason.OCCASION,
                    occasion=when,
                    due=when - timedelta(days=occasion.days_ahead),
                    information=self._brief(name, view, values=details),
                    automated=automated,
                    owner=owner,
                    reward="invitation" if invitation else None,
                    template=name,
                    reference=name,
                    details=details,
                )
                if touch is not None:
                    break
            if touch is not None:
                result.append(touch)
        if not result:
            self._why_not(TouchReason.OCCASION, "; ".join(why) or "no consent for marketing")
        return result

    def _in_audience(self, view: CustomerView, audience: str) -> bool:
        if audience == "old":
            return self.is_old(view)
        if audience == "key":
            return view.key
        return True

    # -- P23/P26 -----------------------------------------------------------------
    def rotation(self, view: CustomerView, day: date) -> Touch | None:
        """P23: the customer's rotation slot, once per tier cycle (owner assigned later);
        P60: an open improvement plan's interval when it is shorter than the tier's cycle."""
        cycle = self.rules.rotation.cycle_for(view.tier)
        if view.visit_every_days is not None and view.visit_every_days < cycle:
            cycle = view.visit_every_days
        if not slot_due(view.customer.id, day, cycle):
            self._why_not(TouchReason.ROTATION_VISIT, f"not the customer's day in the {cycle}-day rotation")
            return None
        return self.touch(
            view, TouchReason.ROTATION_VISIT, occasion=day, due=day, information=self._brief("rotation_visit", view)
        )

    def thank_you(self, view: CustomerView, day: date, owner: str | None) -> Touch | None:
        """P26: the most valuable customers get a thank-you call every period."""
        every = self.rules.rotation.thank_you_every_days
        if not view.key or not slot_due("thanks:" + view.customer.id, day, every):
            why = f"not the customer's day (every {every} days)" if view.key else "not a key customer"
            self._why_not(TouchReason.THANK_YOU, why)
            return None
        return self.touch(
            view,
            TouchReason.THANK_YOU,
            occasion=day,
            due=day,
            information=self._brief("thank_you", view),
            owner=owner,
            priority=1,
        )

    # -- P27/P34 -----------------------------------------------------------------
    def silence(self, view: CustomerView, day: date, owner: str | None) -> Touch | None:
        """P34 repeat-business ask, then P27 lost-customer interview, by the customer's own rhythm."""
        figures = view.figures
        if figures.last_purchase_at is None or figures.first_purchase_at is None:
            self._why_not(TouchReason.LOST_INTERVIEW, "no purchases yet")
            self._why_not(TouchReason.REPEAT_ASK, "no purchases yet")
            return None
        zone = self.playbook.locale.zone
        last = figures.last_purchase_at.astimezone(zone).date()
        first = figures.first_purchase_at.astimezone(zone).date()
        silent = (day - last).days
        # The same thresholds as the daily run's prefilter (``silence_verdict``).
        lost_after, repeat_after = silence_thresholds(self.playbook, figures.purchase_count, first, last)
        if silent >= lost_after:
            return self.touch(
                view,
                TouchReason.LOST_INTERVIEW,
                occasion=last,
                due=day,
                information=self._brief("lost_interview"),
                owner=owner,
            )
        self._why_not(TouchReason.LOST_INTERVIEW, f"silent {silent} days; lost after {lost_after:.0f}")
        if not self.is_old(view):
            self._why_not(TouchReason.REPEAT_ASK, "not an old customer (P13)")
        elif repeat_after is None or silent < repeat_after:
            asked = "never (no rhythm)" if repeat_after is None else f"after {repeat_after:.0f}"
            self._why_not(TouchReason.REPEAT_ASK, f"silent {silent} days; asked {asked}")
        if self.is_old(view) and repeat_after is not None and silent >= repeat_after:
            return self.touch(
                view,
                TouchReason.REPEAT_ASK,
                occasion=last,
                due=day,
                information=self._brief("repeat_ask", view),
                owner=owner,
            )
        return None
