#!/usr/bin/env bash
# Installs a stock Apache Flink distribution (FLINK_HOME = airflow-dags/.flink/pyflink) from the
# pinned, hash-checked PyFlink packages in requirements-flink.txt, or leaves it alone when it is up
# to date. Used by the `flink run` test of the ingestion jar; a deployment uses its own Flink.
#
# Usage: scripts/setup-flink.sh [--force]      (PYTHON=python3.x to choose the interpreter)
set -euo pipefail

project="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$project/.flink"
requirements="$project/requirements-flink.txt"
stamp="$target/.requirements-flink.stamp"
python="${PYTHON:-python3}"

# shellcheck source=../../bin/lib/setup-common.sh
source "$project/../bin/lib/setup-common.sh"
setup_args "$0" "$@"

want="requirements-flink-sha256=$(sha256sum "$requirements" | cut -d' ' -f1)"
setup_current setup-flink "$target/pyflink/bin/flink" "$stamp" "$want" && exit 0
rm -rf -- "$target"
start=$SECONDS
echo "setup-flink: installing the Flink distribution of requirements-flink.txt into $target (~310 MB)"
setup_pip_env
# --no-deps: only the Java distribution inside the packages is used. --require-hashes via the
# hashes in the file: the download is checked before anything is unpacked.
"$python" -m pip install --quiet --no-deps --require-hashes --target "$target" -r "$requirements"
chmod +x "$target"/pyflink/bin/*.sh "$target/pyflink/bin/flink"
version="$("$target/pyflink/bin/flink" --version 2>/dev/null | grep -o 'Version: [0-9.]*' | cut -d' ' -f2 || true)"
if [[ -z "$version" ]]; then
  echo "setup-flink: $target/pyflink/bin/flink --version failed (Java 17 needed on PATH or JAVA_HOME)" >&2
  exit 1
fi
echo "$want" > "$stamp"
echo "setup-flink: Flink $version in $((SECONDS - start)) s, FLINK_HOME=$target/pyflink"
