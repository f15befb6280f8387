"""Analytics (P64): the assumptions behind lifetime value."""

from __future__ import annotations

from decimal import Decimal

import attrs

from clientcare.errors import PlaybookError
from clientcare.playbook._checks import fraction
from clientcare.playbook._provenance import assumed

__all__ = ["AnalyticsRules"]


@attrs.frozen
class AnalyticsRules:
    """P64: the assumptions behind lifetime value (the documents give no numbers)."""

    gross_margin: Decimal = assumed(
        Decimal("0.40"),
        why="the documents give no numbers for lifetime value; a typical retail margin",
        validator=fraction,
    )
    discount_rate: Decimal = assumed(
        Decimal("0.10"),
        why="the documents give no numbers for lifetime value; a common yearly rate",
        validator=fraction,
    )
    yearly_service_cost: Decimal = assumed(
        Decimal("0"), why="the documents give no numbers for lifetime value; zero until the shop knows its cost"
    )

    def __attrs_post_init__(self) -> None:
        if self.yearly_service_cost < 0:
            raise PlaybookError("yearly_service_cost", "must not be negative")
