"""Likely duplicates in the archive: the same person registered twice.

Pairs are found through shared keys, never by comparing every customer with
every other: the normalised phone (the customer's own and any phone among
their contacts), the e-mail address, name plus birthday, and — within one
home store — every way of deleting one character from the name, so names one
edit apart (a typo, a missing or extra character) meet on a shared key.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import attrs

from clientcare.customers._model import Customer
from clientcare.errors import ValidationError
from clientcare.kernel._values import normalise_phone

__all__ = ["DuplicatePair", "likely_duplicates"]

SAME_PHONE = "same phone"
SAME_EMAIL = "same email"
SAME_NAME_AND_BIRTHDAY = "same name and birthday"
CLOSE_NAMES = "close names at the same store"
#: Reasons in the order a reader weighs them.
_ORDER = (SAME_PHONE, SAME_EMAIL, SAME_NAME_AND_BIRTHDAY, CLOSE_NAMES)
#: A key shared by more customers than this says nothing about any two of them (a shop's own phone).
_CROWD = 20


@attrs.frozen(kw_only=True)
class DuplicatePair:
    """Two customers who are likely one person, and why (ids and reasons only)."""

    first_id: str
    second_id: str
    reasons: tuple[str, ...]


def _phones(customer: Customer, region: str) -> Iterator[str]:
    if customer.phone:
        yield customer.phone
    for contact in customer.contacts:
        if "phone" in contact.kind.lower() or contact.kind.lower() in {"mobile", "tel", "手机", "电话"}:
            try:
                yield normalise_phone(contact.value, region)
            except ValidationError:
                continue


def _emails(customer: Customer) -> Iterator[str]:
    if customer.hard.email:
        yield customer.hard.email.casefold()
    for contact in customer.contacts:
        if "mail" in contact.kind.lower() and "@" in contact.value:
            yield contact.value.strip().casefold()


def _close_keys(name: str) -> set[str]:
    folded = "".join(name.casefold().split())
    if len(folded) < 2:
        return {folded}
    return {folded} | {folded[:i] + folded[i + 1 :] for i in range(len(folded))}


def likely_duplicates(customers: Iterable[Customer], *, region: str = "CN") -> list[DuplicatePair]:
    """Pairs of customers (not erased) who share a phone, an e-mail, a name and birthday,
    or have names one edit apart at the same home store; first id before second, sorted."""
    keys: dict[tuple[str, str], list[str]] = {}
    for customer in customers:
        if customer.erased:
            continue
        mine: set[tuple[str, str]] = set()
        mine.update((SAME_PHONE, phone) for phone in _phones(customer, region))
        mine.update((SAME_EMAIL, email) for email in _emails(customer))
        if customer.hard.birthday is not None:
            name = "".join(customer.name.casefold().split())
            mine.add((SAME_NAME_AND_BIRTHDAY, f"{name}\x1f{customer.hard.birthday.isoformat()}"))
        if customer.home_store:
            mine.update((CLOSE_NAMES, f"{customer.home_store}\x1f{key}") for key in _close_keys(customer.name))
        for key in mine:
            keys.setdefault(key, []).append(customer.id)
    reasons: dict[tuple[str, str], set[str]] = {}
    for (reason, _), ids in keys.items():
        if len(ids) < 2 or len(ids) > _CROWD:
            continue
        ordered = sorted(set(ids))
        for i, first in enumerate(ordered):
            for second in ordered[i + 1 :]:
                reasons.setdefault((first, second), set()).add(reason)
    return [
        DuplicatePair(first_id=first, second_id=second, reasons=tuple(r for r in _ORDER if r in found))
        for (first, second), found in sorted(reasons.items())
    ]
