#!/usr/bin/env bash
# Runs the airflow-dags tests in airflow-dags/.venv (made or refreshed by setup-venv.sh first).
#
# Airflow gets a throw-away AIRFLOW_HOME, no example DAGs, and this project's dags/ folder. The
# metadata database is a SQLite file in that home; the `airflow_db` fixture (tests/conftest.py)
# runs `airflow db migrate` into it once, and only when a selected test asks for it.
#
# Usage: scripts/test.sh [pytest arguments...]
# Exit code: pytest's, except that "no tests collected" (5) is a failure here.
set -euo pipefail

project="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$project/.venv"

"$project/scripts/setup-venv.sh"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/carelake-airflow-test.XXXXXX")"
trap 'rm -rf -- "$tmp"' EXIT

export AIRFLOW_HOME="$tmp/airflow-home"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__DAGS_FOLDER="$project/dags"
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="sqlite:///$AIRFLOW_HOME/airflow.db"
mkdir -p "$AIRFLOW_HOME"
# The venv's bin first: spark-submit (from pyspark) and airflow, as an activated venv would have.
export PATH="$venv/bin:$PATH"
export PYTHONPATH="$project${PYTHONPATH:+:$PYTHONPATH}"
# Spark 3.5 runs on Java 8/11/17; use 17 unless the caller chose a JDK.
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/java-17-openjdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
fi

cd "$project"

set +e
"$venv/bin/python" -m pytest "$@"
rc=$?
set -e
if [[ $rc -eq 5 ]]; then
  echo "test.sh: pytest collected no tests; there must be tests" >&2
  exit 1
fi
exit $rc
