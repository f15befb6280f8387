"""Referrals (P33): who referred whom, and the thanks when the lead first buys."""

from __future__ import annotations

from datetime import datetime

import attrs

from clientcare.errors import RuleViolation
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._checks import aware, clean_text
from clientcare.kernel._values import new_id
from clientcare.loyalty._events import ReferralCredited, ReferralRecorded

__all__ = ["ReferralRecord"]


@attrs.define(eq=False, kw_only=True)
class ReferralRecord(Aggregate):
    """P33: ``referrer_id`` brought ``referred_id``; credited once, at the first purchase."""

    referrer_id: str
    referred_id: str
    recorded_at: datetime
    by: str
    purchase_id: str | None = None
    credited_at: datetime | None = None
    points: int = 0

    @classmethod
    def made(cls, *, tenant: str, referrer_id: str, referred_id: str, by: str, at: datetime) -> ReferralRecord:
        """A referred lead: A-grade priority until it buys."""
        if referrer_id == referred_id:
            raise RuleViolation("referral.self", "a customer cannot refer themselves")
        referral = cls(
            id=new_id(),
            tenant=tenant,
            referrer_id=referrer_id,
            referred_id=referred_id,
            recorded_at=aware(at, "at"),
            by=clean_text(by, "by", limit=64),
        )
        referral.record(
            ReferralRecorded(
                tenant=tenant,
                occurred_at=at,
                referral_id=referral.id,
                referrer_id=referrer_id,
                referred_id=referred_id,
            )
        )
        return referral

    def pass_to(self, *, absorbed_id: str, kept_id: str) -> None:
        """A merge: the absorbed customer's side of the referral becomes the kept one's."""
        if self.referrer_id == absorbed_id:
            self.referrer_id = kept_id
        if self.referred_id == absorbed_id:
            self.referred_id = kept_id

    @property
    def converted(self) -> bool:
        """Whether the referred customer has bought."""
        return self.credited_at is not None

    def credit(self, *, purchase_id: str, points: int, at: datetime) -> None:
        """The referred customer's first purchase: thank the referrer (once)."""
        if self.converted:
            return
        self.purchase_id = purchase_id
        self.credited_at = at
        self.points = points
        self.record(
            ReferralCredited(
                tenant=self.tenant,
                occurred_at=at,
                referral_id=self.id,
                referrer_id=self.referrer_id,
                referred_id=self.referred_id,
                points=points,
            )
        )
