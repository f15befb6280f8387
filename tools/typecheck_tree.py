"""Lay out .typecheck/clientcare as it installs: src/clientcare plus adapters/.

mypy and import-linter read packages from the file system; the adapters live
in a top-level folder but install as clientcare.adapters, so both tools get a
tree of symbolic links with the installed shape.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREE = ROOT / ".typecheck" / "clientcare"


def main() -> None:
    if TREE.parent.exists():
        shutil.rmtree(TREE.parent)
    TREE.mkdir(parents=True)
    for entry in (ROOT / "src" / "clientcare").iterdir():
        if entry.name != "__pycache__":
            (TREE / entry.name).symlink_to(entry)
    (TREE / "adapters").symlink_to(ROOT / "adapters")


if __name__ == "__main__":
    main()
