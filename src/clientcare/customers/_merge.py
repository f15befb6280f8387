"""Merging one person's two archives: the kept customer takes the absorbed one's history.

The customer records meet here (consents, tags, contacts, dates); the rows of
the customers area (notes) and purchases are re-pointed by their repositories,
and other areas join through :data:`CustomerMergeHook` in the same unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from clientcare.customers._events import CustomersMerged
from clientcare.customers._model import Consent, Customer
from clientcare.errors import RuleViolation

if TYPE_CHECKING:
    from clientcare.kernel._context import Context
    from clientcare.ports import UnitOfWork

__all__ = ["CustomerMergeHook", "MergeReport", "merge_records"]

#: ``hook(ctx, uow, kept_id, absorbed_id, at)``: an area moves its rows for a merge, in the merge's unit of work.
CustomerMergeHook = Callable[["Context", "UnitOfWork", str, str, datetime], None]


@attrs.frozen(kw_only=True)
class MergeReport:
    """What a merge moved to the kept customer: ids and counts only."""

    kept_id: str
    absorbed_id: str
    purchases: int
    notes: int
    consents: int


def merge_records(kept: Customer, absorbed: Customer, *, by: str, at: datetime) -> int:
    """Fold ``absorbed``'s record into ``kept`` and retire it; returns how many consents came over.

    Consents: the stricter wins. A purpose and channel the absorbed customer
    withdrew is withdrawn for the kept one too (a merge never undoes a
    withdrawal); one only the absorbed customer gave comes over with its own
    time, method and source. Tags, contacts and important dates are united;
    the absorbed record is then erased, so its personal data exists once.
    """
    if kept.id == absorbed.id:
        raise RuleViolation("customer.merge", "keep and absorb must be two customers")
    kept.ensure_not_erased()
    absorbed.ensure_not_erased()
    moved = _merge_consents(kept, absorbed, at)
    if absorbed.tags - kept.tags:
        kept.tag(*sorted(absorbed.tags - kept.tags), by=by, at=at)
    extra = tuple(c for c in absorbed.contacts if c not in kept.contacts)
    if extra:
        kept.set_contacts((*kept.contacts, *extra), by=by, at=at)
    for important in absorbed.important_dates:
        if important not in kept.important_dates:
            kept.add_important_date(important, by=by, at=at)
    absorbed.erase(at=at)
    kept.record(CustomersMerged(tenant=kept.tenant, occurred_at=at, kept_id=kept.id, absorbed_id=absorbed.id, by=by))
    return moved


def _merge_consents(kept: Customer, absorbed: Customer, at: datetime) -> int:
    withdrawn = {(c.purpose, c.channel) for c in absorbed.consents if c.withdrawn_at is not None}
    withdrawn -= {(c.purpose, c.channel) for c in absorbed.consents if c.active_at(at)}
    for purpose, channel in sorted(withdrawn):
        kept.withdraw_consent(purpose, channel, at=at)
    came: list[Consent] = []
    for consent in absorbed.consents:
        pair = (consent.purpose, consent.channel)
        if pair in withdrawn or not consent.active_at(at) or kept.has_consent(*pair, at=at):
            continue
        came.append(consent)
    kept.consents = (*kept.consents, *came)
    return len(came)
