"""List modules over 600 lines and functions over 60 lines in src/ and adapters/.

Data tables (module-level constants, migrations) are not functions and are not
counted; a module may say ``# sizes: data table`` in its first ten lines to be
skipped as a whole. tests/test_sizes.py runs this and expects nothing listed.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE_LIMIT = 600
FUNCTION_LIMIT = 60


def _sources() -> Iterator[Path]:
    for folder in (ROOT / "src" / "clientcare", ROOT / "adapters"):
        for path in sorted(folder.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def offenders() -> list[str]:
    """Every module and function over its limit, as ``path:line what (n lines)``."""
    found = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        if "# sizes: data table" in "\n".join(text.splitlines()[:10]):
            continue
        name = path.relative_to(ROOT)
        lines = len(text.splitlines())
        if lines > MODULE_LIMIT:
            found.append(f"{name}: module ({lines} lines)")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                if length > FUNCTION_LIMIT:
                    found.append(f"{name}:{node.lineno} {node.name} ({length} lines)")
    return found


if __name__ == "__main__":
    listed = offenders()
    print("\n".join(listed) or "nothing over the limits")  # noqa: T201 - a command-line report
    sys.exit(1 if listed else 0)
