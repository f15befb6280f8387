"""P46: standard answers, so everyone says the same to a frequent complaint."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from clientcare.complaints._events import StandardAnswerSaved
from clientcare.complaints._values import Category, _by
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._checks import aware, clean_text, tag_set
from clientcare.kernel._checks import one_of as _enum
from clientcare.kernel._values import new_id

__all__ = ["StandardAnswer"]


@attrs.define(eq=False, kw_only=True)
class StandardAnswer(Aggregate):
    """P46: the agreed answer to a frequent complaint, so everyone says the same."""

    category: Category
    question: str
    answer: str
    keywords: frozenset[str] = attrs.field(factory=frozenset, converter=tag_set)
    updated_at: datetime
    updated_by: str

    @classmethod
    def write(
        cls,
        *,
        tenant: str,
        category: Category | str,
        question: str,
        answer: str,
        keywords: Iterable[str] = (),
        by: str,
        at: datetime,
    ) -> StandardAnswer:
        """A new Q&A entry for a category."""
        entry = cls(
            id=new_id(),
            tenant=tenant,
            category=_enum(Category, category, "category"),
            question=clean_text(question, "question", limit=500),
            answer=clean_text(answer, "answer", limit=4000),
            keywords=tag_set(keywords),
            updated_at=aware(at, "at"),
            updated_by=_by(by),
        )
        entry.record(
            StandardAnswerSaved(
                tenant=tenant, occurred_at=at, answer_id=entry.id, category=entry.category.value, by=entry.updated_by
            )
        )
        return entry

    def revise(self, *, answer: str, by: str, at: datetime) -> None:
        """Change the agreed wording."""
        self.answer = clean_text(answer, "answer", limit=4000)
        self.updated_at, self.updated_by = at, _by(by)
        self.record(
            StandardAnswerSaved(
                tenant=self.tenant, occurred_at=at, answer_id=self.id, category=self.category.value, by=self.updated_by
            )
        )

    def relevance(self, text: str) -> int:
        """How many of the keywords (or question words) the text mentions."""
        folded = text.casefold()
        words = self.keywords or frozenset(self.question.split())
        return sum(1 for word in words if word.casefold() in folded)
