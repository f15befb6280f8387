"""The examples run as a user runs them, twice on one SQLite file: a reference must survive a second run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _run(script: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(script), url], capture_output=True, text=True, check=False, timeout=300)


@pytest.mark.parametrize("script", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.stem)
def test_example_runs_twice_on_one_sqlite_file(script: Path, tmp_path: Path) -> None:
    """Each example succeeds on a fresh file database and again on the same file, telling the same story."""
    url = f"sqlite:///{tmp_path / 'care.db'}"
    first = _run(script, url)
    assert first.returncode == 0, first.stderr[-2000:]
    second = _run(script, url)
    assert second.returncode == 0, second.stderr[-2000:]
    assert first.stdout.strip() and "Traceback" not in second.stderr
    if script.stem == "demo":
        # The main story finds the customers of the first run instead of registering them again.
        assert "already in the archive" in second.stdout
    else:
        # A tenant of its own per run: the story starts over rather than meeting the last run's customers
        # (later lines may differ, as random ids decide e.g. the rotation's order).
        assert second.stdout.splitlines()[0] == first.stdout.splitlines()[0]


def test_web_example_starts_twice_on_one_sqlite_file(tmp_path: Path) -> None:
    """examples/web/app.py --check opens the file, answers /health and stops, twice on the same file."""
    url = f"sqlite:///{tmp_path / 'care.db'}"
    app = EXAMPLES / "web" / "app.py"
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, str(app), url, "acme", "--check"], capture_output=True, text=True, check=False, timeout=300
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.strip() == "200 {'status': 'ok'}"
