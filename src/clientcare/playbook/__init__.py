"""The playbook: every number and rule clientcare follows, typed, loaded from TOML.

Each default is marked as from the documents (seed and passage) or an
assumption (and why); :func:`provenance` lists them (docs/playbook.md).

Each section lives in a module named for its area (``_loyalty``, ``_cadences``,
``_complaints``, ``_assessments`` …); :class:`Playbook` gathers them.
"""

from clientcare.playbook._analytics import AnalyticsRules
from clientcare.playbook._archive import CardRules, ProfileWeights
from clientcare.playbook._assessments import AssessmentRules, FormTemplate, SurveyRules
from clientcare.playbook._cadences import (
    AfterPurchaseRules,
    CadenceRules,
    ContactRules,
    FollowUpRules,
    GreetingRules,
    LostRules,
    Occasion,
    OccasionRules,
    RotationRules,
    StaffRules,
    TouchBenchmark,
)
from clientcare.playbook._complaints import BusinessHours, ComplaintRules
from clientcare.playbook._indicators import GradeBand, IndicatorKind, IndicatorTemplate, Standing
from clientcare.playbook._locale import LocaleSettings
from clientcare.playbook._loyalty import (
    AbcLabel,
    AbcRules,
    BenefitRules,
    ContractRules,
    Gift,
    MemberLevel,
    MembershipRules,
    PointsRules,
    ReferralRules,
    SegmentRules,
)
from clientcare.playbook._playbook import DEPRECATED_KEYS, Playbook
from clientcare.playbook._provenance import Setting, assumed, documented, provenance
from clientcare.playbook._shop import ShopSettings

__all__ = [
    "DEPRECATED_KEYS",
    "AbcLabel",
    "AbcRules",
    "AfterPurchaseRules",
    "AnalyticsRules",
    "AssessmentRules",
    "BenefitRules",
    "BusinessHours",
    "CadenceRules",
    "CardRules",
    "ComplaintRules",
    "ContactRules",
    "ContractRules",
    "FollowUpRules",
    "FormTemplate",
    "Gift",
    "GradeBand",
    "GreetingRules",
    "IndicatorKind",
    "IndicatorTemplate",
    "LocaleSettings",
    "LostRules",
    "MemberLevel",
    "MembershipRules",
    "Occasion",
    "OccasionRules",
    "Playbook",
    "PointsRules",
    "ProfileWeights",
    "ReferralRules",
    "RotationRules",
    "SegmentRules",
    "Setting",
    "ShopSettings",
    "StaffRules",
    "Standing",
    "SurveyRules",
    "TouchBenchmark",
    "assumed",
    "documented",
    "provenance",
]
