"""SQL tables and repositories for assessments, improvement plans and survey answers (P60-P62, P65).

Each aggregate is one JSON document plus the typed columns its lookups need.
The reviewer roles an assessment still waits for live in a side table,
``cc_assessment_reviews`` (tenant, role, assessment), rewritten with the
assessment, so a role's review queue is an indexed join, not a scan of
documents. Every index leads with ``tenant``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    ColumnElement,
    ForeignKeyConstraint,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    delete,
    func,
    insert,
    select,
)

from clientcare.adapters.sqlalchemy import _tables as t
from clientcare.adapters.sqlalchemy._convert import chunks, utc_naive
from clientcare.adapters.sqlalchemy._repos import DocumentRepository
from clientcare.adapters.sqlalchemy._tables import ID_LENGTH, TENANT_LENGTH, document_table, key_string, timestamp
from clientcare.assessments import Assessment, ImprovementPlan, SurveyResponse

if TYPE_CHECKING:
    from clientcare.adapters.sqlalchemy._uow import SqlUnitOfWork

__all__ = [
    "ROLE_LENGTH",
    "SEGMENT_LENGTH",
    "SqlAssessmentRepository",
    "SqlImprovementPlanRepository",
    "SqlSurveyRepository",
    "assessment_reviews",
    "assessments",
    "attach",
    "improvement_plans",
    "survey_responses",
]

#: Reviewer roles are at most 64 characters (checked by the domain).
ROLE_LENGTH = 64
#: Survey segments are at most 40 characters (checked by the domain).
SEGMENT_LENGTH = 40
#: Past this many customers asked at once (ten IN lists), the open plans are read in one statement.
_ONE_READ = 5_000

assessments = document_table(
    "cc_assessments",
    Column("customer_id", key_string(ID_LENGTH), nullable=False),
    Column("number", Integer, nullable=False),
    Column("assessed_at", timestamp(), nullable=False),
    Index("ix_cc_assessments_customer", "tenant", "customer_id", "assessed_at", "number"),
    # P61: a period's assessments of every customer (``assessed_between``), one range scan.
    Index("ix_cc_assessments_assessed", "tenant", "assessed_at"),
)

assessment_reviews = Table(
    "cc_assessment_reviews",
    t.metadata,
    Column("tenant", key_string(TENANT_LENGTH), nullable=False),
    Column("role", key_string(ROLE_LENGTH), nullable=False),
    Column("assessment_id", key_string(ID_LENGTH), nullable=False),
    Column("assessed_at", timestamp(), nullable=False),
    PrimaryKeyConstraint("tenant", "assessment_id", "role"),
    ForeignKeyConstraint(
        ["tenant", "assessment_id"], ["cc_assessments.tenant", "cc_assessments.id"], ondelete="CASCADE"
    ),
    Index("ix_cc_assessment_reviews_role", "tenant", "role", "assessed_at", "assessment_id"),
)

improvement_plans = document_table(
    "cc_improvement_plans",
    Column("customer_id", key_string(ID_LENGTH), nullable=False),
    Column("opened_at", timestamp(), nullable=False),
    Column("closed_at", timestamp(), nullable=True),
    Index("ix_cc_improvement_plans_customer", "tenant", "customer_id", "opened_at"),
)

survey_responses = document_table(
    "cc_survey_responses",
    Column("customer_id", key_string(ID_LENGTH), nullable=False),
    Column("segment", key_string(SEGMENT_LENGTH), nullable=False),
    Column("answered_at", timestamp(), nullable=False),
    Index("ix_cc_survey_responses_answered", "tenant", "answered_at"),
    Index("ix_cc_survey_responses_segment", "tenant", "segment", "answered_at"),
    Index("ix_cc_survey_responses_customer", "tenant", "customer_id", "answered_at"),
)


class SqlAssessmentRepository(DocumentRepository[Assessment]):
    """Completed assessments; the roles still to answer in ``cc_assessment_reviews``."""

    entity = "assessment"
    table = assessments
    aggregate = Assessment
    authoritative = ("customer_id",)

    def __init__(self, uow: SqlUnitOfWork) -> None:
        super().__init__(uow)
        self._pending_read: dict[str, frozenset[str]] = {}

    def columns(self, obj: Assessment) -> dict[str, Any]:
        """Customer, number and moment, for the per-customer lookups."""
        return {"customer_id": obj.customer_id, "number": obj.number, "assessed_at": utc_naive(obj.assessed_at)}

    def _load(self, row: Any) -> Assessment:
        assessment = super()._load(row)
        self._pending_read[assessment.id] = frozenset(assessment.pending_roles())
        return assessment

    def _after_write(self, obj: Assessment, *, new: bool) -> None:
        """Rewrite the pending roles when they changed (same transaction)."""
        pending = frozenset(obj.pending_roles())
        before = frozenset() if new else self._pending_read.get(obj.id)
        if before == pending:
            return
        conn, r = self._uow.connection, assessment_reviews
        if not new:
            conn.execute(delete(r).where(r.c.tenant == self.tenant, r.c.assessment_id == obj.id))
        if pending:
            at = utc_naive(obj.assessed_at)
            conn.execute(
                insert(r),
                [
                    {"tenant": self.tenant, "role": role, "assessment_id": obj.id, "assessed_at": at}
                    for role in sorted(pending)
                ],
            )
        self._pending_read[obj.id] = pending

    def for_customer(self, customer_id: str) -> list[Assessment]:
        """The customer's assessments, newest first."""
        c = self.table.c
        return self._list(c.customer_id == customer_id, order_by=(c.assessed_at.desc(), c.number.desc(), c.id.desc()))

    def latest_per_customer(self) -> dict[str, Assessment]:
        """Each assessed customer's newest assessment (a window function picks it in SQL)."""
        c = self.table.c
        rank = (
            func.row_number()
            .over(partition_by=c.customer_id, order_by=(c.assessed_at.desc(), c.number.desc(), c.id.desc()))
            .label("rank")
        )
        ranked = select(c.id, rank).where(self._where()).subquery()
        newest = select(ranked.c.id).where(ranked.c.rank == 1)
        found = self._list(c.id.in_(newest), order_by=(c.customer_id,))
        return {a.customer_id: a for a in found}

    def assessed_between(self, since: datetime, until: datetime) -> list[Assessment]:
        """P61: one statement over the tenant's assessments in ``[since, until)``, oldest first."""
        c = self.table.c
        in_period = (c.assessed_at >= utc_naive(since), c.assessed_at < utc_naive(until))
        return self._list(*in_period, order_by=(c.assessed_at, c.number, c.id))

    def awaiting_review(self, role: str) -> list[Assessment]:
        """Assessments routed to ``role`` and not answered by it yet, oldest first (indexed side table)."""
        c, r = self.table.c, assessment_reviews.c
        waiting: ColumnElement[bool] = c.id.in_(select(r.assessment_id).where(r.tenant == self.tenant, r.role == role))
        return self._list(waiting, order_by=(c.assessed_at, c.id))


class SqlImprovementPlanRepository(DocumentRepository[ImprovementPlan]):
    """Improvement plans and their tasks, by customer."""

    entity = "improvement_plan"
    table = improvement_plans
    aggregate = ImprovementPlan
    authoritative = ("customer_id",)

    def columns(self, obj: ImprovementPlan) -> dict[str, Any]:
        """Customer, opening and closing moments."""
        return {
            "customer_id": obj.customer_id,
            "opened_at": utc_naive(obj.opened_at),
            "closed_at": utc_naive(obj.closed_at) if obj.closed_at is not None else None,
        }

    def open_for_customer(self, customer_id: str) -> ImprovementPlan | None:
        """The customer's open plan (the newest, should there be several), if any."""
        c = self.table.c
        found = self._query(
            c.customer_id == customer_id,
            c.closed_at.is_(None),
            order_by=(c.opened_at.desc(), c.id.desc()),
            limit=1,
        )
        return found[0] if found else None

    def for_customer(self, customer_id: str) -> list[ImprovementPlan]:
        """Every plan of the customer, newest first."""
        c = self.table.c
        return self._list(c.customer_id == customer_id, order_by=(c.opened_at.desc(), c.id.desc()))

    def open_for_customers(self, customer_ids: Sequence[str]) -> dict[str, ImprovementPlan]:
        """The open plans of the given customers, a query per slice of ids (the newest, should
        there be several: a customer's plans all fall in one slice)."""
        c = self.table.c
        asked = set(customer_ids)
        order = (c.opened_at, c.id)
        result: dict[str, ImprovementPlan] = {}
        if len(asked) > _ONE_READ:
            # The daily run asks for every customer: one read of the tenant's open plans (few
            # beside its customers) instead of hundreds of IN lists; the newest wins, as below.
            for plan in self._query(c.closed_at.is_(None), order_by=order):
                if plan.customer_id in asked:
                    result[plan.customer_id] = plan
            return result
        for chunk in chunks(sorted(asked)):
            for plan in self._query(c.customer_id.in_(chunk), c.closed_at.is_(None), order_by=order):
                result[plan.customer_id] = plan
        return result


class SqlSurveyRepository(DocumentRepository[SurveyResponse]):
    """Loyalty survey answers, by moment, segment and customer."""

    entity = "survey_response"
    table = survey_responses
    aggregate = SurveyResponse
    authoritative = ("customer_id",)

    def columns(self, obj: SurveyResponse) -> dict[str, Any]:
        """Customer, segment and moment of the answer."""
        return {"customer_id": obj.customer_id, "segment": obj.segment, "answered_at": utc_naive(obj.answered_at)}

    def for_customer(self, customer_id: str) -> list[SurveyResponse]:
        """The customer's answers, newest first."""
        c = self.table.c
        return self._list(c.customer_id == customer_id, order_by=(c.answered_at.desc(), c.id.desc()))

    def answered_between(
        self, since: datetime | None = None, until: datetime | None = None, *, segment: str | None = None
    ) -> list[SurveyResponse]:
        """Answers given in ``[since, until)`` (open ends when None), of ``segment`` when given; oldest first."""
        c = self.table.c
        conditions: list[ColumnElement[bool]] = []
        if since is not None:
            conditions.append(c.answered_at >= utc_naive(since))
        if until is not None:
            conditions.append(c.answered_at < utc_naive(until))
        if segment is not None:
            conditions.append(c.segment == segment)
        return self._list(*conditions, order_by=(c.answered_at, c.id))


def attach(uow: SqlUnitOfWork) -> None:
    """Give an SQL unit of work the assessment and survey repositories (called on every reset)."""
    uow.assessments = SqlAssessmentRepository(uow)
    uow.improvement_plans = SqlImprovementPlanRepository(uow)
    uow.surveys = SqlSurveyRepository(uow)
