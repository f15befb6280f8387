"""Many versioned saves of one table in one statement (``DocumentRepository.save_all``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, bindparam, select, update

from clientcare.adapters.sqlalchemy._errors import translated
from clientcare.errors import ConcurrencyConflict
from clientcare.kernel import Aggregate

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = ["save_many"]


def save_many(uow: SqlUnitOfWork, table: Table, entity: str, rows: Sequence[tuple[Aggregate, dict[str, Any]]]) -> None:
    """``UPDATE table SET … WHERE tenant, id and version match`` run once over every ``(aggregate, values)``.

    The version each row must still have is the one read (or, for a row this
    unit wrote already, the one it wrote). When fewer rows match than were
    given, someone saved one in between: ``ConcurrencyConflict`` naming it,
    and the caller's transaction rolls back. Saving row by row built one
    statement per row, which cost more than the database's own work
    (dispatch leases and records batches of touches this way). Bind names
    carry a prefix, since SQLAlchemy reserves the column names for SET.
    """
    params: list[dict[str, Any]] = []
    for obj, values in rows:
        expected = obj.version + 1 if (table.name, obj.id) in uow.written else obj.version
        params.append(
            {
                "w_id": obj.id,
                "w_version": expected,
                "v_version": obj.version + 1,
                **{f"v_{name}": value for name, value in values.items()},
            }
        )
    c = table.c
    statement = (
        update(table)
        .where(c.tenant == uow.tenant, c.id == bindparam("w_id"), c.version == bindparam("w_version"))
        .values({name[2:]: bindparam(name) for name in params[0] if name.startswith("v_")})
    )
    with translated(entity):
        result = uow.connection.execute(statement, params)
    if result.rowcount != len(params):
        raise ConcurrencyConflict(entity, _stale(uow, table, [obj for obj, _ in rows]))
    for obj, _ in rows:
        uow.wrote(table.name, obj)


def _stale(uow: SqlUnitOfWork, table: Table, objs: Sequence[Aggregate]) -> str:
    """The id of one of ``objs`` whose stored version is not the one just written (or that is gone)."""
    c = table.c
    found = uow.connection.execute(
        select(c.id, c.version).where(c.tenant == uow.tenant, c.id.in_([obj.id for obj in objs]))
    )
    stored = {row.id: row.version for row in found}
    return next((obj.id for obj in objs if stored.get(obj.id) != obj.version + 1), objs[0].id)
