"""Migrations: an empty database upgraded to head matches the tables exactly; the CLI does it too."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from typer.testing import CliRunner

from clientcare.adapters.sqlalchemy import HEAD, current_revision, metadata, upgrade
from clientcare.adapters.sqlalchemy._migrate import MIGRATIONS, VERSION_TABLE, _run
from clientcare.cli import app


def _drift(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "version_table": VERSION_TABLE,
                # Other tables in the database (an embedder's, another test's) are not clientcare's drift.
                "include_name": lambda name, kind, parent: kind != "table" or name in metadata.tables,
            },
        )
        return list(compare_metadata(context, metadata))


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
    """`clientcare db upgrade URL` creates the schema; `db current` then reports head."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    result = runner.invoke(app, ["db", "current", url])
    assert result.exit_code == 1 and "(empty)" in result.output
    result = runner.invoke(app, ["db", "upgrade", url])
    assert result.exit_code == 0, result.output
    assert HEAD in result.output
    result = runner.invoke(app, ["db", "current", url])
    assert result.exit_code == 0 and f"current: {HEAD}" in result.output


def test_cli_imports_a_csv_file(tmp_path: Path) -> None:
    """`clientcare purchases import` loads good lines and lists rejected ones by line number."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    csv_file = tmp_path / "pos.csv"
    csv_file.write_text(
        "receipt_id,occurred_at,style_no,unit_price\nR1,2026-01-01T10:00:00+08:00,ST-1,10\nR2,nope,ST-1,10\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["purchases", "import", url, str(csv_file), "--tenant", "shop"])
    assert result.exit_code == 2, result.output
    assert "line 3: occurred_at" in result.output
