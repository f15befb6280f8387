"""The house rules, checked: contracts by package, nothing escapes them, no private imports outside."""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import shutil
import subprocess
import sys
import tomllib
import typing
from pathlib import Path

import pytest

import clientcare.ports as ports

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "clientcare"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return list(config["contracts"])


def _named_in_contracts() -> set[str]:
    named: set[str] = set()
    for contract in _contracts():
        for key in ("source_modules", "modules"):
            named.update(contract.get(key, []))  # type: ignore[arg-type]
        for layer in contract.get("layers", []):  # type: ignore[union-attr]
            named.update(part.strip() for part in str(layer).split("|"))
    return named


def test_every_top_level_module_is_named_by_a_contract() -> None:
    """A module or package added at the top of clientcare must be placed in the contracts."""
    top = {
        f"clientcare.{entry.stem}"
        for entry in SRC.iterdir()
        if (entry.suffix == ".py" and entry.stem != "__init__") or (entry / "__init__.py").exists()
    }
    assert top - _named_in_contracts() == set()


def _tree(tmp_path: Path) -> Path:
    """A copy of the package laid out as it installs (adapters inside), with the contracts."""
    tree = tmp_path / "clientcare"
    shutil.copytree(SRC, tree, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "adapters", tree / "adapters", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("where", "source"),
    [
        ("cadences/_planted.py", "import sqlalchemy\n"),
        ("complaints/_planted.py", "from clientcare.adapters.memory import open_backend\n"),
        ("kernel/_planted.py", "from clientcare.loyalty._tiers import AbcLabel\n"),
        ("loyalty/_planted.py", "from clientcare.cadences._touches_service import TouchesService\n"),
        ("testing/_planted.py", "import alembic\n"),
    ],
)
def test_a_planted_module_breaking_the_rules_fails_the_contracts(tmp_path: Path, where: str, source: str) -> None:
    """A new module inside a package is covered without being listed: lint-imports fails."""
    root = _tree(tmp_path)
    (root / "clientcare" / where).write_text(source)
    result = _lint(root)
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout


def test_the_unplanted_copy_keeps_every_contract(tmp_path: Path) -> None:
    """The control: the same copy without a planted module keeps every contract."""
    result = _lint(_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def _private_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found += [n for n in names if n.startswith("clientcare") and any(p.startswith("_") for p in n.split(".")[1:])]
    return found


@pytest.mark.parametrize("folder", [ROOT / "examples", SRC / "testing"], ids=["examples", "clientcare.testing"])
def test_examples_and_contract_suites_need_no_private_name(folder: Path) -> None:
    """What an embedder copies from, or runs against its adapter, imports only public names."""
    offenders = {
        str(path.relative_to(ROOT)): hits
        for path in folder.rglob("*.py")
        if (hits := [h for h in _private_imports(path) if not h.startswith("clientcare.testing._")])
    }
    assert offenders == {}


def _public_home(cls: type) -> str:
    """``clientcare.customers`` for a class defined in ``clientcare.customers._model``."""
    parts = cls.__module__.split(".")
    return ".".join(p for p in parts if not p.startswith("_"))


def _types_in(annotation: object) -> list[type]:
    found: list[type] = []
    if isinstance(annotation, type):
        found.append(annotation)
    for arg in getattr(annotation, "__args__", ()) or ():
        found += _types_in(arg)
    return found


def test_every_type_in_a_port_signature_is_public() -> None:
    """An adapter author can name every type a port takes or returns without a private import."""
    missing = set()
    for name in ports.__all__:
        port = getattr(ports, name)
        if not inspect.isclass(port):
            continue
        members = [m for m in vars(port).values() if inspect.isfunction(m)]
        for member in members:
            namespace = {**vars(sys.modules[member.__module__]), "FullUnitOfWork": ports.UnitOfWork}
            hints = typing.get_type_hints(member, namespace)
            for hint in hints.values():
                for cls in _types_in(hint):
                    if not cls.__module__.startswith("clientcare"):
                        continue
                    home = importlib.import_module(_public_home(cls))
                    if getattr(home, cls.__name__, None) is not cls:
                        missing.add(f"{name}.{member.__name__}: {cls.__module__}.{cls.__name__}")
    assert missing == set()


AREAS = ("analytics", "assessments", "cadences", "campaigns", "complaints", "customers", "loyalty", "purchases")


@pytest.mark.parametrize("area", AREAS)
def test_each_area_package_exports_a_sorted_importable_api(area: str) -> None:
    """`clientcare.<area>` names its public types deliberately: an `__all__` of real names, each once.

    (Its order, constants first, is ruff's RUF022.)
    """
    package = importlib.import_module(f"clientcare.{area}")
    assert len(set(package.__all__)) == len(package.__all__)
    assert all(hasattr(package, name) for name in package.__all__)


def test_area_types_are_reachable_by_area_and_generic_names_stay_out_of_the_top() -> None:
    """`clientcare.complaints.Complaint` works; `Option`, `Review`, `Contract` live only in their areas."""
    import clientcare  # noqa: PLC0415 - the package under test, imported where it is checked

    assert clientcare.complaints.Complaint is clientcare.Complaint
    assert {"Option", "Review", "Contract"}.isdisjoint(clientcare.__all__)
    assert importlib.import_module("clientcare.complaints").Option.__name__ == "Option"
