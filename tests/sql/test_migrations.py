"""Migrations: an empty database upgraded to head matches the tables exactly; a database at
any earlier revision, rows and all, upgrades to head without losing a row; the CLI does it too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, func, insert, inspect, select
from typer.testing import CliRunner

from clientcare.adapters.sqlalchemy import HEAD, SqlBackend, current_revision, metadata, upgrade
from clientcare.adapters.sqlalchemy._migrate import MIGRATIONS, VERSION_TABLE, _config, _run
from clientcare.adapters.sqlalchemy._tables import CODEPOINT_NAME_INDEX
from clientcare.assessments import ImprovementPlan
from clientcare.cadences import Appointment, FollowUp, RecurringRule, SaleCredit, Wish
from clientcare.cli import app
from clientcare.complaints import SilentComplaintSignal, StandardAnswer
from clientcare.customers import Customer, Note
from clientcare.errors import ConfigurationError
from clientcare.kernel import Money
from clientcare.loyalty import (
    Attitude,
    AttitudeOverride,
    Contract,
    EntryKind,
    Membership,
    PointsAccount,
    ReferralRecord,
    TierRun,
)
from clientcare.playbook import AbcRules, MembershipRules
from clientcare.purchases import Purchase, PurchaseLine
from clientcare.testing._assessments_contract import _assessment, _response
from clientcare.testing._complaints_contract import T0, _complaint
from clientcare.testing._touches_contract import _touch

from .conftest import BRIDGE, LAST_WITH_BRIDGE, back_to_head

TENANT = "shop"


def _drift(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "version_table": VERSION_TABLE,
                # Other tables in the database (an embedder's, another test's) are not clientcare's drift.
                # The PostgreSQL expression index of migration 0014 is not comparable (see CODEPOINT_NAME_INDEX).
                "include_name": lambda name, kind, parent: (
                    (kind != "table" or name in metadata.tables) and name != CODEPOINT_NAME_INDEX
                ),
            },
        )
        return list(compare_metadata(context, metadata))


def test_postgresql_has_the_code_point_index_for_customer_pages(sql_engine: Engine) -> None:
    """Migration 0014 gives PostgreSQL the index customer pages sort by; the other backends need none."""
    upgrade(sql_engine)
    names = {index["name"] for index in inspect(sql_engine).get_indexes("cc_customers")}
    assert (CODEPOINT_NAME_INDEX in names) is (sql_engine.dialect.name == "postgresql")


def test_head_constant_matches_the_scripts() -> None:
    """HEAD names the newest migration script, so the quick check at connect is right."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_empty_database_upgrades_to_head_without_drift(sql_engine: Engine) -> None:
    """From nothing, through every migration, to tables identical to the metadata."""
    _run(sql_engine, "base")
    assert not [t for t in inspect(sql_engine).get_table_names() if t.startswith("cc_")]
    assert current_revision(sql_engine) is None
    upgrade(sql_engine)
    assert current_revision(sql_engine) == HEAD
    assert _drift(sql_engine) == []
    upgrade(sql_engine)  # a second run is a no-op
    assert current_revision(sql_engine) == HEAD


def test_cli_upgrades_a_new_sqlite_file(tmp_path: Path) -> None:
    """`clientcare db upgrade --url URL` creates the schema; `db current` reports behind (exit 8), then head."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    result = runner.invoke(app, ["db", "current", "--url", url])
    assert result.exit_code == 8 and "(empty)" in result.output
    result = runner.invoke(app, ["db", "upgrade", "--url", url])
    assert result.exit_code == 0, result.output
    assert HEAD in result.output
    result = runner.invoke(app, ["db", "current", "--url", url])
    assert result.exit_code == 0 and f"current: {HEAD}" in result.output


def test_cli_imports_a_csv_file(tmp_path: Path) -> None:
    """`clientcare purchases import` loads good lines and lists rejected ones by line number."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    csv_file = tmp_path / "pos.csv"
    csv_file.write_text(
        "receipt_id,occurred_at,style_no,unit_price\nR1,2026-01-01T10:00:00+08:00,ST-1,10\nR2,nope,ST-1,10\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["purchases", "import", str(csv_file), "--url", url, "--tenant", "shop"])
    assert result.exit_code == 8, result.output
    assert "line 3: occurred_at" in result.output


# -- from every earlier revision, rows and all ---------------------------------------------

#: Where each table's rows lived before head: in that table from the revision that made it;
#: complaints, assessments and the cadences' aggregates in the document bridge from 0002;
#: merged customers' aliases from 0008; relay leases from 0012.
_SINCE = {
    **dict.fromkeys(
        ("cc_customers", "cc_customer_tags", "cc_purchases", "cc_purchase_lines", "cc_notes", "cc_outbox"), "0001"
    ),
    **dict.fromkeys(
        (
            "cc_complaints",
            "cc_standard_answers",
            "cc_assessments",
            "cc_assessment_reviews",
            "cc_improvement_plans",
            "cc_survey_responses",
            "cc_touches",
            "cc_appointments",
            "cc_follow_ups",
            "cc_wishes",
            "cc_recurring_rules",
            "cc_sale_credits",
        ),
        "0002",
    ),
    **dict.fromkeys(
        (
            "cc_customer_tiers",
            "cc_tier_history",
            "cc_tier_runs",
            "cc_attitude_overrides",
            "cc_memberships",
            "cc_points_accounts",
            "cc_points_entries",
            "cc_referrals",
            "cc_contracts",
        ),
        "0003",
    ),
    "cc_reactions": "0007",
    "cc_customer_aliases": "0008",
    "cc_outbox_leases": "0012",
}


def _revisions() -> list[str]:
    """``base``, then every migration oldest first, head last."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    newest_first = [script.revision for script in ScriptDirectory.from_config(config).walk_revisions()]
    return ["base", *reversed(newest_first)]


def _move_to(engine: Engine, revision: str) -> None:
    """Downgrade to ``revision`` (or upgrade, from below it)."""
    if revision == "base":
        _run(engine, "base")
        return
    order = _revisions()
    here = current_revision(engine) or "base"
    with engine.begin() as conn:
        if order.index(here) > order.index(revision):
            command.downgrade(_config(conn), revision)  # type: ignore[arg-type]
        else:
            command.upgrade(_config(conn), revision)  # type: ignore[arg-type]
    assert current_revision(engine) == (None if revision == "base" else revision)


def _fill(engine: Engine) -> None:
    """One of everything clientcare stores, written at head; their events fill the outbox."""
    ann = Customer.register(tenant=TENANT, name="王芳", phone="13800138000", at=T0)
    ann.tag("vip", by="s1", at=T0)
    bob = Customer.register(tenant=TENANT, name="李娜", phone="13900139000", at=T0)
    line = PurchaseLine(style_no="ST-1", unit_price=Money.of("299.50"), quantity=2, size="M")
    sale = Purchase.sale(tenant=TENANT, customer_id=ann.id, lines=[line], at=T0, currency="CNY", receipt_id="R1")
    complaint = _complaint(TENANT, ann.id, signal=("survey", "r-1"))
    complaint.open_corrective_action(description="x", owner="o", due=date(2026, 2, 1), item=None, by="li", at=T0)
    assessment = _assessment(TENANT, ann.id)
    assessment.route(["marketing_director", "marketing_manager"], at=T0)
    membership = Membership.start(tenant=TENANT, customer_id=ann.id)
    membership.move("vip", at=T0, rules=MembershipRules(), reason="test")
    points = PointsAccount.open(tenant=TENANT, customer_id=ann.id)
    points.credit(EntryKind.OPENING, 500, at=T0, reference="import", expires_at=T0 + timedelta(days=365))
    backend = SqlBackend(engine)
    with backend.unit_of_work(TENANT) as uow:
        uow.customers.add(ann)
        uow.customers.add(bob)
        uow.customers.alias("merged-into-bob", bob.id)
        uow.purchases.add(sale)
        uow.notes.add(Note.write(tenant=TENANT, customer_id=ann.id, author="s1", text="Likes silk", at=T0))
        uow.complaints.add(complaint)
        uow.standard_answers.add(
            StandardAnswer.write(tenant=TENANT, category="price", question="q?", answer="a", by="kf", at=T0)
        )
        uow.assessments.add(assessment)
        uow.improvement_plans.add(
            ImprovementPlan.open(
                tenant=TENANT, customer_id=ann.id, assessment_id=assessment.id, visit_every_days=14, by="cs", at=T0
            )
        )
        uow.surveys.add(_response(TENANT, ann.id))
        uow.touches.add(_touch(TENANT, ann.id, automated=True))
        uow.appointments.add(
            Appointment.book(tenant=TENANT, customer_id=ann.id, starts_at=T0 + timedelta(days=1), at=T0)
        )
        uow.follow_ups.add(FollowUp.start(tenant=TENANT, customer_id=ann.id, owner="bob", topic="新品", at=T0))
        uow.wishes.add(Wish.register(tenant=TENANT, customer_id=ann.id, style_no="QY-1", description="风衣", at=T0))
        uow.recurring.add(
            RecurringRule.create(
                tenant=TENANT,
                customer_id=ann.id,
                owner="alice",
                unit="weeks",
                every=2,
                starts_on=T0.date(),
                ends_on=None,
                information="进度",
            )
        )
        uow.sale_credits.add(
            SaleCredit(
                id=sale.id, tenant=TENANT, customer_id=ann.id, occurred_at=T0, amount=Decimal("599.00"), currency="CNY"
            )
        )
        uow.tiers.add_override(
            AttitudeOverride.set(tenant=TENANT, customer_id=ann.id, segment=Attitude.LOYAL, reason="r", by="s", at=T0)
        )
        uow.tiers.add_run(
            TierRun.finish(
                tenant=TENANT,
                at=T0,
                period_start=T0 - timedelta(days=365),
                period_end=T0,
                labels={},
                changes=[],
                figures=[],
            )
        )
        uow.memberships.add(membership)
        uow.points.add(points)
        uow.referrals.add(ReferralRecord.made(tenant=TENANT, referrer_id=ann.id, referred_id=bob.id, by="s", at=T0))
        uow.contracts.add(
            Contract.sign(
                tenant=TENANT,
                customer_id=ann.id,
                starts_at=T0,
                ends_at=T0 + timedelta(days=365),
                discount=Decimal("0.08"),
            )
        )
        uow.commit()
    with backend.unit_of_work(TENANT) as uow:
        # A reaction job waits: the complaint signal of the survey answer, not handled yet.
        bob_signal = SilentComplaintSignal(
            tenant=TENANT, occurred_at=T0, customer_id=bob.id, source="survey", reference="r-2"
        )
        uow.reactions.enqueue([("complaints.open_from_signal", bob_signal)])
        uow.commit()
    with backend.unit_of_work(TENANT) as uow:
        uow.tiers.recompute_abc(start=T0 - timedelta(days=365), end=T0 + timedelta(days=1), rules=AbcRules(), at=T0)
        uow.commit()
    with backend.unit_of_work(TENANT) as uow:
        # A relay holds the outbox (0012).
        assert uow.outbox.claim("relay-1", now=T0, until=T0 + timedelta(seconds=30))
        uow.commit()


def _dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every clientcare table, in a stable order."""
    with engine.connect() as conn:
        return {
            table.name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for table in metadata.sorted_tables
        }


@pytest.fixture
def erp_orders(sql_engine: Engine) -> Iterator[Table]:
    """An embedder's own table beside clientcare's, with one row (dropped afterwards)."""
    table = Table(
        "erp_orders",
        MetaData(),
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("note", String(20), nullable=False),
    )
    table.drop(sql_engine, checkfirst=True)
    table.create(sql_engine)
    with sql_engine.begin() as conn:
        conn.execute(insert(table).values(id=1, note="kept"))
    yield table
    table.drop(sql_engine)


def test_every_earlier_revision_upgrades_to_head_keeping_every_row(sql_engine: Engine, erp_orders: Table) -> None:
    """Down to base and to each revision before head with data present, then up: no row is lost or changed."""
    _fill(sql_engine)
    original = _dump(sql_engine)
    assert set(original) == set(_SINCE), "every table says where its rows lived before head"
    assert [name for name, rows in original.items() if not rows] == [], "the data set fills every table"
    order = _revisions()
    try:
        # Newest first: each downgrade loses only what the one before lost and more.
        for revision in reversed(order[:-1]):
            _move_to(sql_engine, revision)
            upgrade(sql_engine)
            assert current_revision(sql_engine) == HEAD
            kept = {
                name: rows if order.index(_SINCE[name]) <= order.index(revision) else []
                for name, rows in original.items()
            }
            assert _dump(sql_engine) == kept, f"upgraded from {revision}"
            assert "cc_documents" not in inspect(sql_engine).get_table_names()
            with sql_engine.connect() as conn:
                assert list(conn.execute(select(erp_orders))) == [(1, "kept")]
    finally:
        back_to_head(sql_engine)


def test_rows_left_in_the_bridge_stop_the_upgrade_that_would_drop_them(sql_engine: Engine) -> None:
    """0006 does not drop cc_documents while it holds rows no table takes: it names their kind and changes nothing."""
    planted = {"tenant": TENANT, "kind": "warranty_claims", "id": "w1", "version": 1}
    try:
        _move_to(sql_engine, LAST_WITH_BRIDGE)
        with sql_engine.begin() as conn:
            conn.execute(insert(BRIDGE).values(**planted, unique_key=None, customer_id="c1", document="{}"))
        with pytest.raises(ConfigurationError) as refused:
            upgrade(sql_engine)
        assert "warranty_claims (1)" in str(refused.value)
        assert current_revision(sql_engine) == LAST_WITH_BRIDGE
        with sql_engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(BRIDGE)).scalar() == 1
        with sql_engine.begin() as conn:
            conn.execute(BRIDGE.delete())
        upgrade(sql_engine)
        assert current_revision(sql_engine) == HEAD
    finally:
        back_to_head(sql_engine)


def _bridge_shape(engine: Engine) -> tuple[object, ...]:
    found = inspect(engine)
    columns = [(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns("cc_documents")]
    indexes = sorted((i["name"], tuple(i["column_names"])) for i in found.get_indexes("cc_documents"))
    return columns, found.get_pk_constraint("cc_documents")["constrained_columns"], indexes


def test_the_downgrade_brings_the_bridge_back_empty_as_0002_made_it(sql_engine: Engine) -> None:
    """Below head, cc_documents is back with the same columns, key and indexes, and no rows."""
    try:
        _run(sql_engine, "base")
        upgrade(sql_engine, LAST_WITH_BRIDGE)
        made = _bridge_shape(sql_engine)
        upgrade(sql_engine)
        _move_to(sql_engine, LAST_WITH_BRIDGE)
        assert _bridge_shape(sql_engine) == made
        with sql_engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(BRIDGE)).scalar() == 0
    finally:
        back_to_head(sql_engine)
