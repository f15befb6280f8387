"""Erasure on SQL (P04): every document about a customer redacted, and the outbox messages naming her."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._repos import DocumentRepository
from clientcare.kernel import Aggregate

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = ["redact_customer"]


def _repositories(uow: SqlUnitOfWork) -> list[DocumentRepository[Any]]:
    """Every document repository the unit of work holds (extensions' too), the customers' aside."""
    found: dict[str, DocumentRepository[Any]] = {}
    # Some area repositories keep documents through inner ones (tiers: overrides, runs).
    candidates = list(vars(uow).values())
    candidates += [
        inner for value in vars(uow).values() if hasattr(value, "__dict__") for inner in vars(value).values()
    ]
    customers: object = uow.customers
    for value in candidates:
        if isinstance(value, DocumentRepository) and value is not customers:
            found.setdefault(value.table.name, value)
    return [found[name] for name in sorted(found)]


def redact_customer(
    uow: SqlUnitOfWork,
    customer_id: str,
    *,
    redact: Callable[[Aggregate], Aggregate],
    redact_payload: Callable[[Any], Any],
) -> int:
    """Save ``redact(a)`` for each document about the customer, then rewrite the outbox payloads naming her."""
    changed = 0
    ids = {customer_id}
    for repo in _repositories(uow):
        c = repo.table.c
        condition = c.customer_id == customer_id if "customer_id" in c else c.id == customer_id
        for obj in repo._query(condition):
            ids.add(obj.id)
            new = redact(obj)
            if new is not obj:
                # Cancelled earlier in this unit: the row holds the version that save will expect.
                prior = uow.written.get((repo.table.name, obj.id))
                if prior is not None:
                    new.version = prior.version
                repo.save(new)
                changed += 1
    o = t.outbox.c
    for row in uow.connection.execute(select(o.id, o.payload).where(o.tenant == uow.tenant)):
        if any(i in row.payload for i in ids):
            payload = redact_payload(json.loads(row.payload))
            uow.connection.execute(
                update(t.outbox)
                .where(o.tenant == uow.tenant, o.id == row.id)
                .values(payload=json.dumps(payload, ensure_ascii=False))
            )
    return changed
