"""Complaint and assessment storage specific to SQL: unique signals, index searches, migration 0004."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, event, func, insert, select

from clientcare.adapters.sqlalchemy import SqlBackend, create_clientcare_engine, upgrade
from clientcare.adapters.sqlalchemy._convert import dump_document
from clientcare.adapters.sqlalchemy._migrate import _config, current_revision
from clientcare.assessments import ImprovementPlan
from clientcare.complaints import Category, StandardAnswer
from clientcare.errors import DuplicateRecord, ValidationError
from clientcare.testing._assessments_contract import _assessment, _response
from clientcare.testing._complaints_contract import T0, _close, _complaint

from .conftest import BRIDGE, LAST_WITH_BRIDGE, back_to_head, sqlite_url


def test_one_signal_opens_one_complaint(sql_engine: Engine) -> None:
    """A second complaint from the same signal is DuplicateRecord("complaint", "signal"), quoting no value."""
    backend = SqlBackend(sql_engine)
    first = _complaint("shop", channel="survey", signal=("survey", "answer-13800138000"))
    with backend.unit_of_work("shop") as uow:
        uow.complaints.add(first)
        uow.commit()
    with backend.unit_of_work("shop") as uow:
        with pytest.raises(DuplicateRecord) as caught:
            uow.complaints.add(_complaint("shop", channel="survey", signal=("survey", "answer-13800138000")))
        assert (caught.value.entity, caught.value.field) == ("complaint", "signal")
        assert "13800138000" not in str(caught.value) and caught.value.__cause__ is None
        found = uow.complaints.by_signal("survey", "answer-13800138000")  # the transaction is still usable
        assert found is not None and found.id == first.id
    with backend.unit_of_work("other") as uow:
        uow.complaints.add(_complaint("other", channel="survey", signal=("survey", "answer-13800138000")))
        uow.commit()


def test_overlong_signal_reference_is_a_validation_error(sql_engine: Engine) -> None:
    """A signal reference longer than the column is refused by name, before the database sees it."""
    backend = SqlBackend(sql_engine)
    with backend.unit_of_work("shop") as uow, pytest.raises(ValidationError) as caught:
        uow.complaints.add(_complaint("shop", channel="survey", signal=("survey", "x" * 201)))
    assert caught.value.field == "signal_reference"


@pytest.fixture
def sqlite_engine(sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a fresh migrated SQLite file."""
    engine = create_clientcare_engine(sqlite_url(sqlite_template, tmp_path))
    yield engine
    engine.dispose()


def test_every_lookup_is_an_index_search(sqlite_engine: Engine) -> None:
    """SQLite's plan for every complaint, answer, assessment, plan and survey lookup searches an index, never scans."""
    backend = SqlBackend(sqlite_engine)
    with backend.unit_of_work("shop") as uow:
        for n in range(3):
            complaint = _complaint("shop", f"c{n}", at=T0 + timedelta(hours=n), signal=("survey", f"r{n}"))
            uow.complaints.add(complaint)
            assessment = _assessment("shop", f"c{n}")
            assessment.route(["marketing_director"], at=T0)
            uow.assessments.add(assessment)
            uow.surveys.add(_response("shop", f"c{n}"))
        uow.commit()
    statements: list[tuple[str, Any]] = []

    def record(conn: object, cursor: object, statement: str, parameters: Any, *args: object) -> None:
        statements.append((statement, parameters))

    event.listen(sqlite_engine, "before_cursor_execute", record)
    try:
        with backend.unit_of_work("shop") as uow:
            uow.complaints.open_complaints()
            uow.complaints.for_customer("c1", open_only=True)
            uow.complaints.has_open("c1")
            uow.complaints.by_signal("survey", "r1")
            uow.complaints.received_between(T0, T0 + timedelta(days=1))
            uow.complaints.count_in_category(Category.DELIVERY, T0)
            uow.complaints.with_corrective_actions()
            uow.standard_answers.for_category(Category.PRICE)
            uow.assessments.for_customer("c1")
            uow.assessments.latest_per_customer()
            uow.assessments.awaiting_review("marketing_director")
            uow.improvement_plans.open_for_customer("c1")
            uow.improvement_plans.for_customer("c1")
            uow.surveys.for_customer("c1")
            uow.surveys.answered_between(T0, T0 + timedelta(days=1))
            uow.surveys.answered_between(segment="A")
    finally:
        event.remove(sqlite_engine, "before_cursor_execute", record)
    lookups = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(lookups) == 16
    with sqlite_engine.connect() as conn:
        for statement, parameters in lookups:
            plan = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
            scans = [line for line in plan if re.match(r"SCAN (TABLE )?cc_", line)]
            assert not scans, (statement, plan)
            assert any(line.startswith("SEARCH cc_") for line in plan), (statement, plan)


def _downgrade_to_0003(engine: Engine) -> None:
    with engine.begin() as conn:
        command.downgrade(_config(conn), "0003")  # type: ignore[arg-type]
    assert current_revision(engine) == "0003"


def _bridge_row(kind: str, obj: Any) -> dict[str, Any]:
    return {
        "tenant": obj.tenant,
        "kind": kind,
        "id": obj.id,
        "version": 1,
        "unique_key": None,
        "customer_id": getattr(obj, "customer_id", None),
        "document": dump_document(obj, drop=("version", "tenant", "id")),
    }


def test_migration_0004_moves_bridged_documents_out_and_back(sql_engine: Engine) -> None:
    """Bridge documents from before 0004 are found by every indexed lookup after it, and return on downgrade."""
    open_one = _complaint("shop", at=T0, signal=("survey", "r-1"))
    open_one.open_corrective_action(description="x", owner="o", due=date(2026, 2, 1), item=None, by="li", at=T0)
    closed = _complaint("shop", at=T0 - timedelta(days=1))
    _close(closed, T0)
    answer = StandardAnswer.write(tenant="shop", category="price", question="q?", answer="a", by="kf", at=T0)
    assessment = _assessment("shop", "c1")
    assessment.route(["marketing_director", "marketing_manager"], at=T0)
    assessment.answer("marketing_director", answer="ok", by="d", at=T0)
    plan = ImprovementPlan.open(
        tenant="shop", customer_id="c1", assessment_id=assessment.id, visit_every_days=14, by="cs", at=T0
    )
    survey = _response("shop", "c1", segment="B")
    rows = [
        _bridge_row("complaints", open_one),
        _bridge_row("complaints", closed),
        _bridge_row("standard_answers", answer),
        _bridge_row("assessments", assessment),
        _bridge_row("improvement_plans", plan),
        _bridge_row("survey_responses", survey),
    ]
    # A kind no migration moves (wishes, the example before, moved to cc_wishes in 0005).
    kept = {**rows[0], "kind": "later_area", "id": "w1", "document": "{}"}
    _downgrade_to_0003(sql_engine)
    try:
        with sql_engine.begin() as conn:
            conn.execute(insert(BRIDGE), [*rows, kept])
        upgrade(sql_engine, LAST_WITH_BRIDGE)
        with SqlBackend(sql_engine).unit_of_work("shop") as uow:
            assert [c.id for c in uow.complaints.open_complaints()] == [open_one.id]
            moment = open_one.received_at
            assert [c.id for c in uow.complaints.received_between(moment, moment + timedelta(seconds=1))] == [
                open_one.id
            ]
            assert uow.complaints.count_in_category(Category.DELIVERY, moment) == 1
            assert uow.complaints.has_open("c1")
            by_signal = uow.complaints.by_signal("survey", "r-1")
            assert by_signal is not None and by_signal.id == open_one.id
            assert [c.id for c in uow.complaints.with_corrective_actions()] == [open_one.id]
            assert [c.id for c in uow.complaints.for_customer("c1")] == [open_one.id, closed.id]
            assert [a.id for a in uow.standard_answers.for_category(Category.PRICE)] == [answer.id]
            assert uow.assessments.awaiting_review("marketing_director") == []
            assert [a.id for a in uow.assessments.awaiting_review("marketing_manager")] == [assessment.id]
            assert uow.assessments.get(assessment.id).reviews == assessment.reviews
            open_plan = uow.improvement_plans.open_for_customer("c1")
            assert open_plan is not None and open_plan.id == plan.id
            assert [r.id for r in uow.surveys.answered_between(segment="B")] == [survey.id]
        with sql_engine.connect() as conn:
            assert list(conn.execute(select(BRIDGE.c.kind, BRIDGE.c.id))) == [("later_area", "w1")]
        _downgrade_to_0003(sql_engine)
        with sql_engine.connect() as conn:
            back = {(r.kind, r.id): r.document for r in conn.execute(select(BRIDGE))}
            count = conn.execute(select(func.count()).select_from(BRIDGE)).scalar()
        assert count == len(rows) + 1
        assert all(back[(row["kind"], row["id"])] == row["document"] for row in rows)
    finally:
        back_to_head(sql_engine)
