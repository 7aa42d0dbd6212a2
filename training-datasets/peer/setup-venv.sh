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

force=false
case "${1:-}" in
  "") ;;
  --force) force=true ;;
  *) echo "usage: $0 [--force]" >&2; exit 2 ;;
esac
command -v "$python" >/dev/null 2>&1 || { echo "setup-peer: '$python' not found (set PYTHON to a Python 3.11+ interpreter)" >&2; exit 1; }

want="lock-sha256=$(sha256sum "$lock" | cut -d' ' -f1) python=$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
if ! $force && [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "setup-peer: $venv is up to date ($want)"
  exit 0
fi
rm -rf -- "$venv"
start=$SECONDS
echo "setup-peer: installing datatrove and $(grep -cv '^\s*\(#\|$\)' "$lock") pinned packages into $venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_PROGRESS_BAR=off
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
