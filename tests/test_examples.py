"""The examples run as a user runs them, twice on one SQLite file: a reference must survive a second run."""

from __future__ import annotations

import re
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
        assert "已在档案中" in second.stdout
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


# What a shop owner must never meet in the demo: procedure codes, object reprs,
# enum reprs, and the library's snake_case codes (return_visit, product_quality …).
_UNREADABLE = {
    "a procedure code": re.compile(r"\bP\d\d\b"),
    "an object repr": re.compile(r"<[^>]*object at 0x"),
    "an enum repr": re.compile(r"\b[A-Z]\w*\.[A-Z_]{2,}\b|<\w+\.\w+: "),
    "a code": re.compile(r"\b[a-z]+_[a-z_]+\b"),
}


def test_the_demo_reads_as_a_shop_owner_reads_it() -> None:
    """Money and dates formatted in zh-CN, words for codes, the message text itself, and the month's summary."""
    result = _run(EXAMPLES / "demo.py", "memory://")
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    found = {what: pattern.findall(out) for what, pattern in _UNREADABLE.items() if pattern.search(out)}
    assert found == {}
    assert "¥1,817.00" in out and "2026年1月5日 星期一" in out  # Babel, in the tenant's language
    assert "回访" in out and "生日问候" in out  # words, not return_visit or birthday
    assert "「王芳，您好！衣尚女装 祝您生日快乐" in out  # the rendered message, as the customer reads it
    summary = out[out.index("小结") :]
    assert "销售额 ¥7,095.00" in summary and "新顾客 3 位，老顾客 1 位" in summary
    assert "投诉 受理 1 件，处理完毕 1 件" in summary
