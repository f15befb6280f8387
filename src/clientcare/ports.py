"""The ports: what the core needs from the outside world, gathered for adapter authors.

Every port is a ``typing.Protocol`` except the unit of work, an ABC because its
behaviour is shared by every adapter: it rolls back unless committed, and on
commit it collects the new events of every aggregate it touched and writes them
to the outbox in the same transaction. Each area declares its own ports; this
module gathers them and adds :class:`UnitOfWork`, the kernel's unit of work
with one typed repository per area.
"""

from __future__ import annotations

from clientcare.analytics import AnalyticsRepository
from clientcare.assessments import AssessmentRepository, ImprovementPlanRepository, SurveyRepository
from clientcare.cadences import (
    AppointmentRepository,
    FollowUpRepository,
    Notification,
    Notifier,
    NotifierSession,
    Picture,
    RecurringRuleRepository,
    SaleCreditRepository,
    TouchRepository,
    WishRepository,
)
from clientcare.complaints import ComplaintRepository, StandardAnswerRepository
from clientcare.customers import BulkCustomerImport, CustomerRepository, NoteRepository
from clientcare.kernel import (
    Backend,
    Clock,
    IdGenerator,
    JoinableBackend,
    Outbox,
    OutboxMessage,
    ReactionJob,
    Reactions,
    RoleSource,
)
from clientcare.kernel import UnitOfWork as _BaseUnitOfWork
from clientcare.loyalty import (
    ContractRepository,
    MembershipRepository,
    PointsRepository,
    ReferralRepository,
    TierRepository,
)
from clientcare.purchases import BulkPurchaseImport, PurchaseImportEncoder, PurchaseRepository

__all__ = [
    "AnalyticsRepository",
    "AppointmentRepository",
    "AssessmentRepository",
    "Backend",
    "BulkCustomerImport",
    "BulkPurchaseImport",
    "Clock",
    "ComplaintRepository",
    "ContractRepository",
    "CustomerRepository",
    "FollowUpRepository",
    "IdGenerator",
    "ImprovementPlanRepository",
    "JoinableBackend",
    "MembershipRepository",
    "NoteRepository",
    "Notification",
    "Notifier",
    "NotifierSession",
    "Outbox",
    "OutboxMessage",
    "Picture",
    "PointsRepository",
    "PurchaseImportEncoder",
    "PurchaseRepository",
    "ReactionJob",
    "Reactions",
    "RecurringRuleRepository",
    "ReferralRepository",
    "RoleSource",
    "SaleCreditRepository",
    "StandardAnswerRepository",
    "SurveyRepository",
    "TierRepository",
    "TouchRepository",
    "UnitOfWork",
    "WishRepository",
]


class UnitOfWork(_BaseUnitOfWork):
    """One transaction for one tenant, with a repository per area.

    Use as a context manager; leaving the block without :meth:`commit` rolls
    everything back, so a use case that fails half-way writes nothing.
    """

    customers: CustomerRepository
    purchases: PurchaseRepository
    notes: NoteRepository
    assessments: AssessmentRepository
    improvement_plans: ImprovementPlanRepository
    surveys: SurveyRepository
    complaints: ComplaintRepository
    standard_answers: StandardAnswerRepository
    touches: TouchRepository
    appointments: AppointmentRepository
    follow_ups: FollowUpRepository
    wishes: WishRepository
    recurring: RecurringRuleRepository
    sale_credits: SaleCreditRepository
    tiers: TierRepository
    memberships: MembershipRepository
    points: PointsRepository
    referrals: ReferralRepository
    contracts: ContractRepository
    analytics: AnalyticsRepository
