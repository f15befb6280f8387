"""The customer archive's rules: profile weights (P03) and card staleness (P06)."""

from __future__ import annotations

from decimal import Decimal

import attrs

from clientcare.errors import PlaybookError
from clientcare.playbook._checks import fraction, positive
from clientcare.playbook._provenance import assumed, documented

__all__ = ["CardRules", "ProfileWeights"]


@attrs.frozen
class ProfileWeights:
    """P03: the hard archive is worth 20% of a profile, the soft archive 80%."""

    hard_weight: Decimal = documented(Decimal("0.2"), seed="002", passage="硬件档案(重要性20%)", validator=fraction)
    soft_weight: Decimal = documented(Decimal("0.8"), seed="002", passage="软件档案(重要性80%)", validator=fraction)
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

    stale_after_days: int = assumed(
        90, why="seed 003 asks for accurate, timely cards but names no period; a quarter", validator=positive
    )
    key_stale_after_days: int = assumed(
        30,
        why="no period in the documents; key customers are reviewed monthly, matching their visits",
        validator=positive,
    )
