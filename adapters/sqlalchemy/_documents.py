"""A bridge for aggregates that have no typed tables yet.

No aggregate uses it at the moment: complaints, assessments and the
follow-up area moved to typed tables (``_complaints.py``,
``_assessments.py``, ``_cadences.py``). It stays for the next aggregate
added to the core before its table (docs/sql.md, "Adding an aggregate"):
a kind listed in :func:`_classes` is kept as JSON documents in one table,
``cc_documents`` (tenant, kind, id), with the same tenant scoping, version
check and unique key as everywhere else, and its lookups reuse the
in-memory adapter's query code, which filters in Python: each lookup reads
all of the tenant's documents of that kind. That is correct and fine for a
shop, but not indexed; give a kind a typed table before it grows large.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update

from clientcare import serialization
from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._errors import translated
from clientcare.errors import ConcurrencyConflict, DuplicateRecord, NotFound
from clientcare.kernel import Aggregate

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = ["DocumentStore", "bridge_repositories"]


class DocumentStore:
    """The storage half of a bridged repository (the query half comes from the memory adapter).

    Implements the internal API the in-memory repositories build on:
    ``_rows``, ``_find``, ``_track``, ``add``, ``get``, ``save``, ``_delete``.
    """

    entity = "record"
    aggregate: type[Aggregate] = Aggregate
    unique: Callable[[Any], object] | None = None

    def __init__(self, uow: SqlUnitOfWork, table: str) -> None:
        self._uow = uow
        self._table = table

    # -- reading ---------------------------------------------------------------
    def _select(self, *conditions: Any) -> list[Aggregate]:
        d = t.documents.c
        statement = (
            select(d.id, d.version, d.document)
            .where(d.tenant == self._uow.tenant, d.kind == self._table, *conditions)
            .order_by(d.id)
        )
        result = []
        for row in self._uow.connection.execute(statement):
            data = json.loads(row.document)
            data.update(id=row.id, tenant=self._uow.tenant, version=row.version)
            result.append(serialization.structure(data, self.aggregate))
        return result

    def _rows(self) -> Iterator[Any]:
        yield from self._select()

    def _track(self, obj: Any) -> Any:
        self._uow.track(obj)
        return obj

    def _find(self, predicate: Callable[[Any], bool]) -> list[Any]:
        return [self._track(row) for row in self._select() if predicate(row)]

    def get(self, key: str) -> Any:
        """The aggregate with this id, or NotFound (also for another tenant's)."""
        found = self._select(t.documents.c.id == key)
        if not found:
            raise NotFound(self.entity, key)
        return self._track(found[0])

    # -- writing ---------------------------------------------------------------
    def _values(self, obj: Aggregate) -> dict[str, Any]:
        data = serialization.unstructure(obj)
        for name in ("id", "tenant", "version"):
            data.pop(name, None)
        unique = type(self).unique
        value = unique(obj) if unique is not None else None
        customer = getattr(obj, "customer_id", None)
        return {
            "document": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
            "unique_key": None if value is None else str(value),
            "customer_id": customer if isinstance(customer, str) else None,
        }

    def add(self, obj: Any) -> None:
        """Insert a new aggregate; DuplicateRecord on a taken id or unique key."""
        uow = self._uow
        if obj.tenant != uow.tenant:
            raise NotFound(self.entity, obj.id)
        try:
            with translated(self.entity, obj.id), uow.savepoint():
                uow.connection.execute(
                    insert(t.documents).values(
                        tenant=uow.tenant, kind=self._table, id=obj.id, version=obj.version + 1, **self._values(obj)
                    )
                )
        except DuplicateRecord as exc:
            field = "key" if exc.field != "id" and type(self).unique is not None else "id"
            raise DuplicateRecord(self.entity, field) from None
        uow.wrote(f"{t.documents.name}:{self._table}", obj)
        self._track(obj)

    def save(self, obj: Any) -> None:
        """Write changes; ConcurrencyConflict if someone saved since it was read."""
        uow = self._uow
        if obj.tenant != uow.tenant:
            raise NotFound(self.entity, obj.id)
        d = t.documents.c
        written = (f"{t.documents.name}:{self._table}", obj.id) in uow.written
        expected = obj.version + 1 if written else obj.version
        statement = (
            update(t.documents)
            .where(d.tenant == uow.tenant, d.kind == self._table, d.id == obj.id, d.version == expected)
            .values(version=obj.version + 1, **self._values(obj))
        )
        with translated(self.entity, obj.id):
            result = uow.connection.execute(statement)
        if result.rowcount == 0:
            exists = uow.connection.execute(
                select(d.version).where(d.tenant == uow.tenant, d.kind == self._table, d.id == obj.id)
            ).first()
            if exists is None:
                raise NotFound(self.entity, obj.id)
            raise ConcurrencyConflict(self.entity, obj.id)
        uow.wrote(f"{t.documents.name}:{self._table}", obj)
        self._track(obj)

    def _delete(self, keys: Iterable[str]) -> int:
        d = t.documents.c
        wanted = list(keys)
        if not wanted:
            return 0
        result = self._uow.connection.execute(
            delete(t.documents).where(d.tenant == self._uow.tenant, d.kind == self._table, d.id.in_(wanted))
        )
        return int(result.rowcount)


def _bridge(
    memory_class: type[Any],
    aggregate: type[Aggregate],
    unique: Callable[[Any], object] | None = None,
) -> Any:
    """A repository class: DocumentStore's storage with the memory class's queries."""
    return type(
        memory_class.__name__.replace("Memory", "SqlBridged"),
        (DocumentStore, memory_class),
        {"aggregate": aggregate, "unique": staticmethod(unique) if unique is not None else None},
    )


_CLASSES: dict[str, Any] = {}


def _classes() -> dict[str, Any]:
    """Attribute name -> (bridged class, table kind), built on first use (not at import)."""
    if _CLASSES:
        return _CLASSES
    # Bridge a kind with: _CLASSES["attribute"] = (_bridge(MemoryXRepository, X), "kind")
    return _CLASSES


def bridge_repositories(uow: SqlUnitOfWork) -> dict[str, Any]:
    """Fresh bridged repositories for ``uow``, by unit-of-work attribute name."""
    return {name: cls(uow, kind) for name, (cls, kind) in _classes().items()}
