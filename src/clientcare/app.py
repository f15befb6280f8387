"""The facade: one attribute per area, each a service over one tenant's units of work."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

import attrs

from clientcare import serialization
from clientcare.analytics import AnalyticsService, LifetimeService
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
    NoVisitIntervals,
    OpenComplaints,
    SegmentLookup,
    StaffService,
    TouchesService,
    TouchResponsiveness,
    VisitIntervals,
    cadences_after_purchase,
    cadences_on_merge,
    cancel_for_erased,
    plan_after_care,
)
from clientcare.campaigns import CampaignsService
from clientcare.complaints import ComplaintsService
from clientcare.customers import CustomersService, NotebookService, PrivacyService
from clientcare.errors import ConcurrencyConflict, ConfigurationError, ValidationError
from clientcare.events import (
    ComplaintAfterCareDue,
    DomainEvent,
    LeadReferred,
    MarketingStopped,
    SilentComplaintSignal,
)
from clientcare.kernel import Context as _Context
from clientcare.kernel import check_calls, clean_text
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
from clientcare.ports import (
    Backend,
    Clock,
    IdGenerator,
    JoinableBackend,
    OutboxMessage,
    ReactionJob,
    RoleSource,
    UnitOfWork,
)
from clientcare.purchases import PurchasesService
from clientcare.reports import ReportsService

__all__ = ["REACTION_ATTEMPTS", "Clientcare", "EventsService"]

#: Failed runs of a reaction job before it is given up (it stays visible in ``care.events.failed()``).
REACTION_ATTEMPTS = 8
#: Rounds of one ``react()``: reactions may cause reactions, but never forever.
_REACTION_ROUNDS = 20
#: Set while this thread runs reactions, so the handlers' own commits do not start another run.
_reacting: ContextVar[bool] = ContextVar("clientcare_reacting", default=False)

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
        ctx.reactor = self._react_after_commit

    def react_with(self, name: str, event_type: type[E], handler: Callable[[E], None]) -> None:
        """Handle every committed ``event_type`` durably with ``handler``, under ``name``.

        A job per event is stored in the transaction that commits the event and
        kept until ``handler`` has run, so a crash or a failing handler loses
        nothing: the job is retried with backoff by :meth:`react` (which runs
        after every commit that stored jobs). At least once: ``handler`` must be
        idempotent. ``name`` is the handler's stored identity; keep it stable.
        """
        if not (isinstance(event_type, type) and issubclass(event_type, DomainEvent)):
            raise ValidationError("event_type", "must be a DomainEvent class")
        if not callable(handler):
            raise ValidationError("handler", "must be callable")
        self._ctx.reactions[clean_text(name, "name", limit=64)] = (event_type, handler)

    def react(self, *, limit: int = 100) -> int:
        """Run the reaction jobs that are due (pending after a crash, or failed and past their backoff).

        Returns how many jobs ran to completion. Handlers that fail are
        retried later; after :data:`REACTION_ATTEMPTS` failures they wait in
        :meth:`failed` for a fix.
        """
        token = _reacting.set(True)
        try:
            finished = 0
            for _round in range(_REACTION_ROUNDS):
                with self._ctx.unit() as uow:
                    jobs = uow.reactions.due(handlers=list(self._ctx.reactions), now=self._ctx.now(), limit=limit)
                if not jobs:
                    break
                finished += sum(self._run(job) for job in jobs)
            return finished
        finally:
            _reacting.reset(token)

    def failed(self, *, limit: int = 100) -> list[ReactionJob]:
        """Reaction jobs whose last run failed, with the attempts, reason code and next retry (None: given up)."""
        with self._ctx.unit() as uow:
            return uow.reactions.failed(limit=limit)

    def _react_after_commit(self) -> None:
        # A handler's own commits store jobs too; the outer run picks them up in its next round.
        if not _reacting.get():
            self.react()

    def _run(self, job: ReactionJob) -> bool:
        kind, handler = self._ctx.reactions[job.handler]
        try:
            handler(serialization.structure(job.payload, _event_class(kind, job.event_name)))
        except Exception as exc:  # a handler's bug must not stop the others; the job stays
            reason = type(exc).__name__
            log.warning(
                "reaction %s failed on %s (attempt %d): %s", job.handler, job.event_name, job.attempts + 1, reason
            )
            retry_at = None
            if job.attempts + 1 < REACTION_ATTEMPTS:
                retry_at = self._ctx.now() + timedelta(seconds=min(30 * 2**job.attempts, 3600))
            with contextlib.suppress(ConcurrencyConflict), self._ctx.unit() as uow:
                uow.reactions.record_failure(job.id, reason=reason, retry_at=retry_at)
            return False
        # Another worker may have finished the same job meanwhile: the handler is idempotent.
        with contextlib.suppress(ConcurrencyConflict), self._ctx.unit() as uow:
            uow.reactions.finish(job.id)
        return True

    def subscribe(self, event_type: type[E], handler: Callable[[E], None]) -> None:
        """Call ``handler`` after each committed use case with every event of ``event_type``.

        ``subscribe(DomainEvent, handler)`` hears everything.
        """
        if not (isinstance(event_type, type) and issubclass(event_type, DomainEvent)):
            raise ValidationError("event_type", "must be a DomainEvent class")
        if not callable(handler):
            raise ValidationError("handler", "must be callable")
        if self._ctx.joined:
            # Nothing commits before the caller does, so there would be nothing to hear of.
            raise ConfigurationError("subscribe: a facade inside a caller's transaction calls no subscriber")
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


def _rules(playbook: Playbook | None, unsubscribe_secret: str | None) -> Playbook:
    rules = playbook or Playbook.default()
    if unsubscribe_secret is None:
        return rules
    # Given to connect() where the embedder keeps secrets out of playbook files.
    return attrs.evolve(rules, shop=attrs.evolve(rules.shop, unsubscribe_secret=unsubscribe_secret))


class Clientcare:
    """The facade an embedding system talks to, scoped to one tenant.

    Build it with :func:`clientcare.connect` from a URL, or directly from your
    own ports: ``Clientcare(backend, tenant="acme", clock=my_clock)``. Every
    aggregate a use case creates takes its id from ``ids`` (random by
    default; pass a deterministic :class:`clientcare.ports.IdGenerator` in tests).
    ``unsubscribe_secret`` signs unsubscribe links, over the playbook's ``[shop]`` one.
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
        unsubscribe_secret: str | None = None,
        roles: RoleSource | None = None,
    ) -> None:
        self._ctx = _Context(backend, tenant, clock, _rules(playbook, unsubscribe_secret), ids=ids)
        # The embedder's own inputs, from which for_tenant, with_cadence_ports and within rebuild.
        self._given_sources, self._given_ports, self._roles = assessment_sources, cadence_ports, roles
        # P14/P15: an imported customer's member level and opening points, in the same pass.
        self.customers = CustomersService(self._ctx, import_hooks=(opening_from_import,), merge_hooks=_MERGE_HOOKS)
        # Erasure (P04) also ends what the cadences planned for her, in the same unit of work.
        self.privacy = PrivacyService(self._ctx, erasers=(cancel_for_erased,))
        # P20/P35/P21 (touches, sale credit, end of sequences) and P10-P17, P33
        # (points, level, referral credit) follow a sale in its own transaction.
        self.purchases = PurchasesService(self._ctx, hooks=(cadences_after_purchase, after_purchase))
        self.notebook = NotebookService(self._ctx)
        self.events = EventsService(self._ctx)
        self.tiers = TiersService(self._ctx)
        self.membership = MembershipService(self._ctx)
        self.points = PointsService(self._ctx)
        self.referrals = ReferralsService(self._ctx)
        self.analytics = AnalyticsService(self._ctx)
        self.lifetime = LifetimeService(self._ctx)
        self.complaints = ComplaintsService(self._ctx, roles=roles)
        # Outside data for assessments: the embedder's sources where given, this
        # facade's own areas where they have the data, "no data" otherwise.
        sources = _own_assessment_sources(
            assessment_sources or AssessmentSources(),
            complaints=self.complaints,
            referrals=self.referrals,
            tiers=self.tiers,
            responsiveness=TouchResponsiveness(self._ctx),
        )
        self.assessments = AssessmentsService(self._ctx, sources, roles=roles)
        self.surveys = SurveysService(self._ctx, sources)
        #: Tiers, complaints, membership, visits and roster as the cadences see
        #: them: the embedder's ports where given, this facade's areas otherwise.
        self.cadence_ports = _own_cadence_ports(
            cadence_ports or CadencePorts(),
            complaints=self.complaints,  # P21: pause sequences while a complaint is open
            relationships=self.assessments,  # P61: no marketing once a relationship ended; P60 visits
            segments=CadenceSegments(self._ctx),  # P17/P23: visits by tier
            membership=CadenceMembership(self._ctx),  # P14/P22: card expiry reminders
        )
        self.touches = TouchesService(self._ctx, self.cadence_ports)
        self.campaigns = CampaignsService(self._ctx, self.cadence_ports.relationships)
        self.daily = DailyService(self._ctx, self.cadence_ports)
        self.appointments = AppointmentsService(self._ctx, self.cadence_ports)
        self.boards = BoardsService(self._ctx, self.cadence_ports)
        self.staff = StaffService(self._ctx, self.cadence_ports)
        self._react_between_areas()
        self._add_reports_and_mint_ids()

    def _add_reports_and_mint_ids(self) -> None:
        # The owner's report reads every area through this facade's own services;
        # it comes last, and then every service takes ids from this facade.
        self.reports = ReportsService(
            self._ctx,
            analytics=self.analytics,
            lifetime=self.lifetime,
            touches=self.touches,
            staff=self.staff,
            complaints=self.complaints,
            tiers=self.tiers,
        )
        self._mint_ids_in_every_call()

    def _react_between_areas(self) -> None:
        # Durable reactions, handled from the outbox at least once (care.events.react()).
        # P33: a lead the cadences register from a referral becomes a referral record.
        self.events.react_with("referrals.record_lead", LeadReferred, self._record_lead)
        # P50: a silent-complaint signal (survey, contact outcome) opens a complaint.
        self.events.react_with("complaints.open_from_signal", SilentComplaintSignal, self.complaints.on_signal)
        # P61: once a relationship ends, its marketing touches are cancelled.
        self.events.react_with("touches.cancel_marketing", MarketingStopped, self.touches.on_marketing_stopped)
        # P42 step 5: a resolved complaint's after-care contact becomes a touch on the boards.
        self.events.react_with("touches.plan_after_care", ComplaintAfterCareDue, self._plan_after_care)

    def _mint_ids_in_every_call(self) -> None:
        # Every use case, not only its units of work, takes ids from this facade's generator;
        # and every argument is checked before a use case runs (docs/guarantees.md, "Bad input").
        for name, service in vars(self).items():
            if not name.startswith("_") and name != "cadence_ports":
                self._ctx.mint_in_calls(service)
                check_calls(service)

    def _plan_after_care(self, event: ComplaintAfterCareDue) -> None:
        if event.tenant == self._ctx.tenant and event.customer_id is not None:  # a walk-in has no record yet
            plan_after_care(
                self._ctx, event.customer_id, due=event.due, complaint_id=event.complaint_id, owner=event.by
            )

    def _record_lead(self, event: LeadReferred) -> None:
        # Idempotent: a lead referred already keeps the record made then.
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

    def within(self, connection: object) -> Clientcare:
        """This tenant's facade inside the embedder's open transaction on ``connection``.

        For writing a sale to your own tables and to clientcare's in one
        transaction: every use case of the returned facade runs as a savepoint
        in the transaction you began on ``connection`` (a SQLAlchemy
        ``Connection`` for the SQL adapter) and never begins or commits it, so
        your commit keeps both and your rollback, or an exception that leaves
        your ``with conn.begin()`` block, undoes both. Events and reaction jobs
        are written to the outbox in that same transaction. Nothing is
        committed until you commit, so the returned facade calls no subscriber
        and runs no reaction: after your commit, this facade's
        ``events.react()`` (or the daily run) runs the reactions and a relay
        delivers the events (docs/sql.md). Built from this facade's original
        inputs; the durable reactions registered with ``events.react_with`` are
        carried over, so their jobs are stored. ConfigurationError if the
        backend cannot join a caller's transaction.
        """
        backend = self._ctx.backend
        if not isinstance(backend, JoinableBackend):
            raise ConfigurationError("connection: this storage cannot join a caller's transaction")
        joined = Clientcare(
            backend.on_connection(connection),
            self._ctx.tenant,
            clock=self._ctx.clock,
            playbook=self._ctx.playbook,
            assessment_sources=self._given_sources,
            cadence_ports=self._given_ports,
            ids=self._ctx.ids,
            roles=self._roles,
        )
        for name, route in self._ctx.reactions.items():
            joined._ctx.reactions.setdefault(name, route)
        return joined

    def close(self) -> None:
        """Release the backend's connections."""
        self._ctx.backend.close()

    def __enter__(self) -> Clientcare:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Clientcare(tenant={self._ctx.tenant!r}, backend={type(self._ctx.backend).__name__})"


def _event_class(kind: type[DomainEvent], name: str) -> type[DomainEvent]:
    """The class named ``name`` among ``kind`` and its subclasses (a job stores the event's own class name)."""
    pending = [kind]
    while pending:
        candidate = pending.pop()
        if candidate.__name__ == name:
            return candidate
        pending.extend(candidate.__subclasses__())
    raise ValidationError("event_name", "names no subclass of the handler's event type")


class _Relationships(MarketingStops, VisitIntervals, Protocol):
    """What the assessments tell the cadences: ended relationships (P61), improved ones' visits (P60)."""


def _own_cadence_ports(
    given: CadencePorts,
    *,
    complaints: OpenComplaints,
    relationships: _Relationships,
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
        # P60: the assessments that end relationships also set an improved one's visit interval.
        visits=relationships if isinstance(given.visits, NoVisitIntervals) else given.visits,
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
