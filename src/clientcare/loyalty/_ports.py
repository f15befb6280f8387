"""What tiers, membership, points and referrals need from storage."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Protocol

from clientcare.loyalty._contracts import Contract
from clientcare.loyalty._membership import Membership
from clientcare.loyalty._points import PointsAccount
from clientcare.loyalty._referrals import ReferralRecord
from clientcare.loyalty._tiers import AbcLabel, AttitudeFacts, AttitudeOverride, TierChange, TierRun
from clientcare.playbook import AbcRules, SegmentRules

__all__ = ["ContractRepository", "MembershipRepository", "PointsRepository", "ReferralRepository", "TierRepository"]


class TierRepository(Protocol):
    """P10–P12: ABC labels with their history, attitude overrides, tier runs.

    :meth:`recompute_abc` labels every customer of the tenant in one call and
    must give exactly the labels :func:`clientcare.loyalty.abc_labels` (the
    reference) gives on the same purchases, ties and returns included; only
    changed labels are stored, each with one history entry.
    """

    def recompute_abc(
        self, *, start: datetime, end: datetime, rules: AbcRules, at: datetime
    ) -> tuple[dict[str, AbcLabel], list[TierChange]]:
        """Label every customer by net spend in ``(start, end]``, store changed labels
        with history; return all labels and the changes (ordered by customer id)."""
        ...

    def labels(self) -> dict[str, AbcLabel]:
        """The current label of every labelled customer."""
        ...

    def labels_of(self, customer_ids: Collection[str]) -> dict[str, AbcLabel]:
        """The current labels of the given customers (unlabelled ones left out)."""
        ...

    def label_of(self, customer_id: str) -> AbcLabel | None:
        """The customer's current label (None before the first run)."""
        ...

    def history(self, customer_id: str) -> list[TierChange]:
        """The customer's label changes, oldest first."""
        ...

    def take_over_history(self, kept_id: str, absorbed_id: str) -> int:
        """A merge: the absorbed customer's label changes join the kept one's history
        (oldest first) and the absorbed label is dropped; the kept label stays, and a
        kept customer without one takes the absorbed label until the next recompute.
        Returns how many changes moved."""
        ...

    def attitude_facts(
        self, *, start: datetime, end: datetime, rules: SegmentRules, customer_ids: Collection[str] | None = None
    ) -> dict[str, AttitudeFacts]:
        """P11: the facts the attitude rules need, for every customer or those in
        ``customer_ids``, equal to :func:`clientcare.loyalty.attitude_facts_from` on
        the same data (style launches are judged over the whole tenant either way)."""
        ...

    def override_of(self, customer_id: str) -> AttitudeOverride | None:
        """The customer's attitude override record, lifted or not."""
        ...

    def add_override(self, override: AttitudeOverride) -> None:
        """Store a first override."""

    def save_override(self, override: AttitudeOverride) -> None:
        """Store a changed override; ConcurrencyConflict on a race."""

    def active_overrides(self) -> dict[str, AttitudeOverride]:
        """Overrides in force (not lifted), by customer id."""
        ...

    def add_run(self, run: TierRun) -> None:
        """Keep a finished run (its events go to the outbox)."""

    def runs(self, *, limit: int = 50) -> list[TierRun]:
        """Runs, newest first."""
        ...


class MembershipRepository(Protocol):
    """P14/P15: memberships, keyed by customer id."""

    def add(self, membership: Membership) -> None:
        """Store a new membership record."""

    def get(self, customer_id: str) -> Membership:
        """The customer's membership record, or NotFound."""
        ...

    def find(self, customer_id: str) -> Membership | None:
        """The customer's membership record, if any."""
        ...

    def save(self, membership: Membership) -> None:
        """Store changes; ConcurrencyConflict on a race."""

    def iter_all(self, *, batch: int = 500) -> Iterator[Membership]:
        """Every membership record of the tenant, by customer id."""
        ...

    def expiries(self) -> dict[str, datetime]:
        """When each member's card (a level and an end) expires, by customer id; no record is decoded."""
        ...


class PointsRepository(Protocol):
    """P14/P15: points accounts, keyed by customer id.

    Stored entries are never changed or removed, only appended to. Saves are
    guarded by the account's version: of two redemptions racing for the same
    points one commits and the other gets ConcurrencyConflict, so points are
    never spent twice.
    """

    def add(self, account: PointsAccount) -> None:
        """Store a new account."""

    def find(self, customer_id: str) -> PointsAccount | None:
        """The customer's account, if any."""
        ...

    def save(self, account: PointsAccount) -> None:
        """Append new entries; ConcurrencyConflict if the account changed meanwhile."""

    def iter_all(self, *, batch: int = 500) -> Iterator[PointsAccount]:
        """Every account of the tenant, by customer id."""
        ...


class ReferralRepository(Protocol):
    """P33: who referred whom."""

    def add(self, referral: ReferralRecord) -> None:
        """Store a referral; DuplicateRecord if the customer was referred already."""

    def save(self, referral: ReferralRecord) -> None:
        """Store changes; ConcurrencyConflict on a race."""

    def remove(self, referral: ReferralRecord) -> None:
        """Delete a referral a merge made redundant or self-referring."""

    def by_referred(self, customer_id: str) -> ReferralRecord | None:
        """The referral that brought this customer, if any."""
        ...

    def by_referrer(self, customer_id: str) -> list[ReferralRecord]:
        """Referrals made by this customer, oldest first."""
        ...

    def open_leads(self) -> list[ReferralRecord]:
        """Referrals whose customer has not bought yet, oldest first."""
        ...


class ContractRepository(Protocol):
    """P16: B2B contracts."""

    def add(self, contract: Contract) -> None:
        """Store a new contract."""

    def get(self, contract_id: str) -> Contract:
        """The contract, or NotFound."""
        ...

    def save(self, contract: Contract) -> None:
        """Store changes; ConcurrencyConflict on a race."""

    def for_customer(self, customer_id: str) -> list[Contract]:
        """The customer's contracts, newest first."""
        ...

    def iter_all(self, *, batch: int = 500) -> Iterator[Contract]:
        """Every contract of the tenant."""
