"""Use cases for tiers, membership, points and referrals (P10–P17, P33).

Each method runs in one unit of work. :func:`after_purchase` is the hook the
purchase use case calls inside its own unit of work, so a sale, its points,
the level it earns and the referral it completes commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

import attrs

from clientcare.customers._model import Customer, RelationshipCard
from clientcare.errors import NotFound, RuleViolation, ValidationError
from clientcare.kernel._events import DomainEvent
from clientcare.kernel._values import Money
from clientcare.loyalty._membership import (
    BasketLine,
    Benefits,
    ClubEvent,
    Contract,
    LevelChange,
    Membership,
    PartnerBenefit,
    benefits_for,
    level_named,
    qualifying_level,
    review_due,
    review_target,
    window_start,
)
from clientcare.loyalty._points import EntryKind, Lot, PointsAccount, PointsEntry, points_for
from clientcare.loyalty._referrals import ReferralRecord
from clientcare.loyalty._tiers import (
    AbcLabel,
    Attitude,
    AttitudeFacts,
    AttitudeOverride,
    Priority,
    SerialisationFigure,
    Stage,
    TierChange,
    TierRun,
    attitude_of,
    priority_of,
    serialisation,
    stage_of,
)
from clientcare.playbook import Gift, MemberLevel
from clientcare.purchases._model import Purchase, PurchaseKind

if TYPE_CHECKING:
    from clientcare.kernel._context import Context as _Context
    from clientcare.ports import UnitOfWork

__all__ = [
    "CadenceMembership",
    "CadenceSegments",
    "MembershipService",
    "PointsService",
    "ReferralsService",
    "Reminders",
    "TiersService",
    "after_purchase",
]


T = TypeVar("T")


class _Service:
    def __init__(self, ctx: _Context) -> None:
        self._ctx = ctx


# -- tiers and segments (P10–P13, P17) ----------------------------------------


class TiersService(_Service):
    """P10–P13, P17: ABC tiers, attitude segments, relationship stage, key accounts."""

    def recompute(self, *, start: datetime | None = None, end: datetime | None = None) -> TierRun:
        """P10/P12: relabel every customer of the tenant by spend in the period (default:
        the playbook's ``abc.period_days`` up to now) and record the serialisation degree."""
        ctx = self._ctx
        now = ctx.now()
        end = end or now
        start = start or end - timedelta(days=ctx.playbook.abc.period_days)
        if start >= end:
            raise ValidationError("start", "must be before end")
        with ctx.unit() as uow:
            labels, changes = uow.tiers.recompute_abc(start=start, end=end, rules=ctx.playbook.abc, at=now)
            facts = self._facts(uow, now)
            attitudes = self._attitudes(uow, facts, now)
            figures = serialisation(labels=labels, attitudes=attitudes, facts=facts)
            run = TierRun.finish(
                tenant=ctx.tenant,
                at=now,
                period_start=start,
                period_end=end,
                labels=labels,
                changes=changes,
                figures=figures,
            )
            uow.tiers.add_run(run)
        return run

    def _facts(self, uow: UnitOfWork, now: datetime, ids: Sequence[str] | None = None) -> dict[str, AttitudeFacts]:
        rules = self._ctx.playbook.segments
        start = now - timedelta(days=rules.window_days)
        return uow.tiers.attitude_facts(start=start, end=now, rules=rules, customer_ids=ids)

    def _attitudes(self, uow: UnitOfWork, facts: dict[str, AttitudeFacts], now: datetime) -> dict[str, Attitude]:
        rules = self._ctx.playbook.segments
        overrides = uow.tiers.active_overrides()
        result: dict[str, Attitude] = {}
        for cid, fact in facts.items():
            override = overrides.get(cid)
            result[cid] = override.segment if override and override.segment else attitude_of(fact, now=now, rules=rules)
        return result

    def label(self, customer_id: str) -> AbcLabel | None:
        """P10: the customer's ABC label from the last run (None before the first)."""
        with self._ctx.unit() as uow:
            return uow.tiers.label_of(customer_id)

    def tier_of(self, tenant: str, customer_id: str) -> str | None:
        """The ABC label as the assessments area asks for it (its ``TierLookup``), so an
        embedder can pass ``AssessmentSources(tiers=care.tiers)``. None for another
        tenant: a facade never reads outside its own tenant."""
        if tenant != self._ctx.tenant:
            return None
        with self._ctx.unit() as uow:
            label = uow.tiers.label_of(customer_id)
        return label.value if label is not None else None

    def history(self, customer_id: str) -> list[TierChange]:
        """P10: every label change of the customer, oldest first."""
        with self._ctx.unit() as uow:
            return uow.tiers.history(customer_id)

    def runs(self, *, limit: int = 50) -> list[TierRun]:
        """P10/P12: past recomputations, newest first."""
        with self._ctx.unit() as uow:
            return uow.tiers.runs(limit=limit)

    def serialisation(self, *, scope: str = "tenant") -> list[tuple[datetime, SerialisationFigure]]:
        """P12: the serialisation degree over time (``scope`` "tenant" or "store:<id>"), oldest first."""
        result = []
        for run in reversed(self.runs(limit=1000)):
            for figure in run.figures:
                if figure.scope == scope:
                    result.append((run.at, figure))
        return result

    def attitude(self, customer_id: str) -> Attitude:
        """P11: the customer's attitude segment (a staff override wins until lifted)."""
        ctx = self._ctx
        now = ctx.now()
        with ctx.unit() as uow:
            uow.customers.get(customer_id)
            facts = self._facts(uow, now, [customer_id])
            fact = facts.get(customer_id, AttitudeFacts(customer_id=customer_id))
            return self._attitudes(uow, {customer_id: fact}, now)[customer_id]

    def override_attitude(self, customer_id: str, segment: Attitude | str, *, reason: str, by: str) -> None:
        """P11: staff set the segment by hand, with a reason; kept until lifted."""
        try:
            chosen = Attitude(segment)
        except ValueError:
            raise ValidationError("segment", f"must be one of {', '.join(a.value for a in Attitude)}") from None
        self._set_override(customer_id, chosen, reason=reason, by=by)

    def lift_override(self, customer_id: str, *, reason: str, by: str) -> None:
        """P11: back to the rule."""
        self._set_override(customer_id, None, reason=reason, by=by)

    def _set_override(self, customer_id: str, segment: Attitude | None, *, reason: str, by: str) -> None:
        ctx = self._ctx
        with ctx.unit() as uow:
            uow.customers.get(customer_id)
            now = ctx.now()
            override = uow.tiers.override_of(customer_id)
            if override is None:
                if segment is None:
                    raise RuleViolation("attitude.lift", "no override to lift")
                override = AttitudeOverride.set(
                    tenant=ctx.tenant, customer_id=customer_id, segment=segment, reason=reason, by=by, at=now
                )
                uow.tiers.add_override(override)
            else:
                override.change(segment, reason=reason, by=by, at=now)
                uow.tiers.save_override(override)

    def stage(self, customer_id: str) -> Stage:
        """P13: new, returning or old customer, by rule."""
        ctx = self._ctx
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            return _stage(uow, ctx, customer)

    def is_key(self, customer_id: str) -> bool:
        """P17: hand-picked key customers and (by default) every A customer."""
        with self._ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            return self._key(customer, uow.tiers.label_of(customer_id))

    def _key(self, customer: Customer, label: AbcLabel | None) -> bool:
        return customer.key or (self._ctx.playbook.segments.a_customers_are_key and label is AbcLabel.A)

    def key_accounts(self) -> list[str]:
        """P17: ids of the key customers (A or hand-picked), erased ones left out."""
        with self._ctx.unit() as uow:
            labels = uow.tiers.labels()
            return [c.id for c in uow.customers.iter_all() if not c.erased and self._key(c, labels.get(c.id))]

    def card(self, customer_id: str) -> RelationshipCard:
        """P17: the relationship card with the key status from the tiers as well."""
        ctx = self._ctx
        with ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            key = self._key(customer, uow.tiers.label_of(customer_id))
        return attrs.evolve(customer.card(now=ctx.now(), playbook=ctx.playbook), key=key)

    def priority(self, customer_ids: Iterable[str]) -> dict[str, Priority]:
        """P17/P33: queue priority of each customer (lower first): key accounts and
        referred leads that have not bought yet lead, B customers follow."""
        ids = list(customer_ids)
        with self._ctx.unit() as uow:
            labels = uow.tiers.labels()
            leads = {r.referred_id for r in uow.referrals.open_leads()}
            customers = {c.id: c for c in uow.customers.by_ids(ids)}
        result = {}
        for cid in ids:
            customer = customers.get(cid)
            if customer is None:
                raise NotFound("customer", cid)
            result[cid] = priority_of(
                key=self._key(customer, labels.get(cid)), label=labels.get(cid), referred_lead=cid in leads
            )
        return result

    def queue(self, customer_ids: Iterable[str]) -> list[str]:
        """P17: the ids in working order: by priority, keeping the given order within one."""
        ids = list(customer_ids)
        ranks = self.priority(ids)
        return sorted(ids, key=lambda cid: ranks[cid])


def _stage(uow: UnitOfWork, ctx: _Context, customer: Customer) -> Stage:
    rules = ctx.playbook.segments
    figures = uow.purchases.figures(customer.id, ctx.playbook.locale.currency)
    return stage_of(
        sales=figures.purchase_count,
        referrals=len(uow.referrals.by_referrer(customer.id)),
        poor_relationship=rules.poor_relationship_tag in customer.tags,
        rules=rules,
    )


# -- membership (P14–P16) ------------------------------------------------------


@attrs.frozen(kw_only=True)
class Reminders:
    """What a daily reminder run raised (each an event in the outbox)."""

    memberships_expiring: int
    points_expiring: int
    contracts_due: int
    points_expired: int
    anniversaries: int = 0


class MembershipService(_Service):
    """P14–P16: the membership programme, benefits at the till, the club, contracts."""

    def get(self, customer_id: str) -> Membership:
        """The customer's membership record (a blank one for a non-member)."""
        with self._ctx.unit() as uow:
            uow.customers.get(customer_id)
            return uow.memberships.find(customer_id) or Membership.start(
                tenant=self._ctx.tenant, customer_id=customer_id
            )

    def level(self, customer_id: str) -> MemberLevel | None:
        """The customer's level and its benefits (None for a non-member)."""
        return level_named(self._ctx.playbook.membership, self.get(customer_id).level)

    def history(self, customer_id: str) -> list[LevelChange]:
        """P14: every level change with its reason, oldest first."""
        return list(self.get(customer_id).history)

    def _load(self, uow: UnitOfWork, customer_id: str) -> tuple[Membership, bool]:
        customer = uow.customers.get(customer_id)
        customer.ensure_not_erased()
        found = uow.memberships.find(customer_id)
        if found is not None:
            return found, False
        return Membership.start(tenant=self._ctx.tenant, customer_id=customer_id), True

    @staticmethod
    def _store(uow: UnitOfWork, membership: Membership, new: bool) -> None:
        if new:
            uow.memberships.add(membership)
        else:
            uow.memberships.save(membership)

    def invite(self, customer_id: str, *, by: str) -> None:
        """P14: invite an old customer to join (the playbook may allow anyone)."""
        ctx = self._ctx
        with ctx.unit() as uow:
            membership, new = self._load(uow, customer_id)
            old = _stage(uow, ctx, uow.customers.get(customer_id)) is Stage.OLD
            if ctx.playbook.membership.invite_old_customers_only and not old:
                raise RuleViolation("membership.invite", "only old customers are invited")
            membership.invite(by=by, at=ctx.now())
            self._store(uow, membership, new)

    def accept_invitation(self, customer_id: str) -> str:
        """P14: the invited customer joins at the highest level open by invitation
        (or higher, if their spend qualifies); returns the level."""
        ctx = self._ctx
        rules = ctx.playbook.membership
        with ctx.unit() as uow:
            membership, new = self._load(uow, customer_id)
            if membership.invited_at is None:
                raise RuleViolation("membership.invitation", "the customer was not invited")
            now = ctx.now()
            qualified = qualifying_level(rules, _measure(uow, ctx, customer_id, now), invited=True)
            if qualified is None:
                raise RuleViolation("membership.invitation", "no level is open by invitation")
            membership.move(qualified.name, at=now, rules=rules, reason="joined: accepted an invitation")
            self._store(uow, membership, new)
            return qualified.name

    def enrol(self, customer_id: str, *, level: str | None = None, by: str) -> str:
        """P14: enrol an existing customer (at ``level``, default the first); returns the level."""
        return self._enrol(customer_id, level=level, by=by)

    def _enrol(self, customer_id: str, *, level: str | None, by: str) -> str:
        ctx = self._ctx
        rules = ctx.playbook.membership
        chosen = level_named(rules, level) if level is not None else rules.levels[0]
        assert chosen is not None
        with ctx.unit() as uow:
            membership, new = self._load(uow, customer_id)
            if membership.level is not None:
                raise RuleViolation("membership.enrol", "already a member")
            membership.move(chosen.name, at=ctx.now(), rules=rules, reason=f"enrolled by {by}")
            self._store(uow, membership, new)
        return chosen.name

    def enrol_all(self, customer_ids: Iterable[str] | None = None, *, level: str | None = None, by: str) -> int:
        """P14: enrol existing customers in bulk (all non-members when ``customer_ids`` is None),
        in one unit of work; members and erased customers are skipped. Returns how many joined."""
        ctx = self._ctx
        rules = ctx.playbook.membership
        chosen = level_named(rules, level) if level is not None else rules.levels[0]
        assert chosen is not None
        now = ctx.now()
        joined = 0
        with ctx.unit() as uow:
            members = {m.id: m for m in uow.memberships.iter_all()}
            customers = list(uow.customers.iter_all()) if customer_ids is None else uow.customers.by_ids(customer_ids)
            for customer in customers:
                existing = members.get(customer.id)
                if customer.erased or (existing is not None and existing.level is not None):
                    continue
                membership = existing or Membership.start(tenant=ctx.tenant, customer_id=customer.id)
                membership.move(chosen.name, at=now, rules=rules, reason=f"enrolled in bulk by {by}")
                self._store(uow, membership, existing is None)
                joined += 1
        return joined

    def review(self) -> list[LevelChange]:
        """P14: judge every member whose review is due by the playbook's downgrade strategy:
        renewed when the rule is met again, else one step down or recalculated."""
        ctx = self._ctx
        rules = ctx.playbook.membership
        zone = ctx.playbook.locale.zone
        now = ctx.now()
        changes: list[LevelChange] = []
        with ctx.unit() as uow:
            for membership in uow.memberships.iter_all():
                due = review_due(membership, rules, zone)
                if due is None or now < due:
                    continue
                measure = _measure(uow, ctx, membership.id, now)
                qualified = qualifying_level(rules, measure)
                target = review_target(membership, qualified, rules)
                if target == membership.level:
                    membership.renew(at=now, rules=rules)
                else:
                    reason = f"review: {rules.measure} {measure} in the window"
                    membership.move(target, at=now, rules=rules, reason=reason)
                    changes.append(membership.history[-1])
                uow.memberships.save(membership)
        return changes

    def remind(self) -> Reminders:
        """P14/P15/P16/P22: the daily run — expire due points, and raise (once each) card
        expiry, points expiry, joining anniversary and contract renewal reminders.
        Safe to run twice."""
        ctx = self._ctx
        pb = ctx.playbook
        now = ctx.now()
        expiring = warned = due = expired = greeted = 0
        with ctx.unit() as uow:
            for membership in uow.memberships.iter_all():
                reminded = membership.remind_expiry(now, pb.membership)
                anniversary = membership.greet_anniversary(now, pb.locale.zone)
                if reminded or anniversary:
                    uow.memberships.save(membership)
                expiring += reminded
                greeted += anniversary
            for account in uow.points.iter_all():
                gone = account.expire(now)
                points = account.warn_expiring(now, within_days=pb.points.expiry_warning_days)
                if gone or points:
                    uow.points.save(account)
                expired += gone
                warned += 1 if points else 0
            for contract in uow.contracts.iter_all():
                if contract.remind_renewal(now, pb.contracts.renewal_notice_days):
                    uow.contracts.save(contract)
                    due += 1
        return Reminders(
            memberships_expiring=expiring, points_expiring=warned, contracts_due=due, points_expired=expired
        )

    def benefits(self, customer_id: str | None, basket: Sequence[BasketLine]) -> Benefits:
        """P14–P16, the POS call: the benefits that apply to this basket now and the
        points the sale will earn. Reads only; nothing is written until the sale is recorded."""
        ctx = self._ctx
        pb = ctx.playbook
        now = ctx.now()
        level: MemberLevel | None = None
        sales = 0
        birthday_month = treat_taken = False
        if customer_id is not None:
            with ctx.unit() as uow:
                customer = uow.customers.get(customer_id)
                membership = uow.memberships.find(customer_id)
                sales = uow.purchases.figures(customer_id, pb.locale.currency).purchase_count
            level = level_named(pb.membership, membership.level) if membership else None
            local = now.astimezone(pb.locale.zone)
            birthday = customer.hard.birthday
            birthday_month = birthday is not None and birthday.month == local.month
            treat_taken = membership is not None and membership.birthday_treat_year == local.year
        return benefits_for(
            basket, level=level, sales_so_far=sales, birthday_month=birthday_month, treat_taken=treat_taken, playbook=pb
        )

    def basket_line(
        self,
        style_no: str,
        price: str | int | Decimal,
        quantity: int = 1,
        *,
        full_price: bool = True,
        category: str | None = None,
    ) -> BasketLine:
        """A basket line in the tenant's currency, for :meth:`benefits`."""
        return BasketLine(
            style_no=style_no,
            unit_price=Money.of(price, self._ctx.playbook.locale.currency),
            quantity=quantity,
            full_price=full_price,
            category=category,
        )

    def _on_member(self, customer_id: str, action: str, change: Callable[[Membership, datetime], T]) -> T:
        ctx = self._ctx
        with ctx.unit() as uow:
            membership = uow.memberships.find(customer_id)
            if membership is None or membership.level is None:
                raise RuleViolation(f"membership.{action}", "not a member")
            result = change(membership, ctx.now())
            uow.memberships.save(membership)
        return result

    def join_club(self, customer_id: str) -> None:
        """P15: the member joins the members' club."""
        self._on_member(customer_id, "club", lambda m, now: m.join_club(at=now))

    def attend(self, customer_id: str, event: str) -> ClubEvent:
        """P15: the member attended a salon or club event."""
        return self._on_member(customer_id, "event", lambda m, now: m.attend(event, at=now))

    def grant_partner_benefit(self, customer_id: str, partner: str, benefit: str) -> PartnerBenefit:
        """P15: a partner business's benefit recorded on the member."""
        return self._on_member(customer_id, "partner", lambda m, now: m.grant_partner_benefit(partner, benefit, at=now))

    def catalogue_recipients(self) -> list[str]:
        """P14/P22: members whose level brings the new season's catalogue, by customer id."""
        rules = self._ctx.playbook.membership
        with self._ctx.unit() as uow:
            members = list(uow.memberships.iter_all())
        result = []
        for membership in members:
            level = level_named(rules, membership.level)
            if level is not None and level.catalogue:
                result.append(membership.id)
        return result

    # -- contracts (P16) -------------------------------------------------------
    def sign_contract(
        self,
        customer_id: str,
        *,
        discount: Decimal | str,
        days: int = 365,
        starts_at: datetime | None = None,
        terms: str = "",
    ) -> Contract:
        """P16: lock in terms with a B2B customer for ``days`` from ``starts_at`` (default now)."""
        ctx = self._ctx
        start = starts_at or ctx.now()
        with ctx.unit() as uow:
            uow.customers.get(customer_id)
            contract = Contract.sign(
                tenant=ctx.tenant,
                customer_id=customer_id,
                starts_at=start,
                ends_at=start + timedelta(days=days),
                discount=Decimal(str(discount)),
                terms=terms,
            )
            uow.contracts.add(contract)
        return contract

    def renew_contract(self, contract_id: str, *, days: int = 365, discount: Decimal | str | None = None) -> Contract:
        """P16: extend a contract by ``days`` from its current end."""
        with self._ctx.unit() as uow:
            contract = uow.contracts.get(contract_id)
            contract.renew(
                until=contract.ends_at + timedelta(days=days),
                discount=Decimal(str(discount)) if discount is not None else None,
            )
            uow.contracts.save(contract)
        return contract

    def contracts(self, customer_id: str) -> list[Contract]:
        """P16: the customer's contracts, newest first."""
        with self._ctx.unit() as uow:
            return uow.contracts.for_customer(customer_id)


def _measure(uow: UnitOfWork, ctx: _Context, customer_id: str, now: datetime, extra_points: int = 0) -> Decimal:
    """The programme's qualifying measure for one customer in the window ending ``now``
    (inclusive, so a sale recorded now counts: spend before the sale plus the sale)."""
    rules = ctx.playbook.membership
    start = window_start(now, rules, ctx.playbook.locale.zone)
    if rules.measure == "points_earned":
        account = uow.points.find(customer_id)
        earned = account.earned_between(start, now + timedelta(microseconds=1)) if account else 0
        return Decimal(earned + extra_points)
    purchases = [p for p in uow.purchases.for_customer(customer_id) if start <= p.occurred_at <= now]
    if rules.measure == "purchases":
        return Decimal(sum(1 for p in purchases if p.kind is PurchaseKind.SALE))
    return sum((p.amount.amount for p in purchases), Decimal(0))


# -- points (P14, P15) ---------------------------------------------------------


class PointsService(_Service):
    """P14/P15: the points ledger."""

    def account(self, customer_id: str) -> PointsAccount:
        """The customer's ledger (an empty one if nothing was ever credited)."""
        with self._ctx.unit() as uow:
            uow.customers.get(customer_id)
            return uow.points.find(customer_id) or PointsAccount.open(tenant=self._ctx.tenant, customer_id=customer_id)

    def balance(self, customer_id: str) -> int:
        """Points the customer can use now (lots past their expiry do not count)."""
        account = self.account(customer_id)
        account.expire(self._ctx.now())
        return account.balance

    def expiring(self, customer_id: str, *, within_days: int | None = None) -> list[Lot]:
        """Lots expiring within ``within_days`` (default the playbook's warning period)."""
        days = within_days if within_days is not None else self._ctx.playbook.points.expiry_warning_days
        return self.account(customer_id).expiring(self._ctx.now(), within_days=days)

    def catalogue(self) -> tuple[Gift, ...]:
        """P14: the gifts points can be redeemed for."""
        return self._ctx.playbook.points.gifts

    def _debit(self, customer_id: str, points: int, reference: str) -> PointsEntry:
        ctx = self._ctx
        with ctx.unit() as uow:
            uow.customers.get(customer_id)
            account = uow.points.find(customer_id)
            if account is None:
                raise RuleViolation("points.balance", "not enough points")
            entry = account.redeem(points, at=ctx.now(), reference=reference, rules=ctx.playbook.points)
            uow.points.save(account)
        return entry

    def redeem_gift(self, customer_id: str, gift_code: str) -> PointsEntry:
        """P14: exchange points for a gift from the catalogue."""
        gift = next((g for g in self.catalogue() if g.code == gift_code), None)
        if gift is None:
            raise ValidationError("gift_code", "not in the gift catalogue")
        return self._debit(customer_id, gift.points, f"gift:{gift.code}")

    def redeem_at_till(self, customer_id: str, points: int, *, receipt_id: str | None = None) -> Money:
        """P15: pay part of a basket with points (at least ``points.min_redeem``); returns
        the money off (points × ``points.point_value``)."""
        self._debit(customer_id, points, f"till:{receipt_id or ''}")
        pb = self._ctx.playbook
        return Money(Decimal(points) * pb.points.point_value, pb.locale.currency).quantize()

    def import_opening_balance(
        self, customer_id: str, points: int, *, reference: str = "import", expires_at: datetime | None = None
    ) -> bool:
        """Carry a balance over from a previous system; once per ``reference`` (returns False
        when already imported). Expires like earned points unless ``expires_at`` says otherwise."""
        ctx = self._ctx
        with ctx.unit() as uow:
            uow.customers.get(customer_id)
            account = uow.points.find(customer_id)
            new = account is None
            account = account or PointsAccount.open(tenant=ctx.tenant, customer_id=customer_id)
            if any(e.kind is EntryKind.OPENING and e.reference == reference for e in account.entries):
                return False
            now = ctx.now()
            until = expires_at or now + timedelta(days=ctx.playbook.points.expiry_days)
            account.credit(EntryKind.OPENING, points, at=now, reference=reference, expires_at=until)
            if new:
                uow.points.add(account)
            else:
                uow.points.save(account)
        return True


# -- referrals (P33) -----------------------------------------------------------

#: The tag the cadences put on a lead registered from a referral outcome.
_REFERRED_BY = "referred-by:"


class ReferralsService(_Service):
    """P33: referrals from old customers; leads worked first; referrers thanked."""

    def record(self, referrer_id: str, referred_id: str, *, by: str) -> ReferralRecord:
        """Record that ``referrer_id`` brought ``referred_id`` (a lead who has not bought)."""
        ctx = self._ctx
        with ctx.unit() as uow:
            uow.customers.get(referrer_id)
            uow.customers.get(referred_id)
            if uow.purchases.figures(referred_id, ctx.playbook.locale.currency).purchase_count > 0:
                raise RuleViolation("referral.referred", "the referred customer has bought already")
            referral = ReferralRecord.made(
                tenant=ctx.tenant, referrer_id=referrer_id, referred_id=referred_id, by=by, at=ctx.now()
            )
            uow.referrals.add(referral)
        return referral

    def on_customer_registered(self, event: DomainEvent) -> None:
        """P33: a lead registered by the cadences' referral outcome (tagged
        ``referred-by:<referrer id>``) becomes a referral record, so the referrer is
        credited at the lead's first purchase. Subscribed to CustomerRegistered."""
        customer_id = getattr(event, "customer_id", None)
        if customer_id is None:
            return
        with self._ctx.unit() as uow:
            customer = uow.customers.get(customer_id)
            referrers = sorted(t.removeprefix(_REFERRED_BY) for t in customer.tags if t.startswith(_REFERRED_BY))
            if not referrers or uow.referrals.by_referred(customer_id) is not None:
                return
            if not uow.customers.by_ids(referrers[:1]):
                return
            referral = ReferralRecord.made(
                tenant=self._ctx.tenant,
                referrer_id=referrers[0],
                referred_id=customer_id,
                by="cadences",
                at=event.occurred_at,
            )
            uow.referrals.add(referral)

    def leads(self) -> list[ReferralRecord]:
        """Referred leads that have not bought yet, oldest first (work them first)."""
        with self._ctx.unit() as uow:
            return uow.referrals.open_leads()

    def referrals_given(self, tenant: str, customer_id: str, *, since: datetime, until: datetime) -> int | None:
        """Referrals made in ``[since, until)``, as the assessments area asks for them
        (its ``ReferralHistory``): ``AssessmentSources(referrals=care.referrals)``.
        None for another tenant: a facade never reads outside its own tenant."""
        if tenant != self._ctx.tenant:
            return None
        with self._ctx.unit() as uow:
            made = uow.referrals.by_referrer(customer_id)
        return sum(1 for r in made if since <= r.recorded_at < until)

    def made_by(self, customer_id: str) -> list[ReferralRecord]:
        """Referrals the customer made, oldest first."""
        with self._ctx.unit() as uow:
            return uow.referrals.by_referrer(customer_id)


# -- what the cadences ask of this area -------------------------------------------


class CadenceSegments(_Service):
    """P17/P23: tiers as the cadences ask for them (their ``SegmentLookup``): the ABC
    label, and "A" for hand-picked key customers, who get the key accounts' cadence."""

    def tier_of(self, customer_ids: Sequence[str]) -> dict[str, str]:
        """Labels of the given customers; customers never labelled are left out."""
        with self._ctx.unit() as uow:
            labels = uow.tiers.labels()
            customers = uow.customers.by_ids(customer_ids)
        result = {cid: labels[cid].value for cid in customer_ids if cid in labels}
        for customer in customers:
            if customer.key:
                result[customer.id] = AbcLabel.A.value
        return result


class CadenceMembership(_Service):
    """P14/P22: member card expiries as the cadences ask for them (their ``MembershipDates``)."""

    def card_expiries(self, customer_ids: Sequence[str]) -> dict[str, date]:
        """The day (tenant time) each given member's card expires; non-members left out."""
        wanted = set(customer_ids)
        zone = self._ctx.playbook.locale.zone
        with self._ctx.unit() as uow:
            members = [m for m in uow.memberships.iter_all() if m.id in wanted]
        return {m.id: m.valid_until.astimezone(zone).date() for m in members if m.level and m.valid_until}


# -- the purchase hook ---------------------------------------------------------


def after_purchase(ctx: _Context, uow: UnitOfWork, purchase: Purchase) -> None:
    """Inside the purchase's unit of work: level, points and referral for a sale;
    the share of points given back for a return."""
    if purchase.customer_id is None:
        return
    if purchase.kind is PurchaseKind.SALE:
        _after_sale(ctx, uow, purchase, purchase.customer_id)
    elif purchase.original_id is not None:
        _after_return(uow, purchase, purchase.customer_id, purchase.original_id)


def _after_sale(ctx: _Context, uow: UnitOfWork, sale: Purchase, customer_id: str) -> None:
    pb = ctx.playbook
    rules = pb.membership
    now = sale.occurred_at
    found = uow.memberships.find(customer_id)
    membership = found or Membership.start(tenant=ctx.tenant, customer_id=customer_id)
    account_found = uow.points.find(customer_id)
    account = account_found or PointsAccount.open(tenant=ctx.tenant, customer_id=customer_id)

    def points_at(level_name: str | None) -> int:
        level = level_named(rules, level_name)
        if level is None and pb.points.members_only:
            return 0
        multiplier = level.points_multiplier if level else Decimal(1)
        return points_for(sale.amount.amount, rules=pb.points, multiplier=multiplier)

    held = level_named(rules, membership.level)  # the level the till saw before this sale
    if rules.measure == "points_earned":
        # Points decide the level here, so they are earned at the level held before the sale.
        points = points_at(membership.level)
        measure = _measure(uow, ctx, customer_id, now, extra_points=points)
        membership.after_sale(qualifying_level(rules, measure), at=now, rules=rules)
    else:
        measure = _measure(uow, ctx, customer_id, now)
        membership.after_sale(qualifying_level(rules, measure), at=now, rules=rules)
        points = points_at(membership.level)
    account.earn(points, at=now, purchase_id=sale.id, rules=pb.points)
    # The birthday treat was offered at the till only if the customer was already
    # a member with that benefit; then this sale takes it for the year.
    if held is not None and held.birthday_gift:
        customer = uow.customers.get(customer_id)
        local = now.astimezone(pb.locale.zone)
        if customer.hard.birthday is not None and customer.hard.birthday.month == local.month:
            membership.birthday_treat_year = local.year
    if membership.level is not None or membership.history:
        MembershipService._store(uow, membership, found is None)
    if account.entries:
        if account_found is None:
            uow.points.add(account)
        else:
            uow.points.save(account)
    _credit_referral(ctx, uow, sale, customer_id)


def _credit_referral(ctx: _Context, uow: UnitOfWork, sale: Purchase, customer_id: str) -> None:
    referral = uow.referrals.by_referred(customer_id)
    if referral is None or referral.converted:
        return
    credit = ctx.playbook.referrals.credit_points
    referral.credit(purchase_id=sale.id, points=credit, at=sale.occurred_at)
    uow.referrals.save(referral)
    found = uow.points.find(referral.referrer_id)
    account = found or PointsAccount.open(tenant=ctx.tenant, customer_id=referral.referrer_id)
    account.credit(
        EntryKind.REFERRAL,
        credit,
        at=sale.occurred_at,
        reference=referral.id,
        expires_at=sale.occurred_at + timedelta(days=ctx.playbook.points.expiry_days),
    )
    if not account.entries:
        return
    if found is None:
        uow.points.add(account)
    else:
        uow.points.save(account)


def _after_return(uow: UnitOfWork, refund: Purchase, customer_id: str, sale_id: str) -> None:
    account = uow.points.find(customer_id)
    if account is None:
        return
    sale = uow.purchases.get(sale_id)
    returns = uow.purchases.returns_of(sale_id)
    if not any(r.id == refund.id for r in returns):
        returns.append(refund)
    returned = -sum((r.amount.amount for r in returns), Decimal(0))
    if account.reverse(sale_id, returned=returned, sold=sale.amount.amount, at=refund.occurred_at) is not None:
        uow.points.save(account)
