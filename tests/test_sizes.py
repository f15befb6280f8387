"""No module over 600 lines and no function over 60 lines in the library and its adapters."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_nothing_is_over_the_size_limits() -> None:
    """tools/sizes.py finds no module over 600 lines and no function over 60 (data tables aside)."""
    spec = importlib.util.spec_from_file_location("sizes", ROOT / "tools" / "sizes.py")
    assert spec is not None and spec.loader is not None
    sizes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sizes)
    assert sizes.offenders() == []
