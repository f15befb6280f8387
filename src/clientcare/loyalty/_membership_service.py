"""Membership as use cases (P14–P16): joining and invitations, reviews and daily
reminders, benefits at the till, the members' club, and B2B contracts."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

import attrs

from clientcare.errors import RuleViolation
from clientcare.kernel._values import Money
from clientcare.loyalty._benefits import BasketLine, Benefits, benefits_for
from clientcare.loyalty._contracts import Contract
from clientcare.loyalty._membership import (
    ClubEvent,
    LevelChange,
    Membership,
    PartnerBenefit,
    first_or_named,
    level_named,
    qualifying_level,
    review_due,
    window_start,
)
from clientcare.loyalty._service import ServiceBase, stage_in
from clientcare.loyalty._tiers import Stage
from clientcare.playbook import MemberLevel
from clientcare.purchases._model import PurchaseKind

if TYPE_CHECKING:
    from clientcare.kernel._context import Context
    from clientcare.ports import UnitOfWork

__all__ = [
    "EnrolmentReport",
    "EnrolmentSkip",
    "MembershipService",
    "Reminders",
    "SkipReason",
    "qualifying_measure",
    "store_membership",
]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class Reminders:
    """What a daily reminder run raised (each an event in the outbox)."""

    memberships_expiring: int
    points_expiring: int
    contracts_due: int
    points_expired: int
    anniversaries: int = 0


class SkipReason(enum.StrEnum):
    """Why a bulk enrolment left a customer out."""

    NOT_OLD = "not_old"  # P14: the documents suggest the VIP card to old customers (P13)
    MEMBER = "member"  # already holds a level
    ERASED = "erased"  # personal data erased (P04)


@attrs.frozen(kw_only=True)
class EnrolmentSkip:
    """One customer a bulk enrolment did not enrol, and why."""

    customer_id: str
    reason: SkipReason


@attrs.frozen(kw_only=True)
class EnrolmentReport:
    """What :meth:`MembershipService.enrol_all` did: who joined, who was skipped and why."""

    joined: tuple[str, ...]
    skipped: tuple[EnrolmentSkip, ...]

    def skipped_for(self, reason: SkipReason | str) -> tuple[str, ...]:
        """The ids skipped for ``reason``."""
        wanted = SkipReason(reason)
        return tuple(s.customer_id for s in self.skipped if s.reason is wanted)


class MembershipService(ServiceBase):
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

    def invite(self, customer_id: str, *, by: str) -> None:
        """P14: invite an old customer to join (the playbook may allow anyone)."""
        ctx = self._ctx
        with ctx.unit() as uow:
            membership, new = self._load(uow, customer_id)
            old = stage_in(uow, ctx, uow.customers.get(customer_id)) is Stage.OLD
            if ctx.playbook.membership.old_customers_only and not old:
                raise RuleViolation("membership.invite", "only old customers are invited")
            membership.invite(by=by, at=ctx.now())
            store_membership(uow, membership, new)

    def accept_invitation(self, customer_id: str) -> str:
        """P14: the invited customer joins at the highest level open by invitation
        (or higher, if their spend qualifies); returns the level."""
        ctx = self._ctx
        rules = ctx.playbook.membership
        with ctx.unit() as uow:
            membership, new = self._load(uow, customer_id)
            now = ctx.now()
            qualified = qualifying_level(rules, qualifying_measure(uow, ctx, customer_id, now), invited=True)
            level = membership.accept_invitation(qualified, at=now, rules=rules)
            store_membership(uow, membership, new)
            return level

    def enrol(self, customer_id: str, *, level: str | None = None, by: str) -> str:
        """P14: enrol one existing customer (at ``level``, default the first); returns the level.

        A deliberate act of staff, so it is not held to ``membership.old_customers_only``
        (a member carried over from a previous system, a manager's exception);
        :meth:`enrol_all` and joining at a sale are."""
        ctx = self._ctx
        rules = ctx.playbook.membership
        chosen = first_or_named(rules, level)
        with ctx.unit() as uow:
            membership, new = self._load(uow, customer_id)
            membership.enrol(chosen, at=ctx.now(), rules=rules, reason=f"enrolled by {by}")
            store_membership(uow, membership, new)
        return chosen.name

    def enrol_all(
        self, customer_ids: Iterable[str] | None = None, *, level: str | None = None, by: str
    ) -> EnrolmentReport:
        """P14: enrol existing customers in bulk (all non-members when ``customer_ids`` is None),
        in one unit of work. Members, erased customers and — with ``membership.old_customers_only``
        (seed 002: 建议老顾客申请办理…VIP) — customers who are not old (P13) are skipped;
        the report says who joined and who was skipped, and why."""
        ctx = self._ctx
        rules = ctx.playbook.membership
        chosen = first_or_named(rules, level)
        now = ctx.now()
        joined: list[str] = []
        skipped: list[EnrolmentSkip] = []
        with ctx.unit() as uow:
            members = {m.id: m for m in uow.memberships.iter_all()}
            customers = list(uow.customers.iter_all()) if customer_ids is None else uow.customers.by_ids(customer_ids)
            for customer in sorted(customers, key=lambda c: c.id):
                existing = members.get(customer.id)
                reason = (
                    SkipReason.ERASED
                    if customer.erased
                    else SkipReason.MEMBER
                    if existing is not None and existing.level is not None
                    else SkipReason.NOT_OLD
                    if rules.old_customers_only and stage_in(uow, ctx, customer) is not Stage.OLD
                    else None
                )
                if reason is not None:
                    skipped.append(EnrolmentSkip(customer_id=customer.id, reason=reason))
                    continue
                membership = existing or Membership.start(tenant=ctx.tenant, customer_id=customer.id)
                membership.enrol(chosen, at=now, rules=rules, reason=f"enrolled in bulk by {by}")
                store_membership(uow, membership, existing is None)
                joined.append(customer.id)
        return EnrolmentReport(joined=tuple(joined), skipped=tuple(skipped))

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
                measure = qualifying_measure(uow, ctx, membership.id, now)
                why = f"review: {rules.measure} {measure} in the window"
                change = membership.review(qualifying_level(rules, measure), at=now, rules=rules, why=why)
                if change is not None:
                    changes.append(change)
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
            memberships_expiring=expiring,
            points_expiring=warned,
            contracts_due=due,
            points_expired=expired,
            anniversaries=greeted,
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
            treat_taken = membership is not None and membership.treat_taken(local.year)
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


def qualifying_measure(
    uow: UnitOfWork, ctx: Context, customer_id: str, now: datetime, extra_points: int = 0
) -> Decimal:
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


def store_membership(uow: UnitOfWork, membership: Membership, new: bool) -> None:
    """Add a membership record met for the first time, else save it."""
    if new:
        uow.memberships.add(membership)
    else:
        uow.memberships.save(membership)
