"""The Python blocks of the lifetime, report and web-layer documentation run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("doc", ["docs/reports.md", "docs/analytics.md", "docs/api.md"])
def test_python_blocks_run(doc: str) -> None:
    """Every ```python block of the page executes without error."""
    pytest.importorskip("scipy", reason="needs the predict extra")
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / doc).read_text(encoding="utf-8"), re.S)
    assert blocks
    for number, code in enumerate(blocks, start=1):
        exec(compile(code, f"{doc} block {number}", "exec"), {})
