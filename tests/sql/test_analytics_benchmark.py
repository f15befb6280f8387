"""The analytics benchmark on a small file: every care.analytics call agrees with its hand-written statement."""

from __future__ import annotations

import runpy
import sqlite3
from datetime import datetime
from pathlib import Path

import clientcare
from clientcare.adapters.clock import FixedClock


def test_every_call_agrees_with_the_hand_written_statement(tmp_path: Path) -> None:
    """On 300 customers and 3,000 receipts each benchmarked call gives the hand-written statement's figures."""
    bench = runpy.run_path(str(Path(__file__).parents[2] / "benchmarks" / "bench_analytics.py"))
    path = tmp_path / "analytics.db"
    bench["build"](path, 300, 3_000)
    end: datetime = bench["END"]
    plain = sqlite3.connect(path)
    with clientcare.connect(f"sqlite:///{path}", tenant=bench["TENANT"], clock=FixedClock(end), upgrade=False) as care:
        checked = []
        for name, ours, sql, params, agree in bench["cases"](care):
            answer = ours()
            assert agree(answer, plain.execute(sql, params).fetchall()), name
            checked.append(name)
    plain.close()
    assert len(checked) == 11
