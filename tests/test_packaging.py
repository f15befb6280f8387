"""Packaging and layering: what an embedder relies on without reading code."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

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


# Loaded by name at run time, never by an import statement: the reason for each.
_RUNTIME_DATA_ONLY = {
    "tzdata": "zoneinfo reads it as data where the system has no time zone database",
    "psycopg": "SQLAlchemy loads it for postgresql+psycopg:// URLs",
    "pymysql": "SQLAlchemy loads it for mysql+pymysql:// URLs",
}
_IMPORT_NAME = {"email-validator": "email_validator"}


def _imported_top_modules() -> set[str]:
    """Top-level modules imported by the installed code and by the demo that CI runs from the wheel."""
    found: set[str] = set()
    for folder in (ROOT / "src", ROOT / "adapters", ROOT / "examples"):
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    found.add(node.module.split(".")[0])
    return found


def _requirement_name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower()


# Extras of tools, not of the library: nothing installed imports them, by design.
_TOOL_EXTRAS = {"dev", "docs"}


def test_every_declared_dependency_is_imported_somewhere() -> None:
    """No dependency or extra (but the tool extras dev and docs) is declared that no installed module imports."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"])
    for extra, requirements in project["optional-dependencies"].items():
        if extra not in _TOOL_EXTRAS:
            declared += [r for r in requirements if not r.startswith("clientcare")]
    imported = _imported_top_modules()
    unused = [
        name
        for name in map(_requirement_name, declared)
        if name not in _RUNTIME_DATA_ONLY and _IMPORT_NAME.get(name, name.replace("-", "_")) not in imported
    ]
    assert unused == []


def test_the_docs_extra_is_part_of_dev() -> None:
    """`make install` (the dev extra) brings what `make docs` and the Sybil pages need."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    names = {_requirement_name(r) for r in extras["docs"]}
    assert {"mkdocs", "mkdocs-material", "mkdocstrings", "sybil"} <= names
    assert any(r.startswith("clientcare[") and "docs" in r for r in extras["dev"])


def test_the_testing_extra_covers_what_the_contract_suites_import() -> None:
    """`clientcare.testing` imports pytest, and the `testing` extra installs it."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(_requirement_name(r) == "pytest" for r in extras["testing"])


def test_license_file_is_mit() -> None:
    """The LICENSE file exists and grants the MIT terms to clientcare's developers."""
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "clientcare developers" in text


@pytest.mark.parametrize(
    ("missing", "extra"),
    [("typer", "cli"), ("rich", "cli"), ("sqlalchemy", "sql"), ("alembic", "sql")],
)
def test_the_script_names_the_extra_to_install_when_a_module_is_missing(missing: str, extra: str) -> None:
    """With typer, rich or SQLAlchemy unimportable the `clientcare` script prints the pip line, no traceback."""
    # A meta path finder that refuses the module simulates an install without the extra.
    code = (
        "import sys\n"
        "class Refuse:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] == {missing!r}:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Refuse())\n"
        "sys.argv = ['clientcare', 'db', 'upgrade', '--url', 'sqlite://']\n"
        "from clientcare.script import main\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 3, result.stderr
    assert f'pip install "clientcare[{extra}]"' in result.stderr
    assert "Traceback" not in result.stderr


def test_the_script_runs_the_cli_when_every_extra_is_installed() -> None:
    """With the extras present the script is the CLI itself (help lists the command groups)."""
    code = "import sys; sys.argv = ['clientcare', '--help']; from clientcare.script import main; main()"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "db" in result.stdout and "purchases" in result.stdout
