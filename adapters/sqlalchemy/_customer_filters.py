"""The WHERE and ORDER BY of customer listings (search and keyset pages), shared so they cannot drift."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, literal, or_, select

from clientcare.adapters.sqlalchemy import _tables as t

__all__ = ["codepoint", "listing_conditions", "resume_after"]


def codepoint(column: Any, dialect: str) -> Any:
    """``column`` compared and sorted by code point (as in Python) on PostgreSQL too.

    SQLite's BINARY and MariaDB's utf8mb4_bin already compare that way.
    """
    return column.collate("C") if dialect == "postgresql" else column


def listing_conditions(
    tenant: str, *, name: str | None, tag: str | None, phone: str | None = None
) -> list[ColumnElement[bool]]:
    """Not erased, name containing ``name`` (case-folded), carrying ``tag``, with ``phone``."""
    c = t.customers.c
    conditions: list[ColumnElement[bool]] = [c.erased_at.is_(None)]
    if name:
        conditions.append(c.name_fold.contains(name.casefold(), autoescape=True))
    if tag is not None:
        tags = t.customer_tags
        conditions.append(c.id.in_(select(tags.c.customer_id).where(tags.c.tenant == tenant, tags.c.tag == tag)))
    if phone is not None:
        conditions.append(c.phone == phone)
    return conditions


def resume_after(tenant: str, after: str, dialect: str) -> ColumnElement[bool]:
    """Rows after the customer ``after`` in (name, id) order: the keyset condition.

    The anchor's name is read in the same statement, so the cursor carries an
    id only (no name in URLs or logs); an unknown id compares with NULL and
    matches nothing.
    """
    c = t.customers.c
    anchor = t.customers.alias("anchor")
    anchor_name = select(anchor.c.name).where(anchor.c.tenant == tenant, anchor.c.id == after).scalar_subquery()
    after_id = literal(after, c.id.type)
    name, last_name = codepoint(c.name, dialect), codepoint(anchor_name, dialect)
    # The redundant ``name >= last`` gives every database a range on the index
    # to start from, instead of scanning the pages before this one.
    return and_(
        name >= last_name,
        or_(name > last_name, and_(c.name == anchor_name, codepoint(c.id, dialect) > codepoint(after_id, dialect))),
    )
