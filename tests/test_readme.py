"""The README's usage example runs as written (on the in-memory backend)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_example_runs() -> None:
    """The first code block under "Use it" executes without error."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"## Use it\n\n```python\n(.*?)```", text, re.S)
    assert match is not None
    code = match.group(1).replace('"sqlite:///care.db"', '"memory://"')
    exec(compile(code, "README.md", "exec"), {})


def test_the_customer_import_page_runs() -> None:
    """Every Python block of docs/customers-import.md executes as written."""
    text = (ROOT / "docs" / "customers-import.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/customers-import.md", "exec"), {})


def test_the_cadences_explain_block_runs() -> None:
    """The Python block of docs/cadences.md's "Why nothing was planned" executes as written."""
    text = (ROOT / "docs" / "cadences.md").read_text(encoding="utf-8")
    section = text[text.index("## Why nothing was planned") :]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks
    exec(compile(blocks[0], "docs/cadences.md", "exec"), {})


def test_guarantees_page_examples_run() -> None:
    """Every Python block of docs/guarantees.md executes as written."""
    text = (ROOT / "docs" / "guarantees.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/guarantees.md", "exec"), {})
