"""docs/messages.md's Python blocks run as written, in order."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_messages_doc_examples_run() -> None:
    """Every Python block of docs/messages.md executes without error, sharing one namespace."""
    text = (ROOT / "docs" / "messages.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 5
    namespace: dict[str, object] = {}
    for number, code in enumerate(blocks, 1):
        exec(compile(code, f"docs/messages.md block {number}", "exec"), namespace)
