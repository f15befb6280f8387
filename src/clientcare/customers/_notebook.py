"""The customer notebook (P08): quick notes by staff, searchable later."""

from __future__ import annotations

from datetime import datetime

import attrs

from clientcare.customers._events import NoteAdded
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._checks import aware, clean_text, tag_set
from clientcare.kernel._values import new_id

__all__ = ["Note"]


@attrs.define(eq=False, kw_only=True)
class Note(Aggregate):
    """One note about one customer, by one staff member, at one time."""

    customer_id: str
    author: str
    written_at: datetime
    text: str = attrs.field(repr=False)
    tags: frozenset[str] = attrs.field(factory=frozenset, converter=tag_set)

    @classmethod
    def write(
        cls, *, tenant: str, customer_id: str, author: str, text: str, at: datetime, tags: frozenset[str] = frozenset()
    ) -> Note:
        """P08: jot something down; notes are kept as written."""
        note = cls(
            id=new_id(),
            tenant=tenant,
            customer_id=customer_id,
            author=clean_text(author, "author", limit=64),
            written_at=aware(at, "at"),
            text=clean_text(text, "text", limit=4000),
            tags=tag_set(tags),
        )
        note.record(
            NoteAdded(tenant=tenant, occurred_at=at, customer_id=customer_id, note_id=note.id, author=note.author)
        )
        return note

    def matches(self, fragment: str) -> bool:
        """Case-insensitive search in the text and tags."""
        needle = fragment.casefold()
        return needle in self.text.casefold() or any(needle in t.casefold() for t in self.tags)
