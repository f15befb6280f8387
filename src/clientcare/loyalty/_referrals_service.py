"""Referrals as use cases (P33): who brought whom, the open leads worked first,
and the referrals a customer gave, as the assessments ask for them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from clientcare.errors import RuleViolation
from clientcare.loyalty._referrals import ReferralRecord
from clientcare.loyalty._service import ServiceBase

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = ["ReferralsService"]


class ReferralsService(ServiceBase):
    """P33: referrals from old customers; leads worked first; referrers thanked."""

    def record(self, referrer_id: str, referred_id: str, *, by: str) -> ReferralRecord:
        """Record that ``referrer_id`` brought ``referred_id`` (a lead who has not bought)."""
        with self._ctx.unit() as uow:
            return self._record(uow, referrer_id, referred_id, by=by, at=self._ctx.now())

    def record_lead(self, referrer_id: str, referred_id: str, *, by: str, at: datetime | None = None) -> ReferralRecord:
        """P33: a lead registered from a referral (the cadences' ``referral_given``
        outcome, announced by ``LeadReferred``) becomes a referral record, so the
        referrer is credited at the lead's first purchase. Once per lead: when the
        lead was referred already, the record made then is returned unchanged."""
        with self._ctx.unit() as uow:
            known = uow.referrals.by_referred(referred_id)
            if known is not None:
                return known
            return self._record(uow, referrer_id, referred_id, by=by, at=at or self._ctx.now())

    def _record(self, uow: UnitOfWork, referrer_id: str, referred_id: str, *, by: str, at: datetime) -> ReferralRecord:
        ctx = self._ctx
        uow.customers.get(referrer_id)
        uow.customers.get(referred_id)
        if uow.purchases.figures(referred_id, ctx.playbook.locale.currency).purchase_count > 0:
            raise RuleViolation("referral.referred", "the referred customer has bought already")
        referral = ReferralRecord.made(
            tenant=ctx.tenant, referrer_id=referrer_id, referred_id=referred_id, by=by, at=at
        )
        uow.referrals.add(referral)
        return referral

    def leads(self) -> list[ReferralRecord]:
        """Referred leads that have not bought yet, oldest first (work them first)."""
        with self._ctx.unit() as uow:
            return uow.referrals.open_leads()

    def referrals_given(self, tenant: str, customer_id: str, *, since: datetime, until: datetime) -> int | None:
        """Referrals made in ``[since, until)``, as the assessments area asks for them
        (its ``ReferralHistory``): ``AssessmentSources(referrals=care.referrals)``.
        None for another tenant: a facade never reads outside its own tenant."""
        if tenant != self._ctx.tenant:
            return None
        with self._ctx.unit() as uow:
            made = uow.referrals.by_referrer(customer_id)
        return sum(1 for r in made if since <= r.recorded_at < until)

    def made_by(self, customer_id: str) -> list[ReferralRecord]:
        """Referrals the customer made, oldest first."""
        with self._ctx.unit() as uow:
            return uow.referrals.by_referrer(customer_id)
