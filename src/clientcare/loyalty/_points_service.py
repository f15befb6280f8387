"""The points ledger as use cases (P14, P15): balance, expiry, the gift catalogue,
redemption at the till, and balances carried over from a previous system."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from clientcare.errors import RuleViolation, ValidationError
from clientcare.kernel._checks import key_text
from clientcare.kernel._values import Money
from clientcare.loyalty._points import EntryKind, Lot, PointsAccount, PointsEntry
from clientcare.loyalty._service import ServiceBase
from clientcare.playbook import Gift

if TYPE_CHECKING:
    from clientcare.ports import UnitOfWork

__all__ = ["PointsService", "store_account"]

#: The longest receipt id kept in a ledger reference ("till:" and the id fit the column).
RECEIPT_LIMIT = 64
#: The longest opening-balance reference the ledger column holds.
REFERENCE_LIMIT = 200


class PointsService(ServiceBase):
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
        the money off (points × ``points.point_value``).

        Idempotent per ``receipt_id``: a till that retries the call gets the same
        money off and the points are deducted once. Asking again on the same
        receipt for a different number of points is refused.
        """
        pb = self._ctx.playbook
        if receipt_id is None:
            self._debit(customer_id, points, "till:")
        else:
            key_text(receipt_id, "receipt_id", limit=RECEIPT_LIMIT)
            self._debit_once(customer_id, points, f"till:{receipt_id}")
        return Money(Decimal(points) * pb.points.point_value, pb.locale.currency).quantize()

    def _debit_once(self, customer_id: str, points: int, reference: str) -> PointsEntry:
        """Spend ``points`` once per ``reference``; a repeat returns the entry recorded the first time."""
        ctx = self._ctx
        with ctx.unit() as uow:
            uow.customers.get(customer_id)
            account = uow.points.find(customer_id)
            if account is None:
                raise RuleViolation("points.balance", "not enough points")
            done = next((e for e in account.entries if e.kind is EntryKind.REDEEM and e.reference == reference), None)
            if done is not None:
                if -done.points != points:
                    raise RuleViolation("points.receipt_id", "this receipt redeemed a different number of points")
                return done
            entry = account.redeem(points, at=ctx.now(), reference=reference, rules=ctx.playbook.points)
            uow.points.save(account)
        return entry

    def import_opening_balance(
        self, customer_id: str, points: int, *, reference: str = "import", expires_at: datetime | None = None
    ) -> bool:
        """Carry a balance over from a previous system; once per ``reference`` (returns False
        when already imported). Expires like earned points unless ``expires_at`` says otherwise."""
        key_text(reference, "reference", limit=REFERENCE_LIMIT)
        ctx = self._ctx
        with ctx.unit() as uow:
            uow.customers.get(customer_id)
            found = uow.points.find(customer_id)
            account = found or PointsAccount.open(tenant=ctx.tenant, customer_id=customer_id)
            now = ctx.now()
            until = expires_at or now + timedelta(days=ctx.playbook.points.expiry_days)
            if not account.import_opening(points, at=now, reference=reference, expires_at=until):
                return False
            store_account(uow, account, found is None)
        return True


def store_account(uow: UnitOfWork, account: PointsAccount, new: bool) -> None:
    """Add an account met for the first time, else append its new entries."""
    if new:
        uow.points.add(account)
    else:
        uow.points.save(account)
