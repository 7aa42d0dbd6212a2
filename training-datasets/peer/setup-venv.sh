#!/usr/bin/env bash
# Creates training-datasets/peer/.venv (datatrove, the peer of `bin/carelake bench corpus`) from
# requirements.lock, or leaves it alone when it is up to date: a stamp inside .venv records the
# lock's SHA-256 and the Python version; when either differs the venv is rebuilt from scratch.
#
# Usage: setup-venv.sh [--force]      (PYTHON=python3.x to choose the interpreter)
set -euo pipefail

peer="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$peer/.venv"
lock="$peer/requirements.lock"
stamp="$venv/.requirements.lock.stamp"
python="${PYTHON:-python3}"

# shellcheck source=../../bin/lib/setup-common.sh
source "$peer/../../bin/lib/setup-common.sh"
setup_args "$0" "$@"
setup_python setup-peer "$python"

want="lock-sha256=$(sha256sum "$lock" | cut -d' ' -f1) python=$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
setup_current setup-peer "$venv/bin/python" "$stamp" "$want" && exit 0
rm -rf -- "$venv"
start=$SECONDS
echo "setup-peer: installing datatrove and $(grep -cv '^\s*\(#\|$\)' "$lock") pinned packages into $venv"
setup_pip_env
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
# --no-deps: the lock is the whole set; pip check catches a lock that is not
"$venv/bin/python" -m pip install --quiet --no-deps -r "$lock"
if ! "$venv/bin/python" -m pip check; then
  echo "setup-peer: requirements.lock is incomplete or inconsistent (above); regenerate it as training-datasets/README.md says" >&2
  exit 1
fi
# smoke check: the MinHash steps import, and datatrove's Chinese tokenizer segments
"$venv/bin/python" - <<'PY'
import logging

import jieba

jieba.setLogLevel(logging.WARNING)  # its dictionary-loading notes are no news to a user
from datatrove.pipeline.dedup.minhash import MinhashDedupSignature  # noqa: F401
from datatrove.utils.word_tokenizers import load_word_tokenizer
words = load_word_tokenizer("cmn_Hani").word_tokenize("头痛咳嗽发热")
assert len(words) > 1, f"datatrove's cmn_Hani tokenizer did not segment: {words}"
PY
echo "$want" > "$stamp"
echo "setup-peer: datatrove $("$venv/bin/python" -c 'from importlib.metadata import version; print(version("datatrove"))') in $((SECONDS - start)) s"
