"""Domain events: facts that happened, carried to subscribers and the outbox.

Events carry identifiers and figures, never personal data, so they can be
stored in an outbox, logged and sent to other systems safely.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import attrs

__all__ = [
    "AppointmentChanged",
    "AssessmentCompleted",
    "AssessmentOverridden",
    "AssessmentReviewed",
    "AssessmentRouted",
    "AttitudeOverridden",
    "CardReviewed",
    "ComplaintAfterCareDue",
    "ComplaintApprovalDecided",
    "ComplaintApprovalRequested",
    "ComplaintEscalated",
    "ComplaintEvent",
    "ComplaintFiled",
    "ComplaintGiftSuggested",
    "ComplaintPromiseKept",
    "ComplaintPromiseMade",
    "ComplaintRecurrenceFlagged",
    "ComplaintStepTaken",
    "ComplaintTargetBreached",
    "ConsentGiven",
    "ConsentWithdrawn",
    "ContractRenewalDue",
    "ContractSigned",
    "CorrectiveActionClosed",
    "CorrectiveActionOpened",
    "CustomerErased",
    "CustomerRegistered",
    "DomainEvent",
    "FollowUpStarted",
    "FollowUpStopped",
    "ImprovementPlanOpened",
    "ImprovementTaskAdded",
    "ImprovementTaskDone",
    "LostCustomerInterviewed",
    "MarketingStopped",
    "MembershipAnniversary",
    "MembershipDowngraded",
    "MembershipExpiring",
    "MembershipInvited",
    "MembershipJoined",
    "MembershipRenewed",
    "MembershipUpgraded",
    "NoteAdded",
    "PointsBalanceChanged",
    "PointsExpiring",
    "ProfileChanged",
    "PurchaseRecorded",
    "ReferralCredited",
    "ReferralRecorded",
    "ReturnRecorded",
    "SaleCredited",
    "SilentComplaintSignal",
    "StandardAnswerNeeded",
    "StandardAnswerSaved",
    "SurveyAnswered",
    "TierDowngraded",
    "TierUpgraded",
    "TiersRecomputed",
    "TouchCancelled",
    "TouchCompleted",
    "TouchHeld",
    "TouchPlanned",
    "TouchRescheduled",
    "TouchSkipped",
    "WantedItemArrived",
    "WantedItemRegistered",
]


@attrs.frozen(kw_only=True)
class DomainEvent:
    """Base of every event: the tenant it belongs to and when it happened."""

    tenant: str
    occurred_at: datetime

    @property
    def name(self) -> str:
        """The event's type name, as stored in the outbox."""
        return type(self).__name__


@attrs.frozen(kw_only=True)
class CustomerRegistered(DomainEvent):
    """P01: a customer was registered."""

    customer_id: str
    store_id: str | None


@attrs.frozen(kw_only=True)
class ProfileChanged(DomainEvent):
    """P02/P03/P06: profile or card fields changed (names only, not values)."""

    customer_id: str
    fields: tuple[str, ...]
    by: str


@attrs.frozen(kw_only=True)
class CardReviewed(DomainEvent):
    """P06: a staff member confirmed the relationship card is accurate."""

    customer_id: str
    by: str


@attrs.frozen(kw_only=True)
class ConsentGiven(DomainEvent):
    """P04: consent given for a purpose on a channel."""

    customer_id: str
    purpose: str
    channel: str


@attrs.frozen(kw_only=True)
class ConsentWithdrawn(DomainEvent):
    """P04: consent withdrawn; nothing more may be sent for it."""

    customer_id: str
    purpose: str
    channel: str


@attrs.frozen(kw_only=True)
class CustomerErased(DomainEvent):
    """P04: personal data erased; anonymous purchase figures kept."""

    customer_id: str


@attrs.frozen(kw_only=True)
class NoteAdded(DomainEvent):
    """P08: a staff member wrote a note about a customer."""

    customer_id: str
    note_id: str
    author: str


@attrs.frozen(kw_only=True)
class PurchaseRecorded(DomainEvent):
    """P05: a sale was recorded in the deal archive."""

    purchase_id: str
    customer_id: str | None
    store_id: str | None
    amount: Decimal
    currency: str


@attrs.frozen(kw_only=True)
class ReturnRecorded(DomainEvent):
    """P05: goods came back; the amount is negative."""

    purchase_id: str
    original_id: str
    customer_id: str | None
    amount: Decimal
    currency: str


@attrs.frozen(kw_only=True)
class SilentComplaintSignal(DomainEvent):
    """P50: a sign of an unhappy customer who did not complain (a low survey
    answer, a negative contact outcome). The complaints area listens and
    opens a complaint, so the customer is heard before leaving."""

    customer_id: str
    source: str  # "survey", "contact_outcome", ...
    reference: str  # the survey answer or touch that raised it
    severity: str = "normal"


# -- assessments and surveys (P60-P62, P65, P50) ----------------------------


@attrs.frozen(kw_only=True)
class AssessmentCompleted(DomainEvent):
    """P60: a relationship assessment was completed with its final score and standing."""

    customer_id: str
    assessment_id: str
    form: str
    final_score: Decimal
    standing: str
    by: str


@attrs.frozen(kw_only=True)
class AssessmentOverridden(DomainEvent):
    """P60: staff replaced the form's standing (the reason stays on the assessment)."""

    customer_id: str
    assessment_id: str
    from_standing: str
    to_standing: str
    by: str


@attrs.frozen(kw_only=True)
class AssessmentRouted(DomainEvent):
    """P61: a summary of the assessment was sent to reviewers in these roles."""

    customer_id: str
    assessment_id: str
    roles: tuple[str, ...]


@attrs.frozen(kw_only=True)
class AssessmentReviewed(DomainEvent):
    """P61: one reviewer role answered (the answer stays on the assessment)."""

    customer_id: str
    assessment_id: str
    role: str
    by: str


@attrs.frozen(kw_only=True)
class ImprovementPlanOpened(DomainEvent):
    """P60 "improve": a plan was opened; the cadence engine visits every
    ``visit_every_days`` (None: measures only, the visit cadence stays)."""

    customer_id: str
    plan_id: str
    assessment_id: str
    visit_every_days: int | None


@attrs.frozen(kw_only=True)
class ImprovementTaskAdded(DomainEvent):
    """P61: an improvement measure became a task with an owner and a due date."""

    customer_id: str
    plan_id: str
    task_id: str
    owner: str
    due_on: date


@attrs.frozen(kw_only=True)
class ImprovementTaskDone(DomainEvent):
    """P61: an improvement task was carried out."""

    customer_id: str
    plan_id: str
    task_id: str
    by: str


@attrs.frozen(kw_only=True)
class MarketingStopped(DomainEvent):
    """P61: a confirmed "terminate" — no more marketing touches; the history stays."""

    customer_id: str
    assessment_id: str
    by: str


@attrs.frozen(kw_only=True)
class SurveyAnswered(DomainEvent):
    """P62: a customer answered the loyalty survey."""

    customer_id: str
    response_id: str
    segment: str
    recommend: int


# -- complaints (P40-P52) -------------------------------------------------------
# One event per step; free text (what the customer said, the lesson) stays in
# the complaint record, so events carry ids, names and figures only.


@attrs.frozen(kw_only=True)
class ComplaintEvent(DomainEvent):
    """Base of every complaint event: which complaint, whose, and who acted."""

    complaint_id: str
    customer_id: str | None
    by: str


@attrs.frozen(kw_only=True)
class ComplaintFiled(ComplaintEvent):
    """P41/P46: a complaint was registered and classified."""

    channel: str
    category: str
    severity: str
    key_customer: bool


@attrs.frozen(kw_only=True)
class ComplaintStepTaken(ComplaintEvent):
    """P42: one of the six steps (or a step around them) was recorded.

    ``step`` is the timeline step name: ``listened``, ``apologised``,
    ``diagnosed``, ``answer_decided``, ``options_offered``, ``option_chosen``,
    ``resolved``, ``after_care_done``, ``closed``, ``reopened``, ``paused``,
    ``resumed``, ``customer_linked``, ``price_checked``, ``story_told``.
    """

    step: str
    status: str


@attrs.frozen(kw_only=True)
class ComplaintApprovalRequested(ComplaintEvent):
    """P43/P52: the chosen remedy is beyond the owner's authority or the concession cap."""

    amount: Decimal
    currency: str
    role: str
    reason: str


@attrs.frozen(kw_only=True)
class ComplaintApprovalDecided(ComplaintEvent):
    """P43: a role above the handler approved or refused the remedy."""

    role: str
    approved: bool


@attrs.frozen(kw_only=True)
class ComplaintTargetBreached(ComplaintEvent):
    """P51: a promise was not kept in time (first response, resolution or a promised date)."""

    target: str
    due: datetime


@attrs.frozen(kw_only=True)
class ComplaintEscalated(ComplaintEvent):
    """P51: the complaint moved one level up the escalation chain."""

    level: int
    role: str
    reason: str


@attrs.frozen(kw_only=True)
class ComplaintPromiseMade(ComplaintEvent):
    """P43/P51: a dated promise was given to the customer."""

    promise_id: str
    due: datetime


@attrs.frozen(kw_only=True)
class ComplaintPromiseKept(ComplaintEvent):
    """P43/P51: a promise was kept (``on_time`` says whether before its date)."""

    promise_id: str
    on_time: bool


@attrs.frozen(kw_only=True)
class ComplaintAfterCareDue(ComplaintEvent):
    """P42 step 5: the complaint was resolved; contact the customer again by ``due``.

    The follow-up cadences turn this into a touch on the boards.
    """

    due: datetime


@attrs.frozen(kw_only=True)
class ComplaintGiftSuggested(ComplaintEvent):
    """P47: a major complaint or a key customer: give a gift after handling."""

    reason: str


@attrs.frozen(kw_only=True)
class ComplaintRecurrenceFlagged(ComplaintEvent):
    """P46: the same cause on the same item came back after its corrective action closed."""

    category: str
    item: str | None
    earlier_complaint_id: str


@attrs.frozen(kw_only=True)
class CorrectiveActionOpened(ComplaintEvent):
    """P46: an action to remove a root cause, with an owner and a due date."""

    action_id: str
    owner: str
    due: date


@attrs.frozen(kw_only=True)
class CorrectiveActionClosed(ComplaintEvent):
    """P46: a corrective action was completed."""

    action_id: str


@attrs.frozen(kw_only=True)
class StandardAnswerNeeded(DomainEvent):
    """P46: a category recurs above the threshold and has no standard answer yet."""

    category: str
    count: int


@attrs.frozen(kw_only=True)
class StandardAnswerSaved(DomainEvent):
    """P46: a standard answer (Q&A) was added or changed for a category."""

    answer_id: str
    category: str
    by: str


# -- follow-up cadences and touches (P20–P35) ------------------------------------


@attrs.frozen(kw_only=True)
class TouchPlanned(DomainEvent):
    """P20–P35: a touch was planned for a customer."""

    touch_id: str
    customer_id: str
    reason: str
    due: date
    owner: str | None
    automated: bool


@attrs.frozen(kw_only=True)
class TouchCompleted(DomainEvent):
    """A touch was done; ``outcome`` says what came of it."""

    touch_id: str
    customer_id: str
    reason: str
    outcome: str
    by: str
    sequence_no: int | None = None


@attrs.frozen(kw_only=True)
class TouchRescheduled(DomainEvent):
    """A touch moved to another day (no answer, staff decision, quiet hours)."""

    touch_id: str
    customer_id: str
    before: date
    after: date
    why: str


@attrs.frozen(kw_only=True)
class TouchSkipped(DomainEvent):
    """A touch was not done on purpose; ``why`` says why."""

    touch_id: str
    customer_id: str
    reason: str
    why: str


@attrs.frozen(kw_only=True)
class TouchCancelled(DomainEvent):
    """A touch is no longer wanted (sequence stopped, opt-out)."""

    touch_id: str
    customer_id: str
    reason: str
    why: str


@attrs.frozen(kw_only=True)
class TouchHeld(DomainEvent):
    """P21: a touch paused for an open complaint (``held``) or released."""

    touch_id: str
    customer_id: str
    held: bool


@attrs.frozen(kw_only=True)
class FollowUpStarted(DomainEvent):
    """P21: a follow-up sequence of up to 11 touches began."""

    sequence_id: str
    customer_id: str
    owner: str | None


@attrs.frozen(kw_only=True)
class FollowUpStopped(DomainEvent):
    """P21: a sequence ended (purchase, reply, opt-out, terminated, exhausted)."""

    sequence_id: str
    customer_id: str
    why: str
    touches_done: int


@attrs.frozen(kw_only=True)
class SaleCredited(DomainEvent):
    """P21/P31: a sale followed a touch; ``touch_no`` is its place in a sequence."""

    purchase_id: str
    customer_id: str
    touch_id: str | None
    touch_no: int | None
    owner: str | None
    amount: Decimal
    currency: str


@attrs.frozen(kw_only=True)
class AppointmentChanged(DomainEvent):
    """P29: an appointment was booked, moved, cancelled, missed or attended."""

    appointment_id: str
    customer_id: str
    status: str
    staff_id: str | None


@attrs.frozen(kw_only=True)
class WantedItemRegistered(DomainEvent):
    """P28: a customer wants an item that is out of stock."""

    wish_id: str
    customer_id: str
    style_no: str


@attrs.frozen(kw_only=True)
class WantedItemArrived(DomainEvent):
    """P28: the item arrived and the customer's touch was planned."""

    wish_id: str
    customer_id: str
    style_no: str
    touch_id: str | None


@attrs.frozen(kw_only=True)
class LostCustomerInterviewed(DomainEvent):
    """P27: a lost customer told why they left, to whom, and if they may return."""

    touch_id: str
    customer_id: str
    reason: str
    competitor: str | None
    win_back: bool


# -- tiers, membership, points, referrals (P10–P17, P33) ---------------------


@attrs.frozen(kw_only=True)
class TierUpgraded(DomainEvent):
    """P10: a customer moved up the ABC ladder (C to B, B to A)."""

    customer_id: str
    before: str
    after: str


@attrs.frozen(kw_only=True)
class TierDowngraded(DomainEvent):
    """P10: a customer moved down the ABC ladder; worth a look before they drift away."""

    customer_id: str
    before: str
    after: str


@attrs.frozen(kw_only=True)
class TiersRecomputed(DomainEvent):
    """P10/P12: the periodic ABC run finished; counts and the serialisation degree."""

    run_id: str
    a: int
    b: int
    c: int
    changed: int
    serialisation_degree: Decimal


@attrs.frozen(kw_only=True)
class AttitudeOverridden(DomainEvent):
    """P11: staff set (or lifted, ``segment`` None) a customer's attitude segment."""

    customer_id: str
    segment: str | None
    by: str


@attrs.frozen(kw_only=True)
class MembershipInvited(DomainEvent):
    """P14: an old customer was invited to join the membership."""

    customer_id: str
    by: str


@attrs.frozen(kw_only=True)
class MembershipJoined(DomainEvent):
    """P14: a customer became a member at ``level``."""

    customer_id: str
    level: str
    valid_until: datetime


@attrs.frozen(kw_only=True)
class MembershipUpgraded(DomainEvent):
    """P14: a member moved to a higher level."""

    customer_id: str
    before: str
    after: str
    reason: str


@attrs.frozen(kw_only=True)
class MembershipDowngraded(DomainEvent):
    """P14: a member moved down (``after`` None: the membership lapsed)."""

    customer_id: str
    before: str
    after: str | None
    reason: str


@attrs.frozen(kw_only=True)
class MembershipRenewed(DomainEvent):
    """P14: the level's rule was met again; the card is valid for longer."""

    customer_id: str
    level: str
    valid_until: datetime


@attrs.frozen(kw_only=True)
class MembershipExpiring(DomainEvent):
    """P14/P22: remind the member before the card expires."""

    customer_id: str
    level: str
    valid_until: datetime


@attrs.frozen(kw_only=True)
class PointsBalanceChanged(DomainEvent):
    """P14/P15: points earned, redeemed, expired or reversed."""

    customer_id: str
    change: int
    balance: int
    reason: str


@attrs.frozen(kw_only=True)
class PointsExpiring(DomainEvent):
    """P15: points will expire soon; a nudge to come back and use them."""

    customer_id: str
    points: int
    expires_at: datetime


@attrs.frozen(kw_only=True)
class ContractSigned(DomainEvent):
    """P16: a B2B contract locks in terms for a period."""

    contract_id: str
    customer_id: str
    ends_on: datetime


@attrs.frozen(kw_only=True)
class ContractRenewalDue(DomainEvent):
    """P16: a contract's renewal date is near; prepare the renewal talk."""

    contract_id: str
    customer_id: str
    renewal_on: datetime


@attrs.frozen(kw_only=True)
class ReferralRecorded(DomainEvent):
    """P33: a customer referred a new lead (A-grade priority)."""

    referral_id: str
    referrer_id: str
    referred_id: str


@attrs.frozen(kw_only=True)
class ReferralCredited(DomainEvent):
    """P33: the referred customer bought; thank the referrer."""

    referral_id: str
    referrer_id: str
    referred_id: str
    points: int


@attrs.frozen(kw_only=True)
class MembershipAnniversary(DomainEvent):
    """P15: a year (or more) since the customer joined; worth a greeting."""

    customer_id: str
    years: int
