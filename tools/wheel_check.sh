#!/usr/bin/env bash
# Build the sdist and wheel, install the wheel into a fresh venv and run the
# demo from outside the repository: what a user gets from `pip install`.
# These are the commands of docs/index.md, "From a built wheel" (keep them
# alike), run in a temporary folder. Fails on any setuptools warning, so the
# package data stays declared.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-${root}/.venv/bin/python}"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

# Byte-compiling off (PYTHONDONTWRITEBYTECODE) makes setuptools warn; it is not a packaging fault.
(cd "${root}" && env -u PYTHONDONTWRITEBYTECODE "${python}" -m build --outdir "${work}/dist" >"${work}/build.log" 2>&1) || {
  cat "${work}/build.log"; exit 1; }
if grep -iE "warning|would be ignored" "${work}/build.log"; then
  echo "wheel_check: python -m build printed warnings (above)" >&2
  exit 1
fi

"${python}" -m venv "${work}/venv"
# The wheel's own dependencies come from the index or pip's local cache; the demo also needs sql.
wheel="$(ls "${work}"/dist/*.whl)"
"${work}/venv/bin/pip" install --quiet "${wheel}[sql,cli]" >"${work}/pip.log" 2>&1 || { cat "${work}/pip.log"; exit 1; }
cp "${root}"/examples/*.py "${work}/"
cd "${work}"
"${work}/venv/bin/python" -c "import clientcare, sys; assert 'site-packages' in clientcare.__file__, clientcare.__file__"
"${work}/venv/bin/python" demo.py "sqlite:///${work}/demo.db" >"${work}/demo.out"
"${work}/venv/bin/python" demo.py "sqlite:///${work}/demo.db" >>"${work}/demo.out"
"${work}/venv/bin/clientcare" db current --url "sqlite:///${work}/demo.db" >/dev/null
test -f "$("${work}/venv/bin/python" -c 'import clientcare, pathlib; print(pathlib.Path(clientcare.__file__).parent / "locales" / "en.toml")')"
echo "wheel_check: built, installed into a fresh venv, demo ran twice outside the repository"
