"""Merged customers: their ids (``cc_customer_aliases``, migration 0007) and their rows re-pointed."""

from __future__ import annotations

from sqlalchemy import Connection, Table, insert, select, update

from clientcare.adapters.sqlalchemy._tables import customer_aliases

__all__ = ["add_alias", "repoint", "resolve_alias"]


def resolve_alias(conn: Connection, tenant: str, customer_id: str) -> str:
    """The kept customer's id for a merged one's, else ``customer_id`` (aliases are kept flat, one hop)."""
    a = customer_aliases.c
    statement = select(a.customer_id).where(a.tenant == tenant, a.alias_id == customer_id)
    kept = conn.execute(statement).scalar_one_or_none()
    return customer_id if kept is None else str(kept)


def add_alias(conn: Connection, tenant: str, absorbed_id: str, kept_id: str) -> None:
    """Alias ``absorbed_id`` to ``kept_id`` and re-point older aliases of it (one UPDATE, one INSERT)."""
    a = customer_aliases.c
    conn.execute(
        update(customer_aliases).where(a.tenant == tenant, a.customer_id == absorbed_id).values(customer_id=kept_id)
    )
    conn.execute(insert(customer_aliases).values(tenant=tenant, alias_id=absorbed_id, customer_id=kept_id))


def repoint(conn: Connection, table: Table, tenant: str, from_id: str, to_id: str) -> int:
    """Give ``from_id``'s rows of ``table`` to ``to_id`` with one UPDATE, versions bumped; returns how many."""
    c = table.c
    statement = (
        update(table)
        .where(c.tenant == tenant, c.customer_id == from_id)
        .values(customer_id=to_id, version=c.version + 1)
    )
    return int(conn.execute(statement).rowcount)
