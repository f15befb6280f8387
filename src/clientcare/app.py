"""The facade: one attribute per area, each a service over one tenant's units of work."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import attrs

from clientcare.analytics import AnalyticsService
from clientcare.assessments import (
    AssessmentSources,
    AssessmentsService,
    ComplaintHistory,
    NoData,
    ReferralHistory,
    ResponsivenessHistory,
    SurveysService,
    TierLookup,
)
from clientcare.cadences import (
    AppointmentsService,
    BoardsService,
    CadencePorts,
    DailyService,
    MarketingStops,
    MembershipDates,
    NoComplaints,
    NoMembership,
    NoSegments,
    NoStops,
    OpenComplaints,
    SegmentLookup,
    StaffService,
    TouchesService,
    TouchResponsiveness,
    cadences_after_purchase,
    cadences_on_merge,
)
from clientcare.campaigns import CampaignsService
from clientcare.complaints import ComplaintsService
from clientcare.customers import CustomersService, NotebookService, PrivacyService
from clientcare.errors import ValidationError
from clientcare.events import DomainEvent, LeadReferred, MarketingStopped, SilentComplaintSignal
from clientcare.kernel import Context as _Context
from clientcare.loyalty import (
    CadenceMembership,
    CadenceSegments,
    MembershipService,
    PointsService,
    ReferralsService,
    TiersService,
    after_purchase,
    loyalty_on_merge,
    opening_from_import,
)
from clientcare.playbook import Playbook
from clientcare.ports import Backend, Clock, IdGenerator, OutboxMessage, UnitOfWork
from clientcare.purchases import PurchasesService

__all__ = ["Clientcare", "EventsService"]

log = logging.getLogger("clientcare")

T = TypeVar("T")
E = TypeVar("E", bound=DomainEvent)
Handler = Callable[[DomainEvent], None]


def _repoint_areas(ctx: _Context, uow: UnitOfWork, kept_id: str, absorbed_id: str, at: datetime) -> None:
    """A merge gives the absorbed customer's complaints, assessments and cadence records to the kept one."""
    for repository in (
        uow.complaints,
        uow.assessments,
        uow.improvement_plans,
        uow.surveys,
        uow.appointments,
        uow.follow_ups,
        uow.wishes,
        uow.recurring,
        uow.sale_credits,
    ):
        repository.repoint_customer(absorbed_id, kept_id)


#: A merge moves every area's rows in its one transaction.
_MERGE_HOOKS = (_repoint_areas, cadences_on_merge, loyalty_on_merge)


class _Service:
    def __init__(self, ctx: _Context) -> None:
        self._ctx = ctx


class EventsService(_Service):
    """Domain events: in-process subscribers and the durable outbox."""

    def __init__(self, ctx: _Context) -> None:
        super().__init__(ctx)
        self._added: list[tuple[type[DomainEvent], Callable[[Any], None]]] = []

    def subscribe(self, event_type: type[E], handler: Callable[[E], None]) -> None:
        """Call ``handler`` after each committed use case with every event of ``event_type``.

        ``subscribe(DomainEvent, handler)`` hears everything.
        """
        if not (isinstance(event_type, type) and issubclass(event_type, DomainEvent)):
            raise ValidationError("event_type", "must be a DomainEvent class")
        if not callable(handler):
            raise ValidationError("handler", "must be callable")
        self._added.append((event_type, handler))
        self._ctx.subscribers.append((event_type, handler))

    @property
    def subscribers(self) -> tuple[tuple[type[DomainEvent], Callable[[Any], None]], ...]:
        """What the embedder subscribed on this facade, in order."""
        return tuple(self._added)

    def pending(self, *, limit: int = 100) -> list[OutboxMessage]:
        """Outbox messages not yet delivered, oldest first."""
        with self._ctx.unit() as uow:
            return uow.outbox.pending(limit=limit)

    def mark_delivered(self, message_ids: Sequence[int]) -> None:
        """Take delivered messages off the pending list."""
        with self._ctx.unit() as uow:
            uow.outbox.mark_delivered(message_ids)


class Clientcare:
    """The facade an embedding system talks to, scoped to one tenant.

    Build it with :func:`clientcare.connect` from a URL, or directly from your
    own ports: ``Clientcare(backend, tenant="acme", clock=my_clock)``. Every
    aggregate a use case creates takes its id from ``ids`` (random by
    default; pass a deterministic :class:`clientcare.ports.IdGenerator` in tests).
    """

    def __init__(
        self,
        backend: Backend,
        tenant: str,
        *,
        clock: Clock,
        playbook: Playbook | None = None,
        assessment_sources: AssessmentSources | None = None,
        cadence_ports: CadencePorts | None = None,
        ids: IdGenerator | None = None,
    ) -> None:
        self._ctx = _Context(backend, tenant, clock, playbook or Playbook.default(), ids=ids)
        self._given_sources = assessment_sources
        self._given_ports = cadence_ports
        # P14/P15: an imported customer's member level and opening points, in the same pass.
        self.customers = CustomersService(self._ctx, import_hooks=(opening_from_import,), merge_hooks=_MERGE_HOOKS)
        self.privacy = PrivacyService(self._ctx)
        # P20/P35/P21 (touches, sale credit, end of sequences) and P10-P17, P33
        # (points, level, referral credit) follow a sale in its own transaction.
        self.purchases = PurchasesService(self._ctx, hooks=(cadences_after_purchase, after_purchase))
        self.notebook = NotebookService(self._ctx)
        self.events = EventsService(self._ctx)
        self.tiers = TiersService(self._ctx)
        self.membership = MembershipService(self._ctx)
        self.points = PointsService(self._ctx)
        self.referrals = ReferralsService(self._ctx)
        # P33: a lead the cadences register from a referral becomes a referral record.
        self._ctx.subscribers.append((LeadReferred, self._record_lead))
        self.analytics = AnalyticsService(self._ctx)
        self.complaints = ComplaintsService(self._ctx)
        # P50: a silent-complaint signal (survey, contact outcome) opens a complaint.
        self._ctx.subscribers.append((SilentComplaintSignal, self.complaints.on_signal))
        # Outside data for assessments: the embedder's sources where given, this
        # facade's own areas where they have the data, "no data" otherwise.
        sources = _own_assessment_sources(
            assessment_sources or AssessmentSources(),
            complaints=self.complaints,
            referrals=self.referrals,
            tiers=self.tiers,
            responsiveness=TouchResponsiveness(self._ctx),
        )
        self.assessments = AssessmentsService(self._ctx, sources)
        self.surveys = SurveysService(self._ctx, sources)
        #: Tiers, complaints, membership and roster as the cadences see them:
        #: the embedder's ports where given, this facade's own areas otherwise.
        self.cadence_ports = _own_cadence_ports(
            cadence_ports or CadencePorts(),
            complaints=self.complaints,  # P21: pause sequences while a complaint is open
            relationships=self.assessments,  # P61: no marketing once a relationship ended
            segments=CadenceSegments(self._ctx),  # P17/P23: visits by tier
            membership=CadenceMembership(self._ctx),  # P14/P22: card expiry reminders
        )
        self.touches = TouchesService(self._ctx, self.cadence_ports)
        self.campaigns = CampaignsService(self._ctx, self.cadence_ports.relationships)
        self.daily = DailyService(self._ctx, self.cadence_ports)
        self.appointments = AppointmentsService(self._ctx, self.cadence_ports)
        self.boards = BoardsService(self._ctx, self.cadence_ports)
        self.staff = StaffService(self._ctx, self.cadence_ports)
        self._ctx.subscribers.append((MarketingStopped, self.touches.on_marketing_stopped))
        self._mint_ids_in_every_call()

    def _mint_ids_in_every_call(self) -> None:
        # Every use case, not only its units of work, takes ids from this facade's generator.
        for name, service in vars(self).items():
            if not name.startswith("_") and name != "cadence_ports":
                self._ctx.mint_in_calls(service)

    def _record_lead(self, event: LeadReferred) -> None:
        self.referrals.record_lead(event.referrer_id, event.referred_id, by="cadences", at=event.occurred_at)

    @property
    def tenant(self) -> str:
        """The tenant this facade reads and writes."""
        return self._ctx.tenant

    @property
    def playbook(self) -> Playbook:
        """The rules and numbers in force."""
        return self._ctx.playbook

    @property
    def clock(self) -> Clock:
        """Where this facade gets the time."""
        return self._ctx.clock

    @property
    def ids(self) -> IdGenerator:
        """Where this facade's new aggregates get their ids."""
        return self._ctx.ids

    @property
    def backend(self) -> Backend:
        """The storage adapter."""
        return self._ctx.backend

    def for_tenant(self, tenant: str) -> Clientcare:
        """Another facade on the same backend, for another tenant.

        Built from this facade's original inputs, never from its wired areas,
        so no service of this tenant answers for the other; the embedder's
        subscribers are carried over.
        """
        other = Clientcare(
            self._ctx.backend,
            tenant,
            clock=self._ctx.clock,
            playbook=self._ctx.playbook,
            assessment_sources=self._given_sources,
            cadence_ports=self._given_ports,
            ids=self._ctx.ids,
        )
        for event_type, handler in self.events.subscribers:
            other.events.subscribe(event_type, handler)
        return other

    def with_cadence_ports(self, **ports: Any) -> Clientcare:
        """The same tenant with some cadence ports replaced, e.g. ``with_cadence_ports(roster=FixedRoster(...))``.

        A new facade, built from this one's original inputs; subscribers are carried over.
        """
        given = attrs.evolve(self._given_ports or CadencePorts(), **ports)
        other = Clientcare(
            self._ctx.backend,
            self._ctx.tenant,
            clock=self._ctx.clock,
            playbook=self._ctx.playbook,
            assessment_sources=self._given_sources,
            cadence_ports=given,
            ids=self._ctx.ids,
        )
        for event_type, handler in self.events.subscribers:
            other.events.subscribe(event_type, handler)
        return other

    def close(self) -> None:
        """Release the backend's connections."""
        self._ctx.backend.close()

    def __enter__(self) -> Clientcare:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Clientcare(tenant={self._ctx.tenant!r}, backend={type(self._ctx.backend).__name__})"


def _own_cadence_ports(
    given: CadencePorts,
    *,
    complaints: OpenComplaints,
    relationships: MarketingStops,
    segments: SegmentLookup,
    membership: MembershipDates,
) -> CadencePorts:
    """A new set of ports for one facade: the given ones, with defaults replaced by this tenant's areas."""
    return attrs.evolve(
        given,
        complaints=complaints if isinstance(given.complaints, NoComplaints) else given.complaints,
        relationships=relationships if isinstance(given.relationships, NoStops) else given.relationships,
        segments=segments if isinstance(given.segments, NoSegments) else given.segments,
        membership=membership if isinstance(given.membership, NoMembership) else given.membership,
    )


def _own_assessment_sources(
    given: AssessmentSources,
    *,
    complaints: ComplaintHistory,
    referrals: ReferralHistory,
    tiers: TierLookup,
    responsiveness: ResponsivenessHistory,
) -> AssessmentSources:
    """The given sources, with "no data" replaced by this tenant's own areas where they know."""
    return attrs.evolve(
        given,
        complaints=complaints if isinstance(given.complaints, NoData) else given.complaints,
        referrals=referrals if isinstance(given.referrals, NoData) else given.referrals,
        tiers=tiers if isinstance(given.tiers, NoData) else given.tiers,
        responsiveness=responsiveness if isinstance(given.responsiveness, NoData) else given.responsiveness,
    )
