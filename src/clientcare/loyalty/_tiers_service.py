"""Tiers and segments as use cases (P10–P13, P17): the ABC run, attitude
segments and their overrides, the relationship stage, key accounts and the
working queue."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from clientcare.customers._model import Customer, RelationshipCard
from clientcare.errors import NotFound, RuleViolation, ValidationError
from clientcare.loyalty._service import ServiceBase, stage_in
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
)

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = ["TiersService"]


class TiersService(ServiceBase):
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

    def tier_of(self, tenant: str, customer_id: str) -> AbcLabel | None:
        """The ABC label as the assessments area asks for it (its ``TierLookup``), so an
        embedder can pass ``AssessmentSources(tiers=care.tiers)``. None for another
        tenant: a facade never reads outside its own tenant."""
        if tenant != self._ctx.tenant:
            return None
        with self._ctx.unit() as uow:
            return uow.tiers.label_of(customer_id)

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
            return stage_in(uow, ctx, customer)

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
        return customer.card(now=ctx.now(), playbook=ctx.playbook, key=key)

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
