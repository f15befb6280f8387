"""What a web layer answers about customers: list items, a page of them, the card.

Read models hold what staff see and nothing internal: no tenant, no version,
no profile history with its before and after values, no consent records.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import attrs

from clientcare.customers._model import Contact, Customer, RelationshipCard
from clientcare.customers._paging import CustomerPage

__all__ = ["CustomerList", "CustomerListItem", "CustomerView"]


def _tail(phone: str | None) -> str | None:
    # A list shows the last four digits only: enough to tell two 王芳 apart.
    return phone[-4:] if phone else None


@attrs.frozen(kw_only=True)
class CustomerListItem:
    """One customer in a listing: the name, the phone's last four digits, tags, key flag."""

    id: str
    name: str = attrs.field(repr=False)
    phone_tail: str | None = attrs.field(repr=False)
    home_store: str | None
    tags: tuple[str, ...]
    key: bool
    registered_at: datetime

    @classmethod
    def of(cls, customer: Customer) -> CustomerListItem:
        """The list item of ``customer``."""
        return cls(
            id=customer.id,
            name=customer.name,
            phone_tail=_tail(customer.phone),
            home_store=customer.home_store,
            tags=tuple(sorted(customer.tags)),
            key=customer.key,
            registered_at=customer.registered_at,
        )


@attrs.frozen(kw_only=True)
class CustomerList:
    """A page of customers by name; ``next_cursor`` fetches the next page (None on the last)."""

    items: tuple[CustomerListItem, ...]
    next_cursor: str | None

    @classmethod
    def of(cls, page: CustomerPage) -> CustomerList:
        """The listing of one :class:`~clientcare.customers.CustomerPage`."""
        return cls(items=tuple(CustomerListItem.of(c) for c in page.customers), next_cursor=page.next_cursor)


@attrs.frozen(kw_only=True)
class CustomerView:
    """P06: the relationship card as staff see it, with tags and profile completeness (P03)."""

    id: str
    name: str = attrs.field(repr=False)
    phone: str | None = attrs.field(repr=False)
    email: str | None = attrs.field(repr=False)
    employer: str | None = attrs.field(repr=False)
    position: str | None
    address: str | None = attrs.field(repr=False)
    contacts: tuple[Contact, ...] = attrs.field(repr=False)
    home_store: str | None
    tags: tuple[str, ...]
    key: bool
    stale: bool
    reviewed_at: datetime | None
    registered_at: datetime
    completeness: Decimal

    @classmethod
    def of(cls, customer: Customer, card: RelationshipCard, completeness: Decimal) -> CustomerView:
        """The view of ``customer`` with her ``card`` (its key flag and staleness) and completeness."""
        return cls(
            id=customer.id,
            name=card.name,
            phone=card.phone,
            email=card.email,
            employer=card.employer,
            position=card.position,
            address=card.address,
            contacts=card.contacts,
            home_store=customer.home_store,
            tags=tuple(sorted(customer.tags)),
            key=card.key,
            stale=card.stale,
            reviewed_at=card.reviewed_at,
            registered_at=customer.registered_at,
            completeness=completeness,
        )
