"""Analytics (P64): the assumptions behind lifetime value."""

from __future__ import annotations

from decimal import Decimal

import attrs

from clientcare.errors import PlaybookError
from clientcare.playbook._checks import fraction

__all__ = ["AnalyticsRules"]


@attrs.frozen
class AnalyticsRules:
    """P64: the assumptions behind lifetime value (the documents give no numbers)."""

    gross_margin: Decimal = attrs.field(default=Decimal("0.40"), validator=fraction)
    discount_rate: Decimal = attrs.field(default=Decimal("0.10"), validator=fraction)
    yearly_service_cost: Decimal = attrs.field(default=Decimal("0"))

    def __attrs_post_init__(self) -> None:
        if self.yearly_service_cost < 0:
            raise PlaybookError("yearly_service_cost", "must not be negative")
