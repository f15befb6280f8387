"""Packaging and layering: what an embedder relies on without reading code."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import clientcare

ROOT = Path(__file__).resolve().parent.parent


def _packages_on_disk() -> set[str]:
    found = set()
    for init in (ROOT / "src" / "clientcare").rglob("__init__.py"):
        found.add(".".join(init.parent.relative_to(ROOT / "src").parts))
    for init in (ROOT / "adapters").rglob("__init__.py"):
        found.add(".".join(("clientcare", "adapters", *init.parent.relative_to(ROOT / "adapters").parts)))
    return {p for p in found if "__pycache__" not in p and "migrations.versions" not in p}


def test_every_package_is_listed_in_pyproject() -> None:
    """The explicit package list names every package folder (else wheels miss code)."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    assert _packages_on_disk() - listed == set()


def test_import_loads_no_sqlalchemy_driver_or_adapter() -> None:
    """`import clientcare` stays light: no SQLAlchemy, no driver, no adapter."""
    code = (
        "import sys, clientcare;"
        "bad = [m for m in sys.modules if m.split('.')[0] in {'sqlalchemy','alembic','psycopg','pymysql'}"
        " or m.startswith('clientcare.adapters')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_public_names_are_sorted_and_importable() -> None:
    """`__all__` is sorted and every name in it exists."""
    assert list(clientcare.__all__) == sorted(clientcare.__all__)
    for name in clientcare.__all__:
        assert hasattr(clientcare, name), name


def test_py_typed_is_shipped() -> None:
    """The package declares its type hints (PEP 561)."""
    assert (ROOT / "src" / "clientcare" / "py.typed").exists()
