"""Assessments and surveys: standing of customers, improvement plans, NPS (P54–P62)."""

from clientcare.assessments._assessment import Assessment, AssessmentStatus, Review, StandingOverride
from clientcare.assessments._events import (
    AssessmentCompleted,
    AssessmentOverridden,
    AssessmentReviewed,
    AssessmentRouted,
    ImprovementPlanOpened,
    ImprovementTaskAdded,
    ImprovementTaskDone,
    MarketingStopped,
    SurveyAnswered,
)
from clientcare.assessments._plans import ImprovementPlan, Measure, PlanTask
from clientcare.assessments._ports import AssessmentRepository, ImprovementPlanRepository, SurveyRepository
from clientcare.assessments._read_models import (
    AssessmentDue,
    AssessmentSummary,
    PeriodSummary,
    ScorePoint,
    ScoreTrend,
    trend_of,
)
from clientcare.assessments._scoring import IndicatorEntry, IndicatorResult, Reading, score_form
from clientcare.assessments._service import AssessmentsService, SurveysService
from clientcare.assessments._sources import (
    AssessmentSources,
    ComplaintHistory,
    IndicatorSource,
    NoData,
    ReferralHistory,
    ResponsivenessHistory,
    TierLookup,
)
from clientcare.assessments._surveys import (
    AttributeAnswer,
    AttributeRow,
    NpsResult,
    SurveyResponse,
    importance_performance,
    nps,
)

__all__ = [
    "Assessment",
    "AssessmentCompleted",
    "AssessmentDue",
    "AssessmentOverridden",
    "AssessmentRepository",
    "AssessmentReviewed",
    "AssessmentRouted",
    "AssessmentSources",
    "AssessmentStatus",
    "AssessmentSummary",
    "AssessmentsService",
    "AttributeAnswer",
    "AttributeRow",
    "ComplaintHistory",
    "ImprovementPlan",
    "ImprovementPlanOpened",
    "ImprovementPlanRepository",
    "ImprovementTaskAdded",
    "ImprovementTaskDone",
    "IndicatorEntry",
    "IndicatorResult",
    "IndicatorSource",
    "MarketingStopped",
    "Measure",
    "NoData",
    "NpsResult",
    "PeriodSummary",
    "PlanTask",
    "Reading",
    "ReferralHistory",
    "ResponsivenessHistory",
    "Review",
    "ScorePoint",
    "ScoreTrend",
    "StandingOverride",
    "SurveyAnswered",
    "SurveyRepository",
    "SurveyResponse",
    "SurveysService",
    "TierLookup",
    "importance_performance",
    "nps",
    "score_form",
    "trend_of",
]
