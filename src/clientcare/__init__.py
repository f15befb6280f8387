"""clientcare: keep your customers, as a library.

Open it with :func:`connect` and use the facade's areas::

    import clientcare
    care = clientcare.connect("memory://", tenant="acme")
    ann = care.customers.register("王芳", "138 0013 8000")

``import clientcare`` loads no SQLAlchemy, driver or adapter.
"""

from clientcare._analytics import (
    CompositionRow,
    EffectRow,
    RelationshipFigures,
    StoreComparison,
    StoreGap,
    StoreTraffic,
)
from clientcare._analytics_service import AnalyticsService
from clientcare._app import (
    Clientcare,
    CustomersService,
    CustomerSummary,
    EventsService,
    NotebookService,
    PrivacyService,
    PurchasesService,
)
from clientcare._assessment_rules import (
    AssessmentRules,
    FormTemplate,
    GradeBand,
    IndicatorKind,
    IndicatorTemplate,
    Standing,
    SurveyRules,
)
from clientcare._assessment_sources import (
    AssessmentSources,
    ComplaintHistory,
    IndicatorSource,
    NoData,
    ReferralHistory,
    ResponsivenessHistory,
    TierLookup,
)
from clientcare._assessments import (
    Assessment,
    AssessmentDue,
    AssessmentStatus,
    AssessmentSummary,
    ImprovementPlan,
    IndicatorEntry,
    IndicatorResult,
    Measure,
    PlanTask,
    Review,
    ScorePoint,
    ScoreTrend,
    StandingOverride,
)
from clientcare._assessments_service import AssessmentsService, SurveysService
from clientcare._complaints import (
    Answer,
    Category,
    Complaint,
    ComplaintChannel,
    ComplaintReview,
    ComplaintStatus,
    Option,
    PromiseStatus,
    QueueEntry,
    Remedy,
    RemedyKind,
    Severity,
    StandardAnswer,
    TargetState,
)
from clientcare._complaints_service import ComplaintsService
from clientcare._connect import connect
from clientcare._customers import (
    Channel,
    Consent,
    ConsentMethod,
    Contact,
    Customer,
    DataSource,
    DateKind,
    Gender,
    HardProfile,
    ImportantDate,
    ProfileChange,
    Purpose,
    RelationshipCard,
    SoftProfile,
)
from clientcare._loyalty import MembershipService, PointsService, ReferralsService, Reminders, TiersService
from clientcare._membership import BasketLine, BenefitLine, Benefits, Contract, LevelChange, Membership
from clientcare._notes import Note
from clientcare._points import EntryKind, PointsAccount, PointsEntry
from clientcare._purchases import ConditionReport, CustomerFigures, Purchase, PurchaseKind, PurchaseLine
from clientcare._referrals import Referral
from clientcare._registry import register_backend
from clientcare._segments import AbcLabel, Attitude, Priority, SerialisationFigure, Stage, TierChange, TierRun
from clientcare._surveys import AttributeAnswer, AttributeRow, NpsResult, SurveyResponse
from clientcare._values import Money
from clientcare.playbook import Playbook

__version__ = "0.1.0"

__all__ = [
    "AbcLabel",
    "AnalyticsService",
    "Answer",
    "Assessment",
    "AssessmentDue",
    "AssessmentRules",
    "AssessmentSources",
    "AssessmentStatus",
    "AssessmentSummary",
    "AssessmentsService",
    "Attitude",
    "AttributeAnswer",
    "AttributeRow",
    "BasketLine",
    "BenefitLine",
    "Benefits",
    "Category",
    "Channel",
    "Clientcare",
    "Complaint",
    "ComplaintChannel",
    "ComplaintHistory",
    "ComplaintReview",
    "ComplaintStatus",
    "ComplaintsService",
    "CompositionRow",
    "ConditionReport",
    "Consent",
    "ConsentMethod",
    "Contact",
    "Contract",
    "Customer",
    "CustomerFigures",
    "CustomerSummary",
    "CustomersService",
    "DataSource",
    "DateKind",
    "EffectRow",
    "EntryKind",
    "EventsService",
    "FormTemplate",
    "Gender",
    "GradeBand",
    "HardProfile",
    "ImportantDate",
    "ImprovementPlan",
    "IndicatorEntry",
    "IndicatorKind",
    "IndicatorResult",
    "IndicatorSource",
    "IndicatorTemplate",
    "LevelChange",
    "Measure",
    "Membership",
    "MembershipService",
    "Money",
    "NoData",
    "Note",
    "NotebookService",
    "NpsResult",
    "Option",
    "PlanTask",
    "Playbook",
    "PointsAccount",
    "PointsEntry",
    "PointsService",
    "Priority",
    "PrivacyService",
    "ProfileChange",
    "PromiseStatus",
    "Purchase",
    "PurchaseKind",
    "PurchaseLine",
    "PurchasesService",
    "Purpose",
    "QueueEntry",
    "Referral",
    "ReferralHistory",
    "ReferralsService",
    "RelationshipCard",
    "RelationshipFigures",
    "Remedy",
    "RemedyKind",
    "Reminders",
    "ResponsivenessHistory",
    "Review",
    "ScorePoint",
    "ScoreTrend",
    "SerialisationFigure",
    "Severity",
    "SoftProfile",
    "Stage",
    "StandardAnswer",
    "Standing",
    "StandingOverride",
    "StoreComparison",
    "StoreGap",
    "StoreTraffic",
    "SurveyResponse",
    "SurveyRules",
    "SurveysService",
    "TargetState",
    "TierChange",
    "TierLookup",
    "TierRun",
    "TiersService",
    "__version__",
    "connect",
    "register_backend",
]
