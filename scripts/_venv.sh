# Sourced by scripts/demo and scripts/test: make .venv and install sot into it.
# Usage: ensure_venv "[planning]" | ensure_venv "[dev]"
# Versions come from constraints.txt, the ones CI tests (docs/development.md says how
# to refresh it).
set -euo pipefail

find_python() {
  for candidate in "${PYTHON:-}" python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "sot needs Python 3.11 (python3.11 or python3 on PATH); set PYTHON=/path/to/python3.11" >&2
  return 1
}

ensure_venv() {
  local extras="$1"
  local py
  if [ ! -x .venv/bin/python ]; then
    py=$(find_python)
    echo "==> creating .venv with $py"
    if ! "$py" -m venv .venv 2>/dev/null; then
      # Debian without python3-venv: make a venv without pip and bootstrap pip from PyPI.
      rm -rf .venv
      "$py" -m venv --without-pip .venv
      echo "==> bootstrapping pip from PyPI (python3-venv is not installed)"
      .venv/bin/python scripts/bootstrap_pip.py
    fi
  fi
  local stamp=".venv/.sot-installed${extras}"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
    echo "==> installing sot${extras} into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check \
      -c constraints.txt -e ".${extras}"
    touch "$stamp"
  fi
}
