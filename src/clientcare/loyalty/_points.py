"""The points ledger (P14, P15): earn, redeem, expire oldest first, reverse on returns.

A customer's account is one aggregate holding an append-only list of entries;
the balance is derived from them and never goes negative. The account's
``version`` makes two concurrent redemptions conflict instead of overspending:
the second commit fails with ConcurrencyConflict and the use case is retried
against the new balance.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import attrs

from clientcare.errors import RuleViolation, ValidationError
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._checks import aware
from clientcare.loyalty._events import PointsBalanceChanged, PointsExpiring
from clientcare.playbook import PointsRules

__all__ = ["EntryKind", "Lot", "PointsAccount", "PointsEntry", "points_for", "sale_keeps"]


class EntryKind(enum.StrEnum):
    """Why the balance moved."""

    OPENING = "opening"  # imported from a previous system
    EARN = "earn"
    REFERRAL = "referral"
    REDEEM = "redeem"
    EXPIRE = "expire"
    REVERSE = "reverse"  # a return or cancellation takes back its share
    MERGED_IN = "merged_in"  # a lot carried over from a customer merged into this one
    MERGED_OUT = "merged_out"  # the balance handed to the customer this one was merged into

    @property
    def credit(self) -> bool:
        """Whether entries of this kind add points (and open a lot that can expire)."""
        return self in (EntryKind.OPENING, EntryKind.EARN, EntryKind.REFERRAL, EntryKind.MERGED_IN)


def sale_keeps(
    earned: int, *, sold: Decimal, net: Decimal, rules: PointsRules, multipliers: tuple[Decimal, ...] = ()
) -> int:
    """Points a sale of ``sold`` that earned ``earned`` keeps once only ``net`` of it is left.

    That is what ``net`` earns at the rate, rounding and level multiplier the
    sale earned at. The multiplier is the one (of 1 and ``multipliers``, the
    playbook's levels) that gives ``earned`` for ``sold``, the smallest if
    several do; when none does (the rules changed since the sale) the sale
    keeps its earned points in proportion, rounded as the playbook says.
    """
    if net <= 0 or sold <= 0:
        return 0
    for multiplier in sorted({Decimal(1), *multipliers}):
        if points_for(sold, rules=rules, multiplier=multiplier) == earned:
            return points_for(net, rules=rules, multiplier=multiplier)
    mode = ROUND_DOWN if rules.rounding == "down" else ROUND_HALF_UP
    return int((Decimal(earned) * net / sold).quantize(Decimal(1), rounding=mode))


def points_for(amount: Decimal, *, rules: PointsRules, multiplier: Decimal = Decimal(1)) -> int:
    """Points for paying ``amount``: rate × level multiplier, rounded as the playbook says.

    ``down`` truncates to whole points (the usual POS rule), ``half_up``
    rounds to the nearest. Zero or negative amounts earn nothing.
    """
    if amount <= 0:
        return 0
    raw = amount * rules.rate * multiplier
    mode = ROUND_DOWN if rules.rounding == "down" else ROUND_HALF_UP
    return int(raw.quantize(Decimal(1), rounding=mode))


@attrs.frozen(kw_only=True)
class PointsEntry:
    """One line of the ledger. ``points`` is signed; credits carry an expiry."""

    seq: int
    kind: EntryKind
    points: int
    at: datetime
    reference: str | None = None
    expires_at: datetime | None = None
    shortfall: int = 0  # reversal points that could not be taken back (already spent)


@attrs.frozen(kw_only=True)
class Lot:
    """What is left of one credit entry, spent and expired oldest first."""

    seq: int
    reference: str | None
    remaining: int
    expires_at: datetime | None


@attrs.define(eq=False, kw_only=True)
class PointsAccount(Aggregate):
    """A customer's points (id = customer id). Entries are only ever appended."""

    entries: tuple[PointsEntry, ...] = ()
    warned_lots: tuple[int, ...] = ()  # lots a PointsExpiring reminder was raised for

    @classmethod
    def open(cls, *, tenant: str, customer_id: str) -> PointsAccount:
        """An empty account."""
        return cls(id=customer_id, tenant=tenant)

    @property
    def customer_id(self) -> str:
        """The customer the account belongs to."""
        return self.id

    @property
    def balance(self) -> int:
        """Points held now (expiries count once recorded by :meth:`expire`)."""
        return sum(e.points for e in self.entries)

    def lots(self) -> list[Lot]:
        """Remaining credit lots, the soonest to expire first."""
        remaining: dict[int, int] = {}
        credits: dict[int, PointsEntry] = {}
        for entry in self.entries:
            if entry.kind.credit:
                credits[entry.seq] = entry
                remaining[entry.seq] = entry.points
                continue
            take = -entry.points
            if entry.kind is EntryKind.EXPIRE and entry.reference and entry.reference.startswith("lot:"):
                order = [int(entry.reference[4:])]
            else:
                order = self._spend_order(credits, remaining)
                if entry.kind is EntryKind.REVERSE:
                    # A return takes back the points of its own sale first.
                    own = [s for s in order if credits[s].reference == entry.reference]
                    order = own + [s for s in order if s not in own]
            for seq in order:
                used = min(take, remaining[seq])
                remaining[seq] -= used
                take -= used
                if take == 0:
                    break
        return [
            Lot(seq=s, reference=credits[s].reference, remaining=remaining[s], expires_at=credits[s].expires_at)
            for s in self._spend_order(credits, remaining)
        ]

    @staticmethod
    def _spend_order(credits: dict[int, PointsEntry], remaining: dict[int, int]) -> list[int]:
        # Soonest expiry first (compared in UTC so mixed offsets sort right),
        # never-expiring lots last, then in the order they were credited.
        return sorted((s for s in credits if remaining[s] > 0), key=lambda s: _utc_key(credits[s], s))

    def _append(
        self,
        kind: EntryKind,
        points: int,
        at: datetime,
        *,
        reference: str | None = None,
        expires_at: datetime | None = None,
        shortfall: int = 0,
    ) -> PointsEntry:
        entry = PointsEntry(
            seq=len(self.entries) + 1,
            kind=kind,
            points=points,
            at=aware(at, "at"),
            reference=reference,
            expires_at=expires_at,
            shortfall=shortfall,
        )
        self.entries = (*self.entries, entry)
        self.record(
            PointsBalanceChanged(
                tenant=self.tenant,
                occurred_at=at,
                customer_id=self.id,
                change=points,
                balance=self.balance,
                reason=kind.value,
            )
        )
        return entry

    # -- credits ---------------------------------------------------------------
    def credit(
        self, kind: EntryKind, points: int, *, at: datetime, reference: str | None, expires_at: datetime | None
    ) -> PointsEntry | None:
        """Add points (earned, referral, opening balance); zero points add nothing."""
        if not kind.credit:
            raise ValidationError("kind", "must be a credit kind")
        if isinstance(points, bool) or not isinstance(points, int) or points < 0:
            raise ValidationError("points", "must be a whole number, not negative")
        if points == 0:
            return None
        return self._append(kind, points, at, reference=reference, expires_at=expires_at)

    def earn(self, points: int, *, at: datetime, purchase_id: str, rules: PointsRules) -> PointsEntry | None:
        """Points for a purchase, expiring ``rules.expiry_days`` later."""
        return self.credit(
            EntryKind.EARN,
            points,
            at=at,
            reference=purchase_id,
            expires_at=at + timedelta(days=rules.expiry_days),
        )

    def credit_referral(self, points: int, *, at: datetime, referral_id: str, rules: PointsRules) -> PointsEntry | None:
        """P33: thanks for a referral whose customer bought, expiring like earned points."""
        return self.credit(
            EntryKind.REFERRAL,
            points,
            at=at,
            reference=referral_id,
            expires_at=at + timedelta(days=rules.expiry_days),
        )

    def take_over(self, other: PointsAccount, *, at: datetime) -> int:
        """A merge: ``other``'s remaining lots come over with their expiry, so one ledger holds
        both balances; ``other`` ends at zero. Returns the points moved."""
        moved = other.balance
        carried = 0
        for lot in other.lots():
            self._append(
                EntryKind.MERGED_IN, lot.remaining, at, reference=f"merged:{other.id}", expires_at=lot.expires_at
            )
            carried += lot.remaining
        if moved != carried:
            # A balance below zero (a return after spending) comes over as what is owed.
            self._append(EntryKind.MERGED_OUT, moved - carried, at, reference=f"merged:{other.id}")
        if moved:
            other._append(EntryKind.MERGED_OUT, -moved, at, reference=f"merged:{self.id}")
        return moved

    def import_opening(self, points: int, *, at: datetime, reference: str, expires_at: datetime) -> bool:
        """A balance carried over from a previous system, once per ``reference``;
        False when that reference was imported already."""
        if any(e.kind is EntryKind.OPENING and e.reference == reference for e in self.entries):
            return False
        self.credit(EntryKind.OPENING, points, at=at, reference=reference, expires_at=expires_at)
        return True

    # -- debits ----------------------------------------------------------------
    def expire(self, now: datetime) -> int:
        """Record the expiry of every lot past its date; returns the points expired."""
        total = 0
        for lot in self.lots():
            if lot.expires_at is not None and lot.expires_at <= now and lot.remaining > 0:
                self._append(EntryKind.EXPIRE, -lot.remaining, lot.expires_at, reference=f"lot:{lot.seq}")
                total += lot.remaining
        return total

    def redeem(self, points: int, *, at: datetime, reference: str, rules: PointsRules) -> PointsEntry:
        """Spend points (a gift, or money off at the till); oldest lots go first."""
        if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
            raise ValidationError("points", "must be a whole number above zero")
        if points < rules.min_redeem:
            raise RuleViolation("points.min_redeem", f"at least {rules.min_redeem} points per redemption")
        self.expire(at)
        if points > self.balance:
            raise RuleViolation("points.balance", "not enough points")
        return self._append(EntryKind.REDEEM, -points, at, reference=reference)

    def earned_for(self, purchase_id: str) -> int:
        """Points earned by one purchase."""
        return sum(e.points for e in self.entries if e.kind is EntryKind.EARN and e.reference == purchase_id)

    def reversed_for(self, purchase_id: str) -> int:
        """Points already asked back for one purchase (taken or short)."""
        return sum(
            -e.points + e.shortfall for e in self.entries if e.kind is EntryKind.REVERSE and e.reference == purchase_id
        )

    def reverse(
        self, purchase_id: str, *, returned: Decimal, sold: Decimal, at: datetime, keep: int | None = None
    ) -> PointsEntry | None:
        """Take back the share of a sale's points that ``returned`` of ``sold`` stands for.

        ``returned`` is the total returned so far (all returns of the sale), so
        rounding never drifts. With ``keep`` (the points the net amount earns
        under the rules in force, see :func:`sale_keeps`) the sale is left with
        exactly that; without it the points asked back are
        floor(earned × returned / sold). A full return takes back all.
        The balance never goes negative: what was already spent is recorded
        as ``shortfall`` rather than taken.
        """
        earned = self.earned_for(purchase_id)
        if earned == 0 or sold <= 0:
            return None
        returned = min(max(returned, Decimal(0)), sold)
        if keep is not None and returned < sold:
            target = earned - min(max(keep, 0), earned)
        else:
            # Multiply before dividing: 3000 × 1000 / 3000 is exactly 1000, while
            # 3000 × (1000 / 3000) is 999.99… and would round down to 999.
            target = int((Decimal(earned) * returned / sold).to_integral_value(rounding=ROUND_DOWN))
        due = target - self.reversed_for(purchase_id)
        if due <= 0:
            return None
        self.expire(at)
        take = min(due, self.balance)
        return self._append(EntryKind.REVERSE, -take, at, reference=purchase_id, shortfall=due - take)

    # -- reading ---------------------------------------------------------------
    def expiring(self, now: datetime, *, within_days: int) -> list[Lot]:
        """Lots with points left that expire within ``within_days`` after ``now``."""
        limit = now + timedelta(days=within_days)
        return [
            lot
            for lot in self.lots()
            if lot.expires_at is not None and now < lot.expires_at <= limit and lot.remaining > 0
        ]

    def warn_expiring(self, now: datetime, *, within_days: int) -> int:
        """Raise PointsExpiring once per lot about to expire; returns the points warned of."""
        lots = [lot for lot in self.expiring(now, within_days=within_days) if lot.seq not in self.warned_lots]
        if not lots:
            return 0
        self.warned_lots = (*self.warned_lots, *(lot.seq for lot in lots))
        points = sum(lot.remaining for lot in lots)
        first = min((lot.expires_at for lot in lots if lot.expires_at is not None), default=now)
        self.record(
            PointsExpiring(tenant=self.tenant, occurred_at=now, customer_id=self.id, points=points, expires_at=first)
        )
        return points

    def earned_between(self, start: datetime, end: datetime) -> int:
        """Points earned on purchases in ``[start, end)``, net of reversals (a tier measure)."""
        earned = sum(e.points for e in self.entries if e.kind is EntryKind.EARN and start <= e.at < end)
        taken = sum(-e.points for e in self.entries if e.kind is EntryKind.REVERSE and start <= e.at < end)
        return earned - taken


def _utc_key(entry: PointsEntry, seq: int) -> tuple[bool, datetime, int]:
    expires = entry.expires_at
    if expires is None:
        return (True, datetime.min, seq)
    return (False, expires.replace(tzinfo=None) - (expires.utcoffset() or timedelta(0)), seq)
