"""examples/erp runs as an ERP developer runs it: twice on one database, SQLite file and PostgreSQL.

Each run records one sale (ERP row and clientcare purchase together) and
shows two failed sales leaving nothing; the two Alembic histories sit side
by side, and the ERP's autogenerate sees neither drift nor clientcare's tables.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, func, select, text

from clientcare.adapters.sqlalchemy import HEAD
from clientcare.adapters.sqlalchemy import _tables as t

from .conftest import server_engine, wipe

ERP = Path(__file__).resolve().parents[2] / "examples" / "erp"
sys.path.insert(0, str(ERP))
import erp  # noqa: E402 - the example's module, found beside its script


def _run(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ERP / "erp.py"), url], capture_output=True, text=True, check=False, timeout=300
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path, server_engines: dict[str, Engine]) -> Iterator[str]:
    """An empty SQLite file, or the PostgreSQL test database without the ERP's tables (dropped again after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'erp.db'}"
        return
    engine = server_engine("postgresql", server_engines)
    wipe(engine)

    def drop_erp() -> None:
        with engine.begin() as conn:
            conn.execute(text(f"DROP TABLE IF EXISTS erp_sales, {erp.VERSION_TABLE}"))

    drop_erp()
    yield engine.url.render_as_string(hide_password=False)
    drop_erp()
    wipe(engine)


def test_the_erp_example_runs_twice_and_both_sides_agree(database: str) -> None:
    """Two runs: two sales on both sides, every failed sale gone from both, the histories apart."""
    first = _run(database)
    assert first.returncode == 0, first.stderr[-2000:]
    second = _run(database)
    assert second.returncode == 0, second.stderr[-2000:]
    assert first.stdout.splitlines()[0] == second.stdout.splitlines()[0]
    assert "registered" in first.stdout and "already in the archive" in second.stdout
    assert "13800138000" not in first.stdout + first.stderr and "王芳" not in first.stdout

    engine = create_engine(database)
    with engine.connect() as conn:
        sales = conn.execute(select(func.count()).select_from(erp.erp_sales)).scalar_one()
        purchases = conn.execute(select(t.purchases.c.receipt_id)).scalars().all()
        erp_version = conn.execute(text(f"SELECT version_num FROM {erp.VERSION_TABLE}")).scalar_one()
        cc_version = conn.execute(text("SELECT version_num FROM clientcare_alembic_version")).scalar_one()
        # The ERP's autogenerate: no change to propose, and clientcare's tables are not its business.
        context = MigrationContext.configure(
            conn, opts={"include_name": erp.only_erp_tables, "version_table": erp.VERSION_TABLE}
        )
        drift = compare_metadata(context, erp.erp_metadata)
    engine.dispose()
    assert sales == 2 and len(purchases) == 2 and all(r.startswith("ERP-") for r in purchases)
    assert (erp_version, cc_version) == ("erp_0001", HEAD)
    assert drift == []
