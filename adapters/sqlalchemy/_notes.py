"""The notebook's SQL repository (P08): notes with a case-folded search column."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._convert import utc_naive
from clientcare.adapters.sqlalchemy._repos import DocumentRepository
from clientcare.customers import Note

__all__ = ["SqlNoteRepository"]


class SqlNoteRepository(DocumentRepository[Note]):
    """The notebook; ``search_fold`` holds the case-folded text and tags for LIKE."""

    entity = "note"
    table = t.notes
    aggregate = Note
    authoritative = ("customer_id",)

    def columns(self, obj: Note) -> dict[str, Any]:
        """Customer, author, time and the folded search text."""
        fold = "\n".join([obj.text.casefold(), *(tag.casefold() for tag in sorted(obj.tags))])
        return {
            "customer_id": obj.customer_id,
            "author": obj.author,
            "written_at": utc_naive(obj.written_at),
            "search_fold": fold,
        }

    def for_customer(self, customer_id: str) -> list[Note]:
        """The customer's notes, newest first."""
        c = self.table.c
        return self._query(c.customer_id == customer_id, order_by=(c.written_at.desc(), c.id.desc()))

    def search(
        self, fragment: str, *, customer_id: str | None = None, author: str | None = None, limit: int = 50
    ) -> list[Note]:
        """Notes whose text or a tag contains ``fragment`` (case-folded), newest first."""
        c = self.table.c
        conditions = [c.search_fold.contains(fragment.casefold(), autoescape=True)]
        if customer_id is not None:
            conditions.append(c.customer_id == customer_id)
        if author is not None:
            conditions.append(c.author == author)
        return self._query(*conditions, order_by=(c.written_at.desc(), c.id.desc()), limit=limit)

    def delete_for_customer(self, customer_id: str) -> int:
        """Delete the customer's notes (erasure); returns how many."""
        c = self.table.c
        result = self._uow.connection.execute(delete(self.table).where(self._where(c.customer_id == customer_id)))
        return int(result.rowcount)
