"""The customer archive's rules: profile weights (P03) and card staleness (P06)."""

from __future__ import annotations

from decimal import Decimal

import attrs

from clientcare.errors import PlaybookError
from clientcare.playbook._checks import fraction, positive

__all__ = ["CardRules", "ProfileWeights"]


@attrs.frozen
class ProfileWeights:
    """P03: the hard archive is worth 20% of a profile, the soft archive 80%."""

    hard_weight: Decimal = attrs.field(default=Decimal("0.2"), validator=fraction)
    soft_weight: Decimal = attrs.field(default=Decimal("0.8"), validator=fraction)
    #: P02: customers with this tag are B2B: employer, position and income band count.
    b2b_tag: str = attrs.field(
        default="b2b",
        metadata={
            "provenance": {
                "source": "assumption",
                "why": "the documents list B2B fields (seed 003's card: 工作單位、職位) but name no way "
                "to tell a B2B customer from a retail one; a tag staff set is the lightest marker",
            }
        },
    )

    def __attrs_post_init__(self) -> None:
        if self.hard_weight + self.soft_weight != Decimal(1):
            raise PlaybookError("hard_weight", "hard_weight + soft_weight must equal 1")


@attrs.frozen
class CardRules:
    """P06: a relationship card not reviewed within this many days is stale."""

    stale_after_days: int = attrs.field(default=90, validator=positive)
    key_stale_after_days: int = attrs.field(default=30, validator=positive)
