"""Every ``python`` block of README.md and docs/*.md runs in the test suite (Sybil).

Blocks run in order, one namespace per page, in a fresh working directory per
page (so ``sqlite:///care.db`` or ``pos-export.csv`` land in a temporary
folder). The example server URLs the pages show are swapped for the test
servers' (``CLIENTCARE_TEST_*``); a block naming a server whose variable is
unset is skipped with that reason. ``sh``, ``toml`` and output blocks are not
run; a Python block that must not run carries ``<!-- skip: next "reason" -->``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from sybil import Example, Sybil
from sybil.parsers.markdown import CodeBlockParser, SkipParser

# The server URLs the pages show, and the variable naming the test server that stands in for each.
_SERVERS = {
    "postgresql+psycopg://app@db/erp": "CLIENTCARE_TEST_POSTGRES_URL",
    "mysql+pymysql://app@db/erp?charset=utf8mb4": "CLIENTCARE_TEST_MARIADB_URL",
}


def _evaluate(example: Example) -> None:
    source = str(example.parsed)
    for shown, variable in _SERVERS.items():
        if shown in source:
            url = os.environ.get(variable)
            if not url:
                pytest.skip(f"{variable} is not set (the block connects to {shown.split(':')[0]})")
            source = source.replace(shown, url)
    # Padding keeps the page's line numbers in tracebacks.
    code = compile("\n" * example.line + source, example.path, "exec")
    exec(code, example.namespace)  # noqa: S102 - running the pages' own examples is the point


def _setup(namespace: dict[str, Any]) -> None:
    folder = tempfile.mkdtemp(prefix="clientcare-docs-")
    namespace["__docs_cwd__"] = (os.getcwd(), folder)
    os.chdir(folder)


def _teardown(namespace: dict[str, Any]) -> None:
    previous, folder = namespace["__docs_cwd__"]
    os.chdir(previous)
    # Facades left open by a page hold SQLite files; closing them first keeps the removal quiet.
    for value in list(namespace.values()):
        close = getattr(value, "close", None)
        if callable(close) and type(value).__name__ == "Clientcare":
            close()
    shutil.rmtree(folder, ignore_errors=True)


pytest_collect_file = Sybil(
    parsers=[CodeBlockParser(language="python", evaluator=_evaluate), SkipParser()],
    patterns=["README.md", "docs/*.md"],
    path=str(Path(__file__).parent),
    setup=_setup,
    teardown=_teardown,
).pytest()
