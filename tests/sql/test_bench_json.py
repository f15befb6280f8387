"""`make bench` ends with one JSON line a script can compare between versions (issue 16).

Run tiny, on SQLite only: the figures are not looked at, only that the last
line of output is one JSON object with the machine, each benchmark that ran
and every ratio flat under ``benchmark.measure``. No timing is asserted.
"""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parents[2] / "benchmarks"


def test_the_last_line_of_a_bench_run_is_one_json_object_with_every_ratio() -> None:
    """A small import-only run prints the table, then the JSON object with the import's ratios."""
    small = ["--import-only", "--no-postgres", "--rows", "600", "--customers", "60", "--lookups", "5"]
    out = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), *small],
        capture_output=True,
        text=True,
        check=True,
        cwd=BENCH,
    )
    last = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(last) >= {"schema", "machine", "started", "import", "ratios"}
    assert {"cpus", "memory_gb", "python", "sqlite", "sqlalchemy"} <= set(last["machine"])
    figures = last["import"]
    assert figures["rows"] == 600 and {"sqlite_import_s", "sqlite_plain_s", "sqlite_peak_mb"} <= set(figures)
    assert last["ratios"]["import.sqlite_ratio"] == figures["sqlite_ratio"]
    assert last["ratios"]["import.sqlite_cpu_ratio"] == figures["sqlite_cpu_ratio"]


def test_ratios_are_gathered_flat_from_every_benchmark() -> None:
    """Top-level ``…ratio`` figures, nested ``{"ratio": …}`` objects and analytics' calls all appear once."""
    ratios = runpy.run_path(str(BENCH / "run.py"))["ratios"]
    run = {
        "machine": {"cpus": 2},
        "tiers": {"first_run_ratio": 1.2, "later_run_ratio": 1.1, "first_run_s": 3.0},
        "delivery": {"smtp_sqlite": {"ours_s": 1.0, "ratio": 1.3}},
        "analytics": {"calls": {"figures": {"ratio": 1.27}}},
    }
    assert ratios(run) == {
        "analytics.figures": 1.27,
        "delivery.smtp_sqlite": 1.3,
        "tiers.first_run_ratio": 1.2,
        "tiers.later_run_ratio": 1.1,
    }
