"""P60: how responsive a customer is, from the touches staff made (for the assessments)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from clientcare.cadences._service_base import CadenceContext
from clientcare.cadences._touches import Touch

__all__ = ["TouchResponsiveness"]


class TouchResponsiveness:
    """P60: how responsive a customer is, from the outcomes of the touches staff made;
    the assessments area reads it through its ``ResponsivenessHistory`` port."""

    def __init__(self, ctx: CadenceContext) -> None:
        self._ctx = ctx

    def _touches(self, customer_id: str) -> list[Touch]:
        with self._ctx.unit() as uow:
            return uow.touches.for_customer(customer_id)

    def response_rate(self, tenant: str, customer_id: str, *, since: datetime, until: datetime) -> Decimal | None:
        """How often the customer answered when staff tried to reach them in ``[since, until)``:
        personal touches that reached the customer over every attempt, unanswered retries
        included (the assessments' ``ResponsivenessHistory``). None when nobody tried, or for
        another tenant, whose data this facade cannot see."""
        if tenant != self._ctx.tenant:
            return None
        # Every attempt counts, the unanswered retries of a still-open touch too.
        tried = [
            t
            for t in self._touches(customer_id)
            if not t.automated and t.attempts > 0 and since <= (t.closed_at or t.planned_at) < until
        ]
        attempts = sum(t.attempts for t in tried)
        if not attempts:
            return None
        reached = sum(1 for t in tried if t.outcome is not None and t.outcome.reached)
        return (Decimal(reached) / Decimal(attempts)).quantize(Decimal("0.0001"))
