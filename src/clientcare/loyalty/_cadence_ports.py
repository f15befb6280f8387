"""What the cadences ask of this area, as their ports: tiers (``SegmentLookup``)
and member card expiries (``MembershipDates``). The cadences never import the
loyalty area; the facade wires these in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from clientcare.loyalty._service import ServiceBase
from clientcare.playbook import AbcLabel

__all__ = ["CadenceMembership", "CadenceSegments"]


class CadenceSegments(ServiceBase):
    """P17/P23: tiers as the cadences ask for them (their ``SegmentLookup``): the ABC
    label, and A for hand-picked key customers, who get the key accounts' cadence."""

    def tier_of(self, customer_ids: Sequence[str]) -> dict[str, AbcLabel]:
        """Labels of the given customers; customers never labelled are left out."""
        with self._ctx.unit() as uow:
            labels = uow.tiers.labels_of(customer_ids)
            flagged = uow.customers.key_flagged(customer_ids)
        result = {cid: labels[cid] for cid in customer_ids if cid in labels}
        for customer_id in flagged:
            result[customer_id] = AbcLabel.A
        return result


class CadenceMembership(ServiceBase):
    """P14/P22: member card expiries as the cadences ask for them (their ``MembershipDates``)."""

    def card_expiries(self, customer_ids: Sequence[str]) -> dict[str, date]:
        """The day (tenant time) each given member's card expires; non-members left out."""
        wanted = set(customer_ids)
        zone = self._ctx.playbook.locale.zone
        with self._ctx.unit() as uow:
            expiries = uow.memberships.expiries()
        return {cid: until.astimezone(zone).date() for cid, until in expiries.items() if cid in wanted}
