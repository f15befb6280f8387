"""The tier benchmark on a small file: the adapter, the hand-written statement and the loop agree."""

from __future__ import annotations

import runpy
from pathlib import Path

from clientcare.adapters.sqlalchemy import SqlBackend, create_clientcare_engine


def test_the_three_ways_of_labelling_agree(tmp_path: Path) -> None:
    """On 500 customers and 5,000 purchases every way gives the same ABC labels."""
    bench = runpy.run_path(str(Path(__file__).parents[2] / "benchmarks" / "tiers_recompute.py"))
    path = tmp_path / "bench.db"
    bench["build"](path, 500, 5_000)
    engine = create_clientcare_engine(f"sqlite:///{path}")
    labels = bench["adapter_run"](SqlBackend(engine))
    again = bench["adapter_run"](SqlBackend(engine))
    engine.dispose()
    assert {k: v.value for k, v in labels.items()} == bench["hand_written"](path)
    assert labels == again == bench["per_customer_loop"](path)
    assert {v.value for v in labels.values()} == {"A", "B", "C"}
