"""B2B contracts (P16): terms locked in for a period, their renewal prepared in time."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from clientcare.errors import ValidationError
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._checks import aware, clean_text
from clientcare.kernel._values import new_id
from clientcare.loyalty._events import ContractRenewalDue, ContractSigned

__all__ = ["Contract"]


@attrs.define(eq=False, kw_only=True)
class Contract(Aggregate):
    """P16: terms locked in with a B2B customer for a period."""

    customer_id: str
    starts_at: datetime
    ends_at: datetime
    discount: Decimal
    terms: str = attrs.field(default="", repr=False)
    reminded_for: datetime | None = None
    renewals: int = 0

    @classmethod
    def sign(
        cls,
        *,
        tenant: str,
        customer_id: str,
        starts_at: datetime,
        ends_at: datetime,
        discount: Decimal,
        terms: str = "",
    ) -> Contract:
        """A contract for ``[starts_at, ends_at)`` with an agreed discount."""
        if aware(ends_at, "ends_at") <= aware(starts_at, "starts_at"):
            raise ValidationError("ends_at", "must be after starts_at")
        if not Decimal(0) <= discount < Decimal(1):
            raise ValidationError("discount", "must be at least 0 and below 1")
        contract = cls(
            id=new_id(),
            tenant=tenant,
            customer_id=customer_id,
            starts_at=starts_at,
            ends_at=ends_at,
            discount=discount,
            terms=clean_text(terms, "terms", limit=2000, required=False),
        )
        contract.record(
            ContractSigned(
                tenant=tenant, occurred_at=starts_at, contract_id=contract.id, customer_id=customer_id, ends_on=ends_at
            )
        )
        return contract

    def renewal_on(self, notice_days: int) -> datetime:
        """When the renewal talk should start."""
        return self.ends_at - timedelta(days=notice_days)

    def in_force(self, now: datetime) -> bool:
        """Whether the terms hold at ``now``."""
        return self.starts_at <= now < self.ends_at

    def remind_renewal(self, now: datetime, notice_days: int) -> bool:
        """Raise ContractRenewalDue once per end date, ``notice_days`` before it."""
        if self.reminded_for == self.ends_at or not self.renewal_on(notice_days) <= now < self.ends_at:
            return False
        self.reminded_for = self.ends_at
        self.record(
            ContractRenewalDue(
                tenant=self.tenant,
                occurred_at=now,
                contract_id=self.id,
                customer_id=self.customer_id,
                renewal_on=self.renewal_on(notice_days),
            )
        )
        return True

    def renew(self, *, until: datetime, discount: Decimal | None = None) -> None:
        """Extend the contract (optionally with a new discount)."""
        if aware(until, "until") <= self.ends_at:
            raise ValidationError("until", "must be after the current end")
        self.ends_at = until
        if discount is not None:
            if not Decimal(0) <= discount < Decimal(1):
                raise ValidationError("discount", "must be at least 0 and below 1")
            self.discount = discount
        self.renewals += 1
