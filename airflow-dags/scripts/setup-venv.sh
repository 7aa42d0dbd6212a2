#!/usr/bin/env bash
# Creates airflow-dags/.venv from requirements.lock, or leaves it alone when it is up to date.
#
# Idempotent: a stamp inside .venv records the lock's SHA-256 and the Python version the venv was
# made with. When either differs (or there is no stamp, e.g. after a failed install), the venv is
# rebuilt from scratch, so it holds exactly the locked set and nothing left over.
#
# Usage: scripts/setup-venv.sh [--force]      (PYTHON=python3.x to choose the interpreter)
set -euo pipefail

project="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$project/.venv"
lock="$project/requirements.lock"
stamp="$venv/.requirements.lock.stamp"
python="${PYTHON:-python3}"

# shellcheck source=../../bin/lib/setup-common.sh
source "$project/../bin/lib/setup-common.sh"
setup_args "$0" "$@"

if [[ ! -f "$lock" ]]; then
  echo "setup-venv: $lock not found" >&2
  exit 1
fi
setup_python setup-venv "$python"

lock_hash="$(sha256sum "$lock" | cut -d' ' -f1)"
python_version="$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
want="lock-sha256=$lock_hash python=$python_version"

setup_current setup-venv "$venv/bin/python" "$stamp" "$want" && exit 0

if [[ -e "$venv" ]]; then
  if $force; then
    reason="--force"
  elif [[ -f "$stamp" ]]; then
    reason="stamp '$(cat "$stamp")' differs from '$want'"
  else
    reason="no stamp (new or unfinished venv)"
  fi
  echo "setup-venv: rebuilding $venv: $reason"
  rm -rf -- "$venv"
else
  echo "setup-venv: creating $venv"
fi

start=$SECONDS
setup_pip_env
"$python" -m venv "$venv"
echo "setup-venv: upgrading pip"
"$venv/bin/python" -m pip install --quiet --upgrade pip
echo "setup-venv: installing $(grep -cv '^\s*\(#\|$\)' "$lock") pinned packages from requirements.lock"
# --no-deps: the lock is the whole set (a pip freeze). Were it incomplete, pip check fails below
# instead of pip quietly adding whatever version of the missing package is newest today.
"$venv/bin/python" -m pip install --quiet --no-deps -r "$lock"
if ! "$venv/bin/python" -m pip check; then
  echo "setup-venv: requirements.lock is incomplete or inconsistent (above); regenerate it as README.md says" >&2
  exit 1
fi
# Smoke check, in a throw-away AIRFLOW_HOME (the airflow command creates one when it starts) and with
# the venv's bin first on PATH, which pyspark's spark-submit needs to find its own Spark.
check_home="$(mktemp -d "${TMPDIR:-/tmp}/carelake-airflow-setup.XXXXXX")"
trap 'rm -rf -- "$check_home"' EXIT
echo "setup-venv: airflow $(AIRFLOW_HOME="$check_home" "$venv/bin/airflow" version 2>/dev/null | tail -n 1)," \
  "pyspark $("$venv/bin/python" -c 'import pyspark; print(pyspark.__version__)')"
if command -v java >/dev/null 2>&1 || [[ -n "${JAVA_HOME:-}" ]]; then
  PATH="$venv/bin:$PATH" "$venv/bin/spark-submit" --version 2>&1 | grep -m1 -o 'version [0-9.]*' \
    | sed 's/^/setup-venv: spark-submit /' || echo "setup-venv: warning: spark-submit --version failed (Java 17 needed)" >&2
fi
# Written last: an interrupted install leaves no stamp, and the next run starts over.
echo "$want" > "$stamp"
echo "setup-venv: done in $((SECONDS - start)) s ($("$venv/bin/python" -m pip --version | cut -d' ' -f1,2), $want)"
